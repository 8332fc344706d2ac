import { parseAllDocuments } from "yaml";
import { isConfigObject, type ConfigValue } from "../kubeadm/config-value.ts";
import { parseIpAddress } from "../kubeadm/ip-address.ts";
import { keyProblem, parseTaint, valueProblem, type NodeMarks } from "./node-marks.ts";

/**
 * The points of `lade run` and `lade delete` where sealer plugins run, in order:
 * before scripts/init.sh on a host, after it, after kubeadm init, around a host's kubeadm join,
 * before the apps are launched, after the install, and around the clean-up of a host.
 */
export const PLUGIN_POINTS = ["before-node-setup", "after-node-setup", "after-init", "before-join", "after-join", "before-launch", "after-install", "before-clean", "after-clean"] as const;
export type PluginPoint = (typeof PLUGIN_POINTS)[number];

/**
 * Which hosts a plugin runs on. A label selector (`on: key=value`) picks the hosts whose
 * Clusterfile labels have it: resolveLabelSelectors turns it into IPs once the hosts are known.
 */
export type PluginHosts =
  | { readonly kind: "all" }
  | { readonly kind: "none" }
  | { readonly kind: "master0" }
  | { readonly kind: "roles"; readonly roles: readonly string[] }
  | { readonly kind: "ips"; readonly ips: readonly string[] }
  | { readonly kind: "label"; readonly key: string; readonly value: string };

/**
 * The plugin types lade runs: SHELL (spec.data run on the selected hosts), LABEL and TAINT (the
 * nodes in spec.data labelled or tainted, on master0), HOSTNAME (each host in spec.data renamed
 * before it is set up), CLUSTERCHECK (waits, on master0, until every node is Ready).
 */
export type PluginType = "SHELL" | "LABEL" | "TAINT" | "HOSTNAME" | "CLUSTERCHECK";

/** A sealer `kind: Plugin` document lade runs: what it does, when and where. */
export interface SealerPlugin {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  /** sealer's spelling of when it runs (`PostInstall`, `post-init-host`…), for messages. */
  readonly action: string;
  readonly points: readonly PluginPoint[];
  readonly hosts: PluginHosts;
  /** The shell commands, run from the rootfs with the cluster env exported (SHELL). */
  readonly data: string;
  /** SHELL when left out (plugins recorded by earlier versions of lade). */
  readonly type?: PluginType;
  /** LABEL and TAINT: the labels and taints of each node, by IP, in the data's order. */
  readonly marks?: Readonly<Record<string, NodeMarks>>;
  /** HOSTNAME: each host's new name, by IP. */
  readonly hostnames?: Readonly<Record<string, string>>;
}

/** A plugin lade cannot run as sealer would, with why (the run stops on it, unless told to skip it). */
export interface RefusedPlugin {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly why: string;
}

/** sealer v0.8's actions (`spec.action`, several joined by `|`) and where lade runs them. */
const V08_ACTIONS: Readonly<Record<string, PluginPoint>> = {
  Originally: "before-node-setup",
  PreInit: "before-node-setup",
  PostInit: "after-init",
  PreJoin: "before-join",
  PostJoin: "after-join",
  PreGuest: "before-launch",
  PostInstall: "after-install",
  PreClean: "before-clean",
  PostClean: "after-clean",
};

/** sealer v0.9's phases: where lade runs them, and whether they run on master0 only (scope ignored). */
const V09_PHASES: Readonly<Record<string, { point: PluginPoint; master0: boolean }>> = {
  "pre-install": { point: "before-node-setup", master0: true },
  "pre-init-host": { point: "before-node-setup", master0: false },
  "post-init-host": { point: "after-node-setup", master0: false },
  "post-install": { point: "after-install", master0: true },
  "pre-uninstall": { point: "before-clean", master0: true },
  "pre-clean-host": { point: "before-clean", master0: false },
  "post-clean-host": { point: "after-clean", master0: false },
  "post-uninstall": { point: "after-clean", master0: true },
};

/**
 * The Plugin documents of a YAML file (an image's plugins/*.yaml, or a Clusterfile), as sealer
 * reads them: v0.8's `spec.action` + `spec.on` (empty: every host; a role; master0; IPs `a,b` or a
 * range `a-b`) and v0.9's lowercase phases + `spec.scope` (roles joined by `|`; empty: no host).
 * Only SHELL plugins run; everything lade cannot do as sealer would is returned as refused.
 */
export function readPlugins(text: string, file: string): { plugins: SealerPlugin[]; refused: RefusedPlugin[] } {
  const plugins: SealerPlugin[] = [];
  const refused: RefusedPlugin[] = [];
  const lineStarts = [0];
  for (let index = text.indexOf("\n"); index >= 0; index = text.indexOf("\n", index + 1)) lineStarts.push(index + 1);
  const lineOf = (offset: number) => lineStarts.filter((start) => start <= offset).length;
  for (const document of [parseAllDocuments(text)].flat()) {
    const value = document.errors.length > 0 ? undefined : (document.toJS() as ConfigValue);
    if (!isConfigObject(value) || value.kind !== "Plugin") continue;
    const spec = isConfigObject(value.spec) ? value.spec : {};
    const metadata = isConfigObject(value.metadata) ? value.metadata : {};
    const field = (item: ConfigValue | undefined) => (typeof item === "string" ? item.trim() : "");
    const place = { name: field(metadata.name) || "(unnamed)", file, line: lineOf(document.contents?.range?.[0] ?? document.range?.[0] ?? 0) };
    const refuse = (why: string) => void refused.push({ ...place, why });
    const type = (field(spec.type) || "SHELL").toUpperCase();
    const action = field(spec.action);
    const data = field(spec.data);
    if (type === "SHELL") {
      if (!data) {
        refuse("spec.data is empty: nothing to run");
        continue;
      }
      const timing = pluginTiming(action, spec);
      if (typeof timing === "string") refuse(timing);
      else plugins.push({ ...place, action, data, ...timing });
      continue;
    }
    const special = SPECIAL_TYPES[type as Exclude<PluginType, "SHELL">];
    if (!special) {
      refuse(
        type === "ETCD"
          ? "an ETCD backup plugin is run by hand with sealer plugin, which lade has no equivalent of: back etcd up with etcdctl snapshot save in a SHELL plugin"
          : `type ${field(spec.type)} is not run by lade (it runs SHELL, LABEL, TAINT, HOSTNAME and CLUSTERCHECK plugins): do what it does in a SHELL plugin or a scripts/init.sh override`,
      );
      continue;
    }
    const built = specialPlugin(type as Exclude<PluginType, "SHELL">, special, action, data, spec);
    if (typeof built === "string") refuse(built);
    else plugins.push({ ...place, action, data, ...built });
  }
  return { plugins, refused };
}

/** The actions each type may have (when what it changes is there), and whether its data names hosts. */
const SPECIAL_TYPES: Readonly<Record<Exclude<PluginType, "SHELL">, { readonly actions: readonly string[]; readonly when: string }>> = {
  LABEL: { actions: ["PreGuest", "PostInstall", "post-install"], when: "it labels nodes, so it runs once every node joined" },
  TAINT: { actions: ["PreGuest", "PostInstall", "post-install"], when: "it taints nodes, so it runs once every node joined" },
  HOSTNAME: { actions: ["PreInit", "Originally", "pre-init-host"], when: "kubeadm names a node after its hostname, so the hostname changes before the host is set up" },
  CLUSTERCHECK: { actions: ["PreGuest", "PostInstall", "post-install"], when: "it waits for the nodes, so it runs once every node joined" },
};

/** A LABEL, TAINT, HOSTNAME or CLUSTERCHECK plugin: its point, and what its data says of each host. */
function specialPlugin(
  type: Exclude<PluginType, "SHELL">,
  special: { readonly actions: readonly string[]; readonly when: string },
  action: string,
  data: string,
  spec: Readonly<Record<string, ConfigValue>>,
): Omit<SealerPlugin, "name" | "file" | "line" | "action" | "data"> | string {
  if (!special.actions.includes(action)) return `a ${type} plugin's action is ${special.actions.join(" or ")}: ${special.when}`;
  if (typeof spec.on === "string" && spec.on.trim() !== "") return `spec.on does not apply to a ${type} plugin: ${type === "CLUSTERCHECK" ? "it runs on master0" : "spec.data names the hosts"}`;
  const point = V08_ACTIONS[action] ?? V09_PHASES[action]!.point;
  if (type === "CLUSTERCHECK") return { type, points: [point], hosts: { kind: "master0" } };
  const marks: Record<string, { labels: Record<string, string>; taints: string[] }> = {};
  const hostnames: Record<string, string> = {};
  const lines = data.split("\n").map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("#"));
  if (lines.length === 0) return "spec.data is empty: nothing to do";
  for (const line of lines) {
    const [spec = "", ...rest] = line.split(/\s+/);
    const argument = rest.join(" ");
    const ips = parseIpList(spec);
    if (!ips || !argument) return `spec.data line "${line}" is not "IPS ${type === "LABEL" ? "key=value,..." : type === "TAINT" ? "key=value:Effect" : "hostname"}" (IPS: an IP, IPs joined by "," or a range a-b)`;
    for (const ip of ips) {
      if (type === "HOSTNAME") {
        if (ips.length > 1) return `spec.data line "${line}": one hostname is for one host`;
        if (!HOSTNAME.test(argument) || argument.length > 63) return `spec.data line "${line}": "${argument}" cannot be a node's name: lower-case letters, digits, "-" and ".", at most 63`;
        hostnames[ip] = argument;
        continue;
      }
      const entry = (marks[ip] ??= { labels: {}, taints: [] });
      if (type === "TAINT") {
        const taint = parseTaint(argument);
        if (typeof taint === "string") return `spec.data line "${line}": the taint ${taint}`;
        entry.taints.push(argument);
        continue;
      }
      for (const pair of argument.split(",").map((item) => item.trim()).filter(Boolean)) {
        const equals = pair.indexOf("=");
        const [key, value] = equals < 0 ? [pair, ""] : [pair.slice(0, equals), pair.slice(equals + 1)];
        const problem = equals < 0 ? "a label is key=value" : (keyProblem(key) ?? valueProblem(value));
        if (problem) return `spec.data line "${line}": the label ${pair}: ${problem}`;
        entry.labels[key] = value;
      }
    }
  }
  if (type === "HOSTNAME") return { type, points: [point], hosts: { kind: "ips", ips: Object.keys(hostnames) }, hostnames };
  return { type, points: [point], hosts: { kind: "master0" }, marks };
}

const HOSTNAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function pluginTiming(action: string, spec: Readonly<Record<string, ConfigValue>>): { points: PluginPoint[]; hosts: PluginHosts } | string {
  if (!action) return "spec.action is empty: sealer would never run it";
  const phase = V09_PHASES[action];
  if (phase) {
    if (phase.master0) return { points: [phase.point], hosts: { kind: "master0" } };
    const scope = typeof spec.scope === "string" ? spec.scope.split("|").map((role) => role.trim()).filter(Boolean) : [];
    return { points: [phase.point], hosts: scope.length > 0 ? { kind: "roles", roles: scope } : { kind: "none" } };
  }
  if (action === "pre-scaleup" || action === "post-scaleup") return `${action} runs when hosts are added to a cluster, which lade cannot do yet`;
  const points: PluginPoint[] = [];
  for (const name of action.split("|").map((part) => part.trim())) {
    if (name === "PreInstall") return "sealer defines PreInstall but never runs it: use PreInit (before a host is set up)";
    const point = V08_ACTIONS[name];
    if (!point) return `unknown spec.action "${name}": expected one of ${[...Object.keys(V08_ACTIONS), ...Object.keys(V09_PHASES)].join(", ")}`;
    points.push(point);
  }
  const hosts = parseOn(typeof spec.on === "string" ? spec.on.trim() : "");
  return typeof hosts === "string" ? hosts : { points, hosts };
}

/** sealer v0.8's `spec.on`. */
function parseOn(on: string): PluginHosts | string {
  if (on === "") return { kind: "all" };
  if (on === "master0") return { kind: "master0" };
  if (on === "master" || on === "node") return { kind: "roles", roles: [on] };
  if (on.includes("=")) {
    // the labels every host has by its role: role=master|node, and kubeadm's control-plane labels
    const [key = "", value = ""] = on.split("=").map((part) => part.trim());
    if (key === "role" && (value === "master" || value === "node")) return { kind: "roles", roles: [value] };
    if (key === "node-role.kubernetes.io/master" || key === "node-role.kubernetes.io/control-plane") return { kind: "roles", roles: ["master"] };
    const problem = keyProblem(key) ?? valueProblem(value);
    if (problem) return `spec.on "${on}" is not a label selector key=value: ${problem}`;
    return { kind: "label", key, value };
  }
  const ips = parseIpList(on);
  return ips ? { kind: "ips", ips } : `spec.on "${on}" is not a role, master0, label key=value, IP list or IPv4 range`;
}

/** sealer's IPs: one, several joined by ",", or an IPv4 range `a-b`; undefined when it is none of them. */
function parseIpList(text: string): string[] | undefined {
  const range = /^([^,-]+)-([^,-]+)$/.exec(text);
  if (range) {
    const [from, to] = [parseIpAddress(range[1]!.trim()), parseIpAddress(range[2]!.trim())];
    if (!from || !to || from.family !== 4 || to.family !== 4) return undefined;
    const ips: string[] = [];
    for (let address = ipv4Number(from.address); address <= ipv4Number(to.address) && ips.length <= 65536; address++) ips.push(ipv4Text(address));
    return ips;
  }
  const ips = text.split(",").map((item) => parseIpAddress(item.trim()));
  return ips.some((ip) => !ip) ? undefined : ips.map((ip) => ip!.address);
}

function ipv4Number(address: string): number {
  return address.split(".").reduce((total, part) => total * 256 + Number(part), 0);
}

function ipv4Text(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** Whether a plugin runs on a host (its address, its role: master0, master or node). */
export function pluginRunsOn(plugin: SealerPlugin, host: { readonly ip: string; readonly role: string }): boolean {
  const { hosts } = plugin;
  if (hosts.kind === "all") return true;
  if (hosts.kind === "none") return false;
  if (hosts.kind === "master0") return host.role === "master0";
  if (hosts.kind === "ips") return hosts.ips.includes(host.ip);
  if (hosts.kind === "label") return false; // resolveLabelSelectors makes it IPs first
  const role = host.role === "master0" ? "master" : host.role;
  return hosts.roles.includes(role) || hosts.roles.includes(host.role);
}

/**
 * The plugins with their label selectors (`on: key=value`) turned into the IPs of the hosts whose
 * Clusterfile labels have that label (lade sets those labels; sealer asked the cluster, so only
 * once it was up). Also what a plugin names that is not one of the hosts.
 */
export function resolveLabelSelectors(
  plugins: readonly SealerPlugin[],
  hosts: readonly { readonly ip: string; readonly labels: Readonly<Record<string, string>> }[],
): { plugins: SealerPlugin[]; warnings: string[]; problems: string[] } {
  const warnings: string[] = [];
  const problems: string[] = [];
  const resolved = plugins.map((plugin): SealerPlugin => {
    for (const ip of [...Object.keys(plugin.marks ?? {}), ...Object.keys(plugin.hostnames ?? {})]) {
      if (!hosts.some((host) => host.ip === ip)) problems.push(`${formatPlugin(plugin)}: ${ip} is not one of the cluster's hosts (${hosts.map((host) => host.ip).join(", ")})`);
    }
    if (plugin.hosts.kind !== "label") return plugin;
    const { key, value } = plugin.hosts;
    const ips = hosts.filter((host) => host.labels[key] === value).map((host) => host.ip);
    if (ips.length === 0) warnings.push(`${formatPlugin(plugin)}: no host has the label ${key}=${value} in the Clusterfile (hosts[].labels): it runs nowhere`);
    return { ...plugin, hosts: { kind: "ips", ips } };
  });
  return { plugins: resolved, warnings, problems };
}

export function formatPlugin(plugin: { readonly file: string; readonly line: number; readonly name: string }): string {
  return `${plugin.file}:${plugin.line}: Plugin ${plugin.name}`;
}
