/**
 * Benchmark `lade save` / `lade load` against `tar | zstd -T0` / `zstd -d | tar -x` on the same
 * GiB-scale cluster image.
 *
 *   bun scripts/bench/archive.ts [--size-mib 1024] [--images 8] [--text-percent 25] [--runs 3]
 *                                [--lade PATH] [--work DIR] [--keep]
 *
 * 1. Seeding (not timed): starts docker-registry on 127.0.0.1 (random free port) and pushes
 *    --images single-platform images into it with plain HTTP uploads (so nothing recompresses
 *    them): each has one layer of AES-CTR random bytes (stored gzip: incompressible) and one
 *    uncompressed tar layer of log-like text (compressible), --text-percent of the payload.
 *    Then `lade build --image-list` makes a cluster image `bench:1` whose registry layers carry
 *    those blobs as they are (one layer per blob of 1 MiB or more). An OCI layout holding just
 *    that image (index.json, oci-layout, blobs hard-linked from the store) is the peer's input.
 * 2. Runs, --runs times, alternating and with the page cache dropped before each (when root):
 *      save:  lade --root STORE save bench:1 -o lade.tar.zst      vs  tar -cf - -C LAYOUT . | zstd -T0 -q -o tar.tar.zst
 *      load:  lade --root FRESH load -i lade.tar.zst              vs  zstd -d -c tar.tar.zst | tar -xf - -C FRESH
 *    Wall time from spawn to exit, lade's peak RSS from getrusage. lade load hashes every blob and
 *    checks every manifest; tar -x checks nothing, so the load comparison favours the peer.
 * 3. Verification (not timed): `zstd -t` of both archives, `lade fsck` of the last loaded store and
 *    its image digest, the files tar extracted equal the layout's (names and sizes), and `tar -tf`
 *    of lade's archive lists the same files.
 * 4. Report: median seconds and MB/s (layout bytes, 10^6, per second), archive sizes and ratios,
 *    lade/peer speed, lade peak RSS; PASS/FAIL against the targets (save at least as fast as the
 *    peer, load within 1.5× of its time, peak RSS < 200 MiB). Exit status 1 only when a run or the
 *    verification fails.
 */
import { copyFileSync, linkSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { imageManifest, MEDIA, OciLayoutWriter, writeLayoutIndex, type LayerRef } from "./_oci-layout.ts";
import { cleanUpOnSignals, createWorkDir, describeLadeCommand, dropCachesBeforeRuns, ladeCommand, log, mb, mbPerSecond, measureRun, median, mib, MiB, parseBenchOptions, removeTree, REPO_ROOT, requireGnuTime, requireTools, run, runBenchmark, secondsSince, startRegistry, verdict, walkFiles, type CommonOptions, type Measured } from "./_support.ts";

const TARGET_RSS_MIB = 200;
/** The least lade/peer speed that passes: save at least as fast; load within 1.5× of the peer's time (issue #19; lade hashes every byte, tar -x nothing). */
const TARGET_SPEED: Record<"save" | "load", number> = { save: 1, load: 1 / 1.5 };

interface Options extends CommonOptions {
  readonly sizeMib: number;
  readonly images: number;
  readonly textPercent: number;
  readonly runs: number;
}

type Operation = "save" | "load";
type Tool = "lade" | "peer";

function parseOptions(): Options {
  return parseBenchOptions("archive.ts", {
    sizeMib: { default: 1024, min: 16 },
    images: { default: 8, min: 1 },
    textPercent: { default: 25, min: 0, max: 100 },
    runs: { default: 3, min: 1 },
  });
}

async function main(): Promise<number> {
  const options = parseOptions();
  requireTools(["docker-registry", "tar", "zstd"]);
  requireGnuTime();
  cleanUpOnSignals();
  const work = createWorkDir("archive", options);
  const logs = join(work, "logs");
  mkdirSync(logs);
  const lade = ladeCommand(options.lade);
  log(`lade: ${describeLadeCommand(lade)}`);

  // ------------------------------------------------------------ seeding and build (not timed)
  const registry = await startRegistry(work, join(work, "registry-storage"));
  const seedStarted = performance.now();
  const names = await seed(work, registry.url, options);
  log(`seeded ${names.length} images in ${secondsSince(seedStarted).toFixed(1)} s`);
  const imageList = join(work, "images.txt");
  writeFileSync(imageList, names.map((name) => `${registry.host}/${name}\n`).join(""));
  const context = join(work, "context");
  mkdirSync(context);
  writeFileSync(join(context, "Kubefile"), "FROM scratch\nCOPY README.txt /\nLABEL bench=archive\n");
  writeFileSync(join(context, "README.txt"), "lade archive benchmark\n");
  const store = join(work, "store");
  const buildStarted = performance.now();
  const built = await run([...lade.argv, "--root", store, "build", "-q", "-t", "bench:1", "--platform", "linux/amd64", "--image-list", imageList, context], { cwd: REPO_ROOT });
  const imageDigest = built.trim().split("\n").at(-1)!;
  log(`built bench:1 (${imageDigest}) in ${secondsSince(buildStarted).toFixed(1)} s`);
  await registry.stop();
  removeTree(join(work, "registry-storage"));

  const layout = join(work, "layout");
  const layoutBytes = exportLayout(store, imageDigest, layout);
  const blobCount = readdirSync(join(layout, "blobs", "sha256")).length;
  log(`OCI layout of bench:1: ${blobCount} blobs, ${mib(layoutBytes)} (${mb(layoutBytes)})`);

  const cachesDropped = dropCachesBeforeRuns();

  // ------------------------------------------------------------ runs
  const results: Record<Operation, Record<Tool, Measured[]>> = { save: { lade: [], peer: [] }, load: { lade: [], peer: [] } };
  const archives = { lade: join(work, "lade.tar.zst"), peer: join(work, "tar.tar.zst") };
  const failures: string[] = [];
  let lastLoaded: Record<Tool, string> | undefined;
  for (let round = 1; round <= options.runs; round++) {
    for (const tool of ["lade", "peer"] as const) {
      removeTree(archives[tool]);
      const argv =
        tool === "lade"
          ? [...lade.argv, "--root", store, "save", "bench:1", "-o", archives.lade]
          : ["bash", "-o", "pipefail", "-c", `tar -cf - -C '${layout}' . | zstd -T0 -q -o '${archives.peer}'`];
      const measured = await measureRun(`save-${tool}-${round}`, argv, logs, failures);
      if (measured) results.save[tool].push(measured);
    }
    const loaded = { lade: join(work, `loaded-lade-${round}`), peer: join(work, `loaded-peer-${round}`) };
    if (lastLoaded) for (const dir of Object.values(lastLoaded)) removeTree(dir);
    for (const tool of ["lade", "peer"] as const) {
      mkdirSync(loaded[tool]);
      const argv =
        tool === "lade"
          ? [...lade.argv, "--root", loaded.lade, "load", "-i", archives.lade]
          : ["bash", "-o", "pipefail", "-c", `zstd -d -q -c '${archives.peer}' | tar -xf - -C '${loaded.peer}'`];
      const measured = await measureRun(`load-${tool}-${round}`, argv, logs, failures);
      if (measured) results.load[tool].push(measured);
    }
    lastLoaded = loaded;
  }

  // ------------------------------------------------------------ verification (not timed)
  const sizes = { lade: statSync(archives.lade).size, peer: statSync(archives.peer).size };
  for (const [tool, archive] of Object.entries(archives)) {
    const test = Bun.spawnSync(["zstd", "-t", "-q", archive], { stderr: "pipe" });
    if (test.exitCode !== 0) failures.push(`zstd -t of the ${tool} archive: ${test.stderr.toString().trim()}`);
  }
  if (lastLoaded) {
    const fsck = Bun.spawnSync([...lade.argv, "--root", lastLoaded.lade, "fsck", "--json"], { cwd: REPO_ROOT, stdout: "pipe", stderr: "pipe" });
    const problems = fsck.exitCode === 0 ? (JSON.parse(fsck.stdout.toString()).problems as unknown[]) : [fsck.stderr.toString()];
    if (problems.length > 0) failures.push(`lade fsck of the loaded store: ${JSON.stringify(problems)}`);
    const images = JSON.parse(Bun.spawnSync([...lade.argv, "--root", lastLoaded.lade, "images", "--json"], { cwd: REPO_ROOT }).stdout.toString());
    if (images[0]?.digest !== imageDigest) failures.push(`the loaded store holds ${JSON.stringify(images)}, expected bench:1 ${imageDigest}`);
    const listing = (root: string) => walkFiles(root).map((file) => `${file.slice(root.length + 1)} ${statSync(file).size}`).sort();
    const extracted = listing(lastLoaded.peer);
    if (JSON.stringify(extracted) !== JSON.stringify(listing(layout))) failures.push("tar -x did not give back the layout");
    const ladeEntries = (await run(["bash", "-o", "pipefail", "-c", `zstd -d -q -c '${archives.lade}' | tar -tf -`])).trim().split("\n").filter((name) => !name.endsWith("/")).map((name) => name.replace(/^\.\//, "")).sort();
    const layoutEntries = walkFiles(layout).map((file) => file.slice(layout.length + 1)).sort();
    // lade save also carries what is attached to the image (its SBOM): blobs beyond the layout's
    const extra = ladeEntries.filter((name) => !layoutEntries.includes(name));
    const missing = layoutEntries.filter((name) => !ladeEntries.includes(name));
    if (missing.length > 0 || extra.some((name) => !name.startsWith("blobs/sha256/"))) failures.push(`lade's archive lacks ${JSON.stringify(missing)} of the layout, or holds other files than attachment blobs: ${JSON.stringify(extra)}`);
    if (failures.length === 0) log(`verified: zstd -t of both archives, lade fsck (${blobCount} blobs) and digest, tar -x output, tar -tf of lade's archive`);
  }

  report(options, layoutBytes, blobCount, sizes, results, cachesDropped, lade.argv.join(" "));
  return verdict(failures);
}

// ---------------------------------------------------------------- seeding

/**
 * Push --images images, each one platform with a random layer and a text layer, with plain
 * monolithic uploads (skopeo would gzip the uncompressed text layer on the way).
 */
async function seed(work: string, registryUrl: string, options: Options): Promise<string[]> {
  const layout = new OciLayoutWriter(join(work, "seed-layout"));
  const perImage = Math.floor((options.sizeMib * MiB) / options.images);
  const textSize = Math.floor((perImage * options.textPercent) / 100);
  const names: string[] = [];
  for (let number = 1; number <= options.images; number++) {
    const name = `bench/img${number}:v1`;
    const layers: (LayerRef & { mediaType: string })[] = [];
    if (perImage - textSize > 0) layers.push({ ...layout.putRandomLayer(`${name}/random`, perImage - textSize), mediaType: MEDIA.ociLayerGzip });
    if (textSize > 0) layers.push({ ...layout.putTextLayer(`${name}/text`, textSize), mediaType: MEDIA.ociLayerTar });
    const config = layout.putJson({
      architecture: "amd64",
      os: "linux",
      config: { Labels: { "lade.bench": name } },
      rootfs: { type: "layers", diff_ids: layers.map((layer) => layer.diffId) },
    });
    const manifest = Buffer.from(JSON.stringify(imageManifest(config, layers)));
    const [repository, tag] = name.split(":") as [string, string];
    for (const blob of [config, ...layers]) await uploadBlob(registryUrl, repository, blob.digest, join(layout.dir, "blobs", "sha256", blob.digest.slice(7)));
    const put = await fetch(`${registryUrl}/v2/${repository}/manifests/${tag}`, { method: "PUT", headers: { "Content-Type": MEDIA.ociManifest }, body: manifest });
    if (put.status !== 201) throw new Error(`PUT manifest ${name} answered ${put.status}: ${await put.text()}`);
    names.push(name);
  }
  removeTree(layout.dir);
  return names;
}

async function uploadBlob(registryUrl: string, repository: string, digest: string, path: string): Promise<void> {
  const start = await fetch(`${registryUrl}/v2/${repository}/blobs/uploads/`, { method: "POST" });
  await start.arrayBuffer();
  const location = new URL(start.headers.get("location") ?? "", registryUrl);
  location.searchParams.set("digest", digest);
  const put = await fetch(location, { method: "PUT", headers: { "Content-Type": "application/octet-stream" }, body: Bun.file(path) });
  if (put.status !== 201) throw new Error(`upload of ${digest} answered ${put.status}: ${await put.text()}`);
}

// ---------------------------------------------------------------- the peer's input

/**
 * An OCI layout of just bench:1, its blobs hard-linked from the store (copied across file
 * systems): what `lade save --compress none` writes, as a folder. Returns the bytes of its files.
 */
function exportLayout(store: string, digest: string, layout: string): number {
  const blobs = join(layout, "blobs", "sha256");
  mkdirSync(blobs, { recursive: true });
  const storeIndex = JSON.parse(readFileSync(join(store, "index.json"), "utf8"));
  const entry = storeIndex.manifests.find((manifest: { digest: string }) => manifest.digest === digest);
  const needed = new Set<string>();
  const visit = (blobDigest: string) => {
    needed.add(blobDigest);
    const content = JSON.parse(readFileSync(join(store, "blobs", "sha256", blobDigest.slice(7)), "utf8"));
    for (const child of content.manifests ?? []) visit(child.digest);
    if (content.config) for (const blob of [content.config, ...content.layers]) needed.add(blob.digest);
  };
  visit(digest);
  for (const blob of needed) {
    const from = join(store, "blobs", "sha256", blob.slice(7));
    const to = join(blobs, blob.slice(7));
    try {
      linkSync(from, to);
    } catch {
      copyFileSync(from, to);
    }
  }
  writeLayoutIndex(layout, [entry]);
  return walkFiles(layout).reduce((sum, file) => sum + statSync(file).size, 0);
}

// ---------------------------------------------------------------- the report

function report(
  options: Options,
  layoutBytes: number,
  blobCount: number,
  sizes: Record<Tool, number>,
  results: Record<Operation, Record<Tool, Measured[]>>,
  cachesDropped: boolean,
  ladeCommandLine: string,
): void {
  console.log(`\n## archive benchmark: ${options.images} images, ${options.textPercent}% text, ${blobCount} blobs, ${mb(layoutBytes)} layout`);
  console.log(`lade: ${ladeCommandLine}; ${options.runs} runs each; page cache ${cachesDropped ? "dropped before every run" : "warm (not root)"}\n`);
  console.log("| operation | lade s (MB/s) | peer s (MB/s) | lade/peer speed | lade peak RSS |");
  console.log("|---|---|---|---|---|");
  const verdicts: string[] = [];
  for (const operation of ["save", "load"] as const) {
    const lade = results[operation].lade;
    const peer = results[operation].peer;
    if (lade.length === 0 || peer.length === 0) {
      console.log(`| ${operation} | – | – | – | – |`);
      continue;
    }
    const ladeSeconds = median(lade.map((run) => run.seconds));
    const peerSeconds = median(peer.map((run) => run.seconds));
    const rss = Math.max(...lade.map((run) => run.maxRssBytes));
    const ratio = peerSeconds / ladeSeconds;
    const peerName = operation === "save" ? "tar | zstd -T0" : "zstd -d | tar -x";
    console.log(
      `| ${operation} vs \`${peerName.replaceAll("|", "\\|")}\` | ${ladeSeconds.toFixed(2)} (${mbPerSecond(layoutBytes, ladeSeconds)}) | ${peerSeconds.toFixed(2)} (${mbPerSecond(layoutBytes, peerSeconds)}) | ` +
        `${ratio.toFixed(2)}× ${ratio >= TARGET_SPEED[operation] ? "PASS" : "FAIL"} | ${mib(rss)} ${rss < TARGET_RSS_MIB * MiB ? "PASS" : "FAIL"} |`,
    );
    verdicts.push(`${operation}: lade takes ${(1 / ratio).toFixed(2)}× the time of ${peerName} (goal ≤ ${(1 / TARGET_SPEED[operation]).toFixed(1)}×): ${ratio >= TARGET_SPEED[operation] ? "PASS" : "FAIL"}, peak RSS ${mib(rss)}`);
  }
  console.log(
    `\narchive sizes: lade ${mib(sizes.lade)} (${((sizes.lade / layoutBytes) * 100).toFixed(1)}% of the layout), ` +
      `tar+zstd ${mib(sizes.peer)} (${((sizes.peer / layoutBytes) * 100).toFixed(1)}%), lade/peer ${(sizes.lade / sizes.peer).toFixed(3)}`,
  );
  for (const verdict of verdicts) console.log(verdict);
}

await runBenchmark(main);
