import { readLayerFiles } from "../builder/read-layer-files.ts";
import { IMAGE_CLUSTERFILE } from "../sealer/cloud-rootfs-folders.ts";
import type { OciStore } from "../store/oci-store.ts";
import type { PlatformImage } from "../store/read-image.ts";

/** The image's default Clusterfile (etc/Clusterfile), read from its layers, if it has one. */
export async function readImageClusterfile(store: OciStore, platform: PlatformImage): Promise<{ text: string; file: string } | undefined> {
  const files = await readLayerFiles(
    platform.manifest.layers.map((layer) => ({ blobPath: store.blobPath(layer.digest) })),
    new Set([IMAGE_CLUSTERFILE]),
  );
  const text = files.get(IMAGE_CLUSTERFILE);
  return text === undefined ? undefined : { text, file: IMAGE_CLUSTERFILE };
}
