import { chmodSync, closeSync, copyFileSync, existsSync, lstatSync, mkdirSync, openSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { tempDir } from "./temp-dir.ts";

/**
 * A "lab" of fake machines on this one, for tests that drive hosts over SSH:
 *   - an operator network namespace (where the tool under test runs) holding a bridge, 127.77.0.1/24;
 *   - per host a network namespace joined to that bridge by a veth pair (eth0 in the host),
 *     127.77.0.11/24, .12, …, and a mount namespace in which /etc, /usr and /root are overlays of
 *     the machine's (changes land in the host's folder), /var and /opt are fresh folders and /run
 *     is a tmpfs; its sshd listens on port 22 of its address; systemctl is fake-systemctl.sh.
 * Only 127.x addresses are used, and only inside the lab's namespaces: the machine's network is
 * never touched. Names carry a random suffix, so several labs can run at once.
 */

export interface LabHostOptions {
  /** Allow password logins (PasswordAuthentication yes) and give root this password, in this host only. */
  readonly password?: string;
  /** More variables for SSH sessions (sshd SetEnv) and `exec`, besides PATH. */
  readonly env?: Record<string, string>;
  /** Machine files under /etc, /usr or /root the host must not see (e.g. a program a fresh host would not have): whiteouts in its overlay. */
  readonly hide?: readonly string[];
}

export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface LabHost {
  /** `host1`, `host2`, … */
  readonly name: string;
  /** 127.77.0.11, .12, …; its sshd listens on port 22 there. */
  readonly ip: string;
  /** The host's folder: etc-upper/, usr-upper/, root-upper/ (its changes), var/, opt/, sshd.log. */
  readonly dir: string;
  /** The host's sshd, whose namespaces `exec` enters. */
  readonly pid: number;
  /**
   * Run a command inside the host (nsenter -t pid -n -m), with the environment of an SSH session
   * (PATH and the host's env). A command left running in the background must not keep stdout or
   * stderr open (redirect them), or this waits for it.
   */
  exec(command: readonly string[], options?: { stdin?: string }): Promise<CommandResult>;
  /** `bash -c SCRIPT` inside the host: its stdout, or throws with its stderr. */
  sh(script: string): Promise<string>;
  /**
   * Everything under the given host paths (default /etc /usr /opt /var) as path -> "d 0755",
   * "f 0644 SHA256", "l TARGET" (or "p 0644", "s 0755", … for other types), skipping the excluded
   * paths and everything below them. Under the overlays (/etc, /usr, /root) only files the host
   * wrote are hashed; a file with the machine's content is "f MODE =". For "the host ends as it
   * was" checks.
   */
  snapshot(options?: { paths?: readonly string[]; exclude?: readonly string[] }): Promise<Map<string, string>>;
}

export interface Lab {
  /** 127.77.0.1, the operator namespace's address. */
  readonly operatorIp: string;
  readonly hosts: readonly LabHost[];
  /** The client private key (ed25519, no passphrase) every host accepts for root. */
  readonly clientKey: string;
  /** A known_hosts file with every host's key, as `127.77.0.11 ssh-ed25519 AAAA…`. */
  readonly knownHosts: string;
  /** Run a command in the operator network namespace (ip netns exec); env adds to (undefined removes from) this process's. */
  exec(
    command: readonly string[],
    options?: { stdin?: string; env?: Record<string, string | undefined>; cwd?: string },
  ): Promise<CommandResult>;
  /** Kill every process in every namespace of the lab, wait for them, delete the namespaces. Idempotent. */
  stop(): Promise<void>;
}

const SUBNET = "127.77.0";
const OPERATOR_IP = `${SUBNET}.1`;
const FIRST_HOST = 11;
/** What sshd gives sessions (SetEnv) and what `exec` runs with: /usr/local/sbin first, for the fake systemctl. */
const HOST_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const SSHD = "/usr/sbin/sshd";
const FAKE_SYSTEMCTL = join(import.meta.dir, "fake-systemctl.sh");
/** Host paths mounted as overlays of the machine's, and their upper folders in the host's folder. */
const OVERLAYS = [
  { path: "/etc", upper: "etc-upper", work: "etc-work" },
  { path: "/usr", upper: "usr-upper", work: "usr-work" },
  { path: "/root", upper: "root-upper", work: "root-work" },
] as const;
/**
 * What no fresh host has: sshd's bash sources root's .bashrc for every command, and this
 * machine's runs `pyenv init`, whose rehash lock made concurrent SSH sessions wait 60 s each.
 */
const ALWAYS_HIDDEN = ["/root/.bashrc"];
const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
const SNAPSHOT_PATHS = ["/etc", "/usr", "/opt", "/var"];

/** Namespaces of the labs not stopped yet, for the exit hook. */
const liveLabs = new Set<readonly string[]>();
let exitHookInstalled = false;
let unavailable: { reason: string | undefined } | undefined;

/** Why no lab can be built here (undefined when one can): it needs root, namespaces and overlayfs. */
export function labUnavailableReason(): string | undefined {
  unavailable ??= { reason: findUnavailableReason() };
  return unavailable.reason;
}

function findUnavailableReason(): string | undefined {
  if (process.platform !== "linux") return "the lab needs Linux namespaces";
  if (process.getuid?.() !== 0) return "the lab needs root";
  for (const tool of ["ip", "unshare", "nsenter", "ssh-keygen", "chpasswd", "sha256sum", "find"]) {
    if (Bun.which(tool) === null) return `the lab needs ${tool}`;
  }
  if (!existsSync(SSHD)) return `the lab needs ${SSHD}`;
  if (!/\toverlay$/m.test(readFileSync("/proc/filesystems", "utf8"))) return "the lab needs overlayfs";
  // Root in a container may still be denied namespaces.
  const probe = Bun.spawnSync(["unshare", "-n", "-m", "true"], { stdout: "ignore", stderr: "pipe" });
  if (probe.exitCode !== 0) return `cannot create namespaces: ${probe.stderr.toString().trim()}`;
  return undefined;
}

/**
 * Build the lab: one host per entry, each sshd accepting connections when this resolves.
 * Call `stop()` in `afterAll`; labs still running when the test process exits are torn down.
 */
export async function startLab(hosts: readonly LabHostOptions[]): Promise<Lab> {
  const reason = labUnavailableReason();
  if (reason !== undefined) throw new Error(`Cannot start the lab: ${reason}`);
  if (hosts.length < 1 || hosts.length > 200) throw new Error("A lab has 1 to 200 hosts");
  const suffix = randomSuffix();
  const operatorNs = `lade-lab-${suffix}-op`;
  const specs = hosts.map((options, index) => ({
    options,
    name: `host${index + 1}`,
    ip: `${SUBNET}.${FIRST_HOST + index}`,
    ns: `lade-lab-${suffix}-h${index + 1}`,
    // At most 15 characters: "lv" + 6 + "-" + up to 3 digits.
    peer: `lv${suffix}-${index + 1}`,
  }));
  // Only the namespaces this lab created are ever cleaned up (a name clash must not hit another lab's).
  const namespaces: string[] = [];
  liveLabs.add(namespaces);
  installExitHook();
  const children: Bun.Subprocess[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await killAll(namespaces, children);
      for (const ns of namespaces) Bun.spawnSync(["ip", "netns", "del", ns], { stdout: "ignore", stderr: "ignore" });
      liveLabs.delete(namespaces);
    })();
    return stopping;
  };

  try {
    const labDir = tempDir("lade-lab-");
    const clientKey = join(labDir, "client_key");
    const knownHosts = join(labDir, "known_hosts");
    const hostDirs = specs.map(() => tempDir("lade-lab-host-"));
    await Promise.all([
      sshKeygen(clientKey, "lade-lab-client"),
      ...hostDirs.map((dir) => sshKeygen(join(dir, "ssh_host_ed25519_key"), "")),
    ]);
    buildNetwork(operatorNs, `lbr${suffix}`, specs, namespaces);

    const labHosts: LabHost[] = [];
    for (const [index, spec] of specs.entries()) {
      const dir = hostDirs[index]!;
      prepareHostDir(dir, [...ALWAYS_HIDDEN, ...(spec.options.hide ?? [])]);
      const config = writeSshdConfig(dir, spec.ip, `${clientKey}.pub`, spec.options);
      const child = startHost(spec.ns, dir, config);
      children.push(child);
      labHosts.push(makeHost(spec.name, spec.ip, dir, child.pid, spec.options.env ?? {}));
    }
    await waitForSshd(operatorNs, specs.map((spec) => spec.ip), children, hostDirs);
    for (const [index, spec] of specs.entries()) {
      if (spec.options.password !== undefined) await setRootPassword(labHosts[index]!, spec.options.password);
    }
    writeFileSync(
      knownHosts,
      hostDirs.map((dir, index) => `${specs[index]!.ip} ${publicKey(join(dir, "ssh_host_ed25519_key.pub"))}\n`).join(""),
    );
    const exec: Lab["exec"] = (command, options = {}) => {
      const env: Record<string, string> = {};
      for (const [key, value] of Object.entries({ ...process.env, ...options.env })) if (value !== undefined) env[key] = value;
      return run(["ip", "netns", "exec", operatorNs, ...command], { stdin: options.stdin, env, cwd: options.cwd });
    };
    return { operatorIp: OPERATOR_IP, hosts: labHosts, clientKey, knownHosts, exec, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function randomSuffix(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(3)), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Run `ip ARGS`; throws with its stderr unless it fails with one of `allowed`. */
function ip(args: readonly string[], allowed?: RegExp): void {
  const result = Bun.spawnSync(["ip", ...args], { stdout: "ignore", stderr: "pipe" });
  const stderr = result.stderr.toString().trim();
  if (result.exitCode !== 0 && !(allowed && allowed.test(stderr))) throw new Error(`ip ${args.join(" ")} failed: ${stderr}`);
}

/**
 * The namespaces, bridge and veth pairs. 127.0.0.0/8 is local to `lo` in every namespace, so in
 * each one that route shrinks to 127.0.0.1 and route_localnet lets 127.77.0.x go out the veths.
 */
function buildNetwork(operatorNs: string, bridge: string, specs: readonly { ip: string; ns: string; peer: string }[], created: string[]): void {
  ip(["netns", "add", operatorNs]);
  created.push(operatorNs);
  ip(["-n", operatorNs, "link", "add", bridge, "type", "bridge"]);
  ip(["-n", operatorNs, "addr", "add", `${OPERATOR_IP}/24`, "dev", bridge]);
  ip(["-n", operatorNs, "link", "set", bridge, "up"]);
  for (const spec of specs) {
    ip(["netns", "add", spec.ns]);
    created.push(spec.ns);
    ip(["-n", operatorNs, "link", "add", spec.peer, "type", "veth", "peer", "name", "eth0", "netns", spec.ns]);
    ip(["-n", operatorNs, "link", "set", spec.peer, "master", bridge]);
    ip(["-n", operatorNs, "link", "set", spec.peer, "up"]);
    ip(["-n", spec.ns, "addr", "add", `${spec.ip}/24`, "dev", "eth0"]);
    ip(["-n", spec.ns, "link", "set", "eth0", "up"]);
    allowLocalnet(spec.ns, ["eth0"]);
  }
  allowLocalnet(operatorNs, [bridge, ...specs.map((spec) => spec.peer)]);
}

function allowLocalnet(ns: string, interfaces: readonly string[]): void {
  ip(["-n", ns, "link", "set", "lo", "up"]);
  const settings = ["all", "default", "lo", ...interfaces].map((name) => `net.ipv4.conf.${name}.route_localnet=1`);
  // sysctl inside the namespace: /proc/sys/net belongs to the namespace of whoever opens it.
  ip(["netns", "exec", ns, "sysctl", "-q", "-w", ...settings]);
  ip(["-n", ns, "route", "del", "local", "127.0.0.0/8", "dev", "lo", "table", "local"]);
  ip(["-n", ns, "route", "add", "local", "127.0.0.1", "dev", "lo", "table", "local"], /File exists/);
}

async function sshKeygen(path: string, comment: string): Promise<void> {
  await checked(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path]);
}

/** `ssh-ed25519 AAAA…` without the comment. */
function publicKey(path: string): string {
  return readFileSync(path, "utf8").trim().split(/\s+/).slice(0, 2).join(" ");
}

/**
 * The host's folder before its mounts: overlay upper/work folders (the upper roots keep the
 * machine's modes, since an overlay's root takes its upper's), the fake systemctl in
 * usr-upper/local/sbin (so only the host has it), and a fresh machine's /var and /opt.
 */
function prepareHostDir(dir: string, hide: readonly string[]): void {
  for (const overlay of OVERLAYS) {
    mkdirSync(join(dir, overlay.work));
    mkdirAs(join(dir, overlay.upper), overlay.path);
  }
  const systemctl = upperPath(dir, "/usr/local/sbin/systemctl");
  copyFileSync(FAKE_SYSTEMCTL, systemctl);
  chmodSync(systemctl, 0o755);
  const varDir = join(dir, "var");
  for (const sub of ["lib", "log", "cache", "spool", "tmp"]) mkdirSync(join(varDir, sub), { recursive: true });
  chmodSync(join(varDir, "tmp"), 0o1777);
  symlinkSync("/run", join(varDir, "run"));
  symlinkSync("/run/lock", join(varDir, "lock"));
  mkdirSync(join(dir, "opt"));
  for (const path of hide) {
    // an overlay whiteout: a character device 0/0 in the upper folder
    const made = Bun.spawnSync(["mknod", upperPath(dir, path), "c", "0", "0"], { stderr: "pipe" });
    if (made.exitCode !== 0) throw new Error(`Cannot hide ${path} in a lab host: ${made.stderr.toString().trim()}`);
  }
}

/** Where PATH (under an overlay) lives in the host's upper folder, its parent folders made with the machine's modes. */
function upperPath(dir: string, path: string): string {
  const overlay = OVERLAYS.find((candidate) => path.startsWith(`${candidate.path}/`));
  if (!overlay) throw new Error(`${path} is not under ${OVERLAYS.map((candidate) => candidate.path).join(", ")}`);
  const parts = path.slice(overlay.path.length + 1).split("/");
  let upper = join(dir, overlay.upper);
  let machine: string = overlay.path;
  for (const part of parts.slice(0, -1)) {
    upper = join(upper, part);
    machine = join(machine, part);
    if (!existsSync(upper)) mkdirAs(upper, machine);
  }
  return join(upper, parts.at(-1)!);
}

function mkdirAs(path: string, like: string): void {
  mkdirSync(path);
  chmodSync(path, statSync(like).mode & 0o7777);
}

function writeSshdConfig(dir: string, ip: string, authorizedKeys: string, options: LabHostOptions): string {
  const env = { PATH: HOST_PATH, ...options.env };
  const config = join(dir, "sshd_config");
  writeFileSync(
    config,
    [
      `ListenAddress ${ip}`,
      // Every host has its own network namespace, so they can all use port 22.
      "Port 22",
      `HostKey ${join(dir, "ssh_host_ed25519_key")}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      "PidFile none",
      // The client key is in /tmp, whose modes StrictModes would reject.
      "StrictModes no",
      "UsePAM no",
      "PermitRootLogin yes",
      `PasswordAuthentication ${options.password === undefined ? "no" : "yes"}`,
      "KbdInteractiveAuthentication no",
      "PrintMotd no",
      "UseDNS no",
      // Tools open many sessions at once (multiplexed or not).
      "MaxStartups 100",
      "MaxSessions 100",
      "Subsystem sftp /usr/lib/openssh/sftp-server",
      `SetEnv ${Object.entries(env).map(([name, value]) => setEnvWord(name, value)).join(" ")}`,
      "",
    ].join("\n"),
  );
  return config;
}

function setEnvWord(name: string, value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`Bad environment variable name for a lab host: ${name}`);
  if (/["\\\n]/.test(value)) throw new Error(`Lab host env ${name}: quotes, backslashes and newlines are not supported`);
  return /\s/.test(value) || value === "" ? `"${name}=${value}"` : `${name}=${value}`;
}

/**
 * The host's process: its own mount namespace (private, so nothing reaches the machine) set up
 * by bash, which then becomes sshd, so the child's pid is sshd's.
 */
function startHost(ns: string, dir: string, config: string): Bun.Subprocess {
  const script = [
    "set -eu",
    'dir=$1 config=$2',
    ...OVERLAYS.map(
      (overlay) =>
        `mount -t overlay lab-overlay -o "lowerdir=${overlay.path},upperdir=$dir/${overlay.upper},workdir=$dir/${overlay.work}" ${overlay.path}`,
    ),
    // /var is not an overlay: containerd's overlayfs snapshotter cannot have its upper dirs on one.
    'mount --bind "$dir/var" /var',
    'mount --bind "$dir/opt" /opt',
    "mount -t tmpfs -o mode=0755,nosuid,nodev lab-run /run",
    ...cgroupMounts(),
    "mkdir -m 0755 /run/sshd",
    "mkdir -m 1777 /run/lock",
    `exec ${SSHD} -D -e -f "$config"`,
  ].join("\n");
  const log = openSync(join(dir, "sshd.log"), "a");
  const child = Bun.spawn(["ip", "netns", "exec", ns, "unshare", "-m", "--propagation", "private", "bash", "-c", script, "lab-host", dir, config], {
    stdin: "ignore",
    stdout: log,
    stderr: log,
  });
  closeSync(log);
  return child;
}

/** Mount options that are not a filesystem's own (the rest name cgroup controllers and such). */
const GENERIC_MOUNT_OPTIONS = new Set(["rw", "ro", "nosuid", "nodev", "noexec", "relatime", "noatime", "strictatime", "nodiratime", "seclabel"]);

/**
 * The machine's cgroup mounts made again in a host: `ip netns exec` gives each namespace a fresh
 * /sys without them, and dockerd and runc need them (the same hierarchies: a host's containers
 * are the machine's cgroups, as on any machine).
 */
function cgroupMounts(): string[] {
  const commands: string[] = [];
  for (const line of readFileSync("/proc/self/mounts", "utf8").split("\n")) {
    const [, target, type, options = ""] = line.split(" ");
    if (target === undefined || !(target === "/sys/fs/cgroup" || target.startsWith("/sys/fs/cgroup/"))) continue;
    const own = options.split(",").filter((option) => !GENERIC_MOUNT_OPTIONS.has(option));
    if (type === "tmpfs") commands.push(`mount -t tmpfs -o mode=0755,nosuid,nodev,noexec lab-cgroup ${target}`);
    else if (type === "cgroup" || type === "cgroup2") commands.push(`mkdir -p ${target}`, `mount -t ${type} ${own.length > 0 ? `-o ${own.join(",")} ` : ""}lab-cgroup ${target}`);
  }
  return commands;
}

/** Wait until every sshd accepts TCP connections, seen from the operator namespace. */
async function waitForSshd(operatorNs: string, ips: readonly string[], children: readonly Bun.Subprocess[], dirs: readonly string[]): Promise<void> {
  const seconds = READY_TIMEOUT_MS / 1000;
  const script = `for ip in "$@"; do
  end=$((SECONDS + ${seconds}))
  until (exec 3<>"/dev/tcp/$ip/22") 2>/dev/null; do
    if ((SECONDS > end)); then echo "$ip:22 does not accept connections" >&2; exit 1; fi
    sleep 0.05
  done
done`;
  const probe = Bun.spawn(["ip", "netns", "exec", operatorNs, "bash", "-c", script, "wait-for-sshd", ...ips], { stdout: "ignore", stderr: "pipe" });
  const died = children.map((child, index) => child.exited.then(() => index));
  const first = await Promise.race([probe.exited.then(() => -1), ...died]);
  if (first >= 0) {
    probe.kill("SIGKILL");
    throw new Error(`The sshd of host ${first + 1} exited: ${readFileSync(join(dirs[first]!, "sshd.log"), "utf8").trim()}`);
  }
  if (probe.exitCode !== 0) {
    const logs = dirs.map((dir, index) => `host${index + 1}: ${readFileSync(join(dir, "sshd.log"), "utf8").trim()}`);
    throw new Error(`${(await new Response(probe.stderr).text()).trim()}\n${logs.join("\n")}`);
  }
}

/** chpasswd inside the host: only its /etc/shadow (in etc-upper) changes. */
async function setRootPassword(host: LabHost, password: string): Promise<void> {
  const result = await host.exec(["chpasswd"], { stdin: `root:${password}\n` });
  if (result.exitCode !== 0) throw new Error(`chpasswd in ${host.name} failed: ${result.stderr.trim()}`);
}

function makeHost(name: string, ip: string, dir: string, pid: number, extraEnv: Record<string, string>): LabHost {
  const env = { HOME: "/root", PATH: HOST_PATH, ...extraEnv };
  const exec: LabHost["exec"] = (command, options = {}) =>
    run(["nsenter", "-t", String(pid), "-n", "-m", "--", ...command], { stdin: options.stdin, env });
  const sh = async (script: string) => {
    const result = await exec(["bash", "-c", script]);
    if (result.exitCode !== 0) throw new Error(`${name}: bash -c ${JSON.stringify(script)} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
    return result.stdout;
  };
  return { name, ip, dir, pid, exec, sh, snapshot: (options = {}) => snapshot(pid, dir, options) };
}

async function run(
  command: readonly string[],
  options: { stdin?: string; env?: Record<string, string>; cwd?: string },
): Promise<CommandResult> {
  const child = Bun.spawn([...command], {
    stdin: options.stdin === undefined ? "ignore" : new Blob([options.stdin]),
    stdout: "pipe",
    stderr: "pipe",
    env: options.env,
    cwd: options.cwd,
  });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { exitCode, stdout, stderr };
}

async function checked(command: readonly string[]): Promise<string> {
  const result = await run(command, {});
  if (result.exitCode !== 0) throw new Error(`${command.join(" ")} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
  return result.stdout;
}

/**
 * The listing comes from inside the host (find); hashes are read from this side: files the host
 * wrote under an overlay from its upper folder, the rest through /proc/PID/root (the host's view).
 * Files under an overlay that are not in its upper folder are the machine's and not read at all.
 */
async function snapshot(pid: number, dir: string, options: { paths?: readonly string[]; exclude?: readonly string[] }): Promise<Map<string, string>> {
  const paths = (options.paths ?? SNAPSHOT_PATHS).map(normalize);
  const exclude = (options.exclude ?? []).map(normalize);
  const entries = (await listHost(pid, paths, exclude)).filter(
    (entry) => !exclude.some((excluded) => entry.path === excluded || entry.path.startsWith(`${excluded}/`)),
  );

  // Which file to hash for each regular file; "=" when it is the machine's file, untouched.
  const written = await Promise.all(OVERLAYS.map((overlay) => filesUnder(join(dir, overlay.upper))));
  const source = new Map<string, string>();
  for (const entry of entries) {
    if (entry.type !== "f") continue;
    const index = OVERLAYS.findIndex((o) => entry.path.startsWith(`${o.path}/`));
    if (index < 0) source.set(entry.path, `/proc/${pid}/root${entry.path}`);
    else {
      const relative = entry.path.slice(OVERLAYS[index]!.path.length + 1);
      source.set(entry.path, written[index]!.has(relative) ? join(dir, OVERLAYS[index]!.upper, relative) : "=");
    }
  }
  const hashes = await sha256Files([...source.values()].filter((file) => file !== "="));
  // A file the host rewrote with the machine's content counts as the machine's.
  const machineFiles = entries.filter((entry) => {
    const file = source.get(entry.path);
    if (file === undefined || file === "=" || file.startsWith("/proc/")) return false;
    const machine = lstatSync(entry.path, { throwIfNoEntry: false });
    return machine?.isFile() === true && machine.size === entry.size;
  });
  const machineHashes = await sha256Files(machineFiles.map((entry) => entry.path));

  // In path order, so that two snapshots' diffs read well.
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const result = new Map<string, string>();
  for (const entry of entries) {
    if (entry.type === "d") result.set(entry.path, `d ${entry.mode}`);
    else if (entry.type === "l") result.set(entry.path, `l ${entry.target}`);
    else if (entry.type === "f") {
      const file = source.get(entry.path)!;
      const hash = file === "=" ? "=" : hashes.get(file) ?? "?";
      result.set(entry.path, `f ${entry.mode} ${hash !== "=" && machineHashes.get(entry.path) === hash ? "=" : hash}`);
    } else result.set(entry.path, `${entry.type} ${entry.mode}`);
  }
  return result;
}

interface ListedEntry {
  readonly path: string;
  readonly type: string;
  readonly mode: string;
  readonly size: number;
  readonly target: string;
}

/**
 * `find` inside the host, over the paths and everything below them. The walk is mostly the
 * kernel's work (the overlays), so the top level is listed first and its folders are then split
 * between one find per CPU.
 */
async function listHost(pid: number, paths: readonly string[], exclude: readonly string[]): Promise<ListedEntry[]> {
  const prune = exclude.length === 0 ? [] : ["(", ...exclude.flatMap((path, i) => [...(i ? ["-o"] : []), "-path", globEscape(path)]), ")", "-prune", "-o"];
  const find = async (starts: readonly string[], depth: readonly string[]) =>
    parseListing(await checked(["nsenter", "-t", String(pid), "-m", "--", "find", ...starts, ...depth, ...prune, "-printf", "%y\\0%m\\0%s\\0%l\\0%p\\0"]));
  const top = await find(paths, ["-maxdepth", "1"]);
  const folders = top.filter((entry) => entry.type === "d" && !paths.includes(entry.path)).map((entry) => entry.path);
  const groups: string[][] = Array.from({ length: Math.min(availableParallelism(), folders.length) }, () => []);
  folders.forEach((folder, index) => groups[index % groups.length]!.push(folder));
  const below = await Promise.all(groups.map((group) => find(group, ["-mindepth", "1"])));
  return [...top, ...below.flat()];
}

function parseListing(listing: string): ListedEntry[] {
  const fields = listing.split("\0");
  const entries: ListedEntry[] = [];
  for (let i = 0; i + 4 < fields.length; i += 5) {
    entries.push({ type: fields[i]!, mode: fields[i + 1]!.padStart(4, "0"), size: Number(fields[i + 2]), target: fields[i + 3]!, path: fields[i + 4]! });
  }
  return entries;
}

/** The regular files under `dir`, relative to it. */
async function filesUnder(dir: string): Promise<Set<string>> {
  const output = await checked(["find", dir, "-type", "f", "-printf", "%P\\0"]);
  return new Set(output.split("\0").filter(Boolean));
}

function normalize(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

function globEscape(path: string): string {
  return path.replace(/[*?[\]\\]/g, "\\$&");
}

/** sha256 of each file (file -> hex), by one `xargs sha256sum` over them all; one that vanished meanwhile has none. */
async function sha256Files(files: readonly string[]): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  if (files.length === 0) return hashes;
  const { stdout } = await run(["xargs", "-0", "-r", "sha256sum", "-z", "--"], { stdin: files.join("\0") });
  for (const line of stdout.split("\0")) {
    if (line.length > 66) hashes.set(line.slice(66), line.slice(0, 64));
  }
  return hashes;
}

/**
 * SIGTERM every process of the lab's namespaces (and any that appears meanwhile), SIGKILL what is
 * left after a while, and wait until each has exited: a process leaves its namespaces (and `ip
 * netns pids`) before it is done exiting, so the signalled pids themselves are watched.
 */
async function killAll(namespaces: readonly string[], children: readonly Bun.Subprocess[]): Promise<void> {
  const seen = new Set<number>();
  stages: for (const signal of ["SIGTERM", "SIGKILL"] as const) {
    const sent = new Set<number>();
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    for (;;) {
      for (const pid of pidsIn(namespaces)) seen.add(pid);
      const left = [...seen].filter(running);
      for (const pid of left.filter((pid) => !sent.has(pid))) {
        tryKill(pid, signal);
        sent.add(pid);
      }
      if (left.length === 0) break stages;
      if (Date.now() > deadline) break;
      await Bun.sleep(20);
    }
  }
  // Reap our own children (the sshds), so none is left a zombie.
  await Promise.all(children.map((child) => child.exited));
}

/** Whether the process exists and has not finished exiting (a zombie has). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX] /s.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Processes whose network namespace is one of these (`ip netns pids`; zombies are not listed). */
function pidsIn(namespaces: readonly string[]): number[] {
  return namespaces.flatMap((ns) => {
    const result = Bun.spawnSync(["ip", "netns", "pids", ns], { stdout: "pipe", stderr: "ignore" });
    return result.stdout.toString().split(/\s+/).filter(Boolean).map(Number);
  });
}

function tryKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** A crashed test must not leave namespaces or processes behind: best effort, synchronous. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const namespaces of liveLabs) {
      for (const pid of pidsIn(namespaces)) tryKill(pid, "SIGKILL");
      for (const ns of namespaces) Bun.spawnSync(["ip", "netns", "del", ns], { stdout: "ignore", stderr: "ignore" });
    }
    liveLabs.clear();
  });
}
