import type { SourceLocation } from "../util/source-location.ts";

/** sealer's per-host or cluster-wide SSH settings (`spec.ssh`, `spec.hosts[].ssh`). */
export interface SshConfig {
  readonly user?: string;
  readonly passwd?: string;
  readonly pk?: string;
  readonly pkPasswd?: string;
  readonly port?: string;
  readonly encrypted?: boolean;
}

export interface ClusterHost {
  /** Normalized addresses. */
  readonly ips: readonly string[];
  /** `master`, `node`, or roles of the user's own. */
  readonly roles: readonly string[];
  readonly ssh: SshConfig;
  /** `KEY=VALUE` entries that override the cluster's env on these hosts. */
  readonly env: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly string[];
  readonly location: SourceLocation;
}

export interface RegistryConfig {
  readonly domain: string;
  readonly port?: number;
  readonly username?: string;
  readonly password?: string;
}

/** `spec.registry.localRegistry`: a domain or port left out is the image's registry's (else sea.hub:5000). */
export interface LocalRegistryConfig extends Omit<RegistryConfig, "domain"> {
  readonly domain?: string;
  /** Serve the registry on every master (sealer's default) or on master0 only. */
  readonly ha?: boolean;
  readonly insecure?: boolean;
  readonly subjectAltNames?: { readonly dnsNames: readonly string[]; readonly ips: readonly string[] };
}

/**
 * A sealer `apiVersion: sealer.io/v2, kind: Cluster` document: the hosts, how to reach them,
 * the env templates and scripts see, and the registry the cluster pulls from.
 */
export interface Cluster {
  readonly name?: string;
  readonly image?: string;
  readonly env: readonly string[];
  readonly cmdArgs: readonly string[];
  readonly cmd: readonly string[];
  readonly appNames: readonly string[];
  readonly hosts: readonly ClusterHost[];
  readonly ssh: SshConfig;
  /** `spec.containerRuntime.type`: `containerd`, `docker`, … */
  readonly containerRuntime?: string;
  readonly registry: { readonly local?: LocalRegistryConfig; readonly external?: RegistryConfig };
  readonly hostAliases: readonly { readonly ip: string; readonly hostnames: readonly string[] }[];
  readonly dataRoot?: string;
  readonly location: SourceLocation;
  /** Where a field of the document is written (the nearest place that exists). */
  readonly locate?: (path: readonly (string | number)[]) => SourceLocation;
}

/** The addresses of the hosts with a role, in Clusterfile order (the first master is master0). */
export function hostsWithRole(cluster: Cluster | undefined, role: string): string[] {
  return (cluster?.hosts ?? []).filter((host) => host.roles.includes(role)).flatMap((host) => host.ips);
}
