import { componentConfigSchema } from "./component-config-schema.ts";
import type { ConfigKind, KubeadmApiVersion } from "./kubeadm-api.ts";

/**
 * The shape of a config document, enough to catch what kubeadm would refuse (unknown fields,
 * wrong types) at the line the user wrote, before anything is merged.
 */
export type FieldSchema =
  | { readonly type: "string" | "bool" | "int" | "number" | "duration" | "any" | "scalar" }
  | { readonly type: "list"; readonly items: FieldSchema }
  | { readonly type: "map"; readonly values: FieldSchema }
  | StructSchema;

export interface StructSchema {
  readonly type: "struct";
  readonly fields: Readonly<Record<string, FieldSchema>>;
  /** Fields not listed are accepted as they are (kubelet and kube-proxy change theirs every release). */
  readonly open?: boolean;
}

export const STRING: FieldSchema = { type: "string" };
export const BOOL: FieldSchema = { type: "bool" };
export const INT: FieldSchema = { type: "int" };
export const DURATION: FieldSchema = { type: "duration" };
export const ANY: FieldSchema = { type: "any" };
/** A string or a number (an SSH port written either way). */
export const SCALAR: FieldSchema = { type: "scalar" };

export function list(items: FieldSchema): FieldSchema {
  return { type: "list", items };
}

export function map(values: FieldSchema): FieldSchema {
  return { type: "map", values };
}

export function struct(fields: Record<string, FieldSchema>, open = false): StructSchema {
  return { type: "struct", fields, open };
}

/** Fields that only exist in some versions: `when(condition, {…})`. */
function when(condition: boolean, fields: Record<string, FieldSchema>): Record<string, FieldSchema> {
  return condition ? fields : {};
}

/** The field names of extra-argument lists: a map in v1beta1–v1beta3, a `{name, value}` list in v1beta4. */
export const ARGUMENT_FIELDS: ReadonlySet<string> = new Set(["extraArgs", "kubeletExtraArgs"]);

function kubeadmSchemas(api: KubeadmApiVersion): Record<"InitConfiguration" | "ClusterConfiguration" | "JoinConfiguration", StructSchema> {
  const beta2 = api === "v1beta1" || api === "v1beta2";
  const beta4 = api === "v1beta4";
  const args = beta4 ? list(struct({ name: STRING, value: STRING })) : map(STRING);
  const envs = list(struct({ name: STRING, value: STRING, valueFrom: ANY }));
  const volumes = list(struct({ name: STRING, hostPath: STRING, mountPath: STRING, readOnly: BOOL, pathType: STRING }));
  const component = { extraArgs: args, extraVolumes: volumes, ...when(beta4, { extraEnvs: envs }) };
  const endpoint = struct({ advertiseAddress: STRING, bindPort: INT });
  const nodeRegistration = struct({
    name: STRING,
    criSocket: STRING,
    taints: list(struct({ key: STRING, value: STRING, effect: STRING, timeAdded: STRING })),
    kubeletExtraArgs: args,
    ignorePreflightErrors: list(STRING),
    ...when(!beta2, { imagePullPolicy: STRING }),
    ...when(beta4, { imagePullSerial: BOOL }),
  });
  const timeouts = struct({
    controlPlaneComponentHealthCheck: DURATION,
    kubeletHealthCheck: DURATION,
    kubernetesAPICall: DURATION,
    etcdAPICall: DURATION,
    tlsBootstrap: DURATION,
    discovery: DURATION,
    upgradeManifests: DURATION,
  });
  const phasesAndPatches = when(!beta2, { skipPhases: list(STRING), patches: struct({ directory: STRING }) });
  const beta4Run = when(beta4, { dryRun: BOOL, timeouts });
  return {
    InitConfiguration: struct({
      bootstrapTokens: list(
        struct({ token: STRING, description: STRING, ttl: DURATION, expires: STRING, usages: list(STRING), groups: list(STRING) }),
      ),
      nodeRegistration,
      localAPIEndpoint: endpoint,
      certificateKey: STRING,
      ...phasesAndPatches,
      ...beta4Run,
    }),
    ClusterConfiguration: struct({
      etcd: struct({
        local: struct({
          imageRepository: STRING,
          imageTag: STRING,
          dataDir: STRING,
          extraArgs: args,
          ...when(beta4, { extraEnvs: envs }),
          serverCertSANs: list(STRING),
          peerCertSANs: list(STRING),
        }),
        external: struct({ endpoints: list(STRING), caFile: STRING, certFile: STRING, keyFile: STRING }),
      }),
      networking: struct({ serviceSubnet: STRING, podSubnet: STRING, dnsDomain: STRING }),
      kubernetesVersion: STRING,
      controlPlaneEndpoint: STRING,
      apiServer: struct({ ...component, certSANs: list(STRING), ...when(!beta4, { timeoutForControlPlane: DURATION }) }),
      controllerManager: struct(component),
      scheduler: struct(component),
      dns: struct({
        ...when(beta2, { type: STRING }),
        imageRepository: STRING,
        imageTag: STRING,
        ...when(beta4, { disabled: BOOL }),
      }),
      ...when(beta4, { proxy: struct({ disabled: BOOL }) }),
      certificatesDir: STRING,
      imageRepository: STRING,
      ...when(beta2, { useHyperKubeImage: BOOL }),
      featureGates: map(BOOL),
      clusterName: STRING,
      ...when(beta4, { encryptionAlgorithm: STRING, certificateValidityPeriod: DURATION, caCertificateValidityPeriod: DURATION }),
    }),
    JoinConfiguration: struct({
      nodeRegistration,
      caCertPath: STRING,
      discovery: struct({
        bootstrapToken: struct({ token: STRING, apiServerEndpoint: STRING, caCertHashes: list(STRING), unsafeSkipCAVerification: BOOL }),
        file: struct({ kubeConfigPath: STRING }),
        tlsBootstrapToken: STRING,
        ...when(!beta4, { timeout: DURATION }),
      }),
      controlPlane: struct({ localAPIEndpoint: endpoint, certificateKey: STRING }),
      ...phasesAndPatches,
      ...beta4Run,
    }),
  };
}

const CACHE = new Map<KubeadmApiVersion, ReturnType<typeof kubeadmSchemas>>();

/**
 * The schema of a kind; kubeadm's own kinds depend on the API version, the kubelet's and
 * kube-proxy's (upstream's types, generated) on the Kubernetes minor — every field any supported
 * minor has when the minor is not known yet.
 */
export function configSchema(kind: ConfigKind, api: KubeadmApiVersion, kubernetesMinor?: number): StructSchema {
  if (kind === "KubeletConfiguration" || kind === "KubeProxyConfiguration") return componentConfigSchema(kind, kubernetesMinor);
  let schemas = CACHE.get(api);
  if (!schemas) CACHE.set(api, (schemas = kubeadmSchemas(api)));
  return schemas[kind];
}

/**
 * The schema of the field at `path`, or undefined when that field does not exist. List indexes in
 * the path may be left out: a key after a list applies to its items.
 */
export function fieldSchemaAt(schema: StructSchema, path: readonly (string | number)[]): FieldSchema | undefined {
  let current: FieldSchema | undefined = schema;
  for (const step of path) {
    if (!current) return undefined;
    if (current.type === "list") {
      current = current.items;
      if (typeof step === "number") continue;
    }
    if (typeof step === "number") return undefined;
    if (current.type === "struct") current = current.fields[step] ?? (current.open ? ANY : undefined);
    else if (current.type === "map") current = current.values;
    else if (current.type === "any") return ANY;
    else return undefined;
  }
  return current;
}
