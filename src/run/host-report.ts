/**
 * The host check of `lade run`: one shell script, run on each host (over SSH, or here with bash)
 * before anything changes there, and the pure reading of what it printed.
 */

/** Kernel modules Kubernetes needs (the rootfs's etc/modules-load.d/lade-k8s.conf). */
export const REQUIRED_MODULES = ["overlay", "br_netfilter"] as const;

const CONTROL_PLANE_PORTS = [6443, 2379, 2380, 10250, 10257, 10259];
const NODE_PORTS = [10250];
export const UNAME_ARCH: Readonly<Record<string, string>> = { x86_64: "amd64", amd64: "amd64", aarch64: "arm64", arm64: "arm64" };

/**
 * Prints `uname -s -m`, then sections: the user id, the active swap areas, the listening TCP ports (hex, from
 * /proc/net/tcp*), and for each module "NAME yes|no". A module counts as there when it is loaded
 * or built in, modprobe can load it, or (br_netfilter) its sysctl already exists.
 */
export const HOST_CHECK_SCRIPT = [
  "uname -s -m",
  "echo '--uid'; id -u",
  "echo '--swaps'; tail -n +2 /proc/swaps 2>/dev/null || true",
  "echo '--listening'; awk '$4 == \"0A\" { print $2 }' /proc/net/tcp /proc/net/tcp6 2>/dev/null || true",
  "echo '--modules'",
  `for m in ${REQUIRED_MODULES.join(" ")}; do ` +
    'if [ -d "/sys/module/$m" ] || grep -qs "/$m.ko" "/lib/modules/$(uname -r)/modules.builtin" || modprobe -n "$m" >/dev/null 2>&1 || ' +
    '{ [ "$m" = br_netfilter ] && [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]; }; then echo "$m yes"; else echo "$m no"; fi; done',
].join("; ");

export interface HostReport {
  readonly os: string;
  readonly machine: string;
  readonly swapOn: boolean;
  /** The user id lade's commands run with there (undefined when not reported). */
  readonly uid?: number;
  readonly listening: ReadonlySet<number>;
  readonly modules: ReadonlyMap<string, boolean>;
}

export function parseHostReport(text: string): HostReport {
  const sections = new Map<string, string[]>();
  let current = "uname";
  for (const line of text.split("\n")) {
    if (line.startsWith("--")) current = line.slice(2).trim();
    else if (line.trim()) sections.set(current, [...(sections.get(current) ?? []), line.trim()]);
  }
  const [os = "", machine = ""] = (sections.get("uname")?.[0] ?? "").split(/\s+/);
  const listening = new Set<number>();
  for (const address of sections.get("listening") ?? []) {
    const port = Number.parseInt(address.slice(address.lastIndexOf(":") + 1), 16);
    if (Number.isInteger(port)) listening.add(port);
  }
  const modules = new Map<string, boolean>();
  for (const line of sections.get("modules") ?? []) {
    const [name = "", answer] = line.split(/\s+/);
    modules.set(name, answer === "yes");
  }
  const uid = sections.get("uid")?.[0];
  return { os, machine, ...(uid !== undefined && /^\d+$/.test(uid) ? { uid: Number(uid) } : {}), swapOn: (sections.get("swaps") ?? []).length > 0, listening, modules };
}

export interface HostVerdict {
  /** The image platform's architecture for this host, when it has one. */
  readonly arch?: string;
  /** What stops the installation, each a sentence. */
  readonly problems: readonly string[];
  /** What the user should know. */
  readonly notes: readonly string[];
}

/** Whether the host can take its role: Linux, an architecture the image has, free ports, modules. */
export function judgeHost(
  report: HostReport,
  /** Without `architectures` the architecture is not judged (lade run on this machine chose the platform already). */
  facts: { readonly role: "master0" | "master" | "node"; readonly registryPort?: number; readonly architectures?: readonly string[] },
): HostVerdict {
  const problems: string[] = [];
  const notes: string[] = [];
  if (report.os !== "Linux") problems.push(`it runs ${report.os || "an unknown OS"}: lade installs Kubernetes on Linux only`);
  const arch = UNAME_ARCH[report.machine];
  if (report.os === "Linux" && facts.architectures && (!arch || !facts.architectures.includes(arch))) {
    problems.push(`it is ${report.machine} and the image has no linux/${arch ?? report.machine} platform: it has ${facts.architectures.map((a) => `linux/${a}`).join(", ")}`);
  }
  if (report.uid !== undefined && report.uid !== 0) problems.push(`the commands run as user id ${report.uid}, not root: log in as root (the node scripts install system files and services)`);
  const ports = [...(facts.role === "node" ? NODE_PORTS : CONTROL_PLANE_PORTS), ...(facts.registryPort ? [facts.registryPort] : [])];
  const busy = ports.filter((port) => report.listening.has(port));
  if (busy.length > 0) problems.push(`ports ${busy.join(", ")} are in use (something listens there already; kubeadm and the registry need them)`);
  const missing = [...report.modules].filter(([, present]) => !present).map(([name]) => name);
  if (missing.length > 0) problems.push(`the kernel modules ${missing.join(", ")} are neither loaded, built in nor loadable with modprobe`);
  notes.push(`linux/${arch ?? report.machine}`);
  notes.push(`swap ${report.swapOn ? "on (init.sh turns it off: the kubelet needs it off)" : "off"}`);
  notes.push(`ports ${ports.join(", ")} ${busy.length ? "checked" : "free"}`);
  notes.push(`modules ${[...report.modules.keys()].join(", ")} ${missing.length ? "checked" : "there"}`);
  return { ...(arch && (!facts.architectures || facts.architectures.includes(arch)) ? { arch } : {}), problems, notes };
}
