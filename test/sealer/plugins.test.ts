import { describe, expect, test } from "bun:test";
import { pluginRunsOn, readPlugins } from "../../src/sealer/plugins.ts";
import { planHosts } from "../../src/run/plan-hosts.ts";

const plugin = (spec: string, name = "p") => `apiVersion: sealer.io/v1\nkind: Plugin\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
const master0 = { ip: "10.0.0.1", role: "master0" };
const master = { ip: "10.0.0.2", role: "master" };
const node = { ip: "10.0.0.3", role: "node" };

describe("sealer plugins as lade reads them", () => {
  test("v0.8: actions (joined by |) at their points; on: every host, a role, master0, IPs or a range", () => {
    const { plugins, refused } = readPlugins(
      [
        plugin("  type: SHELL\n  action: PreInit|PostInstall\n  data: echo a\n", "all"),
        plugin("  action: PostJoin\n  on: node\n  data: echo b\n", "nodes"),
        plugin("  action: PreGuest\n  on: 10.0.0.2-10.0.0.3\n  data: echo c\n", "range"),
        plugin("  action: PostInit\n  on: 10.0.0.1,10.0.0.3\n  data: echo d\n", "list"),
        plugin("  action: PostInstall\n  on: node-role.kubernetes.io/control-plane=\n  data: echo e\n", "label"),
      ].join("---\n"),
      "plugins/p.yaml",
    );
    expect(refused).toEqual([]);
    expect(plugins.map((entry) => [entry.name, entry.points, entry.line])).toEqual([
      ["all", ["before-node-setup", "after-install"], 1],
      ["nodes", ["after-join"], 10],
      ["range", ["before-launch"], 19],
      ["list", ["after-init"], 28],
      ["label", ["after-install"], 37],
    ]);
    const on = (index: number) => [master0, master, node].filter((host) => pluginRunsOn(plugins[index]!, host)).map((host) => host.ip);
    expect(on(0)).toEqual(["10.0.0.1", "10.0.0.2", "10.0.0.3"]);
    expect(on(1)).toEqual(["10.0.0.3"]);
    expect(on(2)).toEqual(["10.0.0.2", "10.0.0.3"]);
    expect(on(3)).toEqual(["10.0.0.1", "10.0.0.3"]);
    expect(on(4)).toEqual(["10.0.0.1", "10.0.0.2"]);
  });

  test("v0.9: lowercase phases; scope is roles joined by |, empty scope is no host; master0-only phases ignore it", () => {
    const { plugins } = readPlugins(
      [
        plugin("  action: pre-init-host\n  scope: master|node\n  data: echo a\n", "a"),
        plugin("  action: post-init-host\n  data: echo b\n", "b"),
        plugin("  action: post-install\n  scope: node\n  data: echo c\n", "c"),
      ].join("---\n"),
      "Clusterfile",
    );
    const on = (index: number) => [master0, master, node].filter((host) => pluginRunsOn(plugins[index]!, host)).map((host) => host.role);
    expect(on(0)).toEqual(["master0", "master", "node"]);
    expect(on(1)).toEqual([]);
    expect(on(2)).toEqual(["master0"]);
  });

  test("what lade cannot run as sealer would is refused, with why", () => {
    const { plugins, refused } = readPlugins(
      [
        plugin("  type: HOSTNAME\n  action: PreInit\n  data: 10.0.0.1 m0\n", "hostname"),
        plugin("  action: PreInstall\n  data: echo\n", "never"),
        plugin("  action: pre-scaleup\n  scope: node\n  data: echo\n", "scale"),
        plugin("  action: Sometime\n  data: echo\n", "unknown"),
        plugin("  action: PostInstall\n", "empty"),
      ].join("---\n"),
      "Clusterfile",
    );
    expect(plugins).toEqual([]);
    expect(refused.map((entry) => [entry.name, entry.why.split(":")[0]])).toEqual([
      ["hostname", "type HOSTNAME is not run by lade (only SHELL plugins are)"],
      ["never", "sealer defines PreInstall but never runs it"],
      ["scale", "pre-scaleup runs when hosts are added to a cluster, which lade cannot do yet"],
      ["unknown", 'unknown spec.action "Sometime"'],
      ["empty", "spec.data is empty"],
    ]);
  });

  test("over SSH: each point is a phase (or a step of a host's join lane) on the hosts it selects", () => {
    const ssh = (address: string) => ({ address, user: "root", port: 22, knownHosts: "/k", acceptNewHostKeys: false });
    const hosts = [master0, node].map((host) => ({ ...host, role: host.role as "master0" | "node", ssh: ssh(host.ip) }));
    const { plugins } = readPlugins(
      [plugin("  action: PreInit\n  data: echo pre\n", "pre"), plugin("  action: PostJoin\n  on: node\n  data: echo joined\n", "joined"), plugin("  action: PostInstall\n  on: master0\n  data: echo done\n", "done")].join("---\n"),
      "Clusterfile",
    );
    const phases = planHosts({ dataDir: "/d", hostDir: "/n", registryHosts: ["10.0.0.1"], hosts, applications: [], ladeCommand: ["lade"], plugins });
    const pre = phases.find((phase) => phase.name === "plugins before the hosts are set up")!;
    expect(pre.lanes.map((lane) => [lane.host, lane.steps.map((step) => step.id)])).toEqual([
      ["10.0.0.1", ["plugin-pre-before-node-setup"]],
      ["10.0.0.3", ["plugin-pre-before-node-setup"]],
    ]);
    expect(phases.indexOf(pre)).toBeLessThan(phases.findIndex((phase) => phase.name.startsWith("start the registry")));
    const join = phases.find((phase) => phase.name === "join the nodes")!;
    expect(join.lanes[0]!.steps.map((step) => step.id)).toEqual(["kubeadm-join", "plugin-joined-after-join"]);
    expect(join.lanes[0]!.steps[1]!.commands[0]!.join(" ")).toContain('cd "$D"/rootfs && echo joined');
    expect(phases.at(-1)).toMatchObject({ name: "plugins after the install", lanes: [{ host: "10.0.0.1" }] });
  });
});
