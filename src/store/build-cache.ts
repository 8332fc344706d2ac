import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Descriptor } from "../oci/descriptor.ts";
import type { Digest } from "../oci/digest.ts";
import type { OciStore } from "./oci-store.ts";

export type CachedPath = readonly [path: string, type: "file" | "directory" | "symlink", mode: number];

/** What an instruction produced, remembered under a key of everything that determined it. */
export interface CachedLayer {
  readonly descriptor: Descriptor;
  readonly diffId: Digest;
  /** Path, type and mode of each entry, so a cache hit can update the rootfs index without reading the layer. */
  readonly paths: readonly CachedPath[];
}

/** Result of an instruction that can produce a layer: `null` means it changed nothing. */
export type CacheRecord = { readonly layer: CachedLayer | null };

function recordPath(store: OciStore, key: Digest): string {
  return join(store.cacheDir, "layers", `${key.replace(":", "-")}.json`);
}

/** A record whose layer blob has gone (pruned) is a miss. */
export async function readCacheRecord(store: OciStore, key: Digest): Promise<CacheRecord | undefined> {
  const file = Bun.file(recordPath(store, key));
  if (!(await file.exists())) return undefined;
  try {
    const record = (await file.json()) as CacheRecord;
    if (record.layer && (await store.blobSize(record.layer.descriptor.digest)) !== record.layer.descriptor.size) {
      return undefined;
    }
    return record;
  } catch {
    return undefined;
  }
}

export async function writeCacheRecord(store: OciStore, key: Digest, record: CacheRecord): Promise<void> {
  const path = recordPath(store, key);
  await mkdir(join(store.cacheDir, "layers"), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(record));
  await rename(temporary, path);
}

function layerPathsFile(store: OciStore, layer: Digest): string {
  return join(store.cacheDir, "layer-paths", `${layer.replace(":", "-")}.json`);
}

/** The paths a layer holds, remembered so that building FROM a large image does not re-read its layers. */
export async function readLayerPaths(store: OciStore, layer: Digest): Promise<CachedPath[] | undefined> {
  const file = Bun.file(layerPathsFile(store, layer));
  if (!(await file.exists())) return undefined;
  return (await file.json().catch(() => undefined)) as CachedPath[] | undefined;
}

export async function writeLayerPaths(store: OciStore, layer: Digest, paths: readonly CachedPath[]): Promise<void> {
  const path = layerPathsFile(store, layer);
  await mkdir(join(store.cacheDir, "layer-paths"), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(paths));
  await rename(temporary, path);
}
