import type { Cluster } from "./cluster.ts";

/**
 * The image's default Cluster (its etc/Clusterfile) under the user's (`-f`): every field the user
 * sets wins, the image's fills the rest. `env` merges by key (the user's value of a key replaces
 * the image's, the image's other keys stay); `ssh` and the registries merge field by field; lists
 * (hosts, cmd, cmd_args, appNames, hostAliases) are the user's when the user gives any.
 */
export function mergeClusters(image: Cluster, user: Cluster): Cluster {
  const userKeys = new Set(user.env.map(envKey));
  const list = <T>(mine: readonly T[], theirs: readonly T[]) => (mine.length > 0 ? mine : theirs);
  const local = image.registry.local || user.registry.local ? { ...image.registry.local, ...user.registry.local } : undefined;
  const external = image.registry.external || user.registry.external ? { ...image.registry.external, ...user.registry.external } : undefined;
  const name = user.name ?? image.name;
  const imageName = user.image ?? image.image;
  const containerRuntime = user.containerRuntime ?? image.containerRuntime;
  const dataRoot = user.dataRoot ?? image.dataRoot;
  return {
    ...(name !== undefined ? { name } : {}),
    ...(imageName !== undefined ? { image: imageName } : {}),
    env: [...image.env.filter((entry) => !userKeys.has(envKey(entry))), ...user.env],
    cmdArgs: list(user.cmdArgs, image.cmdArgs),
    cmd: list(user.cmd, image.cmd),
    appNames: list(user.appNames, image.appNames),
    hosts: list(user.hosts, image.hosts),
    ssh: { ...image.ssh, ...user.ssh },
    ...(containerRuntime !== undefined ? { containerRuntime } : {}),
    registry: { ...(local?.domain ? { local: local as Cluster["registry"]["local"] & object } : {}), ...(external?.domain ? { external: external as Cluster["registry"]["external"] & object } : {}) },
    hostAliases: list(user.hostAliases, image.hostAliases),
    ...(dataRoot !== undefined ? { dataRoot } : {}),
    location: user.location,
    ...(user.locate ? { locate: user.locate } : {}),
  };
}

function envKey(entry: string): string {
  const equals = entry.indexOf("=");
  return equals < 0 ? entry : entry.slice(0, equals);
}

/** The Cluster a run uses: the user's over the image's, whichever of them there is. */
export function layerClusters(image: Cluster | undefined, user: Cluster | undefined): Cluster | undefined {
  return image && user ? mergeClusters(image, user) : (user ?? image);
}
