import type { Digest } from "../oci/digest.ts";
import { parseDigest } from "../oci/digest.ts";

/** One image as it will sit in the registry folder. */
export interface MirroredImage {
  /** The normalized upstream reference, e.g. "registry.k8s.io/pause:3.9". */
  readonly source: string;
  readonly repository: string;
  readonly tag?: string;
  /** The top-level manifest or index, stored byte for byte. */
  readonly digest: Digest;
  /** Every manifest kept: the top one and the platform children that were mirrored. */
  readonly manifests: readonly Digest[];
  /** Configs and layers of the kept manifests. */
  readonly blobs: readonly Digest[];
}

/** A file of distribution's filesystem storage: a blob's data, or a link file naming a digest. */
export type DistributionFile =
  | { readonly kind: "blob"; readonly path: string; readonly digest: Digest }
  | { readonly kind: "link"; readonly path: string; readonly digest: Digest };

export const DISTRIBUTION_ROOT = "docker/registry/v2";

/**
 * The files distribution 2.8 would have written had the images been pushed to it: blob data,
 * `_layers` links for configs and layers, `_manifests/revisions` for every manifest, and the tag's
 * `current` and `index` links. Sorted and de-duplicated, so the same images give the same files.
 */
export function distributionFiles(images: readonly MirroredImage[]): DistributionFile[] {
  const files = new Map<string, DistributionFile>();
  const add = (file: DistributionFile) => files.set(file.path, file);
  for (const image of images) {
    const repository = `${DISTRIBUTION_ROOT}/repositories/${image.repository}`;
    for (const digest of [...image.manifests, ...image.blobs]) add({ kind: "blob", path: blobDataPath(digest), digest });
    for (const digest of image.blobs) add({ kind: "link", path: `${repository}/_layers/${digestPath(digest)}/link`, digest });
    for (const digest of image.manifests) add({ kind: "link", path: `${repository}/_manifests/revisions/${digestPath(digest)}/link`, digest });
    if (image.tag) {
      const tag = `${repository}/_manifests/tags/${image.tag}`;
      add({ kind: "link", path: `${tag}/current/link`, digest: image.digest });
      add({ kind: "link", path: `${tag}/index/${digestPath(image.digest)}/link`, digest: image.digest });
    }
  }
  return [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function blobDataPath(digest: Digest): string {
  const { algorithm, hex } = parseDigest(digest);
  return `${DISTRIBUTION_ROOT}/blobs/${algorithm}/${hex.slice(0, 2)}/${hex}/data`;
}

function digestPath(digest: Digest): string {
  const { algorithm, hex } = parseDigest(digest);
  return `${algorithm}/${hex}`;
}
