import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { applyClusterConfig, type ClusterConfigFile } from "../sealer/cluster-configs.ts";
import { formatLocation } from "../util/source-location.ts";

/** Write the Clusterfile's Config files into an unpacked ROOTFS, in order (a later one over an earlier one). */
export async function writeClusterConfigs(rootfs: string, configs: readonly ClusterConfigFile[], say: (line: string) => void): Promise<void> {
  for (const config of configs) {
    const target = Bun.file(join(rootfs, config.path));
    const existing = (await target.exists()) ? await target.text() : undefined;
    await mkdir(dirname(join(rootfs, config.path)), { recursive: true });
    await Bun.write(join(rootfs, config.path), applyClusterConfig(config, existing));
    const how = existing === undefined ? "written" : config.strategy === "merge" ? "merged into the image's file" : "written over the image's file";
    say(`[config] ${config.path} ${how} (Config ${config.name}, ${formatLocation(config.location)})`);
  }
}
