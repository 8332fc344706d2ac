/**
 * Benchmark `lade mirror` against `skopeo sync` on a real local registry.
 *
 *   bun scripts/bench/mirror.ts [--size-mib 1024] [--images 10] [--layers 3] [--runs 3]
 *                               [--lade PATH] [--work DIR] [--keep]
 *
 * 1. Starts docker-registry on 127.0.0.1 (random free port) and seeds it, untimed, with --images
 *    images totalling about --size-mib of incompressible gzip layers. Every image has linux/amd64
 *    and linux/arm64 (lade refuses a single-platform image when asked for two platforms): odd ones
 *    are OCI indexes, even ones Docker manifest lists (schema 2 children). Images share no blobs.
 * 2. Runs, alternating, `lade mirror --platform linux/amd64,linux/arm64` (fresh --root store and
 *    --dir every run) and `skopeo sync --all --src yaml --dest dir`, --runs times each, dropping the
 *    page cache before every run when allowed. Reports the medians: seconds, MB/s (all blob and
 *    manifest bytes / seconds), lade/skopeo throughput, and lade's peak RSS (getrusage). A `sync`
 *    after each run is timed apart ("+sync"): skopeo fsyncs every blob, lade leaves it to the kernel.
 * 3. Verifies every lade run: each blob file's sha256 matches its path, the blobs are exactly the
 *    seeded ones, the manifest revisions and tags match the registry; the last run's folder is then
 *    served by a second docker-registry and every tag and blob is read back through it.
 *
 * Exit status: 1 when a lade run fails or its output does not verify (or the harness fails), else
 * 0 whatever the numbers are; PASS/FAIL lines show the targets (≥3× skopeo, peak RSS < 200 MiB).
 * The registry is stopped and the work folder removed at the end, also on error or Ctrl-C; with
 * --keep the folder stays (serve it again with `docker-registry serve WORK/registry.yml`).
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ACCEPT, getManifest, PLATFORM_LIST, seedBenchImages, seedSizeOptions, type SeededImage, type SeedSize } from "./_seed.ts";
import { cleanUpOnSignals, createWorkDir, describeLadeCommand, dropCaches, dropCachesBeforeRuns, formatResourceUsage, ladeCommand, log, mb, mbPerSecond, median, mib, MiB, parseBenchOptions, removeTree, REPO_ROOT, requireTools, runBenchmark, runMeasured, secondsSince, sha256File, startRegistry, tailOf, verdict, walkFiles, type CommonOptions, type Measured } from "./_support.ts";

const TARGET_RATIO = 3;
const TARGET_RSS_MIB = 200;

/** A measured run, plus how long a `sync` right after it took (skopeo fsyncs each blob, lade does not). */
interface Run extends Measured {
  readonly syncSeconds: number;
}

interface Options extends CommonOptions, SeedSize {
  readonly runs: number;
}

function parseOptions(): Options {
  return parseBenchOptions("mirror.ts", { ...seedSizeOptions(2), runs: { default: 3, min: 1 } });
}

async function main(): Promise<number> {
  const options = parseOptions();
  requireTools(["docker-registry", "skopeo"]);
  cleanUpOnSignals();
  const work = createWorkDir("mirror", options);
  const logs = join(work, "logs");
  mkdirSync(logs);

  const registry = await startRegistry(work, join(work, "registry-storage"));
  log(`registry ${registry.host} (storage ${join(work, "registry-storage")})`);

  const seedStarted = performance.now();
  const images = await seedBenchImages(work, registry.host, options);
  const seedSeconds = secondsSince(seedStarted);
  const allBlobs = new Map<string, number>();
  let manifestCount = 0;
  for (const image of images) {
    for (const [digest, size] of [...image.manifests, ...image.blobs]) allBlobs.set(digest, size);
    manifestCount += image.manifests.size;
  }
  const totalBytes = [...allBlobs.values()].reduce((sum, size) => sum + size, 0);
  log(
    `seeded ${images.length} images (${manifestCount} manifests, ${allBlobs.size - manifestCount} configs and layers, ` +
      `${mib(totalBytes)} = ${mb(totalBytes)}) in ${seedSeconds.toFixed(1)} s`,
  );

  const imageList = join(work, "images.txt");
  writeFileSync(imageList, images.map((image) => `${registry.host}/${image.name}:v1\n`).join(""));
  const syncYaml = join(work, "sync.yaml");
  writeFileSync(
    syncYaml,
    `${JSON.stringify(registry.host)}:\n  tls-verify: false\n  images:\n${images.map((image) => `    ${image.name}: ["v1"]\n`).join("")}`,
  );

  const lade = ladeCommand(options.lade);
  log(`lade: ${describeLadeCommand(lade)}`);
  const cachesDropped = dropCachesBeforeRuns();

  const results: Record<"lade" | "skopeo", Run[]> = { lade: [], skopeo: [] };
  const failures: string[] = [];
  let lastLadeDir: string | undefined;
  for (let round = 1; round <= options.runs; round++) {
    for (const tool of ["lade", "skopeo"] as const) {
      const runDir = join(work, `${tool}-${round}`);
      // The previous round's output goes first, so its deletion is not in this run's time.
      if (tool === "lade" && lastLadeDir) removeTree(lastLadeDir);
      removeTree(join(work, `skopeo-${round - 1}`));
      mkdirSync(runDir);
      dropCaches();
      const output = join(runDir, "out");
      const argv =
        tool === "lade"
          ? [...lade.argv, "--root", join(runDir, "store"), "mirror", "--image-list", imageList, "--dir", output, "--platform", PLATFORM_LIST]
          : ["skopeo", "sync", "--all", "--src", "yaml", "--dest", "dir", syncYaml, output];
      const stdout = join(logs, `${tool}-${round}.out`);
      const stderr = join(logs, `${tool}-${round}.err`);
      const measured = await runMeasured(argv, { cwd: REPO_ROOT, stdout, stderr });
      if (measured.exitCode !== 0) {
        const message = `${tool} run ${round} exited ${measured.exitCode}:\n${tailOf(stderr, 15)}`;
        if (tool === "skopeo") throw new Error(message);
        failures.push(message);
        log(message);
        continue;
      }
      // Not part of the time: how long the data still needs to reach the disk (skopeo fsyncs
      // every blob itself, lade leaves that to the kernel).
      const syncStarted = performance.now();
      Bun.spawnSync(["sync"]);
      const syncSeconds = secondsSince(syncStarted);
      results[tool].push({ ...measured, syncSeconds });
      log(
        `run ${round} ${tool.padEnd(6)} ${measured.seconds.toFixed(2).padStart(6)} s  ${mbPerSecond(totalBytes, measured.seconds).padStart(9)}  ` +
          `${formatResourceUsage(measured)}  then sync ${syncSeconds.toFixed(2)} s`,
      );
      if (tool === "lade") {
        const problems = await verifyLadeOutput(output, images, allBlobs);
        if (problems.length > 0) failures.push(...problems.map((problem) => `lade run ${round}: ${problem}`));
        else log(`run ${round} lade   verified: ${allBlobs.size} blobs hashed, ${manifestCount} manifest revisions, ${images.length} tags`);
        lastLadeDir = runDir;
      } else {
        const skopeoBytes = walkFiles(output).reduce((sum, file) => sum + statSync(file).size, 0);
        if (Math.abs(skopeoBytes - totalBytes) > totalBytes * 0.01) {
          throw new Error(`skopeo wrote ${skopeoBytes} bytes, expected about ${totalBytes}: the comparison would be unfair`);
        }
      }
    }
  }
  if (lastLadeDir) {
    const problems = await serveAndCheck(work, join(lastLadeDir, "out"), images, allBlobs);
    if (problems.length > 0) failures.push(...problems.map((problem) => `served mirror: ${problem}`));
    else log(`served the last lade folder with docker-registry: ${images.length} tags and ${allBlobs.size} blobs read back`);
  }

  report(options, images.length, manifestCount, totalBytes, results, cachesDropped, lade.argv.join(" "));
  return verdict(failures);
}

// ---------------------------------------------------------------- verification

/**
 * Check lade's folder: every blob's sha256 matches its path, the blobs are exactly the seeded ones,
 * and each repository has the seeded manifest revisions, layer links and tag.
 */
async function verifyLadeOutput(out: string, images: readonly SeededImage[], allBlobs: ReadonlyMap<string, number>): Promise<string[]> {
  const problems: string[] = [];
  const v2 = join(out, "docker", "registry", "v2");
  const blobRoot = join(v2, "blobs", "sha256");
  const found = new Set<string>();
  for (const file of existsSync(blobRoot) ? walkFiles(blobRoot) : []) {
    const match = /\/([0-9a-f]{2})\/([0-9a-f]{64})\/data$/.exec(file);
    if (!match || !match[2]!.startsWith(match[1]!)) {
      problems.push(`unexpected file ${file}`);
      continue;
    }
    const digest = `sha256:${match[2]}`;
    found.add(digest);
    const actual = await sha256File(file);
    if (actual !== match[2]) problems.push(`${file} has sha256 ${actual}`);
    if (allBlobs.has(digest) && statSync(file).size !== allBlobs.get(digest)) problems.push(`${file} has ${statSync(file).size} bytes, not ${allBlobs.get(digest)}`);
    if (!allBlobs.has(digest)) problems.push(`${digest} was not seeded`);
  }
  for (const digest of allBlobs.keys()) if (!found.has(digest)) problems.push(`blob ${digest} is missing`);

  const linked = (path: string) => (existsSync(path) ? readFileSync(path, "utf8").trim() : undefined);
  let revisions = 0;
  for (const image of images) {
    const repository = join(v2, "repositories", image.name);
    const revisionDir = join(repository, "_manifests", "revisions", "sha256");
    const present = existsSync(revisionDir) ? walkFiles(revisionDir).filter((file) => file.endsWith("/link")) : [];
    revisions += present.length;
    for (const digest of image.manifests.keys()) {
      if (linked(join(revisionDir, digest.slice(7), "link")) !== digest) problems.push(`${image.name}: no manifest revision link for ${digest}`);
    }
    for (const digest of image.blobs.keys()) {
      if (linked(join(repository, "_layers", "sha256", digest.slice(7), "link")) !== digest) problems.push(`${image.name}: no layer link for ${digest}`);
    }
    const current = linked(join(repository, "_manifests", "tags", "v1", "current", "link"));
    if (current !== image.topDigest) problems.push(`${image.name}:v1 points to ${current ?? "nothing"}, expected ${image.topDigest}`);
  }
  const seededManifests = images.reduce((sum, image) => sum + image.manifests.size, 0);
  if (revisions !== seededManifests) problems.push(`${revisions} manifest revisions, ${seededManifests} were seeded`);
  return problems;
}

/** Serve lade's folder with a second docker-registry and read every tag and blob back. */
async function serveAndCheck(work: string, out: string, images: readonly SeededImage[], allBlobs: ReadonlyMap<string, number>): Promise<string[]> {
  const problems: string[] = [];
  const served = await startRegistry(work, out, "served");
  try {
    for (const image of images) {
      const top = await getManifest(served.host, image.name, "v1").catch((error: Error) => error);
      if (top instanceof Error) problems.push(top.message);
      else if (top.digest !== image.topDigest) problems.push(`${image.name}:v1 serves ${top.digest}, expected ${image.topDigest}`);
      for (const digest of image.manifests.keys()) {
        const response = await fetch(`${served.url}/v2/${image.name}/manifests/${digest}`, { method: "HEAD", headers: { Accept: ACCEPT } });
        if (!response.ok) problems.push(`${image.name}@${digest}: HEAD answered ${response.status}`);
      }
      for (const digest of image.blobs.keys()) {
        const response = await fetch(`${served.url}/v2/${image.name}/blobs/${digest}`, { method: "HEAD" });
        const length = Number(response.headers.get("content-length"));
        if (!response.ok || length !== allBlobs.get(digest)) problems.push(`${image.name} blob ${digest}: HEAD answered ${response.status}, ${length} bytes`);
      }
    }
  } finally {
    await served.stop();
  }
  return problems;
}

// ---------------------------------------------------------------- report

function report(
  options: Options,
  imageCount: number,
  manifestCount: number,
  totalBytes: number,
  results: Record<"lade" | "skopeo", Run[]>,
  cachesDropped: boolean,
  ladeArgv: string,
): void {
  const summary = (tool: "lade" | "skopeo") => {
    const runs = results[tool];
    if (runs.length === 0) return undefined;
    return {
      seconds: median(runs.map((r) => r.seconds)),
      cpu: median(runs.map((r) => r.userSeconds + r.systemSeconds)),
      maxRss: Math.max(...runs.map((r) => r.maxRssBytes)),
      toDisk: median(runs.map((r) => r.seconds + r.syncSeconds)),
      all: runs.map((r) => r.seconds.toFixed(2)).join(", "),
    };
  };
  const lade = summary("lade");
  const skopeo = summary("skopeo");
  console.log(
    `\n== lade mirror vs skopeo sync: ${imageCount} images, ${manifestCount} manifests, ${mb(totalBytes)} ` +
      `(${mib(totalBytes)}), ${options.runs} runs each, median; page cache ${cachesDropped ? "dropped before each run" : "NOT dropped"}`,
  );
  console.log(`   lade = ${ladeArgv}`);
  console.log("tool     seconds      MB/s   CPU s   peak RSS (max)   +sync s   runs (s)");
  for (const [name, s] of [["lade", lade], ["skopeo", skopeo]] as const) {
    if (!s) {
      console.log(`${name.padEnd(8)} (no successful run)`);
      continue;
    }
    console.log(
      `${name.padEnd(8)} ${s.seconds.toFixed(2).padStart(7)} ${mbPerSecond(totalBytes, s.seconds).padStart(9)} ${s.cpu.toFixed(2).padStart(7)}   ` +
        `${mib(s.maxRss).padStart(14)}   ${s.toDisk.toFixed(2).padStart(7)}   ${s.all}`,
    );
  }
  if (!lade || !skopeo) {
    console.log("FAIL  no ratio: a tool had no successful run");
    return;
  }
  const ratio = skopeo.seconds / lade.seconds;
  console.log(`ratio lade/skopeo throughput: ${ratio.toFixed(2)}×  (until the data is on disk, tool + sync: ${(skopeo.toDisk / lade.toDisk).toFixed(2)}×)`);
  console.log(`${ratio >= TARGET_RATIO ? "PASS" : "FAIL"}  throughput ≥ ${TARGET_RATIO}× skopeo: ${ratio.toFixed(2)}×`);
  const rssMib = lade.maxRss / MiB;
  console.log(`${rssMib < TARGET_RSS_MIB ? "PASS" : "FAIL"}  lade peak RSS < ${TARGET_RSS_MIB} MiB: ${rssMib.toFixed(1)} MiB (highest of ${results.lade.length} runs)`);
}

await runBenchmark(main);
