import type { Descriptor } from "../oci/descriptor.ts";
import { DigestMismatchError } from "../oci/digest-mismatch-error.ts";
import { sha256Digest, type Digest } from "../oci/digest.ts";

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

/** A small blob (manifest, config) read whole from PATH and checked against DIGEST; WHERE names the content in errors. */
export async function readCheckedBlob(path: string, digest: Digest, where: string): Promise<Uint8Array> {
  const bytes = await Bun.file(path)
    .bytes()
    .catch((error: unknown) => {
      throw new Error(`Cannot read blob ${digest} from ${where}`, { cause: error });
    });
  const actual = sha256Digest(bytes);
  if (actual !== digest) throw new DigestMismatchError(digest, actual, path);
  return bytes;
}

export function parseJsonBlob<T>(bytes: Uint8Array): T {
  return JSON.parse(new TextDecoder().decode(bytes)) as T;
}
