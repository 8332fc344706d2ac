import type { Digest } from "../oci/digest.ts";
import { imageBlobs, readImage } from "./read-image.ts";
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
    const hasher = new Bun.CryptoHasher("sha256");
    for await (const chunk of Bun.file(store.blobPath(digest)).stream()) hasher.update(chunk);
    const actual: Digest = `sha256:${hasher.digest("hex")}`;
    if (actual !== digest) problems.push({ digest, problem: "corrupt", images: [], actual });
    onProgress?.(++done, blobs.length);
  }
  const present = new Set(blobs);
  const missing = new Map<Digest, string[]>();
  for (const { name, descriptor } of await store.listImages()) {
    let needed: Digest[];
    try {
      needed = imageBlobs(await readImage(store, descriptor)).map((blob) => blob.digest);
    } catch {
      needed = [descriptor.digest].filter((digest) => !present.has(digest));
      if (needed.length === 0) continue; // a corrupt manifest or config is already reported above
    }
    for (const digest of needed) {
      if (!present.has(digest)) missing.set(digest, [...(missing.get(digest) ?? []), name]);
    }
  }
  for (const [digest, images] of missing) problems.push({ digest, problem: "missing", images });
  return { checkedBlobs: blobs.length, problems };
}
