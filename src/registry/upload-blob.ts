import type { Descriptor } from "../oci/descriptor.ts";
import { RegistryError } from "./registry-error.ts";
import type { RegistryClient } from "./registry-client.ts";

export interface BlobUpload {
  readonly client: RegistryClient;
  readonly repository: string;
  readonly descriptor: Descriptor;
  /** The blob's bytes, opened afresh for every attempt. */
  readonly open: () => Blob;
  /** Other repositories of the same registry that may already hold the blob (cross-repository mount). */
  readonly mountFrom?: readonly string[];
  /** Blobs larger than this go up in chunks (PATCH with Content-Range); default 64 MiB. */
  readonly chunkSize?: number;
  readonly onProgress?: (bytes: number) => void;
}

const DEFAULT_CHUNK = 64 * 1024 * 1024;
/** Upload sessions to try before giving up on a blob. */
const UPLOAD_SESSIONS = 3;
/** Times one session goes on from the registry's offset after a lost chunk answer. */
const SESSION_RESUMES = 3;

/**
 * Make sure the registry has a blob: HEAD first (nothing to do when it is there), then a
 * cross-repository mount when another repository may hold it, then an upload — monolithic for
 * small blobs, chunked for large ones, in a fresh session when one breaks. Returns what it had to do.
 */
export async function uploadBlob(upload: BlobUpload): Promise<"present" | "mounted" | "uploaded"> {
  const { client, repository, descriptor } = upload;
  const scope = `repository:${repository}:pull,push`;
  const blobPath = `/v2/${repository}/blobs/${descriptor.digest}`;
  if (await exists(client, blobPath, scope, descriptor)) return "present";

  for (const source of upload.mountFrom ?? []) {
    if (source === repository) continue;
    const mounted = await client.request("POST", `/v2/${repository}/blobs/uploads/?mount=${descriptor.digest}&from=${encodeURIComponent(source)}`, {
      scope: `${scope} repository:${source}:pull`,
      what: `a mount of blob ${descriptor.digest} into ${repository}`,
      headers: { "Content-Length": "0" },
      accept: [201, 202],
    });
    await mounted.body?.cancel();
    if (mounted.status === 201) return "mounted";
    // 202: the registry started an upload instead; a fresh one below is simpler than reusing it
  }

  for (let session = 1; ; session++) {
    try {
      await uploadInSession(upload, scope);
      return "uploaded";
    } catch (error) {
      if (session >= UPLOAD_SESSIONS || !canStartOver(error)) throw error;
      // The registry may have finished the blob although its answer was lost.
      if (await exists(client, blobPath, scope, descriptor)) return "uploaded";
    }
  }
}

/**
 * One upload session: POST for a location, then one PUT with the whole blob, or PATCH chunks and
 * a closing PUT. When a chunk's answer is lost, the session goes on from the offset the registry
 * reports (GET on the upload, `Range: 0-N`); a registry that cannot say (docker-registry 2.8 refuses
 * the status of a session whose state moved on: 404) makes the caller start a new session instead.
 */
async function uploadInSession(upload: BlobUpload, scope: string): Promise<void> {
  const { client, repository, descriptor } = upload;
  const start = await client.request("POST", `/v2/${repository}/blobs/uploads/`, {
    scope,
    what: `an upload of blob ${descriptor.digest} to ${repository}`,
    headers: { "Content-Length": "0" },
  });
  await start.body?.cancel();
  let location = uploadLocation(client, start, repository);
  const chunkSize = upload.chunkSize ?? DEFAULT_CHUNK;
  const body = upload.open();
  if (descriptor.size <= chunkSize) {
    const done = await client.request("PUT", withDigest(location, descriptor.digest), {
      scope,
      what: `blob ${descriptor.digest} for ${repository}`,
      headers: { "Content-Type": "application/octet-stream", "Content-Length": String(descriptor.size) },
      body: () => body,
      absolute: true,
    });
    await done.body?.cancel();
    upload.onProgress?.(descriptor.size);
    return;
  }
  let resumes = 0;
  for (let offset = 0; offset < descriptor.size; ) {
    const end = Math.min(offset + chunkSize, descriptor.size);
    let response: Response;
    try {
      response = await client.request("PATCH", location, {
        scope,
        what: `a chunk of blob ${descriptor.digest} for ${repository}`,
        headers: {
          "Content-Type": "application/octet-stream",
          "Content-Length": String(end - offset),
          "Content-Range": `${offset}-${end - 1}`,
        },
        body: () => body.slice(offset, end),
        absolute: true,
        accept: [202],
      });
    } catch (error) {
      // the chunk may or may not have arrived: ask the registry how much it has, and go on from there
      const status = resumes < SESSION_RESUMES && canStartOver(error) ? await uploadStatus(client, location, scope, descriptor, repository) : undefined;
      if (!status) throw error;
      resumes++;
      upload.onProgress?.(Math.max(0, status.received - offset));
      offset = status.received;
      location = status.location;
      continue;
    }
    await response.body?.cancel();
    location = uploadLocation(client, response, repository);
    upload.onProgress?.(end - offset);
    offset = end;
  }
  const done = await client.request("PUT", withDigest(location, descriptor.digest), {
    scope,
    what: `the end of blob ${descriptor.digest} for ${repository}`,
    headers: { "Content-Length": "0" },
    absolute: true,
  });
  await done.body?.cancel();
}

/**
 * Whether a failed session is worth a fresh one: the connection broke, the registry lost or
 * refused the session's state (404 BLOB_UPLOAD_UNKNOWN/INVALID, 416 after a chunk it already had),
 * or it kept failing temporarily. Refused credentials and a refused digest are final.
 */
function canStartOver(error: unknown): boolean {
  if (!(error instanceof RegistryError)) return false;
  return error.status === 0 || error.status === 404 || error.status === 416 || error.temporary;
}

async function exists(client: RegistryClient, path: string, scope: string, descriptor: Descriptor): Promise<boolean> {
  try {
    const response = await client.request("HEAD", path, { scope, what: `blob ${descriptor.digest}`, accept: [200, 404] });
    return response.status === 200;
  } catch (error) {
    if (error instanceof RegistryError && error.status === 404) return false;
    throw error;
  }
}

/**
 * How many bytes an upload session holds (its `Range: 0-N`, N+1 bytes; none without a Range) and
 * where it goes on; undefined when the registry cannot say.
 */
async function uploadStatus(client: RegistryClient, location: string, scope: string, descriptor: Descriptor, repository: string): Promise<{ received: number; location: string } | undefined> {
  try {
    const response = await client.request("GET", location, { scope, what: `the upload status of blob ${descriptor.digest} for ${repository}`, absolute: true, accept: [204] });
    await response.body?.cancel();
    const range = /^(?:bytes=)?0-(\d+)$/.exec(response.headers.get("range") ?? "");
    // "0-0" is what registries say for an empty session too: read it as nothing received
    const received = range && Number(range[1]) > 0 ? Number(range[1]) + 1 : 0;
    if (received > descriptor.size) return undefined;
    return { received, location: uploadLocation(client, response, repository) };
  } catch {
    return undefined;
  }
}

/** The Location of an upload session, made absolute against the registry's URL. */
function uploadLocation(client: RegistryClient, response: Response, repository: string): string {
  const location = response.headers.get("location");
  if (!location) throw new RegistryError(`Cannot upload to ${client.endpoint.registry}/${repository}: the registry gave no upload location`, response.status);
  return new URL(location, client.endpoint.baseUrl).toString();
}

function withDigest(location: string, digest: string): string {
  const url = new URL(location);
  url.searchParams.set("digest", digest);
  return url.toString();
}
