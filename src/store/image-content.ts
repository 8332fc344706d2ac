import type { Descriptor } from "../oci/descriptor.ts";
import type { Digest } from "../oci/digest.ts";

/**
 * What reading an image needs, and no more: names, small blobs checked against their digest, and
 * where a blob's bytes lie. The store is one; an archive staged by lade load before anything of it
 * reaches the store is another, so it can be judged (signatures, policy) first.
 */
export interface ImageContent {
  resolve(name: string): Promise<Descriptor | undefined>;
  readBlob(digest: Digest): Promise<Uint8Array>;
  readJson<T>(digest: Digest): Promise<T>;
  blobPath(digest: Digest): string;
}
