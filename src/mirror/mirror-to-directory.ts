import type { OciStore } from "../store/oci-store.ts";
import { acquireLock } from "../store/store-lock.ts";
import { distributionFiles } from "./distribution-files.ts";
import { fetchImages, type FetchedImages, type FetchImagesOptions } from "./fetch-images.ts";
import { storeBlobCache } from "./store-blob-cache.ts";
import { writeDistributionLayout } from "./write-distribution-layout.ts";

/**
 * `lade mirror`: fetch images (through the store's blob cache) and write them into `dir` in the
 * layout a registry serves directly.
 */
export async function mirrorToDirectory(
  store: OciStore,
  references: readonly string[],
  dir: string,
  options: Omit<FetchImagesOptions, "cache">,
): Promise<FetchedImages> {
  const lock = await acquireLock(store.contentLockPath, "shared");
  try {
    const cache = storeBlobCache(store);
    const fetched = await fetchImages(references, { ...options, cache });
    await writeDistributionLayout(distributionFiles(fetched.images), dir, cache.path);
    return fetched;
  } finally {
    lock.release();
  }
}
