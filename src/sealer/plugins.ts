import { parseAllDocuments } from "yaml";
import { isConfigObject, type ConfigValue } from "../kubeadm/config-value.ts";
import { parseIpAddress } from "../kubeadm/ip-address.ts";

/**
 * The points of `lade run` and `lade delete` where sealer plugins run, in order:
 * before scripts/init.sh on a host, after it, after kubeadm init, around a host's kubeadm join,
 * before the apps are launched, after the install, and around the clean-up of a host.
 */
export const PLUGIN_POINTS = ["before-node-setup", "after-node-setup", "after-init", "before-join", "after-join", "before-launch", "after-install", "before-clean", "after-clean"] as const;
export type PluginPoint = (typeof PLUGIN_POINTS)[number];

/** Which hosts a plugin runs on. */
export type PluginHosts = { readonly kind: "all" } | { readonly kind: "none" } | { readonly kind: "master0" } | { readonly kind: "roles"; readonly roles: readonly string[] } | { readonly kind: "ips"; readonly ips: readonly string[] };

/** A sealer `kind: Plugin` document lade runs: a SHELL plugin's commands, when and where. */
export interface SealerPlugin {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  /** sealer's spelling of when it runs (`PostInstall`, `post-init-host`…), for messages. */
  readonly action: string;
  readonly points: readonly PluginPoint[];
  readonly hosts: PluginHosts;
  /** The shell commands, run from the rootfs with the cluster env exported. */
  readonly data: string;
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
    const type = field(spec.type) || "SHELL";
    const action = field(spec.action);
    const data = field(spec.data);
    if (type.toUpperCase() !== "SHELL") {
      refuse(`type ${type} is not run by lade (only SHELL plugins are): do what it does in a SHELL plugin or a scripts/init.sh override`);
      continue;
    }
    if (!data) {
      refuse("spec.data is empty: nothing to run");
      continue;
    }
    const timing = pluginTiming(action, spec);
    if (typeof timing === "string") {
      refuse(timing);
      continue;
    }
    plugins.push({ ...place, action, data, ...timing });
  }
  return { plugins, refused };
}

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
    return `spec.on "${on}" selects hosts by a node label, and lade run does not set node labels yet: select them by role (role=master, master, node, master0) or IP`;
  }
  const range = /^([^,-]+)-([^,-]+)$/.exec(on);
  if (range) {
    const [from, to] = [parseIpAddress(range[1]!.trim()), parseIpAddress(range[2]!.trim())];
    if (!from || !to || from.family !== 4 || to.family !== 4) return `spec.on "${on}" is not a role, master0, IP list or IPv4 range`;
    const ips: string[] = [];
    for (let address = ipv4Number(from.address); address <= ipv4Number(to.address) && ips.length <= 65536; address++) ips.push(ipv4Text(address));
    return { kind: "ips", ips };
  }
  const ips = on.split(",").map((item) => parseIpAddress(item.trim()));
  if (ips.some((ip) => !ip)) return `spec.on "${on}" is not a role, master0, IP list or IP range`;
  return { kind: "ips", ips: ips.map((ip) => ip!.address) };
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
  const role = host.role === "master0" ? "master" : host.role;
  return hosts.roles.includes(role) || hosts.roles.includes(host.role);
}

export function formatPlugin(plugin: { readonly file: string; readonly line: number; readonly name: string }): string {
  return `${plugin.file}:${plugin.line}: Plugin ${plugin.name}`;
}
