/**
 * Benchmark the writing halves of `lade serve registry` against docker-registry on this machine:
 *
 *   bun scripts/bench/push-proxy.ts [--size-mib 512] [--images 6] [--layers 3] [--runs 3]
 *                                   [--concurrency 4] [--lade PATH] [--work DIR] [--keep]
 *
 * 1. Seeding (untimed): an origin docker-registry on 127.0.0.1 gets --images multi-platform
 *    images of about --size-mib in total (incompressible layers).
 * 2. Push: `skopeo copy --all` of every image (--concurrency at once) from the origin into
 *    `lade serve registry --push-dir` (with --htpasswd: pushes always need a login) and into a
 *    fresh docker-registry; both start empty for each run, runs alternate.
 * 3. Proxied pull: one client GETs every tag, manifest and blob through `lade serve registry
 *    --proxy ORIGIN --cache-dir` and through docker-registry configured as a pull-through cache
 *    (proxy.remoteurl), each with an empty cache per run: every byte comes from the origin.
 * 4. Verification (untimed): what lade took in a push and what it served through its cache hash
 *    to their digests.
 * 5. Report: median seconds and MB/s per server and phase, and the ratios lade/docker-registry
 *    (target ≥ 1 for both).
 *
 * Exit status: 1 when a push, a pull or the verification fails (or the harness does), else 0
 * whatever the numbers are. Everything is stopped and the work folder removed at the end.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ACCEPT, pullPlan, seedBenchImages, seedSizeOptions, type PullFetch, type SeededImage, type SeedSize } from "./_seed.ts";
import {
  cleanUpOnSignals,
  createWorkDir,
  describeLadeCommand,
  inParallel,
  ladeCommand,
  log,
  mb,
  mbPerSecond,
  median,
  parseBenchOptions,
  removeTree,
  requireTools,
  run,
  runBenchmark,
  secondsSince,
  startLadeServer,
  startRegistry,
  verdict,
  type CommonOptions,
} from "./_support.ts";

const TARGET_RATIO = 1;
const USER = "bench";
const PASSWORD = "bench-push-pw";

type ServerName = "lade" | "docker-registry";
type Phase = "push" | "proxied pull";

interface Options extends CommonOptions, SeedSize {
  readonly runs: number;
  readonly concurrency: number;
}

interface Target {
  readonly url: string;
  stop(): Promise<unknown>;
}

async function main(): Promise<number> {
  const options = parseBenchOptions("push-proxy.ts", { ...seedSizeOptions(1), runs: { default: 3, min: 1 }, concurrency: { default: 4, min: 1 } });
  requireTools(["docker-registry", "skopeo", "htpasswd"]);
  cleanUpOnSignals();
  const work = createWorkDir("push-proxy", options);
  const lade = ladeCommand(options.lade);
  const origin = await startRegistry(work, join(work, "origin-storage"), "origin");
  const images = await seedBenchImages(work, origin.host, options);
  const plan = pullPlan(images);
  const totalBytes = plan.reduce((sum, item) => sum + item.size, 0);
  log(`seeded ${images.length} images (${mb(totalBytes)}) on ${origin.url}; lade: ${describeLadeCommand(lade)}`);
  const htpasswd = join(work, "htpasswd");
  writeFileSync(htpasswd, await run(["htpasswd", "-Bbn", USER, PASSWORD]));
  const empty = join(work, "empty");
  await run(["mkdir", "-p", join(empty, "docker/registry/v2/repositories")]);

  const failures: string[] = [];
  const results = new Map<string, number[]>();
  const record = (phase: Phase, server: ServerName, seconds: number) => results.set(`${phase}/${server}`, [...(results.get(`${phase}/${server}`) ?? []), seconds]);

  for (let round = 1; round <= options.runs; round++) {
    for (const server of (round % 2 === 1 ? ["lade", "docker-registry"] : ["docker-registry", "lade"]) as ServerName[]) {
      // ---- push: empty targets each run
      const dir = join(work, `push-${server}-${round}`);
      const target: Target =
        server === "lade"
          ? await startLadeServer(lade.argv, ["--dir", empty, "--htpasswd", htpasswd, "--push-dir", dir], join(work, `lade-push-${round}.log`))
          : await startRegistry(work, dir, `push-${round}`);
      const host = new URL(target.url).host;
      const started = performance.now();
      const pushed = await inParallel(images, options.concurrency, async (image) => {
        await run([
          "skopeo", "copy", "--quiet", "--all", "--src-tls-verify=false", "--dest-tls-verify=false",
          ...(server === "lade" ? ["--dest-creds", `${USER}:${PASSWORD}`] : []),
          `docker://${origin.host}/${image.name}:v1`, `docker://${host}/${image.name}:v1`,
        ]);
      }).then(() => undefined, (error: Error) => error);
      const seconds = secondsSince(started);
      if (pushed instanceof Error) failures.push(`push ${server} run ${round}: ${pushed.message}`);
      else {
        record("push", server, seconds);
        log(`run ${round} push         ${server.padEnd(15)} ${seconds.toFixed(2).padStart(6)} s  ${mbPerSecond(totalBytes, seconds).padStart(10)}`);
      }
      if (server === "lade" && round === 1) failures.push(...(await verifyPulls(target.url, plan, `${USER}:${PASSWORD}`, "pushed")));
      await target.stop();
      removeTree(dir);

      // ---- proxied pull: an empty cache each run
      const cache = join(work, `cache-${server}-${round}`);
      const proxy: Target =
        server === "lade"
          ? await startLadeServer(lade.argv, ["--dir", empty, "--proxy", origin.url, "--cache-dir", cache], join(work, `lade-proxy-${round}.log`))
          : await startRegistry(work, cache, `proxy-${round}`, { proxy: { remoteurl: origin.url } });
      const pullStarted = performance.now();
      const pulled = await pullAll(proxy.url, plan, options.concurrency).then(() => undefined, (error: Error) => error);
      const pullSeconds = secondsSince(pullStarted);
      if (pulled instanceof Error) failures.push(`proxied pull ${server} run ${round}: ${pulled.message}`);
      else {
        record("proxied pull", server, pullSeconds);
        log(`run ${round} proxied pull ${server.padEnd(15)} ${pullSeconds.toFixed(2).padStart(6)} s  ${mbPerSecond(totalBytes, pullSeconds).padStart(10)}`);
      }
      if (server === "lade" && round === 1) failures.push(...(await verifyPulls(proxy.url, plan, undefined, "proxied")));
      await proxy.stop();
      removeTree(cache);
    }
  }
  await origin.stop();
  report(options, images, totalBytes, results, lade.argv.join(" "));
  return verdict(failures, "FAILED");
}

/** GET everything in the plan, `concurrency` at once, checking each size. */
async function pullAll(url: string, plan: readonly PullFetch[], concurrency: number, auth?: string): Promise<void> {
  await inParallel(plan, concurrency, async (item) => {
    const response = await fetch(`${url}${item.path}`, { headers: { Accept: ACCEPT, ...(auth ? { Authorization: `Basic ${btoa(auth)}` } : {}) } });
    if (response.status !== 200) throw new Error(`GET ${item.path} answered ${response.status}`);
    let size = 0;
    for await (const chunk of response.body!) size += chunk.length;
    if (size !== item.size) throw new Error(`GET ${item.path} gave ${size} bytes, expected ${item.size}`);
  });
}

/** Every manifest and blob lade serves hashes to its digest. */
async function verifyPulls(url: string, plan: readonly PullFetch[], auth: string | undefined, what: string): Promise<string[]> {
  const problems: string[] = [];
  await inParallel(plan, 4, async (item) => {
    const response = await fetch(`${url}${item.path}`, { headers: { Accept: ACCEPT, ...(auth ? { Authorization: `Basic ${btoa(auth)}` } : {}) } });
    const hasher = new Bun.CryptoHasher("sha256");
    for await (const chunk of response.body!) hasher.update(chunk);
    const digest = `sha256:${hasher.digest("hex")}`;
    if (response.status !== 200 || (item.digest && digest !== item.digest)) problems.push(`lade ${what} ${item.path}: ${response.status}, ${digest}`);
  });
  if (problems.length === 0) log(`verified: every manifest and blob lade ${what} hashes to its digest`);
  return problems;
}

function report(options: Options, images: readonly SeededImage[], totalBytes: number, results: ReadonlyMap<string, number[]>, ladeArgv: string): void {
  console.log(`\n== lade serve registry vs docker-registry: ${images.length} images, ${mb(totalBytes)}, concurrency ${options.concurrency}, ${options.runs} runs each, median`);
  console.log(`   lade = ${ladeArgv}`);
  console.log("phase          server            seconds        MB/s   runs (s)");
  for (const phase of ["push", "proxied pull"] as Phase[]) {
    for (const server of ["lade", "docker-registry"] as ServerName[]) {
      const runs = results.get(`${phase}/${server}`) ?? [];
      if (runs.length === 0) continue;
      const seconds = median(runs);
      console.log(`${phase.padEnd(14)} ${server.padEnd(15)} ${seconds.toFixed(2).padStart(9)} ${mbPerSecond(totalBytes, seconds).padStart(11)}   ${runs.map((run) => run.toFixed(2)).join(" ")}`);
    }
    const lade = results.get(`${phase}/lade`) ?? [];
    const registry = results.get(`${phase}/docker-registry`) ?? [];
    if (lade.length > 0 && registry.length > 0) {
      const ratio = median(registry) / median(lade);
      console.log(`${phase}: lade/docker-registry throughput ${ratio.toFixed(2)}× (target ≥ ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? "met" : "NOT met"})`);
    }
  }
}

await runBenchmark(main);
