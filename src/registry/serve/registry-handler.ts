import { isDigest } from "../../oci/digest.ts";
import { MediaTypes } from "../../oci/media-types.ts";
import { explainLeftOutManifest } from "./left-out-manifest.ts";
import type { RegistryStorage } from "./registry-storage.ts";
import { handlePush, type PushOptions } from "./push/push-routes.ts";
import { NAME } from "./repository-name.ts";
import type { PullThrough } from "./proxy/pull-through.ts";
import { RegistryError } from "../registry-error.ts";
import type { Digest } from "../../oci/digest.ts";

export interface RegistryHandlerOptions {
  /** Checks the Authorization header; absent means no auth. */
  readonly authorize?: (authorization: string | null) => Promise<boolean>;
  /** With authorize: pulls need no login, pushes still do. */
  readonly anonymousRead?: boolean;
  readonly realm?: string;
  /** Take pushes (into their own area); without it the registry is read-only. */
  readonly push?: PushOptions;
  /** Fetch what is not here from upstream registries (a pull-through cache). */
  readonly proxy?: PullThrough;
}

const TAG = /^[\w][\w.-]{0,127}$/;
const API_HEADERS = { "Docker-Distribution-Api-Version": "registry/2.0" };
const JSON_TYPE = "application/json; charset=utf-8";
const responseNotes = new WeakMap<Response, string>();

/** What the access log should add to a response's line (why a manifest is missing), if anything. */
export function responseNote(response: Response): string | undefined {
  return responseNotes.get(response);
}

/**
 * The read-only OCI distribution API over distribution's storage: /v2/, manifests by tag and digest,
 * blobs with Range, tag lists and the catalog. Names, tags and digests are validated before any
 * path is built from them, so nothing outside the storage is ever read. Writes get 405 UNSUPPORTED,
 * unless pushes are on (push-routes.ts); with an htpasswd they always need a login.
 */
export function createRegistryHandler(storage: RegistryStorage, options: RegistryHandlerOptions = {}): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    const path = url.pathname;
    const upload = /^\/v2\/(.+)\/blobs\/uploads(\/[^/]*)?$/.exec(path);
    const write = (request.method !== "GET" && request.method !== "HEAD") || upload !== null;
    // with anonymous reads, the /v2/ ping still asks for a login: clients only send theirs (for a push) when it does
    const ping = path === "/v2/" || path === "/v2";
    if (options.authorize && (write || ping || !options.anonymousRead) && !(await options.authorize(request.headers.get("authorization")))) {
      return errorResponse(401, "UNAUTHORIZED", "authentication required", { "WWW-Authenticate": `Basic realm="${options.realm ?? "lade"}"` });
    }
    if (write) {
      if (!options.push) return errorResponse(405, "UNSUPPORTED", "this registry is read-only", { Allow: "GET, HEAD" });
      const target = upload ?? /^\/v2\/(.+)\/(manifests\/[^/]+|blobs\/[^/]+)$/.exec(path);
      if (!target) return errorResponse(404, "NOT_FOUND", "unknown path");
      const name = decodePathPart(target[1]!);
      if (name === undefined || !NAME.test(name) || name.length > 255) return errorResponse(400, "NAME_INVALID", "invalid repository name");
      return handlePush(name, path.slice(`/v2/${target[1]!}/`.length), request, options.push);
    }
    if (path === "/v2/" || path === "/v2") return json({}, request, {}, ""); // distribution's "{}" has no newline
    if (path === "/v2/_catalog") return catalog(storage, url, request);
    const route = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(path) ?? /^\/v2\/(.+)\/(tags)\/list$/.exec(path);
    if (!route) return errorResponse(404, "NOT_FOUND", "unknown path");
    const name = decodePathPart(route[1]!);
    if (name === undefined || !NAME.test(name) || name.length > 255) return errorResponse(400, "NAME_INVALID", "invalid repository name");
    const kind = route[2]!;
    const reference = kind === "tags" ? "" : decodePathPart(route[3]!);
    const answer = async (): Promise<Response> => {
      const entries = await storage.list(`repositories/${name}`);
      if (!entries?.includes("_manifests") && !entries?.includes("_layers")) {
        return errorResponse(404, "NAME_UNKNOWN", "repository name not known to registry", {}, { name });
      }
      if (kind === "tags") return tagList(storage, name, url, request);
      if (reference === undefined) {
        return kind === "manifests" ? errorResponse(400, "TAG_INVALID", "invalid tag") : errorResponse(400, "DIGEST_INVALID", "invalid digest");
      }
      return kind === "manifests" ? manifest(storage, name, reference, request) : blob(storage, name, reference, request);
    };
    const response = await answer();
    const proxy = options.proxy;
    if (!proxy || kind === "tags" || reference === undefined) return response;
    if (response.ok) {
      if (kind === "blobs") proxy.touch(reference);
      return response;
    }
    if (response.status !== 404) return response;
    // neither in the image nor pushed: from the upstream for its domain, into the cache
    const upstream = proxy.upstreamFor(name, url.searchParams.get("ns"));
    if (!upstream) return response;
    try {
      if (kind === "manifests") await proxy.fetchManifest(name, reference, upstream);
      else await proxy.fetchBlob(name, reference as Digest, upstream);
    } catch (error) {
      const status = error instanceof RegistryError && error.status === 404 ? 404 : 502;
      const code = status === 404 ? (kind === "manifests" ? "MANIFEST_UNKNOWN" : "BLOB_UNKNOWN") : "UNKNOWN";
      const failed = errorResponse(status, code, `not here, and ${upstream.registry}/${upstream.repository}: ${(error as Error).message}`, {}, { name, reference });
      responseNotes.set(failed, `upstream ${upstream.registry}: ${(error as Error).message}`);
      return failed;
    }
    return answer();
  };
}

async function manifest(storage: RegistryStorage, name: string, reference: string, request: Request): Promise<Response> {
  let digest: string;
  if (reference.includes(":")) {
    if (!isDigest(reference)) return errorResponse(400, "DIGEST_INVALID", "invalid digest");
    if ((await storage.size(`repositories/${name}/_manifests/revisions/${reference.replace(":", "/")}/link`)) === undefined) {
      const leftOut = await explainLeftOutManifest(storage, name, reference);
      const response = errorResponse(404, "MANIFEST_UNKNOWN", leftOut ?? "manifest unknown", {}, { name, reference });
      // containerd shows only "not found": the access log says why
      if (leftOut) responseNotes.set(response, leftOut);
      return response;
    }
    digest = reference;
  } else {
    if (!TAG.test(reference)) return errorResponse(400, "TAG_INVALID", "invalid tag");
    const link = await storage.readSmall(`repositories/${name}/_manifests/tags/${reference}/current/link`);
    const linked = link ? new TextDecoder().decode(link).trim() : "";
    if (!isDigest(linked)) return errorResponse(404, "MANIFEST_UNKNOWN", "manifest unknown", {}, { name, tag: reference });
    digest = linked;
  }
  const bytes = await storage.readSmall(blobDataPath(digest));
  if (!bytes) return errorResponse(404, "MANIFEST_UNKNOWN", "manifest blob missing", {}, { name, digest });
  const headers = {
    ...API_HEADERS,
    "Content-Type": manifestMediaType(bytes),
    "Content-Length": String(bytes.length),
    "Docker-Content-Digest": digest,
    ETag: `"${digest}"`,
  };
  return new Response(request.method === "HEAD" ? null : bytes, { headers });
}

async function blob(storage: RegistryStorage, name: string, digest: string, request: Request): Promise<Response> {
  if (!isDigest(digest)) return errorResponse(400, "DIGEST_INVALID", "invalid digest");
  const linkPath = digest.replace(":", "/");
  const linked =
    (await storage.size(`repositories/${name}/_layers/${linkPath}/link`)) !== undefined ||
    (await storage.size(`repositories/${name}/_manifests/revisions/${linkPath}/link`)) !== undefined;
  const size = linked ? await storage.size(blobDataPath(digest)) : undefined;
  if (size === undefined) return errorResponse(404, "BLOB_UNKNOWN", "blob unknown to registry", {}, { digest });
  const headers: Record<string, string> = {
    ...API_HEADERS,
    "Content-Type": "application/octet-stream",
    "Docker-Content-Digest": digest,
    "Accept-Ranges": "bytes",
    ETag: `"${digest}"`,
    "Cache-Control": "max-age=31536000",
  };
  const range = parseRange(request.headers.get("range"), size);
  if (range === "invalid") {
    return errorResponse(416, "RANGE_INVALID", "requested range not satisfiable", { "Content-Range": `bytes */${size}` });
  }
  const [start, end] = range ?? [0, size];
  headers["Content-Length"] = String(end - start);
  if (range) headers["Content-Range"] = `bytes ${start}-${end - 1}/${size}`;
  const status = range ? 206 : 200;
  if (request.method === "HEAD") return new Response(null, { status, headers });
  return new Response(storage.body(blobDataPath(digest), start, end), { status, headers });
}

async function tagList(storage: RegistryStorage, name: string, url: URL, request: Request): Promise<Response> {
  const tags = ((await storage.list(`repositories/${name}/_manifests/tags`)) ?? []).filter((tag) => TAG.test(tag)).sort();
  const page = paginate(tags, url);
  return json({ name, tags: page.items }, request, nextLink(`/v2/${name}/tags/list`, page));
}

async function catalog(storage: RegistryStorage, url: URL, request: Request): Promise<Response> {
  const repositories: string[] = [];
  const walk = async (prefix: string, depth: number) => {
    const names = (await storage.list(prefix ? `repositories/${prefix}` : "repositories")) ?? [];
    if (names.includes("_manifests")) repositories.push(prefix);
    if (depth > 16) return;
    for (const entry of names.sort()) {
      if (!entry.startsWith("_")) await walk(prefix ? `${prefix}/${entry}` : entry, depth + 1);
    }
  };
  await walk("", 0);
  const page = paginate(repositories.filter((name) => NAME.test(name)).sort(), url);
  return json({ repositories: page.items }, request, nextLink("/v2/_catalog", page));
}

/**
 * `?n=&last=` as distribution pages lists: items after `last`, at most `n` (`n=0` gives none, as
 * distribution answers); a missing or malformed `n` gives all.
 */
function paginate(items: readonly string[], url: URL): { items: string[]; next?: string; size: number } {
  const last = url.searchParams.get("last");
  const n = Number(url.searchParams.get("n") ?? "");
  const after = last ? items.filter((item) => item > last) : [...items];
  if (url.searchParams.get("n") === null || !Number.isInteger(n) || n < 0 || after.length <= n) return { items: after, size: after.length };
  const page = after.slice(0, n);
  return { items: page, ...(n > 0 ? { next: page.at(-1) } : {}), size: n };
}

/** The Link header to the next page, with the query as distribution writes it (keys sorted). */
function nextLink(path: string, page: { next?: string; size: number }): Record<string, string> {
  if (page.next === undefined) return {};
  const query = new URLSearchParams({ last: page.next, n: String(page.size) });
  return { Link: `<${path}?${query.toString()}>; rel="next"` };
}

/**
 * A single `bytes=a-b`, `bytes=a-` or `bytes=-n` range; undefined when there is none, or when it is
 * one the server may ignore (RFC 9110 §14.2: another unit, several ranges), which gets the whole blob.
 */
function parseRange(header: string | null, size: number): [number, number] | "invalid" | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (!/^bytes=/i.test(value) || value.includes(",")) return undefined;
  const match = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(value);
  if (!match || (!match[1] && !match[2])) return "invalid";
  let start: number;
  let end: number;
  if (!match[1]) {
    start = Math.max(0, size - Number(match[2]));
    end = size;
  } else {
    start = Number(match[1]);
    end = match[2] ? Math.min(Number(match[2]) + 1, size) : size;
  }
  if (start >= size || start >= end) return "invalid";
  return [start, end];
}

function manifestMediaType(bytes: Uint8Array): string {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as { mediaType?: string; manifests?: unknown };
    if (parsed.mediaType) return parsed.mediaType;
    return parsed.manifests ? MediaTypes.ociIndex : MediaTypes.ociManifest;
  } catch {
    return MediaTypes.ociManifest;
  }
}

function blobDataPath(digest: string): string {
  const [algorithm, hex] = digest.split(":") as [string, string];
  return `blobs/${algorithm}/${hex.slice(0, 2)}/${hex}/data`;
}

/** A JSON answer byte for byte as distribution writes it (Go's json.Encoder ends it with a newline). */
function json(body: unknown, request: Request, headers: Record<string, string> = {}, end = "\n"): Response {
  const text = `${JSON.stringify(body)}${end}`;
  return new Response(request.method === "HEAD" ? null : text, {
    headers: { ...API_HEADERS, "Content-Type": JSON_TYPE, "Content-Length": String(Buffer.byteLength(text)), ...headers },
  });
}

function errorResponse(status: number, code: string, message: string, headers: Record<string, string> = {}, detail?: unknown): Response {
  return new Response(`${JSON.stringify({ errors: [{ code, message, ...(detail ? { detail } : {}) }] })}\n`, {
    status,
    headers: { ...API_HEADERS, "Content-Type": JSON_TYPE, ...headers },
  });
}

/** A percent-decoded path part, or undefined when its encoding is malformed (`%zz`). */
function decodePathPart(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}
