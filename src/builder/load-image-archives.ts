import { join } from "node:path";
import { importImageArchive } from "../mirror/import-image-archive.ts";
import type { BlobCache } from "../mirror/fetch-images.ts";
import type { ResolvedImage } from "../mirror/resolve-image.ts";
import { isImageArchive, isRegistryImageArchive } from "../sealer/rootfs-file-findings.ts";
import type { BuildReporter } from "./build-reporter.ts";
import type { PlatformBuildState } from "./platform-build-state.ts";
import type { LayerContext } from "./produce-layer.ts";
import { WorkingCopy } from "./working-copy.ts";

/**
 * The images of the offline archives under images/ (sealer's folder for them), for the build's
 * platforms, their blobs verified into the cache: the registry gets them as if mirrored. Each
 * platform's rootfs is read, since `COPY images/${ARCH} images` may differ per platform. sealer's
 * registry image archive is not loaded: lade serves the registry itself.
 */
export async function loadImageArchives(
  states: readonly PlatformBuildState[],
  options: Pick<LayerContext, "store"> & { readonly cache: BlobCache; readonly scratchDir: string; readonly reporter: BuildReporter },
): Promise<ResolvedImage[]> {
  const platforms = states.map((state) => state.platform);
  const loaded = new Map<string, ResolvedImage>();
  for (const [index, state] of states.entries()) {
    const archives = [...state.rootfs.entriesBelow(["images"])].filter(([path, entry]) => entry.type === "file" && isImageArchive(path)).map(([path]) => path);
    for (const path of archives.filter(isRegistryImageArchive)) options.reporter.log(`${path}: sealer's registry container image, not loaded: lade serves the cluster's registry itself`);
    const wanted = archives.filter((path) => !isRegistryImageArchive(path));
    if (wanted.length === 0) continue;
    const copy = await WorkingCopy.create(join(options.scratchDir, `archives-${index}`));
    try {
      const inImages = (path: string) => {
        const clean = path.replace(/^\.?\//, "").replace(/\/$/, "");
        return clean === "images" || wanted.some((file) => file === clean || file.startsWith(`${clean}/`));
      };
      for (const layer of state.layers) await copy.applyLayer(options.store.blobPath(layer.descriptor.digest), inImages);
      for (const path of wanted) {
        const images = await importImageArchive(join(copy.dir, path), {
          archive: path,
          platforms,
          cache: options.cache,
          scratchDir: join(options.scratchDir, `archive-${index}-unpacked`),
        });
        const fresh = images.filter((image) => !loaded.has(`${image.source}@${image.digest}`));
        for (const image of fresh) loaded.set(`${image.source}@${image.digest}`, image);
        if (fresh.length > 0) options.reporter.log(`Loaded ${fresh.map((image) => image.source).join(", ")} from ${path}`);
      }
    } finally {
      await copy.remove();
    }
  }
  return [...loaded.values()];
}
