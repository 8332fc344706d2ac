/**
 * Benchmark `lade mirror` through a flaky link: the same images mirrored from a local
 * docker-registry through test/support/fault-proxy.ts, once clean and once with the proxy
 * resetting the connection of a blob download about every --reset-every-mib MiB of blob bytes
 * sent (drops resume with Range). Both go through the proxy, so only the resets differ. The
 * target: the faulty mirror takes at most 1.5× the clean one, and its output verifies.
 *
 *   bun scripts/bench/mirror-faults.ts [--size-mib 512] [--images 4] [--layers 3] [--runs 3]
 *                                      [--reset-every-mib 50] [--lade PATH] [--work DIR] [--keep]
 *
 * Runs alternate (clean, faulty, clean, …), each with a fresh store and target folder; medians
 * are reported with the number of resets the proxy made. Exit 1 when a run fails or a blob in
 * its output does not hash to its name.
 */
import { join } from "node:path";
import { startFaultProxy, type FaultProxy } from "../../test/support/fault-proxy.ts";
import { PLATFORM_LIST, seedBenchImages, seedSizeOptions, type SeedSize } from "./_seed.ts";
import { cleanUpOnSignals, createWorkDir, describeLadeCommand, ladeCommand, log, median, MiB, onCleanup, parseBenchOptions, runBenchmark, runMeasured, sha256File, startRegistry, verdict, walkFiles, type CommonOptions, type Measured } from "./_support.ts";

const TARGET_SLOWDOWN = 1.5;

interface Options extends CommonOptions, SeedSize {
  readonly runs: number;
  readonly resetEveryMib: number;
}

async function main(): Promise<number> {
  const options: Options = parseBenchOptions("mirror-faults.ts", {
    ...seedSizeOptions(2),
    sizeMib: { default: 512, min: 1 },
    images: { default: 4, min: 2 },
    runs: { default: 3, min: 1 },
    resetEveryMib: { default: 50, min: 1 },
  });
  const resetEvery = options.resetEveryMib * MiB;
  cleanUpOnSignals();
  const work = createWorkDir("mirror-faults", options);
  const registry = await startRegistry(work, join(work, "registry-storage"));
  const images = await seedBenchImages(work, registry.host, options);
  const proxy = startFaultProxy({ upstream: `http://${registry.host}` });
  onCleanup(() => proxy.stop());
  const lade = ladeCommand(options.lade);
  log(`lade = ${describeLadeCommand(lade)}; a reset every ${resetEvery / MiB} MiB of blob bytes through ${proxy.host}`);

  const failures: string[] = [];
  const times: Record<"clean" | "faulty", number[]> = { clean: [], faulty: [] };
  let resetCount = 0;
  for (let run = 1; run <= options.runs; run++) {
    for (const kind of ["clean", "faulty"] as const) {
      proxy.reset();
      const resets = kind === "faulty" ? planResets(proxy, resetEvery) : undefined;
      const dir = join(work, `${kind}-${run}`);
      const measured: Measured = await runMeasured(
        [...lade.argv, "--root", join(dir, "store"), "mirror", ...images.map((image) => `${proxy.host}/${image.name}:v1`), "--dir", join(dir, "registry"), "--platform", PLATFORM_LIST],
        { stdout: join(dir, "..", `${kind}-${run}.out`), stderr: join(dir, "..", `${kind}-${run}.err`) },
      );
      if (measured.exitCode !== 0) failures.push(`${kind} run ${run} exited ${measured.exitCode} (see ${kind}-${run}.err)`);
      else failures.push(...(await corruptBlobs(join(dir, "registry"))).map((path) => `${kind} run ${run}: ${path} does not match its name`));
      times[kind].push(measured.seconds);
      resetCount += resets?.count ?? 0;
      log(`${kind} run ${run}: ${measured.seconds.toFixed(2)} s${resets ? `, ${resets.count} resets` : ""}`);
    }
  }
  const clean = median(times.clean);
  const faulty = median(times.faulty);
  const slowdown = faulty / clean;
  console.log(`\n== lade mirror, ${images.length} images, clean vs a reset every ${resetEvery / MiB} MiB (${resetCount} resets in ${options.runs} runs), median of ${options.runs}`);
  console.log(`clean   ${clean.toFixed(2)} s\nfaulty  ${faulty.toFixed(2)} s\nslowdown ${slowdown.toFixed(2)}×`);
  console.log(`${slowdown <= TARGET_SLOWDOWN ? "PASS" : "FAIL"}  faulty ≤ ${TARGET_SLOWDOWN}× clean: ${slowdown.toFixed(2)}×`);
  if (resetCount === 0) failures.push("the proxy made no reset: the images are smaller than --reset-every-mib");
  return verdict(failures);
}

/** Reset a blob download where the blob bytes sent so far cross the next multiple of EVERY. */
function planResets(proxy: FaultProxy, every: number): { readonly count: number } {
  proxy.setPlan((request) => {
    const path = new URL(request.url).pathname;
    if (request.method !== "GET" || !/\/blobs\/sha256:/.test(path)) return undefined;
    const sent = proxy.bytesSent(/\/blobs\/sha256:/);
    return { dropAfter: (Math.floor(sent / every) + 1) * every - sent };
  });
  return {
    get count() {
      // a planned drop counts once the body really reached it
      return proxy.requests.filter((request) => request.fault?.dropAfter !== undefined && request.bytes >= request.fault.dropAfter).length;
    },
  };
}

async function corruptBlobs(dir: string): Promise<string[]> {
  const bad: string[] = [];
  for (const path of walkFiles(dir).filter((file) => file.endsWith("/data") && file.includes("/blobs/sha256/"))) {
    const hex = path.split("/").at(-2)!;
    if ((await sha256File(path)) !== hex) bad.push(path);
  }
  return bad;
}

await runBenchmark(main);
