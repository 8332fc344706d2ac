import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { isDigest, type Digest } from "../oci/digest.ts";
import { imageBlobs, readImage } from "./read-image.ts";
import { readLayerPaths, type CachedLayer } from "./build-cache.ts";
import type { OciStore } from "./oci-store.ts";
import { withLock } from "./store-lock.ts";

export interface GarbageReport {
  readonly removedBlobs: number;
  readonly freedBytes: number;
  readonly removedCacheEntries: number;
}

/**
 * Delete blobs no image needs. With `dropCache`, build-cache records (and the layers only they keep)
 * go too, as do leftovers of interrupted work in ingest/. Runs under the exclusive content lock, so
 * no build or load is adding content meanwhile.
 */
export async function collectGarbage(store: OciStore, options: { readonly dropCache: boolean }): Promise<GarbageReport> {
  return withLock(store.contentLockPath, "exclusive", async () => {
    const keep = new Set<Digest>();
    for (const { descriptor } of await store.listImages()) {
      for (const blob of imageBlobs(await readImage(store, descriptor))) keep.add(blob.digest);
    }
    const cacheDir = join(store.cacheDir, "layers");
    const records = await readdir(cacheDir).catch(() => [] as string[]);
    let removedCacheEntries = 0;
    for (const name of records) {
      const path = join(cacheDir, name);
      const record = (await Bun.file(path).json().catch(() => undefined)) as { layer: CachedLayer | null } | undefined;
      const layer = record?.layer?.descriptor.digest;
      if (options.dropCache && (!layer || !keep.has(layer))) {
        await rm(path, { force: true });
        removedCacheEntries += 1;
      } else if (layer) {
        keep.add(layer);
      }
    }
    let removedBlobs = 0;
    let freedBytes = 0;
    for (const digest of await store.listBlobs()) {
      if (keep.has(digest)) continue;
      freedBytes += (await store.blobSize(digest)) ?? 0;
      await store.removeBlob(digest);
      removedBlobs += 1;
    }
    const pathsDir = join(store.cacheDir, "layer-paths");
    for (const name of await readdir(pathsDir).catch(() => [] as string[])) {
      const digest = name.replace(/\.json$/, "").replace("-", ":") as Digest;
      if (!isDigest(digest) || !(await store.hasBlob(digest))) await rm(join(pathsDir, name), { force: true });
    }
    if (options.dropCache) {
      const cachedBlobs = await dropUnusedRegistryBlobs(store, keep);
      removedBlobs += cachedBlobs.removed;
      freedBytes += cachedBlobs.freed;
      for (const leftover of await readdir(store.ingestDir)) {
        await rm(join(store.ingestDir, leftover), { recursive: true, force: true });
      }
    }
    return { removedBlobs, freedBytes, removedCacheEntries };
  });
}

/** Container blobs the build fetched stay cached while a kept layer carries them in its registry folder. */
async function dropUnusedRegistryBlobs(store: OciStore, keptLayers: ReadonlySet<Digest>): Promise<{ removed: number; freed: number }> {
  const used = new Set<string>();
  for (const layer of keptLayers) {
    for (const [path] of (await readLayerPaths(store, layer)) ?? []) {
      const match = REGISTRY_BLOB_PATH.exec(path);
      if (match) used.add(match[1]!);
    }
  }
  const dir = join(store.cacheDir, "blobs", "sha256");
  let removed = 0;
  let freed = 0;
  for (const hex of await readdir(dir).catch(() => [] as string[])) {
    if (used.has(hex)) continue;
    freed += (await stat(join(dir, hex)).catch(() => undefined))?.size ?? 0;
    await rm(join(dir, hex), { force: true });
    removed += 1;
  }
  return { removed, freed };
}

const REGISTRY_BLOB_PATH = /(?:^|\/)docker\/registry\/v2\/blobs\/sha256\/[0-9a-f]{2}\/([0-9a-f]{64})\/data$/;
