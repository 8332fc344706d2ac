import { createReadStream, createWriteStream, mkdirSync } from "node:fs";
import { mkdir, rename, rm, stat, truncate, writeFile } from "node:fs/promises";
import { once } from "node:events";
import { finished } from "node:stream/promises";
import { dirname, join } from "node:path";
import { directoryStorage } from "../directory-storage.ts";
import type { RegistryStorage } from "../registry-storage.ts";

/** A push that cannot be taken, as the distribution spec's error it answers with. */
export class PushError extends Error {
  override name = "PushError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
  }
}

/**
 * The writable part of the registry on a node: distribution's filesystem layout under DIR
 * (`docker/registry/v2`), so what was pushed is also a folder `lade serve registry --dir` or
 * docker-registry can serve. Uploads are written below the repository's `_uploads/` and become
 * a blob only when the digest checks out, by a rename: an interrupted or failed upload never
 * shows, and two pushes of the same blob both end with the same file.
 */
export interface PushArea {
  /** What was pushed, for reading (the layer over the image's content). */
  readonly storage: RegistryStorage;
  startUpload(name: string): Promise<string>;
  /** The bytes an upload has so far, or undefined when there is no such upload. */
  uploadSize(name: string, id: string): Promise<number | undefined>;
  /** Add BODY to an upload at OFFSET (its size so far, when given); the new size. More than LIMIT bytes in all is refused, and what the body added taken back. */
  append(name: string, id: string, body: ReadableStream<Uint8Array> | null, offset?: number, limit?: number): Promise<number>;
  /** Add BODY, check the whole upload against DIGEST and make it the blob, linked to the repository. */
  finish(name: string, id: string, digest: string, body: ReadableStream<Uint8Array> | null, limit?: number): Promise<void>;
  cancel(name: string, id: string): Promise<boolean>;
  /** Make a blob that is there (in any layer) part of the repository (cross-repository mount). */
  linkBlob(name: string, digest: string): Promise<void>;
  /** Store a manifest's bytes under its digest, as a revision of the repository and, with TAG, its tag. */
  putManifest(name: string, digest: string, bytes: Uint8Array, tag?: string): Promise<void>;
}

const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function createPushArea(dir: string): PushArea {
  const base = join(dir, "docker", "registry", "v2");
  mkdirSync(join(base, "blobs"), { recursive: true });
  mkdirSync(join(base, "repositories"), { recursive: true });
  const storage = directoryStorage(dir);
  /** The running hash of an upload whose bytes all went through this process, in order. */
  const hashes = new Map<string, { hasher: Bun.CryptoHasher; size: number }>();
  const uploadDir = (name: string, id: string) => {
    if (!UPLOAD_ID.test(id)) throw new PushError(404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry", { uuid: id });
    return join(base, "repositories", name, "_uploads", id);
  };

  const area: PushArea = {
    storage,
    async startUpload(name) {
      const id = crypto.randomUUID();
      const folder = uploadDir(name, id);
      await guardDisk(async () => {
        await mkdir(folder, { recursive: true });
        await writeFile(join(folder, "data"), "");
        await writeFile(join(folder, "startedat"), new Date().toISOString());
      });
      hashes.set(id, { hasher: new Bun.CryptoHasher("sha256"), size: 0 });
      return id;
    },
    async uploadSize(name, id) {
      const info = await stat(join(uploadDir(name, id), "data")).catch(() => undefined);
      return info?.isFile() ? info.size : undefined;
    },
    async append(name, id, body, offset, limit) {
      const size = await area.uploadSize(name, id);
      if (size === undefined) throw new PushError(404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry", { uuid: id });
      if (offset !== undefined && offset !== size) {
        throw new PushError(416, "BLOB_UPLOAD_INVALID", `the chunk starts at ${offset}, but the upload has ${size} bytes`, { uuid: id, size });
      }
      const state = hashes.get(id);
      const running = state && state.size === size ? state : undefined;
      if (!running) hashes.delete(id);
      const data = join(uploadDir(name, id), "data");
      let written: number;
      try {
        written = await guardDisk(() => appendStream(data, body, running?.hasher, limit === undefined ? undefined : limit - size));
      } catch (error) {
        if (!(error instanceof PushError) || (error.status !== 413 && error.status !== 507)) throw error;
        await truncate(data, size); // the upload is as it was before this chunk
        hashes.delete(id);
        if (error.status === 507) throw new PushError(507, "UNKNOWN", `${DISK_FULL}: the chunk was refused, the upload keeps its ${size} bytes`, { uuid: id, size });
        throw new PushError(413, "SIZE_INVALID", `a blob is at most ${limit} bytes on this registry: the chunk was refused, nothing of it stored`, { uuid: id, size });
      }
      if (running) running.size += written;
      return size + written;
    },
    async finish(name, id, digest, body, limit) {
      const size = await area.append(name, id, body, undefined, limit);
      const data = join(uploadDir(name, id), "data");
      const [algorithm, hex] = digest.split(":") as [string, string];
      const state = hashes.get(id);
      hashes.delete(id);
      const actual = algorithm === "sha256" && state?.size === size ? state.hasher.digest("hex") : await hashFile(data, algorithm as "sha256" | "sha512");
      if (actual !== hex) {
        await rm(uploadDir(name, id), { recursive: true, force: true });
        throw new PushError(400, "DIGEST_INVALID", `the upload's digest is ${algorithm}:${actual}, not ${digest}`, { digest });
      }
      await guardDisk(async () => {
        const target = join(base, "blobs", algorithm, hex.slice(0, 2), hex, "data");
        await mkdir(dirname(target), { recursive: true });
        await rename(data, target);
        await writeLink(join(base, "repositories", name, "_layers", algorithm, hex, "link"), digest);
      });
      await rm(uploadDir(name, id), { recursive: true, force: true });
    },
    async cancel(name, id) {
      const folder = uploadDir(name, id);
      hashes.delete(id);
      if ((await stat(folder).catch(() => undefined)) === undefined) return false;
      await rm(folder, { recursive: true, force: true });
      return true;
    },
    async linkBlob(name, digest) {
      const [algorithm, hex] = digest.split(":") as [string, string];
      await guardDisk(() => writeLink(join(base, "repositories", name, "_layers", algorithm, hex, "link"), digest));
    },
    async putManifest(name, digest, bytes, tag) {
      const [algorithm, hex] = digest.split(":") as [string, string];
      await guardDisk(async () => {
        const target = join(base, "blobs", algorithm, hex.slice(0, 2), hex, "data");
        await mkdir(dirname(target), { recursive: true });
        const partial = `${target}.partial-${crypto.randomUUID()}`;
        await writeFile(partial, bytes);
        await rename(partial, target);
        const manifests = join(base, "repositories", name, "_manifests");
        await writeLink(join(manifests, "revisions", algorithm, hex, "link"), digest);
        if (tag) {
          await writeLink(join(manifests, "tags", tag, "index", algorithm, hex, "link"), digest);
          await writeLink(join(manifests, "tags", tag, "current", "link"), digest);
        }
      });
    },
  };
  return area;
}

/** A link file written whole or not at all. */
async function writeLink(path: string, digest: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.partial-${crypto.randomUUID()}`;
  await writeFile(partial, digest);
  await rename(partial, path);
}

/** Append a request body to a file, streamed, feeding HASHER on the way; the bytes written. More than ROOM bytes is a 413. */
async function appendStream(path: string, body: ReadableStream<Uint8Array> | null, hasher?: Bun.CryptoHasher, room?: number): Promise<number> {
  if (!body) return 0;
  const out = createWriteStream(path, { flags: "a" });
  // a write error (a full disk) may come between two chunks, when nothing waits for "drain"
  let failure: Error | undefined;
  out.on("error", (error) => (failure ??= error));
  let written = 0;
  try {
    for await (const chunk of body) {
      if (failure) throw failure;
      if (room !== undefined && written + chunk.length > room) throw new PushError(413, "SIZE_INVALID", "too big");
      hasher?.update(chunk);
      written += chunk.length;
      if (!out.write(chunk)) await once(out, "drain"); // rejects on an error
    }
    if (failure) throw failure;
  } finally {
    out.end();
    await finished(out).catch(() => undefined); // also when it closed already, on an error
  }
  if (out.errored) throw out.errored;
  return written;
}

async function hashFile(path: string, algorithm: "sha256" | "sha512"): Promise<string> {
  const hasher = new Bun.CryptoHasher(algorithm);
  for await (const chunk of createReadStream(path)) hasher.update(chunk as Buffer);
  return hasher.digest("hex");
}

const DISK_FULL = "the registry's disk is full";

/** A full disk as the clear 5xx the spec allows, not a stack trace. */
async function guardDisk<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOSPC" || code === "EDQUOT") throw new PushError(507, "UNKNOWN", `${DISK_FULL}: nothing was stored`);
    throw error;
  }
}
