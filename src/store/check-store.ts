import type { Digest } from "../oci/digest.ts";
import type { Descriptor } from "../oci/descriptor.ts";
import { childDescriptors } from "./child-descriptors.ts";
import { sha256OfFile } from "../util/sha256-file.ts";
import type { OciStore } from "./oci-store.ts";

export interface StoreProblem {
  readonly digest: Digest;
  readonly problem: "corrupt" | "missing";
  /** Image names that need the blob (for missing ones). */
  readonly images: readonly string[];
  readonly actual?: Digest;
}

export interface StoreCheck {
  readonly checkedBlobs: number;
  readonly problems: readonly StoreProblem[];
}

/** Re-hash every blob and check that every image has all it needs. */
export async function checkStore(store: OciStore, onProgress?: (done: number, total: number) => void): Promise<StoreCheck> {
  const problems: StoreProblem[] = [];
  const blobs = await store.listBlobs();
  let done = 0;
  for (const digest of blobs) {
    const actual: Digest = `sha256:${await sha256OfFile(store.blobPath(digest))}`;
    if (actual !== digest) problems.push({ digest, problem: "corrupt", images: [], actual });
    onProgress?.(++done, blobs.length);
  }
  const present = new Set(blobs);
  const missing = new Map<Digest, string[]>();
  for (const { name, descriptor } of await store.listImages()) {
    for (const digest of await missingBlobs(store, descriptor, present)) {
      missing.set(digest, [...(missing.get(digest) ?? []), name]);
    }
  }
  for (const [digest, images] of missing) problems.push({ digest, problem: "missing", images });
  return { checkedBlobs: blobs.length, problems };
}

/** Walk an image's graph as far as it can be read and list the blobs that are not there. */
async function missingBlobs(store: OciStore, descriptor: Descriptor, present: ReadonlySet<Digest>): Promise<Digest[]> {
  if (!present.has(descriptor.digest)) return [descriptor.digest];
  let children: readonly Descriptor[];
  try {
    children = await childDescriptors(descriptor, (digest) => store.readJson(digest));
  } catch {
    return []; // a corrupt manifest is reported by the re-hash
  }
  const nested = await Promise.all(children.map((child) => missingBlobs(store, child, present)));
  return nested.flat();
}
