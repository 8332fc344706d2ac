import { afterAll, afterEach, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { configBlob, corruptBlobFiles, fileSize, largestBlob, originBlobs, sha256File, verifyMirror, type Origin } from "../support/mirror-checks.ts";
import { hasDockerRegistry, startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { blobPath, startFaultProxy, type FaultProxy } from "../support/fault-proxy.ts";
import { runLade, spawnLade } from "../support/run-lade.ts";
import { hasSkopeo, seedImage } from "../support/seed-images.ts";
import { tempDir } from "../support/temp-dir.ts";

// Each test starts registries and lade processes; bun's default of 5 s is too tight on a slow machine.
setDefaultTimeout(30_000);

const MiB = 1024 * 1024;
const missing = [!hasDockerRegistry() && "docker-registry", !hasSkopeo() && "skopeo"].filter(Boolean);
const skip = missing.length > 0;
const SKIP_REASON = `${missing.join(" and ")} not installed (apt-get install docker-registry skopeo)`;

/** An OCI index (two platforms) and a Docker schema 2 image, both with blobs of several MiB. */
const MULTI = "seed/multi:1";
const DOCKER = "seed/docker:1";
/** One 8 MiB layer, for the interrupted download. */
const BIG = "seed/big:1";
const BOTH = "linux/amd64,linux/arm64";

/** What a mirror run leaves behind: the store (with its blob cache) and the target folder. */
interface Run {
  readonly root: string;
  readonly dir: string;
}

function newRun(root = tempDir("lade-root-")): Run {
  return { root, dir: join(tempDir("lade-mirror-"), "registry") };
}

function mirrorArgs(run: Run, proxy: FaultProxy, images: readonly string[], extra: readonly string[] = []): string[] {
  return ["--root", run.root, "mirror", ...images.map((image) => `${proxy.host}/${image}`), "--dir", run.dir, "--platform", BOTH, ...extra];
}

function lade(args: readonly string[]) {
  return runLade(args, { env: { HOME: tempDir("lade-home-"), REGISTRY_AUTH_FILE: undefined, DOCKER_CONFIG: undefined } });
}

function cachePath(run: Run, digest: string): string {
  return join(run.root, "cache/blobs/sha256", digest.slice("sha256:".length));
}

function partialPath(run: Run, digest: string): string {
  return join(run.root, "ingest", `download-sha256-${digest.slice("sha256:".length)}`);
}

/** Files of the store's blob cache whose content does not hash to their name. */
function corruptCacheFiles(run: Run): string[] {
  const dir = join(run.root, "cache/blobs/sha256");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /^[0-9a-f]{64}$/.test(name))
    .filter((name) => sha256File(join(dir, name)) !== name)
    .map((name) => join(dir, name));
}

/**
 * Hash every blob that appears in the cache or the target while lade runs: a corrupt one must never
 * be visible, not even for a moment. Returns a function that stops watching and lists bad files.
 */
function watchForCorruptBlobs(run: Run): () => Promise<string[]> {
  const checked = new Set<string>();
  const bad: string[] = [];
  let running = true;
  const scan = () => {
    const cacheDir = join(run.root, "cache/blobs/sha256");
    const files: [string, string][] = [];
    if (existsSync(cacheDir)) {
      for (const name of readdirSync(cacheDir)) if (/^[0-9a-f]{64}$/.test(name)) files.push([join(cacheDir, name), name]);
    }
    const blobs = join(run.dir, "docker/registry/v2/blobs/sha256");
    if (existsSync(blobs)) {
      for (const prefix of readdirSync(blobs)) {
        for (const hex of readdirSync(join(blobs, prefix))) {
          if (existsSync(join(blobs, prefix, hex, "data"))) files.push([join(blobs, prefix, hex, "data"), hex]);
        }
      }
    }
    for (const [path, hex] of files) {
      const key = `${path}:${statSync(path).ino}`;
      if (checked.has(key)) continue;
      checked.add(key);
      if (sha256File(path) !== hex) bad.push(path);
    }
  };
  const loop = (async () => {
    while (running) {
      try {
        scan();
      } catch {
        // a folder appeared or vanished between readdir and stat: look again
      }
      await Bun.sleep(10);
    }
    scan();
  })();
  return async () => {
    running = false;
    await loop;
    return bad;
  };
}

describe.skipIf(skip)(`lade mirror through a faulty network${skip ? ` (skipped: ${SKIP_REASON})` : ""}`, () => {
  let registry: DockerRegistry;
  let origin: Origin;
  let proxy: FaultProxy;

  beforeAll(async () => {
    registry = await startDockerRegistry();
    origin = { registry };
    await Promise.all([
      seedImage(registry, MULTI, { platforms: ["linux/amd64", "linux/arm64"], layerSizes: [1 * MiB, 3 * MiB] }),
      seedImage(registry, DOCKER, { platforms: ["linux/amd64", "linux/arm64"], dockerFormat: true, layerSizes: [2 * MiB] }),
      seedImage(registry, BIG, { platforms: ["linux/amd64", "linux/arm64"], layerSizes: [8 * MiB] }),
    ]);
    proxy = startFaultProxy({ upstream: registry.url });
  });

  afterEach(() => proxy?.reset());

  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
  });

  test("retries a manifest that fails with 500 twice, and a blob that answers 503", async () => {
    const manifest = "/v2/seed/multi/manifests/1";
    const blob = await largestBlob(origin, MULTI);
    proxy.setPlan((request, count) => (new URL(request.url).pathname === manifest && count <= 2 ? { status: 500 } : undefined));
    proxy.addRule({ method: "GET", path: blobPath("seed/multi", blob.digest), fault: { status: 503 } });
    const run = newRun();
    const result = await lade(mirrorArgs(run, proxy, [MULTI, DOCKER]));
    expect(result.stderr).not.toContain("Error");
    expect(result.exitCode).toBe(0);
    expect(proxy.requestCount(manifest)).toBe(3);
    expect(proxy.requestCount(blobPath("seed/multi", blob.digest))).toBe(2);
    await verifyMirror(run.dir, origin, [MULTI, DOCKER]);
  });

  test("waits as long as Retry-After says after a 429", async () => {
    const blob = await largestBlob(origin, DOCKER);
    const path = blobPath("seed/docker", blob.digest);
    proxy.addRule({ method: "GET", path, fault: { status: 429, retryAfter: "1" } });
    const run = newRun();
    const result = await lade(mirrorArgs(run, proxy, [DOCKER]));
    expect(result.exitCode).toBe(0);
    const attempts = proxy.requests.filter((request) => request.path === path);
    expect(attempts.map((request) => request.status)).toEqual([429, 200]);
    expect(attempts[1]!.receivedAt - attempts[0]!.receivedAt).toBeGreaterThanOrEqual(950);
    await verifyMirror(run.dir, origin, [DOCKER]);
  });

  test("resumes a blob whose connection dropped in the middle with a Range request", async () => {
    const blob = await largestBlob(origin, MULTI);
    const path = blobPath("seed/multi", blob.digest);
    proxy.addRule({ method: "GET", path, fault: { dropAfter: 1 * MiB } });
    const run = newRun();
    const result = await lade(mirrorArgs(run, proxy, [MULTI]));
    expect(result.stderr).not.toContain("Error");
    expect(result.exitCode).toBe(0);
    expect(proxy.requestCount(path)).toBe(2);
    const ranges = proxy.ranges(path);
    expect(ranges).toHaveLength(1);
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(ranges[0]!)?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(1 * MiB);
    // The blob crossed the wire about once, not twice.
    expect(proxy.bytesSent(path)).toBeGreaterThanOrEqual(blob.size);
    expect(proxy.bytesSent(path)).toBeLessThan(blob.size * 1.1);
    expect(fileSize(partialPath(run, blob.digest))).toBeUndefined();
    await verifyMirror(run.dir, origin, [MULTI]);
  });

  test("rejects a blob with one flipped byte and fetches it again; no corrupt file is ever visible", async () => {
    const blob = await largestBlob(origin, MULTI);
    const path = blobPath("seed/multi", blob.digest);
    proxy.addRule({ method: "GET", path, fault: { flipByte: Math.floor(blob.size / 2) } });
    const run = newRun();
    const stopWatching = watchForCorruptBlobs(run);
    const result = await lade(mirrorArgs(run, proxy, [MULTI]));
    expect(await stopWatching()).toEqual([]);
    expect(result.stderr).not.toContain("Error");
    expect(result.exitCode).toBe(0);
    expect(proxy.requestCount(path)).toBe(2);
    expect(proxy.ranges(path)).toEqual([]); // fetched again from the start, not resumed onto bad bytes
    expect(corruptCacheFiles(run)).toEqual([]);
    await verifyMirror(run.dir, origin, [MULTI]);
  });

  test("fails on a blob that is corrupt on every fetch, and keeps nothing of it", async () => {
    const blob = await largestBlob(origin, DOCKER);
    const path = blobPath("seed/docker", blob.digest);
    proxy.addRule({ method: "GET", path, times: Infinity, fault: { flipByte: 12345 } });
    const run = newRun();
    const stopWatching = watchForCorruptBlobs(run);
    const result = await lade(mirrorArgs(run, proxy, [DOCKER]));
    expect(await stopWatching()).toEqual([]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`Cannot mirror ${proxy.host}/${DOCKER}`);
    expect(result.stderr).toContain(blob.digest);
    expect(result.stderr).toContain("does not match its digest");
    expect(proxy.requestCount(path)).toBeGreaterThanOrEqual(2);
    const hex = blob.digest.slice("sha256:".length);
    expect(fileSize(cachePath(run, blob.digest))).toBeUndefined();
    expect(fileSize(partialPath(run, blob.digest))).toBeUndefined();
    expect(existsSync(join(run.dir, "docker/registry/v2/blobs/sha256", hex.slice(0, 2), hex))).toBe(false);
    expect(corruptCacheFiles(run)).toEqual([]);
    expect(corruptBlobFiles(run.dir)).toEqual([]);
  });

  test("a config blob whose connection drops half-way, and a manifest cut short, are fetched again", async () => {
    const config = await configBlob(origin, MULTI);
    const configPath = blobPath("seed/multi", config.digest);
    const manifest = "/v2/seed/docker/manifests/1";
    proxy.addRule({ method: "GET", path: configPath, fault: { dropAfter: Math.floor(config.size / 2) } });
    proxy.addRule({ method: "GET", path: manifest, fault: { dropAfter: 100 } });
    const run = newRun();
    const result = await lade(mirrorArgs(run, proxy, [MULTI, DOCKER]));
    expect(result.stderr).not.toContain("Error");
    expect(result.exitCode).toBe(0);
    expect(proxy.requestCount(configPath, "GET")).toBe(2);
    expect(proxy.requestCount(manifest, "GET")).toBe(2);
    await verifyMirror(run.dir, origin, [MULTI, DOCKER]);
  });

  test("a config blob with a flipped byte is fetched again; corrupt on every fetch, it fails naming both digests and the registry", async () => {
    const config = await configBlob(origin, MULTI);
    const path = blobPath("seed/multi", config.digest);
    proxy.addRule({ method: "GET", path, fault: { flipByte: 10 } });
    const run = newRun();
    const once = await lade(mirrorArgs(run, proxy, [MULTI]));
    expect(once.exitCode, once.stderr).toBe(0);
    expect(proxy.requestCount(path, "GET")).toBe(2);
    await verifyMirror(run.dir, origin, [MULTI]);

    proxy.reset();
    proxy.addRule({ method: "GET", path, times: Infinity, fault: { flipByte: 10 } });
    const always = newRun();
    const failed = await lade(mirrorArgs(always, proxy, [MULTI]));
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain(`Cannot mirror ${proxy.host}/${MULTI}`);
    expect(failed.stderr).toContain(`${proxy.host}/seed/multi@${config.digest}`);
    expect(failed.stderr).toContain("does not match its digest");
    expect(failed.stderr).toMatch(/sha256:[0-9a-f]{64}[^\n]*sha256:[0-9a-f]{64}/);
    expect(proxy.requestCount(path, "GET")).toBe(2);
    expect(existsSync(always.dir)).toBe(false);
  });

  test("a layer that stalls is dropped after --timeout and resumed with Range", async () => {
    const blob = await largestBlob(origin, MULTI);
    const path = blobPath("seed/multi", blob.digest);
    proxy.addRule({ method: "GET", path, fault: { stallAfter: 1 * MiB, stallMilliseconds: 20_000 } });
    const run = newRun();
    const started = performance.now();
    const result = await lade(mirrorArgs(run, proxy, [MULTI], ["--timeout", "1"]));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(proxy.requestCount(path, "GET")).toBe(2);
    expect(Number(/^bytes=(\d+)-$/.exec(proxy.ranges(path)[0] ?? "")?.[1])).toBeGreaterThan(0);
    await verifyMirror(run.dir, origin, [MULTI]);
  });

  test("--deadline ends the whole run when it passes, keeps nothing half-done, and a rerun goes on", async () => {
    const blob = await largestBlob(origin, MULTI);
    const path = blobPath("seed/multi", blob.digest);
    proxy.addRule({ method: "GET", path, fault: { stallAfter: 1 * MiB, stallMilliseconds: 20_000 } });
    const run = newRun();
    const started = performance.now();
    const stopped = await lade(mirrorArgs(run, proxy, [MULTI], ["--deadline", "2"]));
    expect(stopped.exitCode).toBe(1);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(stopped.stderr).toContain("lade: error: stopped at the --deadline of 2 s; what was complete is kept\nhint: run the same command again to go on where it stopped\n");
    expect(existsSync(run.dir)).toBe(false);
    const rerun = await lade(mirrorArgs(run, proxy, [MULTI]));
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    await verifyMirror(run.dir, origin, [MULTI]);
    const bad = await lade(mirrorArgs(newRun(), proxy, [MULTI], ["--deadline", "soon"]));
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('Option "--deadline" needs a number of seconds above 0: got "soon"');
  });

  test("a slow but steady layer is not dropped by --timeout: only silence counts", async () => {
    const blobs = await originBlobs(origin, MULTI);
    const small = blobs.filter((blob) => blob.size >= 1 * MiB).sort((a, b) => a.size - b.size)[0]!;
    const path = blobPath("seed/multi", small.digest);
    proxy.addRule({ method: "GET", path, fault: { throttle: 1 * MiB } });
    const run = newRun();
    const result = await lade(mirrorArgs(run, proxy, [MULTI], ["--timeout", "0.5"]));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(proxy.requestCount(path, "GET")).toBe(1);
    await verifyMirror(run.dir, origin, [MULTI]);
  });

  test("a blob whose connection drops every 256 KiB still arrives: each connection brings more of it", async () => {
    const blob = await largestBlob(origin, DOCKER);
    const path = blobPath("seed/docker", blob.digest);
    proxy.setPlan((request) => (new URL(request.url).pathname === path ? { dropAfter: 256 * 1024 } : undefined));
    const run = newRun();
    const result = await lade(mirrorArgs(run, proxy, [DOCKER]));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(proxy.requestCount(path, "GET")).toBe(Math.ceil(blob.size / (256 * 1024)));
    await verifyMirror(run.dir, origin, [DOCKER]);
  });

  test("a blob whose connection drops before any byte, every time, fails in one line of lade's words, with the attempts", async () => {
    const blob = await largestBlob(origin, DOCKER);
    const path = blobPath("seed/docker", blob.digest);
    proxy.addRule({ method: "GET", path, times: Infinity, fault: { dropAfter: 0 } });
    const run = newRun();
    const result = await lade(mirrorArgs(run, proxy, [DOCKER]));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).not.toContain("verbose");
    expect(result.stderr).toContain(`blob ${blob.digest} of seed/docker from ${proxy.host}`);
    expect(result.stderr).toMatch(/\(5 attempts in a row without a byte\)/);
    expect(fileSize(cachePath(run, blob.digest))).toBeUndefined();
  });

  test("names an image that does not exist; --skip-missing leaves it out and lists it", async () => {
    const absent = `${proxy.host}/seed/absent:1`;
    const failed = await lade(mirrorArgs(newRun(), proxy, ["seed/absent:1", DOCKER]));
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain(`Cannot mirror ${absent}`);
    expect(failed.stderr).toContain("404");

    const run = newRun();
    const skipped = await lade(mirrorArgs(run, proxy, ["seed/absent:1", DOCKER], ["--skip-missing", "--json"]));
    expect(skipped.exitCode).toBe(3);
    const summary = JSON.parse(skipped.stdout) as { images: { image: string }[]; skipped: { image: string; reason: string }[] };
    expect(summary.images.map((image) => image.image)).toEqual([`${proxy.host}/${DOCKER}`]);
    expect(summary.skipped).toHaveLength(1);
    expect(summary.skipped[0]!.image).toBe(absent);
    expect(summary.skipped[0]!.reason).toContain("404");
    await verifyMirror(run.dir, origin, [DOCKER]);
  });

  test("after kill -9 in the middle of a large blob, the next run resumes it and fetches nothing twice", async () => {
    const blobs = await originBlobs(origin, BIG);
    const big = blobs.filter((blob) => blob.size > 4 * MiB);
    expect(big).toHaveLength(2);
    const [first] = big as [typeof big[0]];
    const path = blobPath("seed/big", first.digest);
    // The other big blob must not finish first either: slow both down.
    for (const blob of big) proxy.addRule({ method: "GET", path: blobPath("seed/big", blob.digest), fault: { throttle: 2 * MiB } });
    const run = newRun();
    const child = spawnLade(mirrorArgs(run, proxy, [BIG]), { HOME: tempDir("lade-home-") });
    const partial = partialPath(run, first.digest);
    const deadline = Date.now() + 10_000;
    while ((fileSize(partial) ?? 0) < 2 * MiB && Date.now() < deadline && child.exitCode === null) await Bun.sleep(20);
    child.kill("SIGKILL");
    await child.exited;
    expect(child.signalCode).toBe("SIGKILL");
    const kept = fileSize(partial) ?? 0;
    expect(kept).toBeGreaterThanOrEqual(2 * MiB);
    expect(kept).toBeLessThan(first.size);
    expect(fileSize(cachePath(run, first.digest))).toBeUndefined();

    const result = await lade(mirrorArgs(run, proxy, [BIG]));
    expect(result.stderr).not.toContain("Error");
    expect(result.exitCode).toBe(0);
    expect(proxy.ranges(path)).toEqual([`bytes=${kept}-`]);
    const resumed = proxy.requests.filter((request) => request.path === path && request.range);
    expect(resumed.map((request) => [request.status, request.bytes])).toEqual([[206, first.size - kept]]);
    expect(proxy.bytesSent(path)).toBeLessThan(first.size * 1.2);
    expect(fileSize(partial)).toBeUndefined();
    await verifyMirror(run.dir, origin, [BIG]);
  });

  test("a second mirror of the same images into another folder downloads no blob", async () => {
    const run = newRun();
    const first = await lade(mirrorArgs(run, proxy, [MULTI, DOCKER]));
    expect(first.exitCode).toBe(0);
    expect(proxy.requestCount(/\/blobs\//, "GET")).toBeGreaterThan(0);
    proxy.reset();

    const again = newRun(run.root);
    const second = await lade(mirrorArgs(again, proxy, [MULTI, DOCKER]));
    expect(second.exitCode).toBe(0);
    expect(proxy.requestCount(/\/blobs\//, "GET")).toBe(0);
    expect(proxy.bytesSent(/\/blobs\//)).toBe(0);
    await verifyMirror(again.dir, origin, [MULTI, DOCKER]);
  });
});
