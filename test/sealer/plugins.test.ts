import { describe, expect, test } from "bun:test";
import { pluginRunsOn, readPlugins, resolveLabelSelectors } from "../../src/sealer/plugins.ts";
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
        plugin("  type: ETCD\n  action: PostInstall\n", "backup"),
        plugin("  type: LABEL_TEST_SO\n  action: PostInstall\n", "golang"),
        plugin("  action: PreInstall\n  data: echo\n", "never"),
        plugin("  action: pre-scaleup\n  scope: node\n  data: echo\n", "scale"),
        plugin("  action: Sometime\n  data: echo\n", "unknown"),
        plugin("  action: PostInstall\n", "empty"),
      ].join("---\n"),
      "Clusterfile",
    );
    expect(plugins).toEqual([]);
    expect(refused.map((entry) => [entry.name, entry.why.split(":")[0]])).toEqual([
      ["backup", "an ETCD backup plugin is run by hand with sealer plugin, which lade has no equivalent of"],
      ["golang", "type LABEL_TEST_SO is not run by lade (it runs SHELL, LABEL, TAINT, HOSTNAME and CLUSTERCHECK plugins)"],
      ["never", "sealer defines PreInstall but never runs it"],
      ["scale", "pre-scaleup runs when hosts are added to a cluster, which lade cannot do yet"],
      ["unknown", 'unknown spec.action "Sometime"'],
      ["empty", "spec.data is empty"],
    ]);
  });

  test("LABEL, TAINT, HOSTNAME and CLUSTERCHECK: the hosts in spec.data (an IP, a list, a range), at the points where what they change is there", () => {
    const { plugins, refused } = readPlugins(
      [
        plugin("  type: LABEL\n  action: PreGuest\n  data: |\n    10.0.0.2 ssd=true\n    10.0.0.2-10.0.0.3 ssd=false,hdd=true\n", "labels"),
        plugin("  type: TAINT\n  action: PostInstall\n  data: |\n    10.0.0.1,10.0.0.3 key1=value1:NoSchedule\n    10.0.0.1 node-role.kubernetes.io/control-plane-\n", "taints"),
        plugin("  type: HOSTNAME\n  action: PreInit\n  data: |\n    10.0.0.1 master-0\n    10.0.0.3 node-0\n", "names"),
        plugin("  type: CLUSTERCHECK\n  action: PreGuest\n", "check"),
      ].join("---\n"),
      "Clusterfile",
    );
    expect(refused).toEqual([]);
    const [labels, taints, names, check] = plugins;
    expect(labels).toMatchObject({ type: "LABEL", points: ["before-launch"], hosts: { kind: "master0" } });
    expect(labels!.marks).toEqual({ "10.0.0.2": { labels: { ssd: "false", hdd: "true" }, taints: [] }, "10.0.0.3": { labels: { ssd: "false", hdd: "true" }, taints: [] } });
    expect(taints!.marks).toEqual({
      "10.0.0.1": { labels: {}, taints: ["key1=value1:NoSchedule", "node-role.kubernetes.io/control-plane-"] },
      "10.0.0.3": { labels: {}, taints: ["key1=value1:NoSchedule"] },
    });
    expect(names).toMatchObject({ type: "HOSTNAME", points: ["before-node-setup"], hosts: { kind: "ips", ips: ["10.0.0.1", "10.0.0.3"] }, hostnames: { "10.0.0.1": "master-0", "10.0.0.3": "node-0" } });
    expect(check).toMatchObject({ type: "CLUSTERCHECK", points: ["before-launch"], hosts: { kind: "master0" } });
  });

  test("a LABEL, TAINT or HOSTNAME plugin that cannot do what it says is refused, with why", () => {
    const { refused } = readPlugins(
      [
        plugin("  type: LABEL\n  action: PreInit\n  data: 10.0.0.2 ssd=true\n", "early"),
        plugin("  type: TAINT\n  action: PreGuest\n  data: 10.0.0.2 key1=value1\n", "no-effect"),
        plugin("  type: LABEL\n  action: PreGuest\n  on: master\n  data: 10.0.0.2 ssd=true\n", "with-on"),
        plugin("  type: HOSTNAME\n  action: PreInit\n  data: 10.0.0.2 Master_0\n", "bad-name"),
        plugin("  type: LABEL\n  action: PreGuest\n  data: somewhere ssd=true\n", "no-ip"),
      ].join("---\n"),
      "Clusterfile",
    );
    expect(refused.map((entry) => [entry.name, entry.why])).toEqual([
      ["early", "a LABEL plugin's action is PreGuest or PostInstall or post-install: it labels nodes, so it runs once every node joined"],
      ["no-effect", 'spec.data line "10.0.0.2 key1=value1": the taint "key1=value1" names no effect (NoSchedule, PreferNoSchedule or NoExecute): write key=value:Effect or key:Effect (to remove a taint: key- or key:Effect-)'],
      ["with-on", "spec.on does not apply to a LABEL plugin: spec.data names the hosts"],
      ["bad-name", 'spec.data line "10.0.0.2 Master_0": "Master_0" cannot be a node\'s name: lower-case letters, digits, "-" and ".", at most 63'],
      ["no-ip", 'spec.data line "somewhere ssd=true" is not "IPS key=value,..." (IPS: an IP, IPs joined by "," or a range a-b)'],
    ]);
  });

  test("on: key=value selects the hosts whose Clusterfile labels have it; a host a plugin names must be one of the cluster's", () => {
    const { plugins } = readPlugins(
      [plugin("  action: PostInstall\n  on: disk=ssd\n  data: echo fast\n", "fast"), plugin("  type: LABEL\n  action: PreGuest\n  data: 10.0.0.9 a=b\n", "stranger")].join("---\n"),
      "Clusterfile",
    );
    expect(plugins[0]!.hosts).toEqual({ kind: "label", key: "disk", value: "ssd" });
    const hosts: { ip: string; labels: Record<string, string> }[] = [{ ip: "10.0.0.1", labels: {} }, { ip: "10.0.0.2", labels: { disk: "ssd" } }, { ip: "10.0.0.3", labels: { disk: "ssd" } }];
    const resolved = resolveLabelSelectors(plugins, hosts);
    expect(resolved.plugins[0]!.hosts).toEqual({ kind: "ips", ips: ["10.0.0.2", "10.0.0.3"] });
    expect(resolved.problems).toEqual(["Clusterfile:10: Plugin stranger: 10.0.0.9 is not one of the cluster's hosts (10.0.0.1, 10.0.0.2, 10.0.0.3)"]);
    expect(resolveLabelSelectors([plugins[0]!], [{ ip: "10.0.0.1", labels: {} }]).warnings).toEqual([
      "Clusterfile:1: Plugin fast: no host has the label disk=ssd in the Clusterfile (hosts[].labels): it runs nowhere",
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
