import type { Cluster } from "../kubeadm/cluster.ts";
import { formatLocation } from "../util/source-location.ts";
import { formatPlugin, type RefusedPlugin } from "../sealer/plugins.ts";
import { hostAliasProblems } from "./host-aliases.ts";
import { nodeMarksProblems } from "../sealer/node-marks.ts";
import { registryProblems, type ImageRegistry } from "./registry-requests.ts";

/** A Clusterfile as lade run reads it: its Cluster, and where its sealer documents are. */
export interface ClusterfileRequests {
  readonly cluster?: Cluster;
  /** Its Application documents: where each is. */
  readonly applications: readonly string[];
}

/**
 * What a Clusterfile or the image asks for that lade run does not do (yet), or that cannot be
 * done as written: each one, at its place, so that the run stops before any host changes instead
 * of installing a cluster that differs from the one asked for. Plugins lade cannot run are listed unless the user skips them on purpose.
 */
export function unappliedRequests(
  clusterfiles: readonly ClusterfileRequests[],
  plugins: readonly RefusedPlugin[],
  options: { readonly image: string; readonly skipPlugins: boolean; readonly imageRegistry: ImageRegistry },
): string[] {
  const problems: string[] = [];
  for (const { cluster, applications } of clusterfiles) {
    for (const location of applications) {
      problems.push(`${location}: kind Application is not supported: choose the apps with spec.appNames (or --apps) and the commands with spec.cmd (or --cmd)`);
    }
    if (!cluster) continue;
    const at = (path: readonly (string | number)[]) => (cluster.locate ? formatLocation(cluster.locate(path)) : formatLocation(cluster.location));
    if (cluster.image && cluster.image !== options.image && !options.image.endsWith(`/${cluster.image}`)) {
      problems.push(`${at(["spec", "image"])}: spec.image is ${cluster.image}, but lade run was given ${options.image}: run the image the Clusterfile names, or change spec.image`);
    }
    // what lade run does with them, checked before any host changes
    cluster.hosts.forEach((host, index) => problems.push(...nodeMarksProblems(host, (path) => at(["spec", "hosts", index, ...path]))));
    problems.push(...hostAliasProblems(cluster.hostAliases, (path) => at(["spec", "hostAliases", ...path])));
    problems.push(...registryProblems(cluster, options.imageRegistry, at));
  }
  if (!options.skipPlugins) {
    for (const plugin of plugins) problems.push(`${formatPlugin(plugin)}: ${plugin.why} (or give --skip-plugins to install without it)`);
  }
  return problems;
}
