/**
 * Benchmark `lade serve registry --dir` against docker-registry serving the same folder.
 *
 *   bun scripts/bench/serve.ts [--size-mib 1024] [--images 10] [--layers 3] [--runs 3]
 *                              [--concurrency 6] [--lade PATH] [--work DIR] [--keep]
 *
 * 1. Seeding (untimed): a docker-registry on 127.0.0.1 gets --images images of about --size-mib
 *    in total (incompressible layers, linux/amd64 + linux/arm64; odd ones OCI indexes, even ones
 *    Docker manifest lists), and `lade mirror --platform linux/amd64,linux/arm64` writes them into
 *    one folder in distribution's layout.
 * 2. Serving: `lade serve registry --dir FOLDER -q` and a second docker-registry whose
 *    rootdirectory is that same FOLDER, both on 127.0.0.1 with ports the kernel picked, both kept
 *    up for all runs.
 * 3. Pulls: one client (fetch in this process, --concurrency requests at once) GETs every tag,
 *    every manifest and every blob from a server and counts the bytes; runs alternate between the
 *    servers, --runs times each, first with the page cache warm (after one untimed pass each),
 *    then with the page cache dropped before each run (when allowed: root).
 * 4. Verification (untimed): every blob and manifest lade serves hashes to its digest with the
 *    seeded size, and every tag's manifest is the same bytes from both servers.
 * 5. Report: median seconds and MB/s per server and page-cache state, CPU seconds the server used
 *    (from /proc), the throughput ratio lade/docker-registry (target ≥ 1) and lade's peak RSS
 *    (VmHWM, then getrusage once it has stopped; target < 200 MiB).
 *
 * Exit status: 1 when a pull or the verification fails (or the harness does), else 0 whatever the
 * numbers are. Everything is stopped and the work folder removed at the end, also on Ctrl-C.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ACCEPT, getManifest, PLATFORM_LIST, pullPlan, seedBenchImages, seedSizeOptions, type PullFetch as Fetch, type SeededImage, type SeedSize } from "./_seed.ts";
import { cleanUpOnSignals, createWorkDir, describeLadeCommand, dropCaches, inParallel, ladeCommand, log, mb, mbPerSecond, median, mib, MiB, onCleanup, parseBenchOptions, removeTree, REPO_ROOT, requireTools, run, runBenchmark, secondsSince, startLadeServer, startRegistry, verdict, type CommonOptions } from "./_support.ts";

const TARGET_RATIO = 1;
const TARGET_RSS_MIB = 200;

type ServerName = "lade" | "docker-registry";
type CacheState = "warm" | "cold";

interface Options extends CommonOptions, SeedSize {
  readonly runs: number;
  readonly concurrency: number;
}

/** A server being measured: where it is and which process to read /proc of. */
interface Served {
  readonly name: ServerName;
  readonly url: string;
  readonly pid: number;
}

interface RunResult {
  readonly seconds: number;
  readonly bytes: number;
  readonly serverCpuSeconds: number;
}

function parseOptions(): Options {
  return parseBenchOptions("serve.ts", { ...seedSizeOptions(1), runs: { default: 3, min: 1 }, concurrency: { default: 6, min: 1 } });
}

async function main(): Promise<number> {
  const options = parseOptions();
  requireTools(["docker-registry", "skopeo"]);
  cleanUpOnSignals();
  const work = createWorkDir("serve", options);

  // ---- seed an origin and mirror it into one folder
  const origin = await startRegistry(work, join(work, "origin-storage"), "origin");
  const seedStarted = performance.now();
  const images = await seedBenchImages(work, origin.host, options);
  const folder = join(work, "registry");
  const lade = ladeCommand(options.lade);
  await run([...lade.argv, "--root", join(work, "store"), "mirror", ...images.map((image) => `${origin.host}/${image.name}:v1`), "--dir", folder, "--platform", PLATFORM_LIST], { cwd: REPO_ROOT });
  await origin.stop();
  removeTree(join(work, "origin-storage"));
  removeTree(join(work, "store")); // the folder's blobs are hard links; they stay
  const plan = pullPlan(images);
  const totalBytes = plan.reduce((sum, item) => sum + item.size, 0);
  const blobCount = plan.filter((item) => item.path.includes("/blobs/")).length;
  log(`seeded and mirrored ${images.length} images (${plan.length} GETs: ${blobCount} blobs, ${mib(totalBytes)} = ${mb(totalBytes)}) in ${secondsSince(seedStarted).toFixed(1)} s`);
  log(`lade: ${describeLadeCommand(lade)}`);

  // ---- the two servers, same folder
  const ladeServer = await startLadeServer(lade.argv, ["--dir", folder], join(work, "lade-serve.log"));
  const registry = await startRegistry(work, folder, "served");
  const servers: Served[] = [
    { name: "lade", url: ladeServer.url, pid: ladeServer.pid },
    { name: "docker-registry", url: registry.url, pid: registry.pid },
  ];
  log(`lade ${ladeServer.url} (pid ${ladeServer.pid}), docker-registry ${registry.url} (pid ${registry.pid}), client concurrency ${options.concurrency}`);

  const failures: string[] = [];
  const results = new Map<string, RunResult[]>();
  const canDrop = dropCaches();
  const states: CacheState[] = canDrop ? ["warm", "cold"] : ["warm"];
  if (!canDrop) log("cannot drop the page cache (not root?): warm runs only");
  for (const state of states) {
    if (state === "warm") {
      for (const server of servers) await pullAll(server, plan, options.concurrency); // fill the page cache, untimed
    }
    for (let round = 1; round <= options.runs; round++) {
      for (const server of round % 2 === 1 ? servers : [...servers].reverse()) {
        if (state === "cold") dropCaches();
        const result = await pullAll(server, plan, options.concurrency).catch((error: Error) => error);
        if (result instanceof Error) {
          failures.push(`${server.name} ${state} run ${round}: ${result.message}`);
          log(`run ${round} ${state} ${server.name}: FAILED ${result.message}`);
          continue;
        }
        if (result.bytes !== totalBytes) failures.push(`${server.name} ${state} run ${round}: ${result.bytes} bytes, expected ${totalBytes}`);
        const key = `${server.name}/${state}`;
        results.set(key, [...(results.get(key) ?? []), result]);
        log(
          `run ${round} ${state} ${server.name.padEnd(15)} ${result.seconds.toFixed(2).padStart(6)} s  ${mbPerSecond(result.bytes, result.seconds).padStart(10)}  ` +
            `server CPU ${result.serverCpuSeconds.toFixed(2)} s`,
        );
      }
    }
  }

  const problems = await verify(servers, plan, images);
  failures.push(...problems);
  if (problems.length === 0) log(`verified: ${plan.length} manifests and blobs from lade hash to their digests; ${images.length} tags give the same bytes from both servers`);

  const ladePeakHwm = peakRss(ladeServer.pid);
  const registryPeakHwm = peakRss(registry.pid);
  const ladeExit = await ladeServer.stop();
  if (ladeExit.code !== 0) failures.push(`lade serve registry exited ${ladeExit.code} on SIGTERM`);
  await registry.stop();

  report(options, images.length, plan.length, blobCount, totalBytes, results, states, {
    lade: Math.max(ladePeakHwm, ladeExit.maxRss),
    registry: registryPeakHwm,
    ladeArgv: lade.argv.join(" "),
  });
  return verdict(failures, "FAILED");
}

// ---------------------------------------------------------------- the pull

// ---------------------------------------------------------------- servers

/** user + system CPU seconds of a process so far (/proc/PID/stat, clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Peak resident set size so far (VmHWM), bytes. */
function peakRss(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) * 1024 : 0;
}

// ---------------------------------------------------------------- the client

/** GET everything in the plan from one server, `concurrency` at once, counting the body bytes. */
async function pullAll(server: Served, plan: readonly Fetch[], concurrency: number): Promise<RunResult> {
  const cpuBefore = cpuSeconds(server.pid);
  const started = performance.now();
  let bytes = 0;
  await inParallel(plan, concurrency, async (item) => {
    const response = await fetch(`${server.url}${item.path}`, { headers: { Accept: ACCEPT } });
    if (response.status !== 200) throw new Error(`GET ${item.path} answered ${response.status}`);
    let size = 0;
    for await (const chunk of response.body!) size += chunk.length;
    if (size !== item.size) throw new Error(`GET ${item.path} gave ${size} bytes, expected ${item.size}`);
    bytes += size;
  });
  const seconds = secondsSince(started);
  return { seconds, bytes, serverCpuSeconds: cpuSeconds(server.pid) - cpuBefore };
}

/** lade's bytes hash to their digests; tags give the same manifest bytes from both servers. */
async function verify(servers: readonly Served[], plan: readonly Fetch[], images: readonly SeededImage[]): Promise<string[]> {
  const problems: string[] = [];
  const lade = servers.find((server) => server.name === "lade")!;
  const registry = servers.find((server) => server.name === "docker-registry")!;
  await inParallel(plan, 4, async (item) => {
    const response = await fetch(`${lade.url}${item.path}`, { headers: { Accept: ACCEPT } });
    const hasher = new Bun.CryptoHasher("sha256");
    let size = 0;
    for await (const chunk of response.body!) {
      hasher.update(chunk);
      size += chunk.length;
    }
    const digest = `sha256:${hasher.digest("hex")}`;
    if (response.status !== 200 || size !== item.size || digest !== item.digest) problems.push(`lade ${item.path}: ${response.status}, ${size} bytes, ${digest}`);
  });
  for (const image of images) {
    const [a, b] = await Promise.all([getManifest(hostOf(lade.url), image.name, "v1"), getManifest(hostOf(registry.url), image.name, "v1")]);
    if (Buffer.compare(a.bytes, b.bytes) !== 0) problems.push(`${image.name}:v1 differs between lade and docker-registry`);
  }
  return problems;
}

// ---------------------------------------------------------------- report

function report(
  options: Options,
  imageCount: number,
  requests: number,
  blobCount: number,
  totalBytes: number,
  results: ReadonlyMap<string, RunResult[]>,
  states: readonly CacheState[],
  rss: { lade: number; registry: number; ladeArgv: string },
): void {
  console.log(
    `\n== lade serve registry vs docker-registry, same folder: ${imageCount} images, ${requests} GETs (${blobCount} blobs), ` +
      `${mb(totalBytes)} (${mib(totalBytes)}), client concurrency ${options.concurrency}, ${options.runs} runs each, median`,
  );
  console.log(`   lade = ${rss.ladeArgv}`);
  console.log("page cache  server            seconds        MB/s   server CPU s   runs (s)");
  const seconds = new Map<string, number>();
  for (const state of states) {
    for (const name of ["lade", "docker-registry"] as const) {
      const runs = results.get(`${name}/${state}`) ?? [];
      if (runs.length === 0) {
        console.log(`${state.padEnd(11)} ${name.padEnd(15)} (no successful run)`);
        continue;
      }
      const s = median(runs.map((r) => r.seconds));
      seconds.set(`${name}/${state}`, s);
      console.log(
        `${state.padEnd(11)} ${name.padEnd(15)} ${s.toFixed(2).padStart(8)} ${mbPerSecond(totalBytes, s).padStart(11)} ` +
          `${median(runs.map((r) => r.serverCpuSeconds)).toFixed(2).padStart(14)}   ${runs.map((r) => r.seconds.toFixed(2)).join(", ")}`,
      );
    }
  }
  for (const state of states) {
    const lade = seconds.get(`lade/${state}`);
    const registry = seconds.get(`docker-registry/${state}`);
    if (lade === undefined || registry === undefined) {
      console.log(`FAIL  ${state}: no ratio, a server had no successful run`);
      continue;
    }
    const ratio = registry / lade;
    console.log(`${ratio >= TARGET_RATIO ? "PASS" : "FAIL"}  ${state} page cache: throughput lade/docker-registry ${ratio.toFixed(2)}× (target ≥ ${TARGET_RATIO}×)`);
  }
  const ladeMib = rss.lade / MiB;
  console.log(`${ladeMib < TARGET_RSS_MIB ? "PASS" : "FAIL"}  lade peak RSS < ${TARGET_RSS_MIB} MiB: ${ladeMib.toFixed(1)} MiB (docker-registry: ${mib(rss.registry)})`);
}

/** "http://127.0.0.1:5000" → "127.0.0.1:5000" (the seeding helpers take a host). */
function hostOf(url: string): string {
  return url.replace(/^https?:\/\//, "");
}

await runBenchmark(main);
