import { isDigest } from "../../../oci/digest.ts";
import { NAME } from "../repository-name.ts";
import type { RegistryStorage } from "../registry-storage.ts";
import { manifestReferences } from "./manifest-references.ts";
import { PushError, type PushArea } from "./push-area.ts";
import { REPLICA_HEADER, type Replicator } from "./replicate.ts";

/** The largest manifest taken, as distribution's default (4 MiB). */
const MANIFEST_LIMIT = 4 * 1024 * 1024;
const TAG = /^[\w][\w.-]{0,127}$/;

export interface PushOptions {
  readonly area: PushArea;
  /** Everything the registry serves (what was pushed over the image's content), for what a push refers to. */
  readonly storage: RegistryStorage;
  /** The largest blob an upload may reach, in bytes (a larger Content-Length is refused up front). */
  readonly maxBlobSize?: number;
  /** Sends pushes on to the other registry hosts. */
  readonly replicator?: Replicator;
}

/**
 * The write half of the OCI distribution API for repository NAME (validated already): blob
 * uploads (monolithic, chunked with Content-Range, resumable: GET gives the status), cross-
 * repository mounts, manifest and index PUT with their blobs and digest checked. Deletes stay
 * off. REST is the path after `/v2/NAME/`.
 */
export async function handlePush(name: string, rest: string, request: Request, options: PushOptions): Promise<Response> {
  try {
    return await route(name, rest, request, options);
  } catch (error) {
    if (error instanceof PushError) return pushError(error);
    throw error;
  }
}

async function route(name: string, rest: string, request: Request, options: PushOptions): Promise<Response> {
  const { area } = options;
  const url = new URL(request.url);
  const method = request.method;
  if (method === "DELETE" && !rest.startsWith("blobs/uploads/")) {
    throw new PushError(405, "UNSUPPORTED", "deletes are off on this registry");
  }
  if (rest === "blobs/uploads/" || rest === "blobs/uploads") {
    if (method !== "POST") throw new PushError(405, "UNSUPPORTED", `${method} is not taken here`);
    checkSize(request, options);
    const mount = url.searchParams.get("mount");
    const from = url.searchParams.get("from");
    // a mount from a repository that does not have the blob (or is no name) is an ordinary upload
    if (mount && from && isDigest(mount) && NAME.test(from) && (await hasBlob(options.storage, from, mount))) {
      await area.linkBlob(name, mount);
      return created(request, `/v2/${name}/blobs/${mount}`, mount);
    }
    const digest = url.searchParams.get("digest");
    const id = await area.startUpload(name);
    if (digest) {
      if (!isDigest(digest)) throw new PushError(400, "DIGEST_INVALID", "invalid digest", { digest });
      // a monolithic upload that fails leaves no session behind
      await area.finish(name, id, digest, request.body, options.maxBlobSize).catch(async (error: unknown) => {
        await area.cancel(name, id);
        if (error instanceof PushError && error.status === 507) throw new PushError(507, "UNKNOWN", "the registry's disk is full: nothing was stored");
        throw error;
      });
      return created(request, `/v2/${name}/blobs/${digest}`, digest);
    }
    return uploadStatus(request, name, id, 0, 202);
  }
  const upload = /^blobs\/uploads\/([^/]+)$/.exec(rest);
  if (upload) {
    const id = upload[1]!;
    if (method === "GET") {
      const size = await area.uploadSize(name, id);
      if (size === undefined) throw new PushError(404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry", { uuid: id });
      return uploadStatus(request, name, id, size, 204);
    }
    if (method === "DELETE") {
      if (!(await area.cancel(name, id))) throw new PushError(404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry", { uuid: id });
      return new Response(null, { status: 204, headers: { ...API_HEADERS, "Content-Length": "0" } });
    }
    checkSize(request, options, (await area.uploadSize(name, id)) ?? 0);
    if (method === "PATCH") {
      const size = await area.append(name, id, request.body, chunkStart(request), options.maxBlobSize);
      return uploadStatus(request, name, id, size, 202);
    }
    if (method === "PUT") {
      const digest = url.searchParams.get("digest");
      if (!digest || !isDigest(digest)) throw new PushError(400, "DIGEST_INVALID", "the upload needs ?digest= with a valid digest", { digest });
      await area.finish(name, id, digest, request.body, options.maxBlobSize);
      return created(request, `/v2/${name}/blobs/${digest}`, digest);
    }
    throw new PushError(405, "UNSUPPORTED", `${method} is not taken here`);
  }
  const manifest = /^manifests\/([^/]+)$/.exec(rest);
  if (manifest && method === "PUT") return putManifest(name, decodeURIComponent(manifest[1]!), request, options);
  throw new PushError(405, "UNSUPPORTED", `${method} is not taken here`);
}

async function putManifest(name: string, reference: string, request: Request, options: PushOptions): Promise<Response> {
  const isReferenceDigest = reference.includes(":");
  if (isReferenceDigest && !isDigest(reference)) throw new PushError(400, "DIGEST_INVALID", "invalid digest", { digest: reference });
  if (!isReferenceDigest && !TAG.test(reference)) throw new PushError(400, "TAG_INVALID", "invalid tag", { tag: reference });
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > MANIFEST_LIMIT) throw new PushError(413, "MANIFEST_INVALID", `a manifest is at most ${MANIFEST_LIMIT} bytes`);
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.length > MANIFEST_LIMIT) throw new PushError(413, "MANIFEST_INVALID", `a manifest is at most ${MANIFEST_LIMIT} bytes`);
  const algorithm = isReferenceDigest ? (reference.split(":")[0] as "sha256" | "sha512") : "sha256";
  const digest = `${algorithm}:${new Bun.CryptoHasher(algorithm).update(bytes).digest("hex")}`;
  if (isReferenceDigest && digest !== reference) throw new PushError(400, "DIGEST_INVALID", `the manifest's digest is ${digest}, not ${reference}`, { digest: reference });
  const references = manifestReferences(bytes, request.headers.get("content-type"));
  if (typeof references === "string") throw new PushError(400, "MANIFEST_INVALID", references);
  for (const blob of references.blobs) {
    if (!(await hasBlob(options.storage, name, blob))) throw new PushError(400, "MANIFEST_BLOB_UNKNOWN", `blob ${blob} is not in ${name}: push it first`, { digest: blob });
  }
  for (const child of references.manifests) {
    if ((await options.storage.size(`repositories/${name}/_manifests/revisions/${child.replace(":", "/")}/link`)) === undefined) {
      throw new PushError(400, "MANIFEST_BLOB_UNKNOWN", `manifest ${child} is not in ${name}: push it first`, { digest: child });
    }
  }
  await options.area.putManifest(name, digest, bytes, isReferenceDigest ? undefined : reference);
  // a push a peer sent on is not sent back
  if (options.replicator && !request.headers.get(REPLICA_HEADER)) {
    await options.replicator.enqueue(name, digest, isReferenceDigest ? undefined : reference, request.headers.get("authorization"));
  }
  return created(request, `/v2/${name}/manifests/${digest}`, digest);
}

/** A blob the repository has: linked to it (in any layer) and its data there. */
async function hasBlob(storage: RegistryStorage, name: string, digest: string): Promise<boolean> {
  const [algorithm, hex] = digest.split(":") as [string, string];
  const linked =
    (await storage.size(`repositories/${name}/_layers/${algorithm}/${hex}/link`)) !== undefined ||
    (await storage.size(`repositories/${name}/_manifests/revisions/${algorithm}/${hex}/link`)) !== undefined;
  return linked && (await storage.size(`blobs/${algorithm}/${hex.slice(0, 2)}/${hex}/data`)) !== undefined;
}

/** `Content-Range: START-END` of a chunk (START must be the upload's size), or undefined without one. */
function chunkStart(request: Request): number | undefined {
  const header = request.headers.get("content-range");
  if (!header) return undefined;
  const match = /^(?:bytes[ =])?(\d+)-(\d+)(?:\/\d+|\/\*)?$/.exec(header.trim());
  if (!match) throw new PushError(416, "BLOB_UPLOAD_INVALID", `Content-Range "${header}" is not START-END`);
  return Number(match[1]);
}

function checkSize(request: Request, options: PushOptions, already = 0): void {
  const length = Number(request.headers.get("content-length") ?? "0");
  if (options.maxBlobSize !== undefined && already + length > options.maxBlobSize) {
    throw new PushError(413, "SIZE_INVALID", `a blob is at most ${options.maxBlobSize} bytes on this registry: ${already + length} refused, nothing stored`);
  }
}

const API_HEADERS = { "Docker-Distribution-Api-Version": "registry/2.0" };

function uploadStatus(request: Request, name: string, id: string, size: number, status: 202 | 204): Response {
  return new Response(null, {
    status,
    headers: {
      ...API_HEADERS,
      Location: new URL(`/v2/${name}/blobs/uploads/${id}`, request.url).toString(),
      "Docker-Upload-UUID": id,
      Range: `0-${Math.max(size - 1, 0)}`,
      "Content-Length": "0",
    },
  });
}

function created(request: Request, path: string, digest: string): Response {
  return new Response(null, {
    status: 201,
    headers: { ...API_HEADERS, Location: new URL(path, request.url).toString(), "Docker-Content-Digest": digest, "Content-Length": "0" },
  });
}

function pushError(error: PushError): Response {
  return new Response(`${JSON.stringify({ errors: [{ code: error.code, message: error.message, ...(error.detail ? { detail: error.detail } : {}) }] })}\n`, {
    status: error.status,
    headers: { ...API_HEADERS, "Content-Type": "application/json; charset=utf-8" },
  });
}
