import { normalizeImageReference, tryParseImageReference } from "../oci/image-reference.ts";
import type { OciStore, TaggedImage } from "./oci-store.ts";

/** An image asked for by name or by (a prefix of) its digest that the store does not have. */
export class ImageNotFoundError extends Error {
  override name = "ImageNotFoundError";
  readonly code = "IMAGE_NOT_FOUND";
  /** What to do about it, printed as lade's hint line. */
  readonly hint = "lade images lists the store; lade pull or lade load brings an image in (or give --root for another store)";
}

/**
 * Find an image by name (`test:1` means docker.io/library/test:1) or by digest or digest prefix
 * of at least 4 hex characters, as `lade images` shows them.
 */
export async function findImage(store: OciStore, nameOrId: string): Promise<TaggedImage> {
  const images = await store.listImages();
  if (tryParseImageReference(nameOrId)) {
    const name = normalizeImageReference(nameOrId);
    const byName = images.find((image) => image.name === name);
    if (byName) return byName;
  }
  const hex = nameOrId.replace(/^sha256:/, "");
  if (/^[a-f0-9]{4,64}$/.test(hex)) {
    const byDigest = images.filter((image) => image.descriptor.digest.slice("sha256:".length).startsWith(hex));
    const digests = new Set(byDigest.map((image) => image.descriptor.digest));
    if (digests.size > 1) throw new ImageNotFoundError(`Cannot choose an image for "${nameOrId}": it is a prefix of several digests`);
    if (byDigest[0]) return byDigest[0];
  }
  throw new ImageNotFoundError(`Cannot find image "${nameOrId}" in the store at "${store.root}"`);
}
