import type { Descriptor } from "../oci/descriptor.ts";
import type { Digest } from "../oci/digest.ts";
import type { ImageIndex, ImageManifest } from "../oci/image-manifest.ts";
import { isIndexMediaType, isManifestMediaType } from "../oci/media-types.ts";

/** One step down an image's graph: an index's manifests, a manifest's config and layers, else nothing. */
export async function childDescriptors(descriptor: Descriptor, readJson: <T>(digest: Digest) => Promise<T>): Promise<readonly Descriptor[]> {
  if (isIndexMediaType(descriptor.mediaType)) return (await readJson<ImageIndex>(descriptor.digest)).manifests;
  if (isManifestMediaType(descriptor.mediaType)) {
    const manifest = await readJson<ImageManifest>(descriptor.digest);
    return [manifest.config, ...manifest.layers];
  }
  return [];
}
