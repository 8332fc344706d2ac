import { randomUUID } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createGunzip, createZstdDecompress } from "node:zlib";
import type { Descriptor } from "../oci/descriptor.ts";
import { isDigest, type Digest } from "../oci/digest.ts";
import type { ImageIndex, ImageManifest } from "../oci/image-manifest.ts";
import { isIndexMediaType, isManifestMediaType } from "../oci/media-types.ts";
import { readTarStream } from "../util/read-tar-stream.ts";
import { ARCHIVE_BASES_ANNOTATION, detectCompression, type ArchiveBase } from "./archive-format.ts";
import { REF_NAME_ANNOTATION, type OciStore } from "./oci-store.ts";
import { acquireLock } from "./store-lock.ts";

/** An archive lade refuses to load; nothing of it reaches the store. */
export class ArchiveError extends Error {
  override name = "ArchiveError";
  readonly code = "ARCHIVE_INVALID";
}

export interface LoadResult {
  readonly images: readonly { readonly name: string; readonly digest: string }[];
  readonly blobs: number;
}

const BLOB_PATH = /^blobs\/sha256\/([a-f0-9]{64})$/;
const SMALL_FILE_LIMIT = 16 * 1024 * 1024;

/**
 * Load an archive written by `lade save` (or any OCI layout tar, such as skopeo's oci-archive):
 * every blob is hashed while it is read, anything but the layout's own files is refused (links,
 * devices, traversal, absolute paths, duplicates), a truncated archive is refused, and a delta
 * archive needs its base in the store. Content is staged apart and moved into the store only once
 * the whole archive checked out, so a refused archive leaves the store as it was.
 */
export async function loadArchive(store: OciStore, file: string): Promise<LoadResult> {
  const label = `"${file}"`;
  const staging = join(store.ingestDir, `load-${process.pid}-${randomUUID()}`);
  await mkdir(staging, { recursive: true });
  const lock = await acquireLock(store.contentLockPath, "shared");
  try {
    const staged = new Map<Digest, string>();
    const small = new Map<string, Uint8Array>();
    const seen = new Set<string>();
    try {
      for await (const entry of readTarStream(await decompressedChunks(file))) {
        const path = entry.path.replace(/^\.\//, "").replace(/\/$/, "");
        if (seen.has(path)) throw new ArchiveError(`Cannot load ${label}: it holds "${path}" twice`);
        seen.add(path);
        if (path === "blobs" || path === "blobs/sha256") {
          if (entry.type !== "directory") throw new ArchiveError(`Cannot load ${label}: "${path}" must be a folder`);
          continue;
        }
        const blob = BLOB_PATH.exec(path);
        if (!blob && path !== "index.json" && path !== "oci-layout") {
          throw new ArchiveError(`Cannot load ${label}: "${entry.path}" is not part of an OCI image layout`);
        }
        if (entry.type !== "file") throw new ArchiveError(`Cannot load ${label}: "${entry.path}" is a ${entry.type}, not a regular file`);
        if (blob) {
          const digest: Digest = `sha256:${blob[1]}`;
          staged.set(digest, await stageBlob(entry.body, digest, join(staging, blob[1]!), label));
        } else {
          if (entry.size > SMALL_FILE_LIMIT) throw new ArchiveError(`Cannot load ${label}: "${path}" is too large`);
          const parts: Uint8Array[] = [];
          for await (const part of entry.body) parts.push(part);
          small.set(path, new Uint8Array(Buffer.concat(parts)));
        }
      }
    } catch (error) {
      if (error instanceof ArchiveError) throw error;
      throw new ArchiveError(`Cannot load ${label}: ${(error as Error).message}`, { cause: error });
    }

    const index = parseIndex(small, label);
    const bases = parseBases(index);
    const available = async (digest: Digest) => staged.has(digest) || (await store.hasBlob(digest));
    const readJson = async <T>(digest: Digest): Promise<T> => {
      const path = staged.get(digest) ?? store.blobPath(digest);
      return JSON.parse(await Bun.file(path).text()) as T;
    };
    for (const entry of index.manifests) {
      const missing = await missingBlobs(entry, available, readJson);
      if (missing.length === 0) continue;
      const absentBases = [];
      for (const base of bases) if (!(await store.hasBlob(base.digest as Digest))) absentBases.push(base);
      if (absentBases.length > 0) {
        throw new ArchiveError(`Cannot load ${label}: it is a delta against ${absentBases.map((b) => `${b.name} (${b.digest})`).join(", ")}, which the store does not have; load that first`);
      }
      throw new ArchiveError(`Cannot load ${label}: it lacks ${missing.length} blobs its images need, e.g. ${missing[0]}`);
    }

    for (const [digest, path] of staged) {
      if (await store.hasBlob(digest)) continue;
      await rename(path, store.blobPath(digest));
    }
    const images = index.manifests.map((entry) => ({ name: entry.annotations?.[REF_NAME_ANNOTATION] ?? entry.digest, digest: entry.digest }));
    for (const [position, entry] of index.manifests.entries()) {
      const name = entry.annotations?.[REF_NAME_ANNOTATION];
      if (name) await store.tag(name, entry);
      else images[position] = { name: entry.digest, digest: entry.digest };
    }
    return { images, blobs: staged.size };
  } finally {
    lock.release();
    await rm(staging, { recursive: true, force: true });
  }
}

async function decompressedChunks(file: string): Promise<AsyncIterable<Uint8Array>> {
  const handle = Bun.file(file);
  if (!(await handle.exists())) throw new ArchiveError(`Cannot load "${file}": it does not exist`);
  const compression = detectCompression(await handle.slice(0, 4).bytes());
  const raw = Readable.fromWeb(handle.stream() as import("node:stream/web").ReadableStream<Uint8Array>);
  if (compression === "gzip") return raw.pipe(createGunzip());
  if (compression === "zstd") return raw.pipe(createZstdDecompress());
  return raw;
}

async function stageBlob(body: AsyncIterable<Uint8Array>, digest: Digest, path: string, label: string): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  const sink = Bun.file(path).writer();
  for await (const chunk of body) {
    hasher.update(chunk);
    sink.write(chunk);
  }
  await sink.end();
  const actual = `sha256:${hasher.digest("hex")}`;
  if (actual !== digest) throw new ArchiveError(`Cannot load ${label}: blob ${digest} does not match its digest (its content hashes to ${actual})`);
  return path;
}

function parseIndex(small: Map<string, Uint8Array>, label: string): ImageIndex {
  if (!small.has("oci-layout")) throw new ArchiveError(`Cannot load ${label}: it has no oci-layout file, so it is not an OCI image layout`);
  const bytes = small.get("index.json");
  if (!bytes) throw new ArchiveError(`Cannot load ${label}: it has no index.json`);
  try {
    const index = JSON.parse(new TextDecoder().decode(bytes)) as ImageIndex;
    if (!Array.isArray(index.manifests) || index.manifests.some((entry) => !isDigest(entry.digest))) throw new Error("bad manifests list");
    return index;
  } catch (error) {
    throw new ArchiveError(`Cannot load ${label}: its index.json is not a valid image index`, { cause: error });
  }
}

function parseBases(index: ImageIndex): ArchiveBase[] {
  const text = index.annotations?.[ARCHIVE_BASES_ANNOTATION];
  if (!text) return [];
  try {
    return JSON.parse(text) as ArchiveBase[];
  } catch {
    return [];
  }
}

async function missingBlobs(
  descriptor: Descriptor,
  available: (digest: Digest) => Promise<boolean>,
  readJson: <T>(digest: Digest) => Promise<T>,
): Promise<Digest[]> {
  if (!(await available(descriptor.digest))) return [descriptor.digest];
  let children: readonly Descriptor[] = [];
  if (isIndexMediaType(descriptor.mediaType)) children = (await readJson<ImageIndex>(descriptor.digest)).manifests;
  else if (isManifestMediaType(descriptor.mediaType)) {
    const manifest = await readJson<ImageManifest>(descriptor.digest);
    children = [manifest.config, ...manifest.layers];
  }
  const nested = await Promise.all(children.map((child) => missingBlobs(child, available, readJson)));
  return nested.flat();
}
