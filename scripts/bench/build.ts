/**
 * Benchmark cold `lade build` of a large context against the same-run references of issue #19.
 *
 *   bun scripts/bench/build.ts [--size-mib 300] [--runs 3] [--lade PATH] [--work DIR] [--keep]
 *
 * 1. Contexts (not timed):
 *      incompressible: --size-mib of AES-CTR random bytes in files of 10 MiB (like the .tgz
 *                      downloads of a base image), `COPY bin /bin/`;
 *      binaries:       the Go programs this machine has (containerd, dockerd, docker, ctr,
 *                      skopeo, docker-registry, …): what kubelet, kubeadm and kubectl are like.
 * 2. Runs, --runs times, alternating, the page cache dropped before each (when root):
 *      lade --root FRESH build -q -t bench:1 --platform linux/amd64 CONTEXT     (gzip, the default)
 *      lade … --compression zstd                                                (for comparison)
 *      incompressible: tar -cf - -C CONTEXT . | openssl dgst -sha256
 *      binaries:       tar -cf - -C CONTEXT . | pigz -p NPROC > FILE
 *    Every lade store is new, so nothing comes from the cache.
 * 3. Save (binaries, layers stored uncompressed so that there is something to compress):
 *      lade save --compress gzip   vs   tar -cf - -C LAYOUT . | pigz -p NPROC > FILE
 * 4. Checks (not timed): the digest of a build pinned to one core (`taskset -c 0`) equals the
 *    unpinned one, for gzip and zstd; `gzip -t` of lade's archive; the layer sizes against pigz's.
 * 5. Report: medians, lade/peer time, sizes, peak RSS (GNU time), PASS/FAIL against the goals:
 *    incompressible within 4× of tar | openssl; binaries at least pigz's speed at no worse size;
 *    save gzip at least pigz's speed; peak RSS < 300 MiB. Exit 1 only when a run or check fails.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { createCipheriv } from "node:crypto";
import { cleanUpOnSignals, createWorkDir, describeLadeCommand, dropCachesBeforeRuns, ladeCommand, log, mb, mbPerSecond, measureRun, median, mib, MiB, parseBenchOptions, removeTree, REPO_ROOT, requireGnuTime, requireTools, run, runBenchmark, verdict, walkFiles, type CommonOptions, type Measured } from "./_support.ts";

const TARGET_RSS_MIB = 300;
const GO_PROGRAMS = ["/usr/sbin/dockerd", "/usr/bin/containerd", "/usr/bin/docker", "/usr/bin/ctr", "/usr/bin/docker-registry", "/usr/bin/skopeo", "/usr/bin/containerd-shim-runc-v2", "/usr/bin/umoci", "/usr/bin/runc"];

interface Options extends CommonOptions {
  readonly sizeMib: number;
  readonly runs: number;
}

interface Context {
  readonly name: "incompressible" | "binaries";
  readonly dir: string;
  readonly bytes: number;
  readonly peerName: string;
  readonly peer: (output: string) => string[];
}

async function main(): Promise<number> {
  const options = parseBenchOptions("build.ts", { sizeMib: { default: 300, min: 16 }, runs: { default: 3, min: 1 } }) as Options;
  requireTools(["tar", "openssl", "pigz", "taskset", "gzip"]);
  requireGnuTime();
  cleanUpOnSignals();
  const work = createWorkDir("build", options);
  const logs = join(work, "logs");
  mkdirSync(logs);
  const lade = ladeCommand(options.lade);
  log(`lade: ${describeLadeCommand(lade)}`);
  const cores = availableParallelism();
  const contexts = [incompressibleContext(join(work, "incompressible"), options.sizeMib), binariesContext(join(work, "binaries"))];
  for (const context of contexts) log(`${context.name} context: ${mib(context.bytes)}`);
  const pigz = (output: string) => ["bash", "-o", "pipefail", "-c", `tar -cf - -C '${output.split("\0")[0]}' . | pigz -p ${cores} > '${output.split("\0")[1]}'`];
  const cachesDropped = dropCachesBeforeRuns();
  const failures: string[] = [];
  const rows: string[] = [];
  const verdicts: string[] = [];
  let peakRss = 0;

  for (const context of contexts) {
    const results: Record<"gzip" | "zstd" | "peer", Measured[]> = { gzip: [], zstd: [], peer: [] };
    const stores: Record<"gzip" | "zstd", string> = { gzip: "", zstd: "" };
    const peerOutput = join(work, `${context.name}.tar.gz`);
    for (let round = 1; round <= options.runs; round++) {
      for (const format of ["gzip", "zstd"] as const) {
        stores[format] = join(work, `store-${context.name}-${format}-${round}`);
        if (round > 1) removeTree(join(work, `store-${context.name}-${format}-${round - 1}`));
        const argv = [...lade.argv, "--root", stores[format], "build", "-q", "-t", "bench:1", "--platform", "linux/amd64", "--compression", format, context.dir];
        const measured = await measureRun(`${context.name}-${format}-${round}`, argv, logs, failures);
        if (measured) results[format].push(measured);
      }
      const peerArgv = context.name === "binaries" ? pigz(`${context.dir}\0${peerOutput}`) : context.peer(context.dir);
      const measured = await measureRun(`${context.name}-peer-${round}`, peerArgv, logs, failures);
      if (measured) results.peer.push(measured);
    }
    const layerBytes = (store: string) => (existsSync(store) ? layerSize(store) : Number.NaN);
    const sizes = { gzip: layerBytes(stores.gzip), zstd: layerBytes(stores.zstd), peer: context.name === "binaries" ? statSync(peerOutput).size : Number.NaN };
    const peer = median(results.peer.map((run) => run.seconds));
    for (const format of ["gzip", "zstd"] as const) {
      if (results[format].length === 0) continue;
      const seconds = median(results[format].map((run) => run.seconds));
      const rss = Math.max(...results[format].map((run) => run.maxRssBytes));
      peakRss = Math.max(peakRss, rss);
      const sizeNote = Number.isNaN(sizes.peer) ? mib(sizes[format]) : `${mib(sizes[format])} (${(sizes[format] / sizes.peer).toFixed(3)}× pigz)`;
      rows.push(`| ${context.name} | lade ${format} | ${seconds.toFixed(2)} (${mbPerSecond(context.bytes, seconds)}) | ${(seconds / peer).toFixed(2)}× | ${sizeNote} | ${mib(rss)} |`);
    }
    rows.push(`| ${context.name} | \`${context.peerName.replaceAll("|", "\\|")}\` | ${peer.toFixed(2)} (${mbPerSecond(context.bytes, peer)}) | 1× | ${Number.isNaN(sizes.peer) ? "–" : mib(sizes.peer)} | – |`);
    const gzipSeconds = median(results.gzip.map((run) => run.seconds));
    if (context.name === "incompressible") {
      const ratio = gzipSeconds / peer;
      verdicts.push(`incompressible: lade gzip takes ${ratio.toFixed(2)}× tar | openssl dgst (goal ≤ 4×): ${ratio <= 4 ? "PASS" : "FAIL"}`);
    } else {
      const fast = gzipSeconds <= peer;
      const small = sizes.gzip <= sizes.peer;
      verdicts.push(`binaries: lade gzip ${(peer / gzipSeconds).toFixed(2)}× pigz's speed at ${(sizes.gzip / sizes.peer).toFixed(3)}× its size (goal ≥ 1× at ≤ 1×): ${fast && small ? "PASS" : "FAIL"}`);
      const zstdSeconds = median(results.zstd.map((run) => run.seconds));
      verdicts.push(`binaries: lade zstd ${(peer / zstdSeconds).toFixed(2)}× pigz's speed at ${(sizes.zstd / sizes.peer).toFixed(3)}× its size`);
    }
    // one core gives the same digest as all of them
    for (const format of ["gzip", "zstd"] as const) {
      const pinnedStore = join(work, `store-${context.name}-${format}-pinned`);
      const argv = ["taskset", "-c", "0", ...lade.argv, "--root", pinnedStore, "build", "-q", "-t", "bench:1", "--platform", "linux/amd64", "--compression", format, context.dir];
      const pinned = (await run(argv, { cwd: REPO_ROOT })).trim();
      const all = imageDigest(stores[format]);
      if (pinned !== all) failures.push(`${context.name} ${format}: the build pinned to one core gave ${pinned}, on ${cores} cores ${all}`);
      else log(`${context.name} ${format}: taskset -c 0 gives the same digest ${pinned}`);
      removeTree(pinnedStore);
    }
    removeTree(stores.zstd);
    if (context.name === "incompressible") removeTree(stores.gzip);
  }

  // save --compress gzip of the binaries, layers stored plain so that the archive has work to do
  const binaries = contexts[1]!;
  const plainStore = join(work, "store-plain");
  await run([...lade.argv, "--root", plainStore, "build", "-q", "-t", "bench:1", "--platform", "linux/amd64", "--compression", "none", binaries.dir], { cwd: REPO_ROOT });
  const layout = join(work, "layout");
  await run([...lade.argv, "--root", plainStore, "save", "--compress", "none", "bench:1", "-o", join(work, "plain.tar")], { cwd: REPO_ROOT });
  mkdirSync(layout);
  await run(["tar", "-xf", join(work, "plain.tar"), "-C", layout]);
  removeTree(join(work, "plain.tar"));
  const layoutBytes = walkFiles(layout).reduce((sum, file) => sum + statSync(file).size, 0);
  const saves: Record<"lade" | "peer", Measured[]> = { lade: [], peer: [] };
  const archives = { lade: join(work, "lade.tar.gz"), peer: join(work, "layout.tar.gz") };
  for (let round = 1; round <= options.runs; round++) {
    removeTree(archives.lade);
    const ladeRun = await measureRun(`save-lade-${round}`, [...lade.argv, "--root", plainStore, "save", "--compress", "gzip", "bench:1", "-o", archives.lade], logs, failures);
    if (ladeRun) saves.lade.push(ladeRun);
    const peerRun = await measureRun(`save-peer-${round}`, pigz(`${layout}\0${archives.peer}`), logs, failures);
    if (peerRun) saves.peer.push(peerRun);
  }
  const gzipTest = Bun.spawnSync(["gzip", "-t", archives.lade], { stderr: "pipe" });
  if (gzipTest.exitCode !== 0) failures.push(`gzip -t of lade's archive: ${gzipTest.stderr.toString().trim()}`);
  const saveLade = median(saves.lade.map((run) => run.seconds));
  const savePeer = median(saves.peer.map((run) => run.seconds));
  peakRss = Math.max(peakRss, ...saves.lade.map((run) => run.maxRssBytes));
  rows.push(`| save (layout ${mib(layoutBytes)}) | lade save --compress gzip | ${saveLade.toFixed(2)} (${mbPerSecond(layoutBytes, saveLade)}) | ${(saveLade / savePeer).toFixed(2)}× | ${mib(statSync(archives.lade).size)} (${(statSync(archives.lade).size / statSync(archives.peer).size).toFixed(3)}× pigz) | ${mib(Math.max(...saves.lade.map((run) => run.maxRssBytes)))} |`);
  rows.push(`| save | \`tar \\| pigz -p ${cores}\` | ${savePeer.toFixed(2)} (${mbPerSecond(layoutBytes, savePeer)}) | 1× | ${mib(statSync(archives.peer).size)} | – |`);
  verdicts.push(`save gzip: ${(savePeer / saveLade).toFixed(2)}× pigz's speed (goal ≥ 1×): ${saveLade <= savePeer ? "PASS" : "FAIL"}`);
  verdicts.push(`peak RSS ${mib(peakRss)} (goal < ${TARGET_RSS_MIB} MiB): ${peakRss < TARGET_RSS_MIB * MiB ? "PASS" : "FAIL"}`);

  console.log(`\n## build benchmark: ${cores} cores; ${options.runs} runs each; page cache ${cachesDropped ? "dropped before every run" : "warm (not root)"}`);
  console.log(`lade: ${lade.argv.join(" ")}\n`);
  console.log("| context | tool | seconds (MB/s) | time / reference | output | peak RSS |");
  console.log("|---|---|---|---|---|---|");
  for (const row of rows) console.log(row);
  console.log("");
  for (const line of verdicts) console.log(line);
  return verdict(failures);
}

function incompressibleContext(dir: string, sizeMib: number): Context {
  mkdirSync(join(dir, "bin"), { recursive: true });
  writeFileSync(join(dir, "Kubefile"), "FROM scratch\nCOPY bin /bin/\n");
  const cipher = createCipheriv("aes-256-ctr", Buffer.alloc(32, 19), Buffer.alloc(16));
  let left = sizeMib * MiB;
  for (let index = 0; left > 0; index++) {
    const size = Math.min(10 * MiB, left);
    writeFileSync(join(dir, "bin", `download-${String(index).padStart(3, "0")}.tgz`), cipher.update(Buffer.alloc(size)));
    left -= size;
  }
  return { name: "incompressible", dir, bytes: sizeMib * MiB, peerName: "tar -cf - | openssl dgst -sha256", peer: (context) => ["bash", "-o", "pipefail", "-c", `tar -cf - -C '${context}' . | openssl dgst -sha256`] };
}

function binariesContext(dir: string): Context {
  mkdirSync(join(dir, "bin"), { recursive: true });
  writeFileSync(join(dir, "Kubefile"), "FROM scratch\nCOPY bin /bin/\n");
  let bytes = 0;
  for (const program of GO_PROGRAMS.filter((path) => existsSync(path))) {
    copyFileSync(program, join(dir, "bin", program.split("/").at(-1)!));
    bytes += statSync(program).size;
  }
  if (bytes === 0) throw new Error(`none of ${GO_PROGRAMS.join(", ")} is installed`);
  return { name: "binaries", dir, bytes, peerName: `tar -cf - | pigz -p ${availableParallelism()}`, peer: () => [] };
}

/** The bytes of bench:1's layers in a store. */
function layerSize(store: string): number {
  const blob = (digest: string) => JSON.parse(readFileSync(join(store, "blobs", "sha256", digest.slice(7)), "utf8"));
  const manifest = blob(imageDigest(store));
  const platform = manifest.manifests ? blob(manifest.manifests[0].digest) : manifest;
  return platform.layers.reduce((sum: number, layer: { size: number }) => sum + layer.size, 0);
}

function imageDigest(store: string): string {
  const index = JSON.parse(readFileSync(join(store, "index.json"), "utf8")) as { manifests: { digest: string; annotations?: Record<string, string> }[] };
  return index.manifests.find((entry) => entry.annotations?.["org.opencontainers.image.ref.name"] === "docker.io/library/bench:1")!.digest;
}

void mb;
await runBenchmark(main);
