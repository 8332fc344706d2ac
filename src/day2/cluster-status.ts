import type { MultiHostState } from "../run/install-hosts.ts";
import { KUBECTL } from "../run/kubectl.ts";

/**
 * What `lade status` says of an installed cluster, from its run state alone: the image, the
 * hosts with their roles, architectures and last steps, the registry hosts, and whether the run
 * finished (lade run marks the state when every step is done). Pure: the nodes kubectl reports
 * are the caller's.
 */
export interface ClusterStatus {
  readonly image?: string;
  readonly digest?: string;
  /** "installed", "installing" (a run stopped before the end) or "deleting". */
  readonly phase: "installed" | "installing" | "deleting";
  readonly lastStep?: string;
  readonly installedAt?: string;
  /** The image's Kubernetes version (recorded by lade run and lade upgrade). */
  readonly kubeVersion?: string;
  /** A lade upgrade that has not finished: to which image and version. */
  readonly upgrading?: { readonly image: string; readonly to: string };
  readonly hostDir?: string;
  readonly registryHosts: readonly string[];
  readonly hosts: readonly HostStatus[];
}

export interface HostStatus {
  readonly ip: string;
  readonly role: string;
  readonly arch?: string;
  readonly steps: number;
  readonly lastStep?: string;
  readonly registry: boolean;
}

export function clusterStatus(state: MultiHostState): ClusterStatus {
  const registryHosts = state.registryHosts ?? [];
  const hosts = Object.entries(state.hosts ?? {}).map(([ip, host]) => ({
    ip,
    role: host.role,
    ...(host.arch ? { arch: host.arch } : {}),
    steps: host.done.length,
    ...(host.done.length > 0 ? { lastStep: host.done.at(-1)! } : {}),
    registry: registryHosts.includes(ip),
  }));
  const deleting = (state.deleted?.length ?? 0) > 0 || Object.values(state.hosts ?? {}).some((host) => (host.deleted?.length ?? 0) > 0);
  return {
    ...(state.image ? { image: state.image } : {}),
    ...(state.digest ? { digest: state.digest } : {}),
    phase: deleting ? "deleting" : state.installedAt ? "installed" : "installing",
    ...(state.installedAt ? { installedAt: state.installedAt } : {}),
    ...(state.kubeVersion ? { kubeVersion: state.kubeVersion } : {}),
    ...(state.upgrade ? { upgrading: { image: state.upgrade.image, to: state.upgrade.to } } : {}),
    ...(state.done.length > 0 ? { lastStep: state.done.at(-1)! } : {}),
    ...(state.hostDir ? { hostDir: state.hostDir } : {}),
    registryHosts,
    hosts,
  };
}

/** The status as text lines, for a terminal. */
export function formatClusterStatus(status: ClusterStatus, dataDir: string): string[] {
  const lines = [
    `Cluster of ${dataDir}: ${status.phase}${status.installedAt ? ` ${status.installedAt}` : status.lastStep ? ` (stopped after ${status.lastStep}: lade run again goes on)` : ""}`,
    `  image     ${status.image ?? "(unknown)"}${status.digest ? ` ${status.digest}` : ""}`,
    ...(status.kubeVersion ? [`  version   Kubernetes ${status.kubeVersion}`] : []),
    ...(status.upgrading ? [`  upgrade   to ${status.upgrading.to} (${status.upgrading.image}) not finished: lade upgrade ${status.upgrading.image} goes on`] : []),
  ];
  if (status.hosts.length === 0) return [...lines, "  hosts     this machine"];
  if (status.hostDir) lines.push(`  host dir  ${status.hostDir}`);
  lines.push(`  registry  ${status.registryHosts.join(", ") || "(none)"}`);
  const width = Math.max(...status.hosts.map((host) => host.ip.length));
  lines.push("  hosts:");
  for (const host of status.hosts) {
    const registry = host.registry ? ", registry" : "";
    lines.push(`    ${host.ip.padEnd(width)}  ${host.role}${registry}  ${host.arch ?? "?"}  ${host.steps} steps done${host.lastStep ? `, last ${host.lastStep}` : ""}`);
  }
  return lines;
}

/** What master0's kubectl says of the nodes: name, Ready, kubelet version, address (one line each). */
export const NODES_SCRIPT = `${KUBECTL} get nodes --no-headers -o custom-columns='NAME:.metadata.name,READY:.status.conditions[?(@.type=="Ready")].status,VERSION:.status.nodeInfo.kubeletVersion,ADDRESS:.status.addresses[?(@.type=="InternalIP")].address'`;

export interface NodeStatus {
  readonly name: string;
  readonly ready?: string;
  readonly version?: string;
  readonly address?: string;
}

export function parseNodes(text: string): NodeStatus[] {
  return text
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[0])
    .map(([name, ready, version, address]) => ({ name: name!, ...(ready ? { ready } : {}), ...(version ? { version } : {}), ...(address ? { address } : {}) }));
}

export function formatNodes(nodes: readonly NodeStatus[] | string): string[] {
  if (typeof nodes === "string") return [`  nodes: ${nodes}`];
  return ["  nodes (kubectl on master0):", ...nodes.map((node) => `    ${[node.name, node.ready === "True" ? "Ready" : node.ready ? "NotReady" : "", node.version ?? "", node.address ?? ""].filter(Boolean).join("  ")}`)];
}
