import { join } from "node:path";
import { readLayerPaths } from "../store/build-cache.ts";
import type { OciStore } from "../store/oci-store.ts";
import { emptyFindings, type ScanFindings } from "../scan/image-source.ts";
import { discoverImages, type DiscoveryOptions } from "./discover-images.ts";
import type { PlatformBuildState } from "./platform-build-state.ts";
import { WorkingCopy } from "./working-copy.ts";

/** Where a cluster image's rootfs names its container images. */
export const DISCOVERY_ROOTS = ["manifests", "charts", "application/apps", "imageList"] as const;

function isDiscoveryPath(path: string): boolean {
  const clean = path.replace(/^\.?\//, "").replace(/\/$/, "");
  return DISCOVERY_ROOTS.some((root) => clean === root || clean.startsWith(`${root}/`));
}

/**
 * Image discovery over the rootfs built so far: only the layers that touch manifests/, charts/,
 * application/apps/ or imageList are read, and only those paths are unpacked into a scratch folder.
 */
export async function discoverRootfsImages(
  store: OciStore,
  state: PlatformBuildState,
  scratchDir: string,
  options: DiscoveryOptions,
): Promise<ScanFindings> {
  const workingCopy = await WorkingCopy.create(scratchDir);
  try {
    for (const layer of state.layers) {
      const paths = layer.paths.length > 0 ? layer.paths : ((await readLayerPaths(store, layer.descriptor.digest)) ?? undefined);
      if (paths && !paths.some(([path]) => isDiscoveryPath(path))) continue;
      await workingCopy.applyLayer(store.blobPath(layer.descriptor.digest), isDiscoveryPath);
    }
    const present = [];
    for (const root of DISCOVERY_ROOTS) {
      if (state.rootfs.get(root) !== undefined) present.push(join(workingCopy.dir, root));
    }
    if (present.length === 0) return emptyFindings();
    return await discoverImages(present, { ...options, displayRoot: workingCopy.dir });
  } finally {
    await workingCopy.remove();
  }
}
