import { open, rename, rm, stat, truncate } from "node:fs/promises";
import type { Digest } from "../oci/digest.ts";
import { DigestMismatchError } from "../oci/digest-mismatch-error.ts";
import { acquireLock } from "../store/store-lock.ts";
import { describeNetworkError } from "../util/network-fetch.ts";
import type { RegistryClient } from "./registry-client.ts";
import { RegistryError } from "./registry-error.ts";

export interface BlobDownload {
  readonly client: RegistryClient;
  readonly repository: string;
  readonly digest: Digest;
  readonly size: number;
  /** Where the verified blob ends up (renamed into place, so it appears whole or not at all). */
  readonly target: string;
  /** A stable path for the partial download, so a later run (even after kill -9) resumes it. */
  readonly partial: string;
  /** Called with the number of new bytes as they arrive. */
  readonly onProgress?: (bytes: number) => void;
  /** Attempts in a row that bring no byte before giving up; each resumes where the last one stopped. Default 5. */
  readonly attempts?: number;
}

/**
 * Download one blob: resume a partial file with HTTP Range, hash while writing, verify digest and
 * size before the blob becomes visible, and fetch a corrupt blob once more before giving up.
 * Two lade processes that want the same blob take turns through a lock on the partial file.
 */
export async function downloadBlob(download: BlobDownload): Promise<"downloaded" | "present"> {
  if (await hasSize(download.target, download.size)) return "present";
  const lock = await acquireLock(`${download.partial}.lock`, "exclusive");
  try {
    if (await hasSize(download.target, download.size)) return "present";
    const attempts = download.attempts ?? 5;
    let corruptSeen = false;
    // attempts count failures in a row that brought no byte: a long blob over a link that drops
    // every few MiB goes on as long as each connection brings more of it
    for (let attempt = 1; ; attempt++) {
      const before = await partialSize(download.partial);
      const outcome = await fetchRemainder(download).catch((error: unknown) => error as Error);
      if (!(outcome instanceof Error)) {
        const actual = outcome;
        if (actual === download.digest) {
          await rename(download.partial, download.target);
          return "downloaded";
        }
        await rm(download.partial, { force: true });
        if (corruptSeen) throw new DigestMismatchError(download.digest, actual, `${download.client.endpoint.registry}/${download.repository}@${download.digest}`);
        corruptSeen = true; // fetch it once more from the start
      } else {
        if (!isResumable(outcome)) throw outcome;
        if ((await partialSize(download.partial)) > before) {
          attempt = 0;
          continue;
        }
        if (attempt >= attempts) {
          const what = `blob ${download.digest} of ${download.repository} from ${download.client.endpoint.registry}`;
          throw new RegistryError(`Cannot get ${what}: ${describeNetworkError(outcome)} (${attempt} attempts in a row without a byte)`, 0, [], { cause: outcome });
        }
        await Bun.sleep(100 * attempt);
      }
    }
  } finally {
    // The lock file stays: removing it would race with a process about to lock it (prune clears it).
    lock.release();
  }
}

/**
 * Fetch from where the partial file ends, hashing as the bytes arrive (what a previous attempt left
 * is hashed from disk first), and return the digest once the file holds `size` bytes.
 */
async function fetchRemainder(download: BlobDownload): Promise<Digest> {
  let offset = (await stat(download.partial).catch(() => undefined))?.size ?? 0;
  if (offset > download.size) {
    await truncate(download.partial, 0);
    offset = 0;
  }
  let hasher = offset > 0 ? await hashPrefix(download.partial) : new Bun.CryptoHasher("sha256");
  if (offset < download.size || download.size === 0) {
    const answer = await download.client.getBlob(download.repository, download.digest, offset);
    if (offset > 0 && !answer.partial) {
      offset = 0; // the registry ignored Range: start over
      hasher = new Bun.CryptoHasher("sha256");
    }
    const file = await open(download.partial, offset > 0 ? "a" : "w");
    try {
      let received = offset;
      for await (const chunk of answer.body) {
        received += chunk.length;
        if (received > download.size) throw new Error(`the registry sent more than the ${download.size} bytes announced`);
        hasher.update(chunk);
        await file.write(chunk);
        download.onProgress?.(chunk.length);
      }
    } finally {
      await file.close();
    }
  }
  const size = (await stat(download.partial)).size;
  if (size !== download.size) throw new TruncatedDownloadError(`the download stopped after ${size} of ${download.size} bytes`);
  return `sha256:${hasher.digest("hex")}`;
}

async function hashPrefix(path: string): Promise<Bun.CryptoHasher> {
  const hasher = new Bun.CryptoHasher("sha256");
  for await (const chunk of Bun.file(path).stream()) hasher.update(chunk);
  return hasher;
}

class TruncatedDownloadError extends Error {
  override name = "TruncatedDownloadError";
}

/** Connection drops and short reads are worth resuming; HTTP errors were already retried. */
function isResumable(error: Error): boolean {
  return !("status" in error) || (error as { status: number }).status === 0;
}

async function partialSize(path: string): Promise<number> {
  return (await stat(path).catch(() => undefined))?.size ?? 0;
}

async function hasSize(path: string, size: number): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.size === size;
}
