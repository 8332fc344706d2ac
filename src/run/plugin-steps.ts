import { pluginRunsOn, type PluginPoint, type SealerPlugin } from "../sealer/plugins.ts";
import type { Step } from "./plan-run.ts";
import { KUBECTL } from "./kubectl.ts";
import { nodeMarksScript } from "./node-labels.ts";
import { shellQuote } from "./shell-quote.ts";

const POINT_TITLES: Readonly<Record<PluginPoint, string>> = {
  "before-node-setup": "before the host is set up",
  "after-node-setup": "after the host is set up",
  "after-init": "after kubeadm init",
  "before-join": "before the host joins",
  "after-join": "after the host joined",
  "before-launch": "before the apps are launched",
  "after-install": "after the install",
  "before-clean": "before the host is cleaned",
  "after-clean": "after the host is cleaned",
};

/** The points of `lade delete`: their plugins are kept in the run state for it. */
export const CLEAN_POINTS: readonly PluginPoint[] = ["before-clean", "after-clean"];

export function runsAtClean(plugin: SealerPlugin): boolean {
  return plugin.points.some((point) => CLEAN_POINTS.includes(point));
}

/**
 * The steps of the plugins that run at POINT on a host, in their order; RUN turns a shell line
 * into the step's command (locally, or over SSH). Like sealer, a plugin's data runs from the
 * rootfs (ROOTFS, shell text) with the host's cluster env (ENV_FILE, below it) exported. At a
 * clean point a host whose install never got its rootfs has nothing to clean: the step says so.
 */
export function pluginSteps(
  plugins: readonly SealerPlugin[],
  point: PluginPoint,
  host: { readonly ip: string; readonly role: string },
  rootfs: string,
  run: (line: string) => readonly string[],
  envFile: string,
): Step[] {
  return plugins
    .filter((plugin) => plugin.points.includes(point) && pluginRunsOn(plugin, host))
    .map((plugin) => ({
      id: `plugin-${plugin.name.replace(/[^A-Za-z0-9._-]/g, "-")}-${point}`,
      description: `${plugin.type && plugin.type !== "SHELL" ? `${plugin.type} plugin` : "Plugin"} ${plugin.name} (${plugin.action}, ${POINT_TITLES[point]}; ${plugin.file}:${plugin.line})`,
      commands: pluginScripts(plugin, point, host, rootfs, envFile).map(run),
    }));
}

/** What a plugin runs on a host, by its type (see PluginType). */
function pluginScripts(plugin: SealerPlugin, point: PluginPoint, host: { readonly ip: string }, rootfs: string, envFile: string): string[] {
  switch (plugin.type ?? "SHELL") {
    case "LABEL":
    case "TAINT":
      return Object.entries(plugin.marks ?? {}).map(([ip, marks]) => nodeMarksScript(ip, marks));
    case "CLUSTERCHECK":
      return [`${KUBECTL} wait --for=condition=Ready node --all --timeout=${CLUSTER_CHECK_SECONDS}s`];
    case "HOSTNAME": {
      const name = shellQuote(plugin.hostnames?.[host.ip] ?? "");
      // a host prepared below LADE_NODE_ROOT (the lab) gets the file, not a live rename
      return [`if [ -n "\${LADE_NODE_ROOT:-}" ]; then echo ${name} > "$LADE_NODE_ROOT/etc/hostname"; else hostnamectl set-hostname ${name}; fi`];
    }
    case "SHELL": {
      const env = `${rootfs}/${envFile}`;
      const body = `if [ -f ${env} ]; then set -a; . ${env}; set +a; fi; cd ${rootfs} && ${plugin.data}`;
      return [CLEAN_POINTS.includes(point) ? `if [ -d ${rootfs} ]; then ${body}\nelse echo 'not run: the host has no rootfs (it was never set up)'; fi` : body];
    }
  }
}

/** How long a CLUSTERCHECK plugin waits for every node to be Ready. */
const CLUSTER_CHECK_SECONDS = 600;
