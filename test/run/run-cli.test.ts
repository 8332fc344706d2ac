import { beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runLade } from "../support/run-lade.ts";
import { tempDir } from "../support/temp-dir.ts";

/** A tiny cluster image and fake kubeadm/kubectl/systemctl that log their calls: no real machine changes. */
const work = tempDir("lade-run-");
const store = join(work, "store");
const bin = join(work, "bin");
const IMAGE = "tiny-cluster:1";
const HOST_IP = "10.0.0.5";

function write(path: string, text: string, mode = 0o644): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, mode);
}

const KUBEADM_TMPL = `apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v1.27.3
networking:
  podSubnet: {{ .PodCIDR }}
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: {{ .HostIP }}
`;

beforeAll(async () => {
  const context = join(work, "context");
  write(join(context, "Kubefile"), 'FROM scratch\nCOPY etc etc\nCOPY scripts scripts\nENV PodCIDR=10.1.0.0/16 Mode=image\nAPP web local://web.yaml\nLAUNCH ["web"]\n');
  write(join(context, "etc", "kubeadm.yml.tmpl"), KUBEADM_TMPL);
  write(join(context, "etc", "extra.conf.tmpl"), "host={{ .HostIP }} mode={{ .Mode }} pods={{ .PodCIDR }}\n");
  // the scripts log the cluster env they were given (exported from etc/lade-cluster.env)
  write(join(context, "scripts", "init.sh"), 'echo "init.sh Mode=$Mode PodCIDR=$PodCIDR" >> "$LADE_TEST_ROOT/log"\n', 0o755);
  write(join(context, "scripts", "clean.sh"), 'echo "clean.sh Mode=$Mode PodCIDR=$PodCIDR" >> "$LADE_TEST_ROOT/log"\n', 0o755);
  write(join(context, "web.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n");
  const fake = (name: string, extra = "") =>
    write(join(bin, name), `#!/bin/sh\necho "${name} $*" >> "$LADE_TEST_ROOT/log"\n${extra}`, 0o755);
  fake("kubeadm", 'if [ "$1" = init ]; then cp "$3" "$LADE_TEST_ROOT/kubeadm-config-seen"; fi\nif [ -e "$LADE_TEST_ROOT/fail-kubeadm" ]; then echo "kubeadm broke" >&2; exit 3; fi\n');
  fake("kubectl", 'echo "KUBECONFIG=$KUBECONFIG" >> "$LADE_TEST_ROOT/log"\n');
  fake("systemctl");
  const built = await runLade(["--root", store, "build", "-q", "-t", IMAGE, context]);
  expect(built.exitCode, built.stderr).toBe(0);
});

function setup() {
  const root = tempDir("lade-run-node-");
  const dataDir = join(root, "data");
  const env = { LADE_TEST_ROOT: root, PATH: `${bin}:${process.env.PATH}` };
  const run = (...extra: string[]) =>
    runLade(["--root", store, "run", IMAGE, "--data-dir", dataDir, "--host-ip", HOST_IP, "--env", "PodCIDR=10.9.0.0/16", ...extra], { env });
  const log = () => (existsSync(join(root, "log")) ? readFileSync(join(root, "log"), "utf8").split("\n").filter(Boolean) : []);
  return { root, dataDir, env, run, log };
}

describe("lade run / lade delete on this machine", () => {
  test("--dry-run lists every step with its exact commands and changes nothing", async () => {
    const { root, dataDir, run, log } = setup();
    const result = await run("--dry-run");
    expect(result.exitCode, result.stderr).toBe(0);
    const rootfs = join(dataDir, "rootfs");
    const lines = result.stdout.split("\n").filter((line) => /^\[\d|^ {4}/.test(line));
    expect(lines).toEqual([
      "[1/7] check-host: Check this machine: OS, architecture, swap, ports",
      "    (lade) check-host",
      `[2/7] unpack-rootfs: Unpack the image's rootfs into ${rootfs}`,
      "    (lade) unpack-rootfs",
      `[3/7] render-templates: Render the *.tmpl files under ${rootfs}/{etc,manifests,charts} with the cluster env`,
      "    (lade) render-templates",
      `[4/7] kubeadm-config: Write the kubeadm config for master0 to ${dataDir}/kubeadm.yaml`,
      "    (lade) write-kubeadm-config",
      "[5/7] init-node: Set up the container runtime, registry and kubelet (scripts/init.sh with the cluster env)",
      `    bash -c 'if [ -f ${rootfs}/etc/lade-cluster.env ]; then set -a; . ${rootfs}/etc/lade-cluster.env; set +a; fi; cd ${rootfs}/scripts && bash init.sh "\${ContainerDataRoot:-/var/lib/docker}" "\${RegistryDomain:-sea.hub}" "\${RegistryPort:-5000}"'`,
      "[6/7] kubeadm-init: Initialize the control plane",
      `    bash -c 'if [ -e ${dataDir}/kubeadm-init.started ]; then kubeadm reset -f; fi; touch ${dataDir}/kubeadm-init.started; kubeadm init --config ${dataDir}/kubeadm.yaml --upload-certs'`,
      "[7/7] launch-web: Launch kube app web",
      `    (cd ${rootfs}/application/apps/web) KUBECONFIG=/etc/kubernetes/admin.conf kubectl apply -f ${rootfs}/application/apps/web/web.yaml`,
    ]);
    expect(existsSync(dataDir)).toBe(false);
    expect(log()).toEqual([]);
    expect(existsSync(join(root, "kubeadm-config-seen"))).toBe(false);
  });

  test("a run executes the steps in order, a rerun does nothing, delete undoes it", async () => {
    const { root, dataDir, env, run, log } = setup();
    const rootfs = join(dataDir, "rootfs");
    const first = await run();
    expect(first.exitCode, first.stderr).toBe(0);
    expect(log()).toEqual([
      "init.sh Mode=image PodCIDR=10.9.0.0/16",
      `kubeadm init --config ${dataDir}/kubeadm.yaml --upload-certs`,
      `kubectl apply -f ${rootfs}/application/apps/web/web.yaml`,
      "KUBECONFIG=/etc/kubernetes/admin.conf",
    ]);
    expect(first.stdout).toContain("[kubeadm-init] $ bash -c 'if [ -e ");
    expect(first.stdout).toContain("export KUBECONFIG=/etc/kubernetes/admin.conf");
    // The config kubeadm got is the one `lade render kubeadm` gives for master0, with --env above the image's ENV.
    const expected = await runLade(["--root", store, "render", "kubeadm", IMAGE, "--role", "master0", "--node", HOST_IP]);
    expect(expected.exitCode, expected.stderr).toBe(0);
    const seen = readFileSync(join(root, "kubeadm-config-seen"), "utf8");
    expect(seen).toContain(`advertiseAddress: ${HOST_IP}`);
    expect(seen).toContain("podSubnet: 10.9.0.0/16");
    expect(seen).toBe(expected.stdout.replace("podSubnet: 10.1.0.0/16", "podSubnet: 10.9.0.0/16"));
    expect(readFileSync(join(rootfs, "etc", "extra.conf"), "utf8")).toBe(`host=${HOST_IP} mode=image pods=10.9.0.0/16\n`);
    const state = JSON.parse(readFileSync(join(dataDir, "state.json"), "utf8"));
    expect(state.done).toEqual(["check-host", "unpack-rootfs", "render-templates", "kubeadm-config", "init-node", "kubeadm-init", "launch-web"]);

    const again = await run();
    expect(again.exitCode, again.stderr).toBe(0);
    expect(log()).toHaveLength(4);
    expect(again.stdout).toContain("kubeadm-init: Initialize the control plane: done already, skipped");

    const dry = await runLade(["delete", "--data-dir", dataDir, "--dry-run"], { env });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("    bash -c 'if command -v kubeadm >/dev/null 2>&1; then kubeadm reset -f; fi'");
    expect(dry.stdout).toContain(`    bash -c 'if [ -f ${rootfs}/etc/lade-cluster.env ]; then set -a; . ${rootfs}/etc/lade-cluster.env; set +a; fi; cd ${rootfs}/scripts && bash clean.sh "\${ContainerDataRoot:-/var/lib/docker}" "\${RegistryDomain:-sea.hub}" "\${RegistryPort:-5000}"'`);
    expect(existsSync(dataDir)).toBe(true);
    const deleted = await runLade(["delete", "--data-dir", dataDir], { env });
    expect(deleted.exitCode, deleted.stderr).toBe(0);
    expect(log().slice(4)).toEqual(["kubeadm reset -f", "clean.sh Mode=image PodCIDR=10.9.0.0/16"]);
    expect(existsSync(dataDir)).toBe(false);
  });

  test("a failing kubeadm stops the run naming the step, and a rerun resumes there", async () => {
    const { root, dataDir, run, log } = setup();
    writeFileSync(join(root, "fail-kubeadm"), "");
    // --json: the steps as events on stdout (their lines on stderr), the failure among them
    const failed = await run("--json");
    expect(failed.exitCode).toBe(1);
    const events = (text: string) => text.trim().split("\n").map((line) => JSON.parse(line) as { event: string; id?: string; status?: string; error?: string; host?: string; index?: number; total?: number });
    const told = events(failed.stdout);
    expect(told.map((event) => `${event.id}:${event.status}`)).toEqual([
      ...["check-host", "unpack-rootfs", "render-templates", "kubeadm-config", "init-node"].flatMap((id) => [`${id}:start`, `${id}:done`]),
      "kubeadm-init:start",
      "kubeadm-init:failed",
    ]);
    expect(told.at(-1)).toMatchObject({ host: "local", index: 6, total: 7 });
    expect(told.at(-1)!.error).toContain("exited with code 3");
    expect(failed.stderr).toContain(`Step "kubeadm-init" failed: \``);
    expect(failed.stderr).toContain(`kubeadm init --config ${dataDir}/kubeadm.yaml --upload-certs'\` exited with code 3`);
    expect(failed.stderr).toContain("[kubeadm-init] kubeadm broke");
    expect(log()).toEqual(["init.sh Mode=image PodCIDR=10.9.0.0/16", `kubeadm init --config ${dataDir}/kubeadm.yaml --upload-certs`]);
    expect(JSON.parse(readFileSync(join(dataDir, "state.json"), "utf8")).done).toEqual([
      "check-host",
      "unpack-rootfs",
      "render-templates",
      "kubeadm-config",
      "init-node",
    ]);

    rmSync(join(root, "fail-kubeadm"));
    const resumed = await run("--json");
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const again = events(resumed.stdout);
    expect(again.filter((event) => event.status === "skipped").map((event) => event.id)).toEqual(["check-host", "unpack-rootfs", "render-templates", "kubeadm-config", "init-node"]);
    expect(again.at(-1) as unknown).toEqual({ event: "installed", master0: null, dataDir });
    expect(log()).toEqual([
      "init.sh Mode=image PodCIDR=10.9.0.0/16",
      `kubeadm init --config ${dataDir}/kubeadm.yaml --upload-certs`,
      // the retry resets what the failed attempt left before kubeadm init runs again
      "kubeadm reset -f",
      `kubeadm init --config ${dataDir}/kubeadm.yaml --upload-certs`,
      `kubectl apply -f ${dataDir}/rootfs/application/apps/web/web.yaml`,
      "KUBECONFIG=/etc/kubernetes/admin.conf",
    ]);
  });

  test("refuses what would install on the wrong machine or remove someone else's files", async () => {
    const { dataDir, run, log } = setup();
    const nodesOnly = await runLade(["--root", store, "run", IMAGE, "--nodes", "10.0.0.3", "--data-dir", dataDir]);
    expect(nodesOnly.exitCode).toBe(2);
    expect(nodesOnly.stderr).toContain("--nodes needs --masters");
    const sshOnly = await run("--ssh-user", "admin");
    expect(sshOnly.exitCode).toBe(1);
    expect(sshOnly.stderr).toContain("--ssh-user applies to hosts over SSH: give --masters IP,...");
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, "notes.txt"), "mine\n");
    const foreign = await run();
    expect(foreign.exitCode).toBe(1);
    expect(foreign.stderr).toContain(`${dataDir} holds other files (notes.txt…): give an empty or new --data-dir`);
    expect(readFileSync(join(dataDir, "notes.txt"), "utf8")).toBe("mine\n");
    expect(log()).toEqual([]);
  });

  test("what is launched: --cmd (with --cmd-args) or the Clusterfile's spec.cmd replace the image's launch; --apps and appNames pick apps", async () => {
    const { dataDir, run, log } = setup();
    const rootfs = join(dataDir, "rootfs");
    const replaced = await run("--dry-run", "--cmd", "kubectl apply -f manifests/$FILE", "--cmd-args", "FILE=web.yaml");
    expect(replaced.exitCode, replaced.stderr).toBe(0);
    expect(replaced.stdout).toContain("launch-cmds: Run the launch commands");
    expect(replaced.stdout).toContain(`    (cd ${rootfs}) KUBECONFIG=/etc/kubernetes/admin.conf bash -c 'kubectl apply -f manifests/web.yaml'`);
    expect(replaced.stdout).not.toContain("launch-web");

    const clusterfile = join(tempDir(), "Clusterfile");
    writeFileSync(clusterfile, "apiVersion: sealer.io/v2\nkind: Cluster\nmetadata:\n  name: c\nspec:\n  cmd:\n    - echo from-clusterfile $WHO\n  cmd_args:\n    - WHO=me\n");
    const fromFile = await run("--dry-run", "-f", clusterfile);
    expect(fromFile.exitCode, fromFile.stderr).toBe(0);
    expect(fromFile.stdout).toContain("bash -c 'echo from-clusterfile me'");

    const unknown = await run("--apps", "web,nope");
    expect(unknown.exitCode).not.toBe(0);
    expect(unknown.stderr).toContain("app name nope is not found: the image has the apps web");
    expect(log()).toEqual([]);
    const unused = await run("--dry-run", "--cmd-args", "FILE=x");
    expect(unused.exitCode).not.toBe(0);
    expect(unused.stderr).toContain("cmd_args (FILE=x) fill $KEY in the launch commands, but this run launches apps (web), not commands");
  });
});
