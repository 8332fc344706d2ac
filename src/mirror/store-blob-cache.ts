import type { OciStore } from "../store/oci-store.ts";
import type { BlobCache } from "./fetch-images.ts";

/** The store's cache of registry blobs, shared by every mirror and build. */
export function storeBlobCache(store: OciStore): BlobCache {
  return { path: (digest) => store.cachedBlobPath(digest), partialPath: (digest) => store.partialBlobPath(digest) };
}
