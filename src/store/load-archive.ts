import { randomUUID } from "node:crypto";
import { mkdir, open, rename, rm, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import type { Descriptor } from "../oci/descriptor.ts";
import { isDigest, type Digest } from "../oci/digest.ts";
import type { ImageIndex } from "../oci/image-manifest.ts";
import { normalizeImageReference, tryParseImageReference } from "../oci/image-reference.ts";
import { tarChecksumMatches } from "../util/parse-tar-header.ts";
import { CorruptArchiveError, readTarStream, TruncatedArchiveError } from "../util/read-tar-stream.ts";
import { ARCHIVE_BASES_ANNOTATION, type ArchiveBase, type ArchiveCompression } from "./archive-format.ts";
import { openDecompressed, type DecompressedFile } from "../util/open-decompressed.ts";
import { parseJsonBlob, readCheckedBlob, type ImageContent } from "./image-content.ts";
import { REF_NAME_ANNOTATION, type OciStore, type TaggedImage } from "./oci-store.ts";
import { childDescriptors } from "./child-descriptors.ts";
import { acquireLock } from "./store-lock.ts";

/** An archive lade refuses to load; nothing of it reaches the store. */
export class ArchiveError extends Error {
  override name = "ArchiveError";
  readonly code = "ARCHIVE_INVALID";
}

export interface LoadOptions {
  /**
   * Judge the archive's images (signatures, a policy) once every blob checked out and before any
   * of it reaches the store: throwing refuses the archive, and the store stays as it was.
   */
  readonly judge?: (content: ImageContent, images: readonly TaggedImage[]) => Promise<void>;
  /** Told as the archive is read: its bytes read so far, of its size. */
  readonly onProgress?: (done: number, total: number) => void;
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
export async function loadArchive(store: OciStore, file: string, options: LoadOptions = {}): Promise<LoadResult> {
  const label = `"${file}"`;
  const staging = join(store.ingestDir, `load-${process.pid}-${randomUUID()}`);
  await mkdir(staging, { recursive: true });
  const lock = await acquireLock(store.contentLockPath, "shared");
  try {
    const staged = new Map<Digest, string>();
    const small = new Map<string, Uint8Array>();
    const seen = new Set<string>();
    const input = await openArchive(file, options.onProgress);
    try {
      const tarChunks = checkedTar(input.chunks);
      for await (const entry of readTarStream(tarChunks)) {
        const path = entry.path.replace(/^\.\//, "").replace(/\/$/, "");
        const shown = describePath(entry.path);
        if (seen.has(path)) throw new ArchiveError(`Cannot load ${label}: it holds ${shown} twice`);
        seen.add(path);
        if (path === "blobs" || path === "blobs/sha256") {
          if (entry.type !== "directory") throw new ArchiveError(`Cannot load ${label}: "${path}" must be a folder`);
          continue;
        }
        if (isUnsafePath(path)) throw new ArchiveError(`Cannot load ${label}: ${shown} points outside the image layout (an absolute path or "..")`);
        const blob = BLOB_PATH.exec(path);
        if (!blob && path !== "index.json" && path !== "oci-layout") {
          throw new ArchiveError(`Cannot load ${label}: ${shown} is not part of an OCI image layout`);
        }
        if (entry.type !== "file") throw new ArchiveError(`Cannot load ${label}: ${shown} is a ${entry.type}, not a regular file`);
        if (blob) {
          const digest: Digest = `sha256:${blob[1]}`;
          staged.set(digest, await stageBlob(entry, digest, join(staging, blob[1]!), label));
        } else {
          if (entry.size > SMALL_FILE_LIMIT) throw new ArchiveError(`Cannot load ${label}: "${path}" is too large`);
          const parts: Uint8Array[] = [];
          for await (const part of entry.body) parts.push(part);
          const bytes = new Uint8Array(Buffer.concat(parts));
          if (bytes.length < entry.size) throw new ArchiveError(`Cannot load ${label}: the archive is truncated inside "${path}"`);
          small.set(path, bytes);
        }
      }
      // Read on to the end, so that a decompressor checks what it checks last (zstd's checksum,
      // gzip's CRC): index.json and oci-layout have no digest of their own.
      for await (const _rest of tarChunks);
    } catch (error) {
      throw archiveError(error, label, input.compression);
    } finally {
      input.close();
    }

    const index = parseIndex(small, label);
    const bases = parseBases(index);
    const names = index.manifests.map((entry) => refName(entry, label));
    const sizeOf = async (digest: Digest): Promise<number | undefined> => {
      const path = staged.get(digest);
      return path ? Bun.file(path).size : await store.blobSize(digest);
    };
    const readJson = async <T>(digest: Digest): Promise<T> => {
      const path = staged.get(digest) ?? store.blobPath(digest);
      try {
        return JSON.parse(await Bun.file(path).text()) as T;
      } catch (error) {
        throw new ArchiveError(`Cannot load ${label}: blob ${digest} is not valid JSON, but a descriptor says it is a manifest or index`, { cause: error });
      }
    };
    for (const entry of index.manifests) {
      let missing: Digest[];
      try {
        missing = await missingBlobs(entry, sizeOf, readJson, label);
      } catch (error) {
        if (error instanceof ArchiveError) throw error;
        throw new ArchiveError(`Cannot load ${label}: image ${entry.digest} is not a valid manifest or index (${(error as Error).message})`, { cause: error });
      }
      if (missing.length === 0) continue;
      const absentBases = [];
      for (const base of bases) if (!(await store.hasBlob(base.digest as Digest))) absentBases.push(base);
      if (absentBases.length > 0) {
        throw new ArchiveError(`Cannot load ${label}: it is a delta against ${absentBases.map((b) => `${b.name} (${b.digest})`).join(", ")}, which the store does not have; load that first`);
      }
      throw new ArchiveError(`Cannot load ${label}: it lacks ${missing.length} ${missing.length === 1 ? "blob" : "blobs"} its images need, e.g. ${missing[0]}`);
    }

    if (options.judge) {
      const tagged = index.manifests.flatMap((entry, position) => (names[position] ? [{ name: names[position]!, descriptor: entry }] : []));
      await options.judge(stagedContent(store, staged, tagged), tagged);
    }

    for (const [digest, path] of staged) {
      if (await store.hasBlob(digest)) continue;
      await rename(path, store.blobPath(digest));
    }
    const images = [];
    for (const [position, entry] of index.manifests.entries()) {
      const name = names[position];
      if (name) await store.tag(name, entry);
      images.push({ name: name ?? entry.digest, digest: entry.digest });
    }
    return { images, blobs: staged.size };
  } finally {
    lock.release();
    await rm(staging, { recursive: true, force: true });
  }
}

/** The archive as it lies staged, over the store (a delta's base blobs are there). */
function stagedContent(store: OciStore, staged: ReadonlyMap<Digest, string>, images: readonly TaggedImage[]): ImageContent {
  const blobPath = (digest: Digest) => staged.get(digest) ?? store.blobPath(digest);
  const readBlob = (digest: Digest) => readCheckedBlob(blobPath(digest), digest, "the archive being loaded");
  return {
    resolve: async (name) => images.find((image) => image.name === name)?.descriptor,
    readBlob,
    readJson: async <T>(digest: Digest) => parseJsonBlob<T>(await readBlob(digest)),
    blobPath,
  };
}

async function openArchive(file: string, onProgress?: (done: number, total: number) => void): Promise<DecompressedFile> {
  const handle = Bun.file(file);
  if (!(await handle.exists())) throw new ArchiveError(`Cannot load "${file}": it does not exist`);
  let read = 0;
  return openDecompressed(file, onProgress ? (bytes) => onProgress((read += bytes), handle.size) : undefined);
}

/**
 * Pass the archive through, checking first that it starts with a tar header (its checksum adds
 * up), so that a file that is no tar at all is named as such rather than read as garbled entries.
 */
async function* checkedTar(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let head: Uint8Array = new Uint8Array(0);
  let checked = false;
  for await (const chunk of chunks) {
    if (checked) {
      yield chunk;
      continue;
    }
    head = head.length === 0 ? chunk : new Uint8Array(Buffer.concat([head, chunk]));
    if (head.length < 512) continue;
    if (!isTarHeader(head.subarray(0, 512))) throw new ArchiveError("it is not a tar archive (its first block is no tar header)");
    checked = true;
    yield head;
  }
  if (!checked && head.length > 0) yield head; // shorter than a header: the tar reader says it is truncated
}

/** A first block that is not a tar header (its checksum does not add up) means no tar at all. */
function isTarHeader(block: Uint8Array): boolean {
  if (block.length < 512) return true; // too short to tell: the tar reader reports the truncation
  if (block.every((byte) => byte === 0)) return true; // an empty archive: the end-of-archive blocks
  return tarChecksumMatches(block);
}

/** The error to report for anything that went wrong while reading the archive. */
function archiveError(error: unknown, label: string, compression: ArchiveCompression): ArchiveError {
  if (error instanceof ArchiveError) {
    return error.message.startsWith("Cannot load") ? error : new ArchiveError(`Cannot load ${label}: ${error.message}`, { cause: error });
  }
  const message = (error as Error).message ?? String(error);
  if (error instanceof TruncatedArchiveError || error instanceof CorruptArchiveError) {
    return new ArchiveError(`Cannot load ${label}: ${message.charAt(0).toLowerCase()}${message.slice(1)}`);
  }
  const code = (error as { code?: unknown }).code;
  if (compression !== "none" && typeof code === "string" && /^(Z_|ZSTD_)/.test(code)) {
    return new ArchiveError(`Cannot load ${label}: its ${compression} data is corrupt or truncated (${message})`, { cause: error });
  }
  return new ArchiveError(`Cannot load ${label}: ${message}`, { cause: error });
}

/** A path as an error message shows it: quoted, or described when it is not printable. */
function describePath(path: string): string {
  if (/[\u0000-\u001f\u007f-\u009f\ufffd]/.test(path)) return "an entry with a garbled name (the archive is corrupt)";
  return JSON.stringify(path);
}

function isUnsafePath(path: string): boolean {
  return path.startsWith("/") || path.split("/").includes("..");
}

/** The store name of an image of the archive: its ref name, normalized as every store name is. */
function refName(entry: Descriptor, label: string): string | undefined {
  const name = entry.annotations?.[REF_NAME_ANNOTATION];
  if (name === undefined) return undefined;
  if (!tryParseImageReference(name)) {
    throw new ArchiveError(`Cannot load ${label}: its index.json names image ${entry.digest} ${JSON.stringify(name)}, which is not an image reference`);
  }
  return normalizeImageReference(name);
}

/**
 * Write a blob's bytes to `path` while hashing them: each piece is hashed here while the one
 * before it is being written on the thread pool.
 */
async function stageBlob(entry: { readonly body: AsyncIterable<Uint8Array>; readonly size: number; readonly path: string }, digest: Digest, path: string, label: string): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  const file = await open(path, "w");
  let size = 0;
  let writing: Promise<void> = Promise.resolve();
  try {
    for await (const chunk of entry.body) {
      hasher.update(chunk);
      size += chunk.length;
      await writing;
      writing = writeAll(file, chunk);
    }
    await writing;
  } finally {
    await writing.catch(() => {});
    await file.close();
  }
  if (size < entry.size) throw new ArchiveError(`Cannot load ${label}: the archive is truncated inside "${entry.path}"`);
  const actual = `sha256:${hasher.digest("hex")}`;
  if (actual !== digest) throw new ArchiveError(`Cannot load ${label}: blob ${digest} does not match its digest (its content hashes to ${actual})`);
  return path;
}

async function writeAll(file: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.length; ) offset += (await file.write(bytes, offset)).bytesWritten;
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

/** The blobs an image lacks (neither in the archive nor in the store); a blob of the wrong size is refused. */
async function missingBlobs(
  descriptor: Descriptor,
  sizeOf: (digest: Digest) => Promise<number | undefined>,
  readJson: <T>(digest: Digest) => Promise<T>,
  label: string,
): Promise<Digest[]> {
  if (!isDigest(descriptor.digest)) throw new ArchiveError(`Cannot load ${label}: ${JSON.stringify(descriptor.digest)} is not a digest`);
  const size = await sizeOf(descriptor.digest);
  if (size === undefined) return [descriptor.digest];
  if (size !== descriptor.size) {
    throw new ArchiveError(`Cannot load ${label}: blob ${descriptor.digest} has ${size} bytes, but its descriptor says ${descriptor.size}`);
  }
  const children = await childDescriptors(descriptor, readJson);
  const nested = await Promise.all(children.map((child) => missingBlobs(child, sizeOf, readJson, label)));
  return nested.flat();
}
