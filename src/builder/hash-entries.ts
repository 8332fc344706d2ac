import type { Digest } from "../oci/digest.ts";
import { sha256OfFile } from "../util/sha256-file.ts";
import { workerPool } from "../util/worker-pool.ts";
import { compareLayerPaths, type LayerEntry } from "./layer-entry.ts";

/** Files at least this big are hashed on a worker. */
const LARGE_FILE_BYTES = 1024 * 1024;

/** A digest of what a layer would contain: every path, type, mode, link and file content. */
export async function hashEntries(entries: readonly LayerEntry[]): Promise<Digest> {
  const hasher = new Bun.CryptoHasher("sha256");
  const sorted = [...entries].sort((a, b) => compareLayerPaths(a.path, b.path));
  // large files are hashed on the other cores, all at once; small ones here, where a trip costs more
  const large = new Map(sorted.filter((entry) => entry.type === "file" && !entry.content && entry.source && entry.size >= LARGE_FILE_BYTES).map((entry) => [entry.path, workerPool().sha256File(entry.source!)]));
  for (const hash of large.values()) hash.catch(() => {}); // awaited in order below
  for (const entry of sorted) {
    hasher.update(JSON.stringify([entry.path, entry.type, entry.mode, entry.size, entry.linkTarget ?? ""]));
    if (entry.type === "file" && entry.content) {
      hasher.update(new Bun.CryptoHasher("sha256").update(entry.content).digest("hex"));
    } else if (large.has(entry.path)) {
      hasher.update(await large.get(entry.path)!);
    } else if (entry.type === "file" && entry.source && entry.size > 0) {
      hasher.update(await sha256OfFile(entry.source));
    }
    hasher.update("\n");
  }
  return `sha256:${hasher.digest("hex")}`;
}

/** Chain a cache key: the previous key plus the parts that determine the next result. */
export function chainKey(previous: string, ...parts: readonly string[]): Digest {
  const hasher = new Bun.CryptoHasher("sha256");
  hasher.update(previous);
  for (const part of parts) hasher.update(`\0${part}`);
  return `sha256:${hasher.digest("hex")}`;
}
