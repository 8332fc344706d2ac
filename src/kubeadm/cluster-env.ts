import type { Cluster, RegistryConfig } from "./cluster.ts";
import { addressInCidr, joinHostPort, parseIpAddress } from "./ip-address.ts";

/** An env value: a string, or a list when the key is given several times (`CertSANs=a`, `CertSANs=b`). */
export type EnvValue = string | readonly string[];
export type ClusterEnv = Readonly<Record<string, EnvValue>>;

/** sealer's default local registry, `sea.hub:5000`. */
export const DEFAULT_REGISTRY: RegistryConfig = { domain: "sea.hub", port: 5000 };

/** Keys lade computes; a value the user gives for them is replaced (as sealer does). */
const COMPUTED_KEYS = [
  "RegistryDomain",
  "RegistryPort",
  "RegistryURL",
  "LocalRegistryDomain",
  "LocalRegistryPort",
  "LocalRegistryURL",
  "ExternalRegistryDomain",
  "ExternalRegistryPort",
  "ExternalRegistryURL",
  "KubeSvcIP",
  "DNSSvcIP",
];

/** `["A=1", "B=2", "A=3"]` → `{A: ["1", "3"], B: "2"}`; entries without "=" are skipped. */
export function parseEnvList(entries: readonly string[]): Record<string, EnvValue> {
  const env: Record<string, EnvValue> = {};
  for (const entry of entries) {
    const equals = entry.indexOf("=");
    if (equals <= 0) continue;
    const key = entry.slice(0, equals);
    const value = entry.slice(equals + 1);
    const previous = env[key];
    env[key] = previous === undefined ? value : [...(typeof previous === "string" ? [previous] : previous), value];
  }
  return env;
}

/** The values of an env key as a list; comma-separated values are split (`CertSANs=a,b`). */
export function envList(env: ClusterEnv, key: string): string[] {
  const value = env[key];
  const values = value === undefined ? [] : typeof value === "string" ? [value] : value;
  return values.flatMap((item) => item.split(",")).map((item) => item.trim()).filter(Boolean);
}

/** The last value of an env key. */
export function envValue(env: ClusterEnv, key: string): string | undefined {
  const value = env[key];
  return value === undefined ? undefined : typeof value === "string" ? value : value[value.length - 1];
}

export interface ClusterEnvOptions {
  /** The image's `Env` (Kubefile ENV). */
  readonly imageEnv?: Readonly<Record<string, string>>;
  readonly cluster?: Cluster;
  /** The host the env is for: its `hosts[].env` applies and `HostIP` is set. */
  readonly host?: string;
  /** `KEY=VALUE` entries above everything else (`lade run --env`). */
  readonly overrides?: readonly string[];
  /** The registry the image's nodes were made for (etc/lade-rootfs.env): the local registry's defaults. */
  readonly imageRegistry?: RegistryConfig;
}

/**
 * The env that renders `*.tmpl` files and reaches scripts, as sealer builds it: image ENV, then the
 * Clusterfile's `spec.env`, then the host's `hosts[].env` (each replaces the keys it gives), plus
 * computed keys: `RegistryDomain`/`RegistryPort`/`RegistryURL` (the external registry if the
 * Clusterfile names one, else the local one, whose domain and port default to the image's
 * registry, else sea.hub:5000), `LocalRegistry*`,
 * `ExternalRegistry*`, `ContainerRuntime` (from `spec.containerRuntime.type`), `KubeSvcIP` and
 * `DNSSvcIP` (1st and 10th address of `SvcCIDR`), and `HostIP`/`HostIPFamily` for a host.
 */
export function resolveClusterEnv(options: ClusterEnvOptions): Record<string, EnvValue> {
  const { cluster, host } = options;
  const hostEntry = host ? cluster?.hosts.find((candidate) => candidate.ips.includes(host)) : undefined;
  const env: Record<string, EnvValue> = {
    ...options.imageEnv,
    ...parseEnvList(cluster?.env ?? []),
    ...parseEnvList(hostEntry?.env ?? []),
    ...parseEnvList(options.overrides ?? []),
  };
  for (const key of COMPUTED_KEYS) delete env[key];

  const defaults = options.imageRegistry ?? DEFAULT_REGISTRY;
  const given = cluster?.registry.local;
  const local = given ? { ...defaults, ...given } : cluster?.registry.external ? undefined : defaults;
  const external = cluster?.registry.external;
  const add = (prefix: string, registry: RegistryConfig) => {
    env[`${prefix}Domain`] = registry.domain;
    env[`${prefix}Port`] = registry.port === undefined ? "" : String(registry.port);
    env[`${prefix}URL`] = registryUrl(registry);
  };
  if (local) add("LocalRegistry", local);
  if (external) add("ExternalRegistry", external);
  add("Registry", external ?? local ?? defaults);

  if (cluster?.containerRuntime) env.ContainerRuntime = cluster.containerRuntime;
  const serviceCidr = envList(env, "SvcCIDR")[0];
  if (serviceCidr) {
    const kubeIp = addressInCidr(serviceCidr, 1);
    const dnsIp = addressInCidr(serviceCidr, 10);
    if (kubeIp) env.KubeSvcIP = kubeIp;
    if (dnsIp) env.DNSSvcIP = dnsIp;
  }
  if (host) {
    env.HostIP = envValue(env, "HostIP") ?? host;
    env.HostIPFamily = parseIpAddress(host)?.family === 6 ? "IPv6" : "IPv4";
  }
  return env;
}

/** `domain:port`, or the domain alone without a port. */
export function registryUrl(registry: RegistryConfig): string {
  return registry.port === undefined ? registry.domain : joinHostPort(registry.domain, registry.port);
}
