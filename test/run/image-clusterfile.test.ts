import { beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runLade } from "../support/run-lade.ts";
import { tempDir } from "../support/temp-dir.ts";

/**
 * An image's etc/Clusterfile (sealer's default Clusterfile): `lade run` without -f uses it, a
 * user's -f is merged over it (the user's fields win), and a broken one fails the build.
 * kubeadm and kubectl are stand-ins that log their calls; the scripts log the env they get.
 */
const work = tempDir("lade-image-clusterfile-");
const store = join(work, "store");
const bin = join(work, "bin");
const HOST_IP = "10.0.0.5";

function write(path: string, text: string, mode = 0o644): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, mode);
}

const IMAGE_CLUSTERFILE = `apiVersion: sealer.io/v2
kind: Cluster
metadata:
  name: from-image
spec:
  env:
    - Mode=clusterfile
    - PodCIDR=100.64.0.0/10
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
networking:
  serviceSubnet: 10.96.0.0/16
  dnsDomain: image.local
`;

async function buildImage(tag: string, clusterfile: string, plugin?: string): Promise<{ exitCode: number; stderr: string }> {
  const context = join(work, tag.replace(/\W/g, "-"));
  const copyPlugin = plugin ? "COPY shell.yaml plugins\n" : "";
  write(join(context, "Kubefile"), `FROM scratch\nCOPY etc etc\nCOPY scripts scripts\nCOPY manifests manifests\nCOPY Clusterfile etc/\n${copyPlugin}ENV PodCIDR=10.1.0.0/16 Mode=image\n`);
  write(join(context, "manifests", "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  level: info\n  color: blue\n");
  if (plugin) write(join(context, "shell.yaml"), plugin);
  write(join(context, "etc", "kubeadm.yml.tmpl"), "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.27.3\nnetworking:\n  podSubnet: {{ .PodCIDR }}\n");
  write(join(context, "scripts", "init.sh"), 'echo "init.sh Mode=$Mode PodCIDR=$PodCIDR" >> "$LADE_TEST_ROOT/log"\n', 0o755);
  write(join(context, "scripts", "clean.sh"), "true\n", 0o755);
  write(join(context, "Clusterfile"), clusterfile);
  return runLade(["--root", store, "build", "-q", "-t", tag, context]);
}

beforeAll(async () => {
  const fake = (name: string, extra = "") => write(join(bin, name), `#!/bin/sh\necho "${name} $*" >> "$LADE_TEST_ROOT/log"\n${extra}`, 0o755);
  fake("kubeadm", 'if [ "$1" = init ]; then cp "$3" "$LADE_TEST_ROOT/kubeadm-config-seen"; fi\n');
  // the cluster has one node, this machine
  fake("kubectl", `case "$*" in *"get nodes"*) echo "this-node ${HOST_IP}" ;; esac\n`);
  fake("systemctl");
  const built = await buildImage("with-clusterfile:1", IMAGE_CLUSTERFILE);
  expect(built.exitCode, built.stderr).toBe(0);
});

function run(image: string, ...extra: string[]) {
  const root = tempDir("lade-image-clusterfile-node-");
  // LADE_NODE_ROOT: the machine's /etc/hosts is ROOT/etc/hosts
  mkdirSync(join(root, "etc"));
  const env = { LADE_TEST_ROOT: root, LADE_NODE_ROOT: root, PATH: `${bin}:${process.env.PATH}` };
  const log = () => readFileSync(join(root, "log"), "utf8").split("\n").filter(Boolean);
  const result = runLade(["--root", store, "run", image, "--data-dir", join(root, "data"), "--host-ip", HOST_IP, ...extra], { env });
  return { result, log, root, dataDir: join(root, "data"), seen: () => readFileSync(join(root, "kubeadm-config-seen"), "utf8") };
}

describe("the image's etc/Clusterfile", () => {
  test("without -f it is the Clusterfile: its env reaches the scripts, its kubeadm documents the config", async () => {
    const { result, log, seen } = run("with-clusterfile:1");
    const done = await result;
    expect(done.exitCode, done.stderr).toBe(0);
    expect(done.stdout).toContain("The image's etc/Clusterfile is the Clusterfile (no -f given)");
    expect(log()[0]).toBe("init.sh Mode=clusterfile PodCIDR=100.64.0.0/10");
    const config = seen();
    expect(config).toContain("podSubnet: 100.64.0.0/10");
    expect(config).toContain("serviceSubnet: 10.96.0.0/16");
    expect(config).toContain("dnsDomain: image.local");

    const rendered = await runLade(["--root", store, "render", "kubeadm", "with-clusterfile:1", "--role", "master0", "--node", HOST_IP]);
    expect(rendered.exitCode, rendered.stderr).toBe(0);
    expect(rendered.stdout).toBe(config);
  });

  test("a user's -f is merged over it: the user's env keys and kubeadm fields win, the image's others stay", async () => {
    const user = join(tempDir(), "Clusterfile");
    write(
      user,
      "apiVersion: sealer.io/v2\nkind: Cluster\nmetadata:\n  name: mine\nspec:\n  env:\n    - Mode=user\n---\napiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nnetworking:\n  serviceSubnet: 10.200.0.0/16\n",
    );
    const { result, log, seen } = run("with-clusterfile:1", "-f", user);
    const done = await result;
    expect(done.exitCode, done.stderr).toBe(0);
    expect(done.stdout).toContain(`The image's etc/Clusterfile is merged under ${user} (whose fields win)`);
    expect(log()[0]).toBe("init.sh Mode=user PodCIDR=100.64.0.0/10");
    const config = seen();
    expect(config).toContain("serviceSubnet: 10.200.0.0/16");
    expect(config).toContain("dnsDomain: image.local");
    expect(config).toContain("podSubnet: 100.64.0.0/10");
  });

  test("its hosts are the hosts lade run installs over SSH when no -f and no --masters are given; --masters replaces them", async () => {
    const hosts = "spec:\n  hosts:\n    - ips: [127.0.0.2]\n      roles: [master]\n    - ips: [127.0.0.3]\n      roles: [node]\n";
    const built = await buildImage("with-hosts:1", `apiVersion: sealer.io/v2\nkind: Cluster\nmetadata:\n  name: hosts\n${hosts}`);
    expect(built.exitCode, built.stderr).toBe(0);
    const planned = await runLade(["--root", store, "run", "with-hosts:1", "--data-dir", join(tempDir(), "data"), "--dry-run"]);
    expect(planned.exitCode, planned.stderr).toBe(0);
    expect(planned.stdout).toContain("on 127.0.0.2 (master0), 127.0.0.3 (node) over SSH");
    const replaced = await runLade(["--root", store, "run", "with-hosts:1", "--masters", "127.0.0.4", "--data-dir", join(tempDir(), "data"), "--dry-run"]);
    expect(replaced.exitCode, replaced.stderr).toBe(0);
    expect(replaced.stdout).toContain("on 127.0.0.4 (master0) over SSH");
  });

  test("a mistake in it fails the build at its line, naming the instruction that wrote it, and tags nothing", async () => {
    const broken = "apiVersion: sealer.io/v2\nkind: Cluster\nmetadata:\n  name: broken\nspec:\n  env:\n    - NOT_AN_ASSIGNMENT\n";
    const built = await buildImage("broken-clusterfile:1", broken);
    expect(built.exitCode).not.toBe(0);
    expect(built.stderr).toContain('etc/Clusterfile:7:7: "spec.env[0]" must be KEY=VALUE, not "NOT_AN_ASSIGNMENT" (the image\'s default Clusterfile, from "COPY Clusterfile etc/")');
    const images = await runLade(["--root", store, "images"]);
    expect(images.stdout).not.toContain("broken-clusterfile");
  });

  test("kind Config writes a file of the rootfs (overwrite) or merges into each of its YAML documents (merge) before the install", async () => {
    const user = join(tempDir(), "Clusterfile");
    write(
      user,
      [
        "apiVersion: sealer.io/v1\nkind: Config\nmetadata:\n  name: new-file\nspec:\n  path: etc/app.conf\n  data: |\n    mode=custom\n",
        "apiVersion: sealer.io/v1\nkind: Config\nmetadata:\n  name: cm\nspec:\n  path: manifests/cm.yaml\n  strategy: merge\n  data: |\n    data:\n      level: debug\n",
        "apiVersion: sealer.io/v1\nkind: Config\nmetadata:\n  name: json\nspec:\n  path: etc/app.json\n  process: toJson\n  data: |\n    b: [1, 2]\n    a: x\n",
      ].join("---\n"),
    );
    const root = tempDir("lade-image-clusterfile-node-");
    const dataDir = join(root, "data");
    const done = await runLade(["--root", store, "run", "with-clusterfile:1", "-f", user, "--data-dir", dataDir, "--host-ip", HOST_IP], {
      env: { LADE_TEST_ROOT: root, PATH: `${bin}:${process.env.PATH}` },
    });
    expect(done.exitCode, done.stderr).toBe(0);
    expect(done.stdout).toContain(`[config] etc/app.conf written (Config new-file, ${user}:2:7)`);
    expect(done.stdout).toContain(`[config] manifests/cm.yaml merged into the image's file (Config cm, ${user}:11:7)`);
    expect(readFileSync(join(dataDir, "rootfs", "etc", "app.conf"), "utf8")).toBe("mode=custom\n");
    expect(readFileSync(join(dataDir, "rootfs", "etc", "app.json"), "utf8")).toBe('{"a":"x","b":[1,2]}');
    expect(Bun.YAML.parse(readFileSync(join(dataDir, "rootfs", "manifests", "cm.yaml"), "utf8"))).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "app" },
      data: { level: "debug", color: "blue" },
    });
  });

  test("what lade run does not do stops the run before anything changes, all of it at once, each at its line", async () => {
    const user = join(tempDir(), "Clusterfile");
    write(
      user,
      [
        "apiVersion: sealer.io/v2\nkind: Cluster\nmetadata:\n  name: c\nspec:\n  hosts:\n    - ips: [10.0.0.5]\n      roles: [master]\n      labels:\n        zone: a b\n      taints: [gpu]\n  hostAliases:\n    - ip: 10.0.0.9\n      hostnames: [db, db 2]\n",
        "apiVersion: sealer.io/v1\nkind: Plugin\nmetadata:\n  name: hello\nspec:\n  type: ETCD\n  action: PostInstall\n",
        "apiVersion: sealer.io/v1\nkind: Config\nmetadata:\n  name: secret\nspec:\n  path: etc/s.yaml\n  process: toYaml\n  data: 'a: b'\n",
      ].join("---\n"),
    );
    const { result, dataDir } = run("with-clusterfile:1", "-f", user);
    const refused = await result;
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain("Nothing was changed");
    expect(refused.stderr).toContain(`${user}:10:15: the label zone=a b cannot be set: the value "a b" is not one`);
    expect(refused.stderr).toContain(`${user}:11:16: the taint "gpu" names no effect (NoSchedule, PreferNoSchedule or NoExecute): write key=value:Effect or key:Effect`);
    expect(refused.stderr).toContain(`${user}:14:23: "db 2" is not a hostname`);
    expect(refused.stderr).toContain(`${user}:16: Plugin hello: an ETCD backup plugin is run by hand with sealer plugin, which lade has no equivalent of`);
    expect(existsSync(dataDir)).toBe(false);

    const config = join(tempDir(), "Clusterfile");
    write(config, "apiVersion: sealer.io/v1\nkind: Config\nmetadata:\n  name: secret\nspec:\n  path: etc/s.yaml\n  process: value|toYaml\n  data: 'a: b'\n");
    const process = await run("with-clusterfile:1", "-f", config).result;
    expect(process.exitCode).not.toBe(0);
    expect(process.stderr).toContain(`${config}:7:12: Config secret: spec.process step "toYaml" is not one of value, toJson, toBase64, toSecret`);
  });

  test("SHELL plugins of the image's plugins/ and the Clusterfile run at their points on the hosts they select, with the cluster env", async () => {
    const plugin = 'apiVersion: sealer.io/v1\nkind: Plugin\nmetadata:\n  name: greet\nspec:\n  type: SHELL\n  action: PostInstall\n  on: role=master\n  data: echo "greet $Mode $(basename $PWD)" >> "$LADE_TEST_ROOT/log"\n';
    const built = await buildImage("with-plugin:1", IMAGE_CLUSTERFILE, plugin);
    expect(built.exitCode, built.stderr).toBe(0);
    const user = join(tempDir(), "Clusterfile");
    write(
      user,
      [
        'apiVersion: sealer.io/v1\nkind: Plugin\nmetadata:\n  name: first\nspec:\n  type: SHELL\n  action: PreInit\n  on: master0\n  data: echo "first $PodCIDR" >> "$LADE_TEST_ROOT/log"\n',
        'apiVersion: sealer.io/v1\nkind: Plugin\nmetadata:\n  name: workers\nspec:\n  action: PostJoin\n  on: node\n  data: echo never here >> "$LADE_TEST_ROOT/log"\n',
        'apiVersion: sealer.io/v2\nkind: Plugin\nmetadata:\n  name: after-init\nspec:\n  type: SHELL\n  action: post-init-host\n  scope: master\n  data: echo "post-init-host" >> "$LADE_TEST_ROOT/log"\n',
      ].join("---\n"),
    );
    const dry = await run("with-plugin:1", "-f", user, "--dry-run").result;
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/\[5\/9\] plugin-first-before-node-setup: Plugin first \(PreInit, before the host is set up; .*Clusterfile:1\)/);
    expect(dry.stdout).toContain("plugin-greet-after-install: Plugin greet (PostInstall, after the install; plugins/shell.yaml:1)");

    const { result, log } = run("with-plugin:1", "-f", user);
    const done = await result;
    expect(done.exitCode, done.stderr).toBe(0);
    expect(log()).toEqual([
      "first 100.64.0.0/10",
      "init.sh Mode=clusterfile PodCIDR=100.64.0.0/10",
      "post-init-host",
      expect.stringMatching(/^kubeadm init --config /),
      "greet clusterfile rootfs",
    ]);
  });

  test("a plugin lade cannot run as sealer would stops the run, listed; --skip-plugins installs without it, saying so", async () => {
    const user = join(tempDir(), "Clusterfile");
    write(
      user,
      [
        "apiVersion: sealer.io/v1\nkind: Plugin\nmetadata:\n  name: grow\nspec:\n  action: pre-scaleup\n  data: echo\n",
        "apiVersion: sealer.io/v1\nkind: Plugin\nmetadata:\n  name: zone\nspec:\n  type: TAINT\n  action: PostInstall\n  data: 10.0.0.5 zone=a\n",
      ].join("---\n"),
    );
    const refused = await run("with-clusterfile:1", "-f", user).result;
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain(`${user}:1: Plugin grow: pre-scaleup runs when hosts are added to a cluster, which lade cannot do yet (or give --skip-plugins to install without it)`);
    expect(refused.stderr).toContain(`${user}:9: Plugin zone: spec.data line "10.0.0.5 zone=a": the taint "zone=a" names no effect`);
    const skipped = run("with-clusterfile:1", "-f", user, "--skip-plugins");
    const done = await skipped.result;
    expect(done.exitCode, done.stderr).toBe(0);
    expect(done.stderr).toContain(`warning: --skip-plugins: installing without ${user}:1: Plugin grow`);
    expect(skipped.log()[0]).toBe("init.sh Mode=clusterfile PodCIDR=100.64.0.0/10");
  });

  test("clean-time plugins run at lade delete, before and after the host is cleaned, from what lade run recorded", async () => {
    const user = join(tempDir(), "Clusterfile");
    const plugin = (name: string, action: string, data: string, extra = "") => `apiVersion: sealer.io/v1\nkind: Plugin\nmetadata:\n  name: ${name}\nspec:\n  action: ${action}\n${extra}  data: ${data}\n`;
    write(
      user,
      [
        plugin("before", "PreClean", 'echo "PreClean $Mode $(basename $PWD)" >> "$LADE_TEST_ROOT/log"'),
        plugin("uninstall", "post-uninstall", 'echo "post-uninstall" >> "$LADE_TEST_ROOT/log"'),
        plugin("elsewhere", "PostClean", "echo never >> \"$LADE_TEST_ROOT/log\"", "  on: 10.0.0.99\n"),
        plugin("both", "PreClean|PostClean", 'echo "both" >> "$LADE_TEST_ROOT/log"', `  on: ${HOST_IP}\n`),
      ].join("---\n"),
    );
    const { result, log, dataDir } = run("with-clusterfile:1", "-f", user);
    const installed = await result;
    expect(installed.exitCode, installed.stderr).toBe(0);
    expect(log()).not.toContain("both");

    const env = { LADE_TEST_ROOT: join(dataDir, ".."), PATH: `${bin}:${process.env.PATH}` };
    const dry = await runLade(["delete", "--data-dir", dataDir, "--dry-run"], { env });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/\[1\/7\] plugin-before-before-clean: Plugin before \(PreClean, before the host is cleaned; .*Clusterfile:1\)/);
    expect(dry.stdout).toContain("plugin-uninstall-after-clean: Plugin uninstall (post-uninstall, after the host is cleaned;");
    expect(dry.stdout).not.toContain("plugin-elsewhere");

    const before = log().length;
    const deleted = await runLade(["delete", "--data-dir", dataDir], { env });
    expect(deleted.exitCode, deleted.stderr).toBe(0);
    expect(log().slice(before)).toEqual(["PreClean clusterfile rootfs", "both", "kubeadm reset -f", "post-uninstall", "both"]);
    expect(existsSync(dataDir)).toBe(false);
  });

  test("hosts[].labels and taints are set on the node after kubeadm init; hostAliases go into /etc/hosts first and come out at lade delete", async () => {
    const user = join(tempDir(), "Clusterfile");
    write(
      user,
      `apiVersion: sealer.io/v2\nkind: Cluster\nmetadata:\n  name: c\nspec:\n  hosts:\n    - ips: [${HOST_IP}]\n      roles: [master]\n` +
        "      labels:\n        disk: ssd\n      taints: [dedicated=db:NoSchedule, node-role.kubernetes.io/control-plane:NoSchedule-]\n" +
        "  hostAliases:\n    - ip: 10.0.0.9\n      hostnames: [db.corp, db]\n",
    );
    const { result, log, root, dataDir } = run("with-clusterfile:1", "-f", user);
    const hostsFile = join(root, "etc", "hosts");
    writeFileSync(hostsFile, "127.0.0.1 localhost\n10.1.1.1 db\n");
    const done = await result;
    expect(done.exitCode, done.stderr).toBe(0);
    expect(readFileSync(hostsFile, "utf8")).toBe("127.0.0.1 localhost\n#lade-hostAliases-shadowed# 10.1.1.1 db\n10.0.0.9 db.corp db # lade hostAliases\n");
    const k = "kubectl --kubeconfig /etc/kubernetes/admin.conf";
    expect(log().slice(2).filter((line) => !line.startsWith('"}'))).toEqual([
      expect.stringContaining(`${k} get nodes -o jsonpath={range .items[*]}{.metadata.name}{" "}{.status.addresses[?(@.type=="InternalIP")].address}`),
      `${k} label node this-node --overwrite disk=ssd`,
      `${k} taint node this-node --overwrite dedicated=db:NoSchedule`,
      `${k} taint node this-node node-role.kubernetes.io/control-plane:NoSchedule-`,
    ]);
    expect(log()[1]).toStartWith("kubeadm init");
    expect(done.stdout).toContain(`label-node-${HOST_IP}: Label and taint the node ${HOST_IP} (the Clusterfile's labels and taints): labels disk=ssd; taints dedicated=db:NoSchedule, node-role.kubernetes.io/control-plane:NoSchedule-`);

    const env = { LADE_TEST_ROOT: root, LADE_NODE_ROOT: root, PATH: `${bin}:${process.env.PATH}` };
    const deleted = await runLade(["delete", "--data-dir", dataDir], { env });
    expect(deleted.exitCode, deleted.stderr).toBe(0);
    expect(deleted.stdout).toContain("remove-host-aliases: Take the Clusterfile's hostAliases out of /etc/hosts");
    expect(readFileSync(hostsFile, "utf8")).toBe("127.0.0.1 localhost\n10.1.1.1 db\n");
  });

  test("spec.dataRoot is where the cluster's data goes on this machine (dataRoot/NAME, as sealer keeps it) unless --data-dir is given", async () => {
    const root = tempDir("lade-image-clusterfile-node-");
    mkdirSync(join(root, "etc"));
    const user = join(root, "Clusterfile");
    write(user, `apiVersion: sealer.io/v2\nkind: Cluster\nmetadata:\n  name: edge\nspec:\n  dataRoot: ${join(root, "sealer")}\n`);
    const env = { LADE_TEST_ROOT: root, LADE_NODE_ROOT: root, PATH: `${bin}:${process.env.PATH}` };
    const done = await runLade(["--root", store, "run", "with-clusterfile:1", "-f", user, "--host-ip", HOST_IP], { env });
    expect(done.exitCode, done.stderr).toBe(0);
    const dataDir = join(root, "sealer", "edge");
    expect(done.stdout).toContain(`The data folder on this machine is ${dataDir} (spec.dataRoot/metadata.name, ${user}:6:13)`);
    expect(done.stdout).toContain(`Its data is in ${dataDir}: remove the cluster with lade delete --data-dir ${dataDir}`);
    expect(existsSync(join(dataDir, "state.json"))).toBe(true);
    expect(existsSync(join(dataDir, "rootfs", "scripts", "init.sh"))).toBe(true);

    const other = join(root, "given");
    const given = await runLade(["--root", store, "run", "with-clusterfile:1", "-f", user, "--host-ip", HOST_IP, "--data-dir", other, "--dry-run"], { env });
    expect(given.exitCode, given.stderr).toBe(0);
    expect(given.stderr).toContain(`note: --data-dir ${other} is used, not ${dataDir} of spec.dataRoot (${user}:6:13)`);
    expect(given.stdout).toContain(`data in ${other}`);
  });

  test("spec.registry against the image's registry: the one its nodes were made for, its accounts; the account and extra certificate names reach the node scripts", async () => {
    // a base as lade rootfs makes it: made for reg.corp:5001, with an account
    const context = join(work, "registry-base");
    write(join(context, "Kubefile"), "FROM scratch\nCOPY etc etc\nCOPY scripts scripts\n");
    write(join(context, "etc", "lade-rootfs.env"), "LADE_CRI=containerd\nLADE_REGISTRY_DOMAIN=reg.corp\nLADE_REGISTRY_PORT=5001\n");
    write(join(context, "etc", "registry", "htpasswd"), `ci:${await Bun.password.hash("s3cret", { algorithm: "bcrypt", cost: 4 })}\n`);
    write(join(context, "etc", "kubeadm.yml"), "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.27.3\n");
    write(join(context, "scripts", "init.sh"), 'echo "init.sh user=$LADE_REGISTRY_USER password=$LADE_REGISTRY_PASSWORD sans=$LADE_REGISTRY_SANS" >> "$LADE_TEST_ROOT/log"\n', 0o755);
    write(join(context, "scripts", "clean.sh"), "true\n", 0o755);
    const built = await runLade(["--root", store, "build", "-q", "-t", "registry-base:1", context]);
    expect(built.exitCode, built.stderr).toBe(0);

    const plain = run("registry-base:1");
    expect((await plain.result).exitCode).toBe(0);
    expect(plain.seen()).toContain("imageRepository: reg.corp:5001\n");

    const cluster = (registry: string) => {
      const file = join(tempDir(), "Clusterfile");
      write(file, `apiVersion: sealer.io/v2\nkind: Cluster\nmetadata:\n  name: c\nspec:\n  registry:\n${registry}`);
      return file;
    };
    const other = cluster("    localRegistry:\n      domain: sea.hub\n");
    const refused = await run("registry-base:1", "-f", other).result;
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain(
      `${other}:8:15: the cluster's registry would be sea.hub:5001, but the image's nodes were made for reg.corp:5001 (their container runtime's mirror config and pause image name it): make the base with lade rootfs --registry-domain sea.hub --registry-port 5001, or leave localRegistry.domain and port out`,
    );
    const external = cluster("    externalRegistry: {domain: harbor.corp}\n");
    expect((await run("registry-base:1", "-f", external).result).stderr).toContain(`${external}:7:23: spec.registry.externalRegistry is not supported by lade run yet`);
    const wrong = cluster("    localRegistry: {username: ci, password: guess}\n");
    expect((await run("registry-base:1", "-f", wrong).result).stderr).toContain(`${wrong}:7:31: the image's etc/registry/htpasswd does not accept the registry user ci with this password`);

    const right = cluster("    localRegistry:\n      username: ci\n      password: s3cret\n      cert: {subjectAltName: {dnsNames: [reg.corp.example], ips: [10.0.0.50]}}\n");
    const accepted = run("registry-base:1", "-f", right);
    const done = await accepted.result;
    expect(done.exitCode, done.stderr).toBe(0);
    expect(accepted.log()[0]).toBe("init.sh user=ci password=s3cret sans=DNS:reg.corp.example,IP:10.0.0.50");
    expect(accepted.seen()).toContain("imageRepository: reg.corp:5001\n");
  });

  test("sealer's LABEL and CLUSTERCHECK plugins on this machine, and a SHELL plugin that selects hosts by a Clusterfile label", async () => {
    const user = join(tempDir(), "Clusterfile");
    const plugin = (name: string, spec: string) => `apiVersion: sealer.io/v1\nkind: Plugin\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
    write(
      user,
      [
        `apiVersion: sealer.io/v2\nkind: Cluster\nmetadata:\n  name: c\nspec:\n  hosts:\n    - ips: [${HOST_IP}]\n      roles: [master]\n      labels: {disk: ssd}\n`,
        plugin("check", "  type: CLUSTERCHECK\n  action: PreGuest\n"),
        plugin("tier", `  type: LABEL\n  action: PreGuest\n  data: ${HOST_IP} tier=gold\n`),
        plugin("fast", '  action: PostInstall\n  on: disk=ssd\n  data: echo "on ssd" >> "$LADE_TEST_ROOT/log"\n'),
        plugin("slow", '  action: PostInstall\n  on: disk=hdd\n  data: echo "on hdd" >> "$LADE_TEST_ROOT/log"\n'),
      ].join("---\n"),
    );
    const { result, log } = run("with-clusterfile:1", "-f", user);
    const done = await result;
    expect(done.exitCode, done.stderr).toBe(0);
    expect(done.stderr).toContain(`${user}:37: Plugin slow: no host has the label disk=hdd in the Clusterfile (hosts[].labels): it runs nowhere`);
    const k = "kubectl --kubeconfig /etc/kubernetes/admin.conf";
    expect(log().filter((line) => !line.startsWith("init.sh") && !line.startsWith("kubeadm") && !line.includes("get nodes") && !line.startsWith('"}'))).toEqual([
      `${k} label node this-node --overwrite disk=ssd`,
      `${k} wait --for=condition=Ready node --all --timeout=600s`,
      `${k} label node this-node --overwrite tier=gold`,
      "on ssd",
    ]);
  });

  test("sealer's etc/registry.yml: an address the base was not made for fails the build; its account (a warning: the password is in the image) becomes the registry's, made at install", async () => {
    const context = join(work, "registry-yml");
    write(join(context, "Kubefile"), "FROM scratch\nCOPY etc etc\nCOPY scripts scripts\nCOPY registry.yml etc/\n");
    write(join(context, "etc", "lade-rootfs.env"), "LADE_CRI=containerd\nLADE_REGISTRY_DOMAIN=sea.hub\nLADE_REGISTRY_PORT=5000\n");
    write(join(context, "etc", "kubeadm.yml"), "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.27.3\n");
    write(join(context, "scripts", "init.sh"), 'echo "init.sh user=$LADE_REGISTRY_USER password=$LADE_REGISTRY_PASSWORD" >> "$LADE_TEST_ROOT/log"\n', 0o755);
    write(join(context, "scripts", "clean.sh"), "true\n", 0o755);
    write(join(context, "registry.yml"), 'domain: sea.hub\nport: "5001"\nusername: ""\npassword: ""\n');
    const moved = await runLade(["--root", store, "build", "-q", "-t", "registry-yml:1", context]);
    expect(moved.exitCode).not.toBe(0);
    expect(moved.stderr).toContain('etc/registry.yml:2:7: etc/registry.yml puts the registry at sea.hub:5001, but this image\'s nodes were made for sea.hub:5000');
    expect((await runLade(["--root", store, "images"])).stdout).not.toContain("registry-yml");

    write(join(context, "registry.yml"), 'domain: sea.hub\nport: "5000"\nusername: admin\npassword: "p4ss"\n');
    const built = await runLade(["--root", store, "build", "-q", "-t", "registry-yml:1", context]);
    expect(built.exitCode, built.stderr).toBe(0);
    expect(built.stderr).toContain("etc/registry.yml:4:11: etc/registry.yml holds the registry's password in clear text");
    expect(built.stderr).not.toContain("does not read it");

    const { result, log, dataDir } = run("registry-yml:1");
    const done = await result;
    expect(done.exitCode, done.stderr).toBe(0);
    expect(log()[0]).toBe("init.sh user=admin password=p4ss");
    const [user, hash] = readFileSync(join(dataDir, "rootfs", "etc", "registry", "htpasswd"), "utf8").trim().split(":") as [string, string];
    expect(user).toBe("admin");
    expect(await Bun.password.verify("p4ss", hash)).toBe(true);

    // the Clusterfile's account wins over the file's
    const user2 = join(tempDir(), "Clusterfile");
    write(user2, "apiVersion: sealer.io/v2\nkind: Cluster\nmetadata:\n  name: c\nspec:\n  registry:\n    localRegistry: {username: ci, password: other}\n");
    const other = run("registry-yml:1", "-f", user2);
    expect((await other.result).exitCode).toBe(0);
    expect(other.log()[0]).toBe("init.sh user=ci password=other");
  });

  test("sealer's etc/registry_config.yml: what does not apply is one warning naming the keys; a proxy routes every other registry through the node registry; what lade's registry cannot do fails the build at its line", async () => {
    const context = join(work, "registry-config");
    write(join(context, "Kubefile"), "FROM scratch\nCOPY etc etc\nCOPY scripts scripts\n");
    write(join(context, "etc", "lade-rootfs.env"), "LADE_CRI=containerd\nLADE_REGISTRY_DOMAIN=sea.hub\nLADE_REGISTRY_PORT=5000\n");
    write(join(context, "etc", "kubeadm.yml"), "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.27.3\n");
    write(join(context, "scripts", "init.sh"), "true\n", 0o755);
    write(join(context, "scripts", "clean.sh"), "true\n", 0o755);
    write(
      join(context, "etc", "registry_config.yml"),
      "version: 0.1\nstorage:\n  cache:\n    blobdescriptor: inmemory\n  filesystem:\n    rootdirectory: /var/lib/registry\nhttp:\n  addr: :5000\n  headers:\n    X-Content-Type-Options: [nosniff]\nproxy:\n  remoteurl: https://harbor.corp\n",
    );
    const built = await runLade(["--root", store, "build", "-t", "registry-config:1", context]);
    expect(built.exitCode, built.stderr).toBe(0);
    expect(built.stderr).toContain("etc/registry_config.yml: version, storage.cache do not apply to lade's registry");
    expect(built.stderr).not.toContain("does not read it");
    expect(built.stderr).not.toContain("http.addr");
    const { result, dataDir } = run("registry-config:1");
    expect((await result).exitCode).toBe(0);
    const defaultHosts = readFileSync(join(dataDir, "rootfs", "etc", "containerd", "certs.d", "_default", "hosts.toml"), "utf8");
    expect(Bun.TOML.parse(defaultHosts)).toMatchObject({ server: "https://sea.hub:5000", host: { "https://sea.hub:5000": { capabilities: ["pull", "resolve"] } } });

    write(join(context, "etc", "registry_config.yml"), "version: 0.1\nstorage:\n  s3:\n    bucket: images\n");
    const refused = await runLade(["--root", store, "build", "-q", "-t", "registry-config:2", context]);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain("etc/registry_config.yml:3:3: etc/registry_config.yml: storage.s3 is a storage driver lade does not have");
    expect((await runLade(["--root", store, "images"])).stdout).not.toContain("registry-config:2");
  });
});
