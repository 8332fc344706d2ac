/**
 * Shared helpers of the benchmarks in scripts/bench/: their command line, work folder and exit,
 * a throw-away docker-registry, measured child processes, page-cache dropping and clean-up that
 * also runs on Ctrl-C. Nothing here is part of lade; it only drives real programs
 * (docker-registry, skopeo, lade). Synthetic layers are in _oci-layout.ts.
 */
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";

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
  const seconds = secondsSince(started);
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

const GNU_TIME = "/usr/bin/time";
const RSS_MARK = "bench-max-rss-kib=";

/** GNU time measures peak RSS for measureRun. */
export function requireGnuTime(): void {
  if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} (GNU time, apt-get install time) is needed to measure peak RSS`);
}

/**
 * One measured run of a benchmarked command, the page cache dropped first (when root), its output
 * in LOGS/LABEL.out and .err. Its peak RSS comes from GNU time, which forks it from a small
 * process: Linux keeps a process's RSS from before exec in ru_maxrss, so a child forked straight
 * from this script would report at least the script's own RSS. A failed run is added to
 * `failures` and gives undefined.
 */
export async function measureRun(label: string, argv: readonly string[], logs: string, failures: string[], options: { cwd?: string } = {}): Promise<Measured | undefined> {
  dropCaches();
  const stderr = join(logs, `${label}.err`);
  const measured = await runMeasured([GNU_TIME, "-f", `${RSS_MARK}%M`, ...argv], { cwd: options.cwd ?? REPO_ROOT, stdout: join(logs, `${label}.out`), stderr });
  const rssKib = Number(new RegExp(`${RSS_MARK}(\\d+)`).exec(readFileSync(stderr, "utf8"))?.[1] ?? Number.NaN);
  if (Number.isFinite(rssKib)) (measured as { maxRssBytes: number }).maxRssBytes = rssKib * 1024;
  if (measured.exitCode !== 0) {
    const message = `${label} exited ${measured.exitCode}: ${tailOf(stderr, 10)}`;
    failures.push(message);
    log(message);
    return undefined;
  }
  log(`${label.padEnd(18)} ${measured.seconds.toFixed(2).padStart(6)} s  ${formatResourceUsage(measured)}`);
  return measured;
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

/** SIGTERM, then SIGKILL when the child is still running after `graceMs`; its exit code. */
export async function terminate(child: Bun.Subprocess, graceMs: number): Promise<number> {
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  const code = await child.exited;
  clearTimeout(timer);
  return code;
}

/** The last `count` lines of a log file, to quote a failed run. */
export function tailOf(path: string, count: number): string {
  return readFileSync(path, "utf8").trim().split("\n").slice(-count).join("\n");
}

/** "peak RSS …  CPU user … s sys … s" of a measured run, for its log line. */
export function formatResourceUsage(measured: Measured): string {
  return `peak RSS ${mib(measured.maxRssBytes).padStart(10)}  CPU user ${measured.userSeconds.toFixed(2)} s sys ${measured.systemSeconds.toFixed(2)} s`;
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

/** Drop the page cache once, to learn whether every run can start cold, and say which it will be. */
export function dropCachesBeforeRuns(): boolean {
  const dropped = dropCaches();
  log(dropped ? "page cache dropped before every run" : "cannot drop the page cache (not root?): runs start warm");
  return dropped;
}

// ---------------------------------------------------------------- registry

export interface Registry {
  /** `127.0.0.1:PORT` */
  readonly host: string;
  readonly url: string;
  /** Of the docker-registry process, to read its CPU time and peak RSS from /proc. */
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Start Debian's `docker-registry` (distribution 2.8) on 127.0.0.1 with a random free port, over
 * `storage`, and wait until /v2/ answers. Its environment holds only PATH, since REGISTRY_*
 * variables would override the config. Registered for clean-up.
 */
export async function startRegistry(workDir: string, storage: string, name = "registry", extraConfig: Record<string, unknown> = {}): Promise<Registry> {
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
        ...extraConfig,
      }),
    );
    const logPath = join(workDir, `${name}-${attempt}.log`);
    const logFile = openSync(logPath, "w");
    const child = Bun.spawn(["docker-registry", "serve", config], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
      stdin: "ignore",
      stdout: logFile,
      stderr: logFile,
    });
    closeSync(logFile);
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      await terminate(child, 5000);
    };
    onCleanup(stop);
    if (await waitUntilReady(`http://${host}/v2/`, child)) return { host, url: `http://${host}`, pid: child.pid, stop };
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

/** `lade serve registry ARGS --addr 127.0.0.1:0 -q`, ready once it printed its URL; its stderr goes to LOG_PATH when it stops. */
export async function startLadeServer(argv: readonly string[], args: readonly string[], logPath: string) {
  const child = Bun.spawn([...argv, "serve", "registry", ...args, "--addr", "127.0.0.1:0", "-q"], { cwd: REPO_ROOT, stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  let stderr = "";
  const reading = (async () => {
    for await (const chunk of child.stderr) stderr += new TextDecoder().decode(chunk);
  })();
  let stopped: Promise<{ code: number; maxRss: number }> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      const code = await terminate(child, 10_000);
      await reading;
      writeFileSync(logPath, stderr);
      return { code, maxRss: child.resourceUsage()?.maxRSS ?? 0 };
    })();
    return stopped;
  };
  onCleanup(async () => void (await stop()));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const match = /^Serving .* on (https?:\/\/\S+)$/m.exec(stderr);
    if (match) return { url: match[1]!, pid: child.pid, stop };
    await Bun.sleep(20);
  }
  await stop();
  throw new Error(`lade serve registry did not start: ${stderr.trim()}`);
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

/** Megabytes (10^6), the unit of the MB/s figures. */
export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(0)} MB`;
}

/** Megabytes (10^6) per second, as dd and curl report them. */
export function mbPerSecond(bytes: number, seconds: number): string {
  return `${(bytes / 1e6 / seconds).toFixed(0)} MB/s`;
}

/** Seconds since `start`, a `performance.now()` reading. */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}

export const REPO_ROOT = resolve(import.meta.dir, "..", "..");

// ---------------------------------------------------------------- lade

export interface LadeCommand {
  readonly argv: string[];
  /** Why this lade was chosen, when the user did not name one. */
  readonly note?: string;
}

/** How to run lade: PATH if given, else the compiled amd64 binary when it is newer than src/, else the source. */
export function ladeCommand(explicit: string | undefined): LadeCommand {
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

/** The lade command line and why it was chosen, for the log. */
export function describeLadeCommand(lade: LadeCommand): string {
  return `${lade.argv.join(" ")}${lade.note ? ` (${lade.note})` : ""}`;
}

// ---------------------------------------------------------------- command line, work folder, exit

/** A whole-number option: its default and the range it must be in. */
export interface NumberOption {
  readonly default: number;
  readonly min: number;
  readonly max?: number;
}

/** The options every benchmark that seeds a registry takes besides its numbers. */
export interface CommonOptions {
  /** The lade to measure (default: see ladeCommand). */
  readonly lade?: string;
  /** Where the work folder goes (default $TMPDIR). */
  readonly work?: string;
  /** Keep the work folder at the end. */
  readonly keep: boolean;
}

/**
 * The command line of a benchmark: `--FLAG N` for each of `numbers` (camelCase names, kebab-case
 * flags, in the order of the usage line), then --lade PATH, --work DIR and --keep. --help prints
 * the usage and exits 0, a bad number prints it and exits 2, an unknown option throws.
 */
export function parseBenchOptions<Name extends string>(script: string, numbers: Record<Name, NumberOption>): Record<Name, number> & CommonOptions {
  const names = Object.keys(numbers) as Name[];
  const usage = (code: number): never => {
    const numberFlags = names.map((name) => `[--${flagOf(name)} ${numbers[name].default}]`).join(" ");
    process.stderr.write(`usage: bun scripts/bench/${script} ${numberFlags} [--lade PATH] [--work DIR] [--keep]\n`);
    process.exit(code);
  };
  const numberOptions: ParseArgsOptionsConfig = Object.fromEntries(names.map((name) => [flagOf(name), { type: "string", default: String(numbers[name].default) }]));
  const { values } = parseArgs({
    args: Bun.argv.slice(2),
    options: {
      ...numberOptions,
      lade: { type: "string" },
      work: { type: "string" },
      keep: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) usage(0);
  const given: Record<string, unknown> = values; // the number flags are not in its type
  const parsed = {} as Record<Name, number>;
  for (const name of names) parsed[name] = wholeNumberOption(flagOf(name), String(given[flagOf(name)]), numbers[name], usage);
  return {
    ...parsed,
    ...(values.lade ? { lade: values.lade } : {}),
    ...(values.work ? { work: values.work } : {}),
    keep: values.keep,
  };
}

/** sizeMib → size-mib */
function flagOf(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** A whole-number option's value, or the usage and exit 2. */
function wholeNumberOption(flag: string, value: string, option: NumberOption, usage: (code: number) => never): number {
  const { min, max = Number.MAX_SAFE_INTEGER } = option;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    process.stderr.write(`bench: --${flag} needs a whole number ${range}, got "${value}"\n`);
    usage(2);
  }
  return parsed;
}

/** Throw when a program the benchmark drives is not on PATH. */
export function requireTools(tools: readonly string[]): void {
  for (const tool of tools) {
    if (!Bun.which(tool)) throw new Error(`${tool} is not installed`);
  }
}

/** A fresh `lade-bench-NAME-*` folder under --work (default $TMPDIR), removed at clean-up unless --keep. */
export function createWorkDir(benchmark: string, options: CommonOptions): string {
  const work = mkdtempSync(join(options.work ? resolve(options.work) : tmpdir(), `lade-bench-${benchmark}-`));
  onCleanup(() => {
    if (options.keep) log(`kept ${work}`);
    else removeTree(work);
  });
  return work;
}

/** Progress goes to stderr, so that stdout holds only the report. */
export function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

/** After the report: the failures under `heading`, or PASS; the exit status (1 when anything failed). */
export function verdict(failures: readonly string[], heading = "VERIFICATION FAILED"): number {
  if (failures.length > 0) {
    console.log(`\n${heading}:\n${failures.map((failure) => `  - ${failure}`).join("\n")}`);
    return 1;
  }
  console.log("\nverification: PASS");
  return 0;
}

/** Run a benchmark's main, clean up whatever happens, and exit with its status (1 when it throws). */
export async function runBenchmark(main: () => Promise<number>): Promise<never> {
  let status = 1;
  try {
    status = await main();
  } catch (error) {
    // After Ctrl-C, killed children make main throw; that is no error worth a stack.
    if (!interrupted()) process.stderr.write(`bench: ERROR ${(error as Error).stack ?? error}\n`);
  } finally {
    await cleanUp();
  }
  process.exit(status);
}
