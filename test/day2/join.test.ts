import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runLade } from "../support/run-lade.ts";
import { hasSshd, startSshHosts, writeFile, type SshHosts } from "../support/ssh-hosts.ts";
import { tempDir } from "../support/temp-dir.ts";

/**
 * lade join on real SSH hosts (ssh-hosts.ts, one port for all: --ssh-port applies to every host):
 * a cluster installed with --masters/--nodes, then a node and a master joined to it. Stand-ins
 * for kubeadm and the node scripts log every call, with the host, to one file.
 */
const work = tempDir("lade-join-");
const store = join(work, "store");
const bin = join(work, "bin");
const calls = join(work, "calls");
const dataDir = join(work, "data");
const HOST_DIR = "/var/lib/lade/node";
const IMAGE = "cluster:1";
const names = ["master-a", "node-b", "node-c", "master-d"];
const ips = ["127.0.0.5", "127.0.0.6", "127.0.0.7", "127.0.0.8"];
const CERTIFICATE_KEY = "c".repeat(64);
let lab: SshHosts | undefined;

beforeAll(async () => {
  if (!hasSshd()) return;
  const logCall = (what: string) => `echo "$(basename "$LADE_NODE_ROOT") ${what}" >> ${calls}`;
  const context = join(work, "context");
  writeFile(join(context, "Kubefile"), "FROM scratch\nCOPY etc etc\nCOPY scripts scripts\n");
  writeFile(join(context, "etc", "kubeadm.yml.tmpl"), "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.27.3\n");
  writeFile(
    join(context, "scripts", "init.sh"),
    [
      logCall("init.sh registry=$LADE_REGISTRY_IP here=$LADE_WITH_REGISTRY peers=${LADE_REGISTRY_PEERS:-} ca=$(cat \"${LADE_REGISTRY_CA:-/none}\" 2>/dev/null)"),
      // a registry host leaves its certificate where init-registry.sh would
      'if [ "$LADE_WITH_REGISTRY" = 1 ]; then mkdir -p "$LADE_NODE_ROOT/etc/lade/registry"; printf -- "-----BEGIN CERTIFICATE----- of %s\\n-----BEGIN PRIVATE KEY-----\\n" "$(basename "$LADE_NODE_ROOT")" > "$LADE_NODE_ROOT/etc/lade/registry/tls.crt"; head -n1 "$LADE_NODE_ROOT/etc/lade/registry/tls.crt" > "$LADE_NODE_ROOT/etc/lade/registry/ca.crt"; : > "$LADE_NODE_ROOT/etc/lade/registry/tls.key"; fi',
      "",
    ].join("\n"),
    0o755,
  );
  writeFile(join(context, "scripts", "clean.sh"), "true\n", 0o755);
  writeFile(
    join(bin, "kubeadm"),
    [
      "#!/bin/sh",
      logCall("kubeadm $*"),
      'case "$*" in',
      '  "token create --print-join-command") echo "kubeadm join 127.0.0.5:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:1111" ;;',
      `  "init phase upload-certs --upload-certs") echo "[upload-certs] Using certificate key:"; echo ${CERTIFICATE_KEY} ;;`,
      '  join*) cp "$3" "$LADE_NODE_ROOT/join-config-seen" ;;',
      "esac",
      "",
    ].join("\n"),
    0o755,
  );
  const built = await runLade(["--root", store, "build", "-q", "-t", IMAGE, context]);
  expect(built.exitCode, built.stderr).toBe(0);
  lab = await startSshHosts(work, ips.map((ip, index) => ({ ip, root: join(work, names[index]!), path: [bin] })), { samePort: true });
});

afterAll(() => lab?.stop());

const callLines = () => (existsSync(calls) ? readFileSync(calls, "utf8").split("\n").filter(Boolean) : []);

describe.skipIf(!hasSshd())("lade join over SSH", () => {
  const ssh = () => ["--ssh-key", lab!.clientKey, "--known-hosts", lab!.knownHosts, "--ssh-port", String(lab!.hosts[0]!.port)];
  const joinHosts = (...extra: string[]) => runLade(["--root", store, "join", "--data-dir", dataDir, ...ssh(), ...extra]);
  const state = () => JSON.parse(readFileSync(join(dataDir, "state.json"), "utf8"));
  const remote = (index: number) => join(work, names[index]!, HOST_DIR);

  test("a node, then a master, join the installed cluster: fresh credentials on master0, the hosts there untouched, a registry on the new master", async () => {
    const installed = await runLade(["--root", store, "run", IMAGE, "--data-dir", dataDir, "--masters", ips[0]!, "--nodes", ips[1]!, ...ssh()]);
    expect(installed.exitCode, installed.stdout + installed.stderr).toBe(0);
    const afterRun = callLines().length;

    const again = await joinHosts("--nodes", ips[1]!);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain(`${ips[1]} is in the cluster already`);

    const node = await joinHosts("--nodes", ips[2]!);
    expect(node.exitCode, node.stdout + node.stderr).toBe(0);
    expect(node.stdout).toContain(`== join: ${ips[2]} (node) to the cluster of ${ips[0]}`);
    const nodeCalls = callLines().slice(afterRun);
    // no other master: a token and no certificate key; the new node pulls from master0's registry and trusts its certificate
    expect(nodeCalls).toEqual([
      `node-c init.sh registry=${ips[0]} here=0 peers= ca=-----BEGIN CERTIFICATE----- of master-a`,
      "master-a kubeadm token create --print-join-command",
      `node-c kubeadm join --config ${remote(2)}/kubeadm.yaml`,
    ]);
    const joined = readFileSync(join(work, names[2]!, "join-config-seen"), "utf8");
    expect(joined).toContain("kind: JoinConfiguration");
    expect(joined).toContain("token: abcdef.0123456789abcdef");
    expect(joined).not.toContain("controlPlane");
    expect(state().hosts[ips[2]!]).toMatchObject({ role: "node" });

    const master = await joinHosts("--masters", ips[3]!);
    expect(master.exitCode, master.stdout + master.stderr).toBe(0);
    // every master runs a registry (sealer's default): the new one gets master0's certificate and key, and is master0's peer
    expect(callLines().slice(afterRun + nodeCalls.length)).toEqual([
      `master-d init.sh registry=${ips[3]} here=1 peers=${ips[0]} ca=`,
      "master-a kubeadm token create --print-join-command",
      "master-a kubeadm init phase upload-certs --upload-certs",
      `master-d kubeadm join --config ${remote(3)}/kubeadm.yaml`,
    ]);
    expect(readFileSync(join(remote(3), "rootfs", "etc", "registry", "tls.crt"), "utf8")).toContain("-----BEGIN CERTIFICATE----- of master-a");
    const joinedMaster = readFileSync(join(work, names[3]!, "join-config-seen"), "utf8");
    expect(joinedMaster).toContain(`certificateKey: ${CERTIFICATE_KEY}`);
    expect(state()).toMatchObject({ registryHosts: [ips[0], ips[3]] });
    expect(state().hosts[ips[3]!]).toMatchObject({ role: "master" });
    expect(Object.keys(state().hosts).sort()).toEqual([...ips].sort());
  }, 120_000);
});
