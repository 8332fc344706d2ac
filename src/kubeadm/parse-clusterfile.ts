import { formatLocation, UserInputError, type SourceLocation } from "../util/source-location.ts";
import { checkConfigValue } from "./check-config-value.ts";
import type { Cluster, ClusterHost, LocalRegistryConfig, RegistryConfig, SshConfig } from "./cluster.ts";
import type { ConfigDocument } from "./config-document.ts";
import { ANY, BOOL, INT, list, map, SCALAR, STRING, struct } from "./config-schema.ts";
import { formatConfigPath, getConfigValue, isConfigObject, type ConfigPath, type ConfigValue } from "./config-value.ts";
import { parseIpAddress } from "./ip-address.ts";
import type { KubeadmApiVersion } from "./kubeadm-api.ts";
import { CLUSTER_API_VERSION, parseConfigFile, type ParsedConfigFile } from "./parse-config-file.ts";

/** A Clusterfile: sealer's Cluster plus the kubeadm documents written next to it. */
export interface Clusterfile {
  readonly cluster?: Cluster;
  readonly documents: ConfigDocument[];
  readonly api?: KubeadmApiVersion;
  /** sealer's Config, Plugin and Application documents, in file order. */
  readonly sealerDocuments: ParsedConfigFile["sealerDocuments"];
  readonly warnings: string[];
}

const SSH = struct({ encrypted: BOOL, user: STRING, passwd: STRING, pk: STRING, pkPasswd: STRING, port: SCALAR });
const REGISTRY_FIELDS = { domain: STRING, port: INT, username: STRING, password: STRING };

const CLUSTER_SCHEMA = struct({
  apiVersion: STRING,
  kind: STRING,
  metadata: struct({ name: STRING }, true),
  spec: struct({
    image: STRING,
    env: list(STRING),
    cmd_args: list(STRING),
    cmd: list(STRING),
    appNames: list(STRING),
    hosts: list(struct({ ips: list(STRING), roles: list(STRING), ssh: SSH, env: list(STRING), labels: map(STRING), taints: list(STRING) })),
    ssh: SSH,
    containerRuntime: struct({ type: STRING }),
    hostAliases: list(struct({ ip: STRING, hostnames: list(STRING) })),
    registry: struct({
      localRegistry: struct({
        ...REGISTRY_FIELDS,
        ha: BOOL,
        insecure: BOOL,
        cert: struct({ subjectAltName: struct({ dnsNames: list(STRING), ips: list(STRING) }) }),
      }),
      externalRegistry: struct(REGISTRY_FIELDS),
    }),
    dataRoot: STRING,
  }),
  status: ANY,
});

/**
 * Read a Clusterfile: at most one `apiVersion: sealer.io/v2, kind: Cluster` document (image,
 * hosts with ips/roles/ssh/env, ssh, env, cmd_args, registry, containerRuntime…) and any of the
 * kubeadm documents. Every mistake is reported at its `file:line:column`.
 *
 * @throws {UserInputError}
 */
export function parseClusterfile(text: string, file: string): Clusterfile {
  const parsed = parseConfigFile(text, file, { allowCluster: true });
  const cluster = parsed.cluster ? decodeCluster(parsed.cluster.value, parsed.cluster.locate) : undefined;
  return {
    ...(cluster ? { cluster } : {}),
    documents: parsed.documents,
    ...(parsed.api ? { api: parsed.api } : {}),
    sealerDocuments: parsed.sealerDocuments,
    warnings: parsed.warnings,
  };
}

type Locate = (path: ConfigPath, part?: "key" | "value") => SourceLocation;

function decodeCluster(value: ConfigValue, locate: Locate): Cluster {
  const fail = (path: ConfigPath, message: string, part: "key" | "value" = "value"): never => {
    throw new UserInputError(locate(path, part), message);
  };
  checkConfigValue(value, CLUSTER_SCHEMA, { label: `${CLUSTER_API_VERSION} Cluster`, fail });
  const at = (...path: (string | number)[]) => getConfigValue(value, path);
  const strings = (path: ConfigPath): string[] => {
    const items = getConfigValue(value, path);
    return Array.isArray(items) ? (items as string[]) : [];
  };
  const text = (path: ConfigPath): string | undefined => {
    const item = getConfigValue(value, path);
    return typeof item === "string" ? item : undefined;
  };
  const envList = (path: ConfigPath): string[] => {
    const entries = strings(path);
    entries.forEach((entry, index) => {
      if (!/^[^=\s]+=/.test(entry)) fail([...path, index], `"${formatConfigPath([...path, index])}" must be KEY=VALUE, not "${entry}"`);
    });
    return entries;
  };

  const seenIps = new Map<string, ConfigPath>();
  const hostsValue = at("spec", "hosts");
  const hosts: ClusterHost[] = (Array.isArray(hostsValue) ? hostsValue : []).map((_, index) => {
    const path = ["spec", "hosts", index];
    const ipsPath = [...path, "ips"];
    const rawIps = strings(ipsPath);
    if (rawIps.length === 0) fail(path, `"${formatConfigPath(path)}" needs "ips": the addresses of the hosts`);
    const ips = rawIps.map((ip, ipIndex) => {
      const parsed = parseIpAddress(ip);
      if (!parsed) fail([...ipsPath, ipIndex], `"${ip}" is not an IP address`);
      const previous = seenIps.get(parsed!.address);
      if (previous) fail([...ipsPath, ipIndex], `${ip} is listed twice: it is also at ${formatLocation(locate(previous))}`);
      seenIps.set(parsed!.address, [...ipsPath, ipIndex]);
      return parsed!.address;
    });
    const roles = strings([...path, "roles"]);
    if (roles.length === 0) fail(path, `"${formatConfigPath(path)}" needs "roles": master or node`);
    return {
      ips,
      roles,
      ssh: decodeSsh(getConfigValue(value, [...path, "ssh"])),
      env: envList([...path, "env"]),
      labels: (isConfigObject(at(...path, "labels")) ? at(...path, "labels") : {}) as Record<string, string>,
      taints: strings([...path, "taints"]),
      location: locate(path),
    };
  });
  if (hosts.length > 0 && !hosts.some((host) => host.roles.includes("master"))) {
    fail(["spec", "hosts"], 'No host has the role "master": the first master runs kubeadm init');
  }

  const local = at("spec", "registry", "localRegistry");
  const external = at("spec", "registry", "externalRegistry");
  const registry: { local?: LocalRegistryConfig; external?: RegistryConfig } = {};
  if (isConfigObject(local)) {
    const san = at("spec", "registry", "localRegistry", "cert", "subjectAltName");
    registry.local = {
      ...decodeRegistry(["spec", "registry", "localRegistry"]),
      ...(typeof local.ha === "boolean" ? { ha: local.ha } : {}),
      ...(typeof local.insecure === "boolean" ? { insecure: local.insecure } : {}),
      ...(isConfigObject(san)
        ? {
            subjectAltNames: {
              dnsNames: strings(["spec", "registry", "localRegistry", "cert", "subjectAltName", "dnsNames"]),
              ips: strings(["spec", "registry", "localRegistry", "cert", "subjectAltName", "ips"]),
            },
          }
        : {}),
    };
  }
  if (isConfigObject(external)) {
    if (!text(["spec", "registry", "externalRegistry", "domain"])) {
      fail(["spec", "registry", "externalRegistry"], '"spec.registry.externalRegistry" needs a "domain"');
    }
    registry.external = decodeRegistry(["spec", "registry", "externalRegistry"]) as RegistryConfig;
  }

  /** A registry's fields as written (the domain and port that are left out are left out). */
  function decodeRegistry(path: string[]): Omit<RegistryConfig, "domain"> & { domain?: string } {
    const port = getConfigValue(value, [...path, "port"]);
    if (typeof port === "number" && (port < 1 || port > 65535)) fail([...path, "port"], `"${formatConfigPath([...path, "port"])}" must be a port from 1 to 65535, not ${port}`);
    const username = text([...path, "username"]);
    const password = text([...path, "password"]);
    const domain = text([...path, "domain"]);
    return {
      ...(domain ? { domain } : {}),
      ...(typeof port === "number" ? { port } : {}),
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
    };
  }

  const aliasesValue = at("spec", "hostAliases");
  const hostAliases = (Array.isArray(aliasesValue) ? aliasesValue : []).map((_, index) => {
    const path = ["spec", "hostAliases", index];
    const ip = text([...path, "ip"]) ?? "";
    const parsed = parseIpAddress(ip);
    if (!parsed) fail([...path, "ip"], `"${formatConfigPath([...path, "ip"])}" must be an IP address, not "${ip}"`);
    return { ip: parsed!.address, hostnames: strings([...path, "hostnames"]) };
  });

  const name = text(["metadata", "name"]);
  const image = text(["spec", "image"]);
  const containerRuntime = text(["spec", "containerRuntime", "type"]);
  const dataRoot = text(["spec", "dataRoot"]);
  return {
    ...(name ? { name } : {}),
    ...(image ? { image } : {}),
    env: envList(["spec", "env"]),
    cmdArgs: strings(["spec", "cmd_args"]),
    cmd: strings(["spec", "cmd"]),
    appNames: strings(["spec", "appNames"]),
    hosts,
    ssh: decodeSsh(at("spec", "ssh")),
    ...(containerRuntime ? { containerRuntime } : {}),
    registry,
    hostAliases,
    ...(dataRoot ? { dataRoot } : {}),
    location: locate([]),
    locate: (path) => locate([...path]),
  };
}

function decodeSsh(value: ConfigValue | undefined): SshConfig {
  if (!isConfigObject(value)) return {};
  const ssh: Record<string, string | boolean> = {};
  for (const key of ["user", "passwd", "pk", "pkPasswd"] as const) if (typeof value[key] === "string") ssh[key] = value[key];
  if (typeof value.port === "string" || typeof value.port === "number") ssh.port = String(value.port);
  if (typeof value.encrypted === "boolean") ssh.encrypted = value.encrypted;
  return ssh as SshConfig;
}
