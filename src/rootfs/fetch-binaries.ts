import { statSync } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { mirrorPathOf, type BinaryDownload } from "./binary-downloads.ts";
import type { RootfsArch } from "./component-versions.ts";
import { describeNetworkError, fetchWithIdleTimeout } from "../util/network-fetch.ts";
import { sha256OfFile } from "../util/sha256-file.ts";
import type { RootfsReporter } from "./rootfs-reporter.ts";

/**
 * Where binaries come from: their upstream URLs (through the download cache), a mirror server
 * with the same layout (`--bin-source URL`: URL/<host>/<path>), or a local mirror folder
 * (`--bin-source DIR`: DIR/<host>/<path>, the offline path).
 */
export type BinarySource =
  | { readonly kind: "upstream" }
  | { readonly kind: "url"; readonly base: string }
  | { readonly kind: "dir"; readonly path: string };

export interface FetchBinariesOptions {
  readonly source: BinarySource;
  /** Downloads are kept here, in the mirror layout (so the folder can serve as `--bin-source DIR`). */
  readonly cacheDir: string;
  readonly reporter: RootfsReporter;
  /** Other places a lade binary of an arch may be (next to the running lade). */
  readonly ladeCandidates?: (arch: RootfsArch) => readonly string[];
  readonly fetch?: typeof fetch;
  /**
   * Hosts that could not be reached (DNS, refused connection) and why: later downloads from them
   * fail at once instead of retrying, so an offline machine learns what is missing quickly.
   * Share one map between calls.
   */
  readonly unreachable?: Map<string, string>;
}

/** A download, available as a local file. */
export interface FetchedBinary {
  readonly download: BinaryDownload;
  readonly path: string;
}

/** A download no source had, and why. */
export interface MissingBinary {
  readonly download: BinaryDownload;
  readonly reason: string;
}

/** A file whose content is not what its checksum says: never used, never cached. */
export class ChecksumMismatchError extends Error {
  override name = "ChecksumMismatchError";
  constructor(
    readonly what: string,
    readonly where: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${what} from ${where} has sha256 ${actual}, but ${expected} is expected: refusing it`);
  }
}

/** Required binaries no source has: the message lists each with where to put it. */
export class MissingBinariesError extends Error {
  override name = "MissingBinariesError";
  constructor(readonly missing: readonly MissingBinary[]) {
    super(
      [
        `${missing.length} file${missing.length === 1 ? "" : "s"} the rootfs needs ${missing.length === 1 ? "is" : "are"} missing:`,
        ...missing.map(({ download, reason }) =>
          [
            `  ${download.name}: ${reason}`,
            `      put it at DIR/${download.mirrorPath}${download.url ? `  (from ${download.url})` : ""}`,
            ...(download.hint ? [`      ${download.hint}`] : []),
          ].join("\n"),
        ),
        "Give that folder with --bin-source DIR (or a server with the same layout with --bin-source URL), or leave every binary out with --skip-binaries.",
      ].join("\n"),
    );
  }
}

const ATTEMPTS = 5;
/** A download that gets no byte for this long is dropped and resumed. */
const IDLE_MILLISECONDS = 30_000;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Get every download as a local file: from the source (verified against its published checksum
 * file or lade's pinned sha256; a local folder is trusted, and only checksum files placed next to
 * its files are checked), through the cache. Optional downloads no source has are reported and
 * left out; required ones are returned as `missing` for one error that lists them all. A checksum
 * mismatch throws.
 */
export async function fetchBinaries(
  downloads: readonly BinaryDownload[],
  arch: RootfsArch,
  options: FetchBinariesOptions,
): Promise<{ fetched: FetchedBinary[]; missing: MissingBinary[] }> {
  const fetched: FetchedBinary[] = [];
  const missing: MissingBinary[] = [];
  for (const download of downloads) {
    const result = await fetchOne(download, arch, options);
    if (typeof result === "string") {
      if (download.optional) options.reporter.warn(`${download.name} is left out: ${result}${download.hint ? ` (${download.hint})` : ""}`);
      else missing.push({ download, reason: result });
    } else {
      fetched.push({ download, path: result.path });
    }
  }
  return { fetched, missing };
}

async function fetchOne(download: BinaryDownload, arch: RootfsArch, options: FetchBinariesOptions): Promise<{ path: string } | string> {
  const { source } = options;
  if (source.kind === "dir") {
    const path = join(source.path, download.mirrorPath);
    if (await isFile(path)) {
      await verifyLocal(download, path, source.path);
      return { path };
    }
    return fromLadeCandidates(download, arch, options) ?? `not in ${source.path}`;
  }
  if (!download.url && source.kind === "upstream") {
    return fromLadeCandidates(download, arch, options) ?? "it has no download URL";
  }
  const url = source.kind === "url" ? joinUrl(source.base, download.mirrorPath) : download.url!;
  const cached = join(options.cacheDir, download.mirrorPath);
  const expected = await expectedSha256(download, options);
  if (typeof expected === "object") return expected.problem;
  // Nothing to verify a cached copy against (lade, a CNI manifest): fetched again each time.
  if (expected !== undefined && (await isFile(cached))) {
    const actual = await sha256OfFile(cached);
    if (actual === expected) {
      options.reporter.log(`Cached ${download.name}`);
      return { path: cached };
    }
    await rm(cached, { force: true });
  }
  // a file whose sha256 is wrong is downloaded once more from the start (a bad byte on the way)
  for (let fetches = 1; ; fetches++) {
    const outcome = await downloadTo(url, cached, download.name, options);
    if (outcome !== undefined) {
      return (download.url ? undefined : fromLadeCandidates(download, arch, options)) ?? outcome;
    }
    const actual = await sha256OfFile(cached);
    if (expected === undefined || actual === expected) return { path: cached };
    await rm(cached, { force: true });
    if (fetches >= 2) throw new ChecksumMismatchError(download.name, url, expected, actual);
  }
}

function fromLadeCandidates(download: BinaryDownload, arch: RootfsArch, options: FetchBinariesOptions): { path: string } | undefined {
  if (!download.mirrorPath.startsWith("lade/") || !options.ladeCandidates) return undefined;
  for (const candidate of options.ladeCandidates(arch)) {
    if (statSync(candidate, { throwIfNoEntry: false })?.isFile()) {
      options.reporter.log(`Using ${candidate} as ${download.name}`);
      return { path: candidate };
    }
  }
  return undefined;
}

/** The sha256 a download must have: pinned, from its published checksum file, or none to check. */
async function expectedSha256(download: BinaryDownload, options: FetchBinariesOptions): Promise<string | undefined | { problem: string }> {
  const checksum = download.checksum;
  if (checksum.kind === "pinned") return checksum.sha256;
  if (checksum.kind === "none") return undefined;
  const source = options.source;
  const url = source.kind === "url" ? joinUrl(source.base, mirrorPathOf(checksum.url)) : checksum.url;
  const cached = join(options.cacheDir, mirrorPathOf(checksum.url));
  if (!(await isFile(cached))) {
    const outcome = await downloadTo(url, cached, undefined, options);
    if (outcome !== undefined) return { problem: `its checksum file: ${outcome}` };
  }
  const found = parseChecksumFile(await Bun.file(cached).text(), fileNameOf(download.mirrorPath));
  if (!found) {
    await rm(cached, { force: true });
    return { problem: `its checksum file ${url} names no sha256 for ${fileNameOf(download.mirrorPath)}` };
  }
  return found;
}

async function verifyLocal(download: BinaryDownload, path: string, dir: string): Promise<void> {
  let expected: string | undefined;
  if (download.checksum.kind === "published") {
    const sidecar = join(dir, mirrorPathOf(download.checksum.url));
    if (await isFile(sidecar)) expected = parseChecksumFile(await Bun.file(sidecar).text(), fileNameOf(download.mirrorPath));
  }
  if (expected === undefined) return;
  const actual = await sha256OfFile(path);
  if (actual !== expected) throw new ChecksumMismatchError(download.name, path, expected, actual);
}

/**
 * The sha256 in a checksum file: the file's only hash ("HEX" or "HEX  NAME"), or the line naming
 * `fileName` when it lists several (runc.sha256sum).
 */
export function parseChecksumFile(text: string, fileName: string): string | undefined {
  const lines = text
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[0] && SHA256_HEX.test(fields[0].toLowerCase()));
  const named = lines.find((fields) => fields[1] !== undefined && fields[1].replace(/^[*]/, "").replace(/^\.\//, "").split("/").pop() === fileName);
  if (named) return named[0]!.toLowerCase();
  if (lines.length === 1) return lines[0]![0]!.toLowerCase();
  return undefined;
}

/**
 * Download `url` to `path` (through `path.part`, renamed at the end), with retries on network
 * errors, 5xx and 429; a download that broke off (or stalled for IDLE_MILLISECONDS) resumes with
 * Range from what `path.part` holds, or starts over where the server ignores Range. Returns
 * undefined when done, or why it is not available.
 */
async function downloadTo(url: string, path: string, name: string | undefined, options: FetchBinariesOptions): Promise<string | undefined> {
  const fetchImpl = options.fetch ?? ((input: string | URL | Request, init?: RequestInit) => fetchWithIdleTimeout(input as string, init ?? {}, IDLE_MILLISECONDS));
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.part`;
  let problem = "";
  const host = new URL(url).host;
  const unreachable = options.unreachable?.get(host);
  if (unreachable) return `cannot download ${url}: ${unreachable}`;
  let connected = false;
  let started = false;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const offset = (await stat(partial).catch(() => undefined))?.size ?? 0;
    let response: Response;
    try {
      response = await fetchImpl(url, { redirect: "follow", ...(offset > 0 ? { headers: { Range: `bytes=${offset}-` } } : {}) });
      connected = true;
    } catch (error) {
      problem = `cannot download ${url}: ${describeNetworkError(error)} (${attempt} attempts)`;
      if (attempt === ATTEMPTS && !connected) options.unreachable?.set(host, describeNetworkError(error));
      else await Bun.sleep(200 * attempt);
      continue;
    }
    if (response.status === 404 || response.status === 410) {
      await response.body?.cancel();
      return `${url} answered ${response.status} (not there)`;
    }
    if (response.status === 416 && offset > 0) {
      await response.body?.cancel();
      await rm(partial, { force: true }); // what we hold is not a prefix of it: start over
      continue;
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      problem = `${url} answered ${response.status}`;
      if (response.status >= 500 || response.status === 429) {
        await Bun.sleep(200 * attempt);
        continue;
      }
      return problem;
    }
    const resumed = offset > 0 && response.status === 206;
    const length = Number(response.headers.get("content-length") ?? 0);
    const total = length > 0 ? (resumed ? offset : 0) + length : 0;
    if (name && !started) {
      options.reporter.downloadStarted(name, total);
      started = true;
    }
    const file = await open(partial, resumed ? "a" : "w");
    try {
      for await (const chunk of response.body) {
        await file.write(chunk);
        if (name) options.reporter.downloadProgress(name, chunk.byteLength);
      }
    } catch (error) {
      // what arrived stays in the partial file: the next attempt asks for the rest
      problem = `download of ${url} broke off: ${describeNetworkError(error)} (${attempt} attempts, each resumed where the last stopped)`;
      await Bun.sleep(200 * attempt);
      continue;
    } finally {
      await file.close();
    }
    if (total > 0 && (await stat(partial)).size !== total) {
      problem = `download of ${url} is shorter than its Content-Length`;
      await rm(partial, { force: true });
      continue;
    }
    await rename(partial, path);
    if (name) options.reporter.downloadDone(name);
    return undefined;
  }
  return problem;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
}

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/${path.split("/").map(encodeURIComponent).join("/")}`;
}

function fileNameOf(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
