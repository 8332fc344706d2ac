import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./temp-dir.ts";

/** A real containerd run by the test, with its root, state, sockets and config in its own folder. */
export interface Containerd {
  /** The gRPC socket, for `ctr -a SOCK`. */
  readonly socket: string;
  /** The folder holding everything (root/, state/, config.toml, containerd.log). */
  readonly dir: string;
  /** A `certs.d` folder for `ctr … --hosts-dir` (empty at first). */
  readonly certsDir: string;
  /** Run `ctr -a SOCK ARGS`; throws with its stderr when it fails. */
  ctr(args: readonly string[]): Promise<string>;
  /** containerd's log so far. */
  log(): string;
  /** SIGTERM (SIGKILL after 10 s), wait, unmount whatever is left under `dir` and remove it. Idempotent. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;
const running = new Set<Bun.Subprocess>();
let exitHookInstalled = false;

/** Whether containerd and ctr are installed . */
export function hasContainerd(): boolean {
  return Bun.which("containerd") !== null && Bun.which("ctr") !== null;
}

/**
 * Start `containerd --config DIR/config.toml` as a child process: root, state, gRPC and ttrpc
 * sockets under a fresh temporary folder, no metrics listener, no CRI (tests drive it with `ctr`)
 * and none of the snapshotters that only log errors here. Resolves once `ctr version` answers.
 */
export async function startContainerd(): Promise<Containerd> {
  const dir = tempDir("lade-containerd-");
  const socket = join(dir, "containerd.sock");
  const certsDir = join(dir, "certs.d");
  mkdirSync(certsDir);
  const config = join(dir, "config.toml");
  writeFileSync(
    config,
    [
      "version = 2",
      `root = ${JSON.stringify(join(dir, "root"))}`,
      `state = ${JSON.stringify(join(dir, "state"))}`,
      "disabled_plugins = [",
      '  "io.containerd.grpc.v1.cri",',
      '  "io.containerd.snapshotter.v1.aufs",',
      '  "io.containerd.snapshotter.v1.btrfs",',
      '  "io.containerd.snapshotter.v1.devmapper",',
      '  "io.containerd.snapshotter.v1.zfs",',
      '  "io.containerd.tracing.processor.v1.otlp",',
      '  "io.containerd.internal.v1.tracing",',
      "]",
      "[grpc]",
      `  address = ${JSON.stringify(socket)}`,
      "[ttrpc]",
      `  address = ${JSON.stringify(`${socket}.ttrpc`)}`,
      "[metrics]",
      '  address = ""',
      '[plugins."io.containerd.internal.v1.opt"]',
      `  path = ${JSON.stringify(join(dir, "opt"))}`,
      "",
    ].join("\n"),
  );
  const logPath = join(dir, "containerd.log");
  const log = openSync(logPath, "w");
  const child = Bun.spawn(["containerd", "--config", config], { stdin: "ignore", stdout: log, stderr: log });
  closeSync(log);
  track(child);

  const ctr = async (args: readonly string[]) => {
    const process = Bun.spawn(["ctr", "-a", socket, ...args], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(process.stdout).text(), new Response(process.stderr).text(), process.exited]);
    if (code !== 0) throw new Error(`ctr ${args.join(" ")} failed (exit ${code}): ${stderr.trim()}`);
    return stdout;
  };
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
        await child.exited;
        clearTimeout(timer);
      }
      running.delete(child);
      unmountUnder(dir);
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (await ctr(["version"]).then(() => true, () => false)) {
      return { socket, dir, certsDir, ctr, stop, log: () => readFileSync(logPath, "utf8") };
    }
    if (Date.now() > deadline) break;
    await Bun.sleep(50);
  }
  const text = readFileSync(logPath, "utf8");
  await stop();
  throw new Error(`containerd did not start: ${text.trim().split("\n").slice(-20).join("\n")}`);
}

/** Lazily unmount every mount point under `dir`, deepest first (a pull leaves none, `ctr run` may). */
function unmountUnder(dir: string): void {
  const mounts = readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[1]?.replace(/\\040/g, " "))
    .filter((point): point is string => point !== undefined && point.startsWith(`${dir}/`))
    .sort()
    .reverse();
  for (const point of mounts) Bun.spawnSync(["umount", "-l", point], { stdout: "ignore", stderr: "ignore" });
}

function track(child: Bun.Subprocess): void {
  running.add(child);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const daemon of running) daemon.kill("SIGKILL");
  });
}
