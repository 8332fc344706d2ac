/**
 * Shared helpers of the benchmarks in scripts/bench/: a throw-away docker-registry, measured child
 * processes, page-cache dropping, synthetic image layers and clean-up that also runs on Ctrl-C.
 * Nothing here is part of lade; it only drives real programs (docker-registry, skopeo, lade).
 */
import { createCipheriv } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { crc32 } from "node:zlib";

// ---------------------------------------------------------------- clean-up

type CleanupStep = () => void | Promise<void>;
const cleanupSteps: CleanupStep[] = [];
const liveChildren = new Set<Bun.Subprocess>();
let cleaningUp: Promise<void> | undefined;

/** Register a step for `cleanUp()`; steps run in reverse order, once, also on SIGINT/SIGTERM. */
export function onCleanup(step: CleanupStep): void {
  cleanupSteps.push(step);
}

/** Kill the children still running (benchmarked tools), then run the registered steps. */
export function cleanUp(): Promise<void> {
  cleaningUp ??= (async () => {
    for (const child of liveChildren) child.kill("SIGKILL");
    for (const step of cleanupSteps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        process.stderr.write(`bench: clean-up step failed: ${(error as Error).message}\n`);
      }
    }
  })();
  return cleaningUp;
}

let signalled = false;

/** Whether a signal is ending the run (failures of killed children are expected then). */
export function interrupted(): boolean {
  return signalled;
}

/** Clean up on Ctrl-C / SIGTERM and exit 130 / 143. */
export function cleanUpOnSignals(): void {
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    process.on(signal, () => {
      signalled = true;
      process.stderr.write(`\nbench: ${signal}, cleaning up\n`);
      void cleanUp().finally(() => process.exit(code));
    });
  }
  process.on("exit", () => {
    for (const child of liveChildren) child.kill("SIGKILL");
  });
}

// ---------------------------------------------------------------- processes

export interface Measured {
  readonly exitCode: number;
  readonly seconds: number;
  /** Peak resident set size of the process (getrusage ru_maxrss), bytes. */
  readonly maxRssBytes: number;
  readonly userSeconds: number;
  readonly systemSeconds: number;
}

/**
 * Run a program to its end with stdout/stderr going to files, timing it from spawn to exit and
 * taking its peak RSS and CPU time from the kernel's rusage.
 */
export async function runMeasured(
  argv: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; stdout: string; stderr: string },
): Promise<Measured> {
  const out = openSync(options.stdout, "w");
  const err = openSync(options.stderr, "w");
  const started = performance.now();
  const child = Bun.spawn([...argv], { cwd: options.cwd, env: options.env ?? process.env, stdin: "ignore", stdout: out, stderr: err });
  liveChildren.add(child);
  closeSync(out);
  closeSync(err);
  const exitCode = await child.exited;
  const seconds = (performance.now() - started) / 1000;
  liveChildren.delete(child);
  const usage = child.resourceUsage();
  return {
    exitCode,
    seconds,
    maxRssBytes: usage?.maxRSS ?? 0,
    userSeconds: Number(usage?.cpuTime.user ?? 0) / 1e6,
    systemSeconds: Number(usage?.cpuTime.system ?? 0) / 1e6,
  };
}

/** Run a helper program (not measured); throws with its stderr when it fails. */
export async function run(argv: readonly string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<string> {
  const child = Bun.spawn([...argv], { cwd: options.cwd, env: options.env ?? process.env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  liveChildren.add(child);
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  liveChildren.delete(child);
  if (code !== 0) throw new Error(`${argv.join(" ")} failed (exit ${code}): ${stderr.trim()}`);
  return stdout;
}

/** Run tasks with at most `limit` at once. */
export async function inParallel<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await task(items[next++]!);
  });
  await Promise.all(workers);
}

/** Write dirty pages and drop the page cache (needs root); false when the kernel does not let us. */
export function dropCaches(): boolean {
  Bun.spawnSync(["sync"]);
  try {
    writeFileSync("/proc/sys/vm/drop_caches", "3\n");
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- registry

export interface Registry {
  /** `127.0.0.1:PORT` */
  readonly host: string;
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Start Debian's `docker-registry` (distribution 2.8) on 127.0.0.1 with a random free port, over
 * `storage`, and wait until /v2/ answers. Its environment holds only PATH, since REGISTRY_*
 * variables would override the config. Registered for clean-up.
 */
export async function startRegistry(workDir: string, storage: string, name = "registry"): Promise<Registry> {
  mkdirSync(storage, { recursive: true });
  let lastLog = "";
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = freePort();
    const host = `127.0.0.1:${port}`;
    const config = join(workDir, `${name}.yml`);
    // JSON is YAML, so no YAML writer is needed.
    writeFileSync(
      config,
      JSON.stringify({
        version: 0.1,
        log: { level: "warn", accesslog: { disabled: true } },
        storage: { filesystem: { rootdirectory: storage }, delete: { enabled: true } },
        http: { addr: host, secret: "lade-bench-secret" },
      }),
    );
    const logPath = join(workDir, `${name}-${attempt}.log`);
    const log = openSync(logPath, "w");
    const child = Bun.spawn(["docker-registry", "serve", config], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
      stdin: "ignore",
      stdout: log,
      stderr: log,
    });
    closeSync(log);
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await child.exited;
      clearTimeout(timer);
    };
    onCleanup(stop);
    if (await waitUntilReady(`http://${host}/v2/`, child)) return { host, url: `http://${host}`, stop };
    await stop();
    lastLog = await Bun.file(logPath).text();
    if (!/address already in use/i.test(lastLog)) break;
  }
  throw new Error(`Cannot start docker-registry: ${lastLog.trim() || "it did not answer /v2/ in time"}`);
}

function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

async function waitUntilReady(url: string, child: Bun.Subprocess): Promise<boolean> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200) return true;
    } catch {
      // not listening yet
    }
    await Bun.sleep(50);
  }
  return false;
}

// ---------------------------------------------------------------- OCI layout writing

export interface BlobRef {
  readonly digest: string;
  readonly size: number;
}

/** An OCI image layout being written: blobs/sha256/<hex>, oci-layout and index.json. */
export class OciLayoutWriter {
  readonly dir: string;
  readonly #refs: object[] = [];
  #temporary = 0;

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
  }

  putJson(value: unknown): BlobRef {
    const bytes = Buffer.from(JSON.stringify(value));
    const hex = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
    writeFileSync(join(this.dir, "blobs", "sha256", hex), bytes);
    return { digest: `sha256:${hex}`, size: bytes.length };
  }

  /**
   * A gzip'ed tar layer holding one file of `size` pseudo-random bytes (AES-256-CTR keyed by
   * `seed`: incompressible, about 4 GB/s, the same bytes for the same seed). The gzip uses stored
   * deflate blocks, like `pigz -0`: valid gzip at memory speed. Returns the blob and its diff ID.
   */
  putRandomLayer(seed: string, size: number): BlobRef & { diffId: string } {
    const temporary = join(this.dir, `layer.${this.#temporary++}.tmp`);
    const fd = openSync(temporary, "w");
    const blobHash = new Bun.CryptoHasher("sha256");
    const tarHash = new Bun.CryptoHasher("sha256");
    const gzip = new StoredGzip((bytes) => {
      blobHash.update(bytes);
      writeSync(fd, bytes);
    });
    const tarBytes = (bytes: Uint8Array) => {
      tarHash.update(bytes);
      gzip.write(bytes);
    };
    try {
      tarBytes(tarHeader(`bench/${seed.replace(/[^A-Za-z0-9._-]/g, "_")}.bin`, size));
      const key = new Bun.CryptoHasher("sha256").update(seed).digest();
      const cipher = createCipheriv("aes-256-ctr", key, Buffer.alloc(16));
      const zeros = Buffer.alloc(CHUNK);
      for (let left = size; left > 0; left -= CHUNK) {
        tarBytes(cipher.update(left >= CHUNK ? zeros : zeros.subarray(0, left)));
      }
      tarBytes(new Uint8Array((512 - (size % 512)) % 512 + 1024)); // padding and end-of-archive
      gzip.end();
    } finally {
      closeSync(fd);
    }
    const hex = blobHash.digest("hex");
    renameSync(temporary, join(this.dir, "blobs", "sha256", hex));
    return { digest: `sha256:${hex}`, size: statSync(join(this.dir, "blobs", "sha256", hex)).size, diffId: `sha256:${tarHash.digest("hex")}` };
  }

  /** Name a manifest or index in index.json, for `oci:DIR:name`. */
  addRef(name: string, mediaType: string, blob: BlobRef): void {
    this.#refs.push({ mediaType, digest: blob.digest, size: blob.size, annotations: { "org.opencontainers.image.ref.name": name } });
  }

  finish(): void {
    writeFileSync(join(this.dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    writeFileSync(join(this.dir, "index.json"), JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: this.#refs }));
  }
}

const CHUNK = 65535 * 16; // a whole number of stored deflate blocks

/** gzip with stored (uncompressed) deflate blocks: header, ≤65535-byte blocks, CRC32 and size. */
class StoredGzip {
  readonly #out: (bytes: Uint8Array) => void;
  #crc = 0;
  #size = 0;

  constructor(out: (bytes: Uint8Array) => void) {
    this.#out = out;
    out(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]));
  }

  write(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#crc = crc32(bytes, this.#crc);
    this.#size = (this.#size + bytes.length) >>> 0;
    const blocks = Math.ceil(bytes.length / 65535);
    const out = Buffer.allocUnsafe(bytes.length + 5 * blocks);
    let at = 0;
    for (let start = 0; start < bytes.length; start += 65535) {
      const part = bytes.subarray(start, Math.min(start + 65535, bytes.length));
      out[at] = 0; // BFINAL=0, BTYPE=00 (stored)
      out.writeUInt16LE(part.length, at + 1);
      out.writeUInt16LE(~part.length & 0xffff, at + 3);
      out.set(part, at + 5);
      at += 5 + part.length;
    }
    this.#out(out);
  }

  end(): void {
    const tail = Buffer.alloc(13);
    tail[0] = 1; // an empty final stored block
    tail.writeUInt16LE(0, 1);
    tail.writeUInt16LE(0xffff, 3);
    tail.writeUInt32LE(this.#crc >>> 0, 5);
    tail.writeUInt32LE(this.#size, 9);
    this.#out(tail);
  }
}

/** A ustar header for a regular file, owned by root, mtime 0. */
function tarHeader(name: string, size: number): Uint8Array {
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, value: string) => header.write(value, offset, length, "ascii");
  const octal = (value: number, length: number) => `${value.toString(8).padStart(length - 1, "0")}\0`;
  field(0, 100, name);
  field(100, 8, octal(0o644, 8));
  field(108, 8, octal(0, 8));
  field(116, 8, octal(0, 8));
  field(124, 12, octal(size, 12));
  field(136, 12, octal(0, 12));
  field(148, 8, "        ");
  field(156, 1, "0");
  field(257, 6, "ustar\0");
  field(263, 2, "00");
  field(265, 32, "root");
  field(297, 32, "root");
  let sum = 0;
  for (const byte of header) sum += byte;
  field(148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  return header;
}

// ---------------------------------------------------------------- files and numbers

/** Every regular file under `dir`, recursively. */
export function walkFiles(dir: string): string[] {
  const files: string[] = [];
  const visit = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile()) files.push(full);
    }
  };
  visit(dir);
  return files;
}

export async function sha256File(path: string): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  for await (const chunk of Bun.file(path).stream()) hasher.update(chunk);
  return hasher.digest("hex");
}

export function removeTree(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export const MiB = 1024 * 1024;

export function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

/** Megabytes (10^6) per second, as dd and curl report them. */
export function mbPerSecond(bytes: number, seconds: number): string {
  return `${(bytes / 1e6 / seconds).toFixed(0)} MB/s`;
}

export const REPO_ROOT = resolve(import.meta.dir, "..", "..");

/** How to run lade: PATH if given, else the compiled amd64 binary when it is newer than src/, else the source. */
export function ladeCommand(explicit: string | undefined): { argv: string[]; note?: string } {
  if (explicit) return { argv: [resolve(explicit)] };
  const binary = join(REPO_ROOT, "dist", "lade-linux-amd64");
  const source = [join(REPO_ROOT, "src"), ...walkFiles(join(REPO_ROOT, "src"))];
  const newestSource = Math.max(...source.map((path) => statSync(path).mtimeMs));
  if (process.arch === "x64" && existsSync(binary)) {
    if (statSync(binary).mtimeMs >= newestSource) return { argv: [binary], note: "compiled binary, newer than src/" };
    return { argv: [process.execPath, join(REPO_ROOT, "src", "main.ts")], note: "dist/lade-linux-amd64 is older than src/" };
  }
  return { argv: [process.execPath, join(REPO_ROOT, "src", "main.ts")], note: "no compiled binary for this machine" };
}

/** A whole-number option of a benchmark, or its usage and exit 2. */
export function wholeNumberOption(name: string, value: string, min: number, usage: (code: number) => never, max = Number.MAX_SAFE_INTEGER): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    process.stderr.write(`bench: --${name} needs a whole number ${range}, got "${value}"\n`);
    usage(2);
  }
  return parsed;
}
