import type { Cluster } from "../kubeadm/cluster.ts";
import type { MultiHostState } from "../run/install-hosts.ts";

/**
 * `lade apply -f Clusterfile`: what changes between the hosts the Clusterfile lists and those
 * the installed cluster's state records — hosts to join, hosts to delete, hosts that stay.
 * master0 cannot leave (the cluster would go with it) and cannot change.
 */
export interface ApplyPlan {
  readonly join: readonly string[];
  readonly remove: readonly string[];
  readonly keep: readonly string[];
}

export class ApplyPlanError extends Error {
  override name = "ApplyPlanError";
}

export function planApply(state: MultiHostState, cluster: Cluster): ApplyPlan {
  const installed = Object.entries(state.hosts ?? {});
  if (installed.length === 0) throw new ApplyPlanError("this cluster was installed on this machine, not over SSH: lade apply changes clusters on hosts");
  const wanted = cluster.hosts.flatMap((host) => host.ips);
  const master0 = installed.find(([, host]) => host.role === "master0")?.[0];
  const firstMaster = cluster.hosts.find((host) => host.roles.includes("master"))?.ips[0];
  if (master0 && !wanted.includes(master0)) throw new ApplyPlanError(`The Clusterfile leaves out master0 (${master0}): a cluster cannot lose the master it was made on; delete it with lade delete --all`);
  if (master0 && firstMaster !== master0) throw new ApplyPlanError(`The Clusterfile's first master is ${firstMaster ?? "missing"}, but this cluster's master0 is ${master0}: keep it first`);
  for (const [ip, host] of installed) {
    const listed = cluster.hosts.find((candidate) => candidate.ips.includes(ip));
    const role = host.role === "node" ? "node" : "master";
    if (listed && !listed.roles.includes(role)) throw new ApplyPlanError(`${ip} is a ${role} of this cluster and a ${role === "node" ? "master" : "node"} in the Clusterfile: a host does not change its role; delete it, then join it again`);
  }
  const known = new Set(installed.map(([ip]) => ip));
  return {
    join: wanted.filter((ip) => !known.has(ip)),
    remove: installed.map(([ip]) => ip).filter((ip) => !wanted.includes(ip)),
    keep: installed.map(([ip]) => ip).filter((ip) => wanted.includes(ip)),
  };
}

export function formatApplyPlan(plan: ApplyPlan): string[] {
  const list = (ips: readonly string[]) => (ips.length > 0 ? ips.join(", ") : "none");
  return [`== apply: join ${list(plan.join)}; delete ${list(plan.remove)}; unchanged ${list(plan.keep)}`];
}
