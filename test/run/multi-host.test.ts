import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, statSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { hasDockerRegistry, startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { runLade } from "../support/run-lade.ts";
import { hasSkopeo, seedImage } from "../support/seed-images.ts";
import { hasSshd, startSshHosts, writeFile, type SshHosts } from "../support/ssh-hosts.ts";
import { tempDir } from "../support/temp-dir.ts";

/**
 * Two "hosts": real sshd processes on 127.0.0.2 and 127.0.0.3 (random ports, own host keys), each
 * with SetEnv LADE_NODE_ROOT=<its folder> (the remote commands put DATA_DIR below it) and fake
 * kubeadm/kubectl first on PATH, logging to <its folder>/log.
 */
const work = tempDir("lade-multi-");
const store = join(work, "store");
const bin = join(work, "bin");
const IMAGE = "tiny-cluster:1";
const available = hasSshd() && hasDockerRegistry() && hasSkopeo();
let origin: DockerRegistry | undefined;
/** An amd64-only container image in the cluster image's registry: the arm64 host is warned about it. */
let amd64Only = "";
const hosts = [
  { ip: "127.0.0.2", root: join(work, "host-a"), port: 0 },
  { ip: "127.0.0.3", root: join(work, "host-b"), port: 0 },
];
let lab: SshHosts | undefined;

const write = writeFile;

beforeAll(async () => {
  if (!available) return;
  const context = join(work, "context");
  // bin/ differs per platform, so each platform has its own rootfs
  write(join(context, "arch", "amd64", "tool"), "amd64\n");
  write(join(context, "arch", "arm64", "tool"), "arm64\n");
  write(join(context, "Kubefile"), 'FROM scratch\nCOPY etc etc\nCOPY scripts scripts\nCOPY arch/${ARCH} bin\nENV PodCIDR=10.1.0.0/16\nAPP web local://web.yaml\nLAUNCH ["web"]\n');
  write(join(context, "etc", "kubeadm.yml.tmpl"), "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.27.3\n");
  write(join(context, "etc", "host.conf.tmpl"), "host={{ .HostIP }}\n");
  // init.sh logs what lade gave it; on the registry host it leaves a certificate where init-registry.sh would
  write(
    join(context, "scripts", "init.sh"),
    [
      'echo "init.sh registry=$LADE_REGISTRY_IP here=$LADE_WITH_REGISTRY ca=$(cat "${LADE_REGISTRY_CA:-/none}" 2>/dev/null) pods=$PodCIDR" >> "$LADE_NODE_ROOT/log"',
      'if [ "$LADE_WITH_REGISTRY" = 1 ]; then mkdir -p "$LADE_NODE_ROOT/etc/lade/registry"; echo "-----BEGIN CERTIFICATE----- $LADE_REGISTRY_IP" > "$LADE_NODE_ROOT/etc/lade/registry/ca.crt"; fi',
      "",
    ].join("\n"),
    0o755,
  );
  write(join(context, "scripts", "clean.sh"), 'echo "clean.sh pods=$PodCIDR" >> "$LADE_NODE_ROOT/log"\n', 0o755);
  write(join(context, "web.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n");
  write(
    join(bin, "kubeadm"),
    [
      "#!/bin/sh",
      'echo "kubeadm $*" >> "$LADE_NODE_ROOT/log"',
      'case "$*" in',
      '  "token create --print-join-command") echo "kubeadm join 127.0.0.2:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:1111" ;;',
      '  join*) cp "$3" "$LADE_NODE_ROOT/join-config-seen" ;;',
      '  "init phase certs apiserver"*) [ -e "$LADE_NODE_ROOT/fail-certs" ] && exit 5; cp "$6" "$LADE_NODE_ROOT/cert-config-seen"; echo new > "$LADE_NODE_ROOT/etc/kubernetes/pki/apiserver.crt"; echo new > "$LADE_NODE_ROOT/etc/kubernetes/pki/apiserver.key" ;;',
      "esac",
      "",
    ].join("\n"),
    0o755,
  );
  // crictl answers one container per control-plane component
  write(join(bin, "crictl"), '#!/bin/sh\necho "crictl $*" >> "$LADE_NODE_ROOT/log"\ncase "$1" in ps) echo "id-$(echo "$*" | sed "s/.*\\^\\(.*\\)\\$.*/\\1/")" ;; esac\n', 0o755);
  write(
    join(bin, "kubectl"),
    // `get nodes` answers like a cluster where node-b has 127.0.0.3
    '#!/bin/sh\necho "kubectl $* KUBECONFIG=$KUBECONFIG" >> "$LADE_NODE_ROOT/log"\ncase "$*" in *"custom-columns"*) printf "node-a True v1.27.3 127.0.0.2\\nnode-b False v1.27.3 127.0.0.3\\n" ;; *"get nodes"*) printf "node-a 127.0.0.2\\nnode-b 127.0.0.3\\n" ;; *"kubeadm-config"*) printf "apiVersion: kubeadm.k8s.io/v1beta3\\nkind: ClusterConfiguration\\napiServer:\\n  certSANs: [127.0.0.1]\\n" ;; esac\n',
    0o755,
  );
  origin = await startDockerRegistry();
  await seedImage(origin, "vendor/tool:1", { layerSizes: [1000] });
  amd64Only = `${origin.host}/vendor/tool:1`;
  write(join(work, "images.txt"), `${amd64Only}\n`);
  // both platforms; host b says it is an arm64 machine (a uname first on its PATH)
  const built = await runLade(["--root", store, "build", "-q", "-t", IMAGE, "--platform", "linux/amd64,linux/arm64", "--image-list", join(work, "images.txt"), context]);
  write(join(work, "arm64-bin", "uname"), '#!/bin/sh\nif [ "$1" = -m ]; then echo aarch64; else /bin/uname "$@" | sed "s/x86_64/aarch64/"; fi\n', 0o755);
  expect(built.exitCode, built.stderr).toBe(0);

  lab = await startSshHosts(
    work,
    hosts.map((host, index) => ({ ip: host.ip, root: host.root, path: [...(index === 1 ? [join(work, "arm64-bin")] : []), bin] })),
  );
  for (const [index, host] of hosts.entries()) host.port = lab.hosts[index]!.port;
});

afterAll(async () => {
  lab?.stop();
  await origin?.stop();
});

const log = (root: string) => (existsSync(join(root, "log")) ? readFileSync(join(root, "log"), "utf8").split("\n").filter(Boolean) : []);

describe.skipIf(!available)("lade run / delete on two hosts over SSH", () => {
  const dataDir = join(work, "data");
  const HOST_DIR = "/var/lib/lade/node";
  // Both sshd listen on their own port; --ssh-port is one value, so each host's port comes from a Clusterfile.
  const clusterfile = join(work, "Clusterfile");
  const sshArgs = () => ["--ssh-key", join(work, "client"), "--known-hosts", join(work, "known_hosts")];
  const run = (...extra: string[]) => runLade(["--root", store, "run", IMAGE, "-f", clusterfile, "--data-dir", dataDir, ...sshArgs(), ...extra]);
  const remote = (index: number) => join(hosts[index]!.root, HOST_DIR);

  test("dry-run, run, rerun, delete a node (drained and deleted on master0), delete the rest", async () => {
    write(
      clusterfile,
      `apiVersion: sealer.io/v2\nkind: Cluster\nmetadata:\n  name: t\nspec:\n  hosts:\n` +
        `  - ips: [${hosts[0]!.ip}]\n    roles: [master]\n    ssh: {port: "${hosts[0]!.port}"}\n` +
        `  - ips: [${hosts[1]!.ip}]\n    roles: [node]\n    ssh: {port: "${hosts[1]!.port}"}\n`,
    );
    const ssh = (index: number) =>
      `ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${join(work, "known_hosts")} -o ConnectTimeout=15 -o ServerAliveInterval=30 -o IdentitiesOnly=yes -i ${join(work, "client")} -p ${hosts[index]!.port} root@${hosts[index]!.ip} --`;
    const D = `D="\${LADE_NODE_ROOT:-}"${HOST_DIR}`;
    const envFile = '"$D"/rootfs/etc/lade-cluster.env';
    const withEnv = (settings: string, script: string) => `if [ -f ${envFile} ]; then set -a; . ${envFile}; set +a; fi; cd "$D"/rootfs/scripts && ${settings} bash ${script} "\${ContainerDataRoot:-/var/lib/docker}" "\${RegistryDomain:-sea.hub}" "\${RegistryPort:-5000}"`;

    const dry = await run("--dry-run");
    expect(dry.exitCode, dry.stderr).toBe(0);
    const a = `[${hosts[0]!.ip}]`;
    const b = `[${hosts[1]!.ip}]`;
    expect(dry.stdout).toContain(`${a}     (lade) ${ssh(0)} 'uname -s -m; echo '\\''--uid'\\''; id -u; echo '\\''--swaps'\\''`);
    expect(dry.stdout).toContain(`== start the registry on ${hosts[0]!.ip}`);
    expect(dry.stdout).toContain(`${a}     ${ssh(0)} 'set -e; ${D}; ${withEnv(`LADE_REGISTRY_IP=${hosts[0]!.ip} LADE_WITH_REGISTRY=1`, "init.sh")}'`);
    expect(dry.stdout).toContain(
      `${b}     ${ssh(1)} 'set -e; ${D}; if [ -f "$D/registry-ca.crt" ]; then export LADE_REGISTRY_CA="$D/registry-ca.crt"; fi; ${withEnv(`LADE_REGISTRY_IP=${hosts[0]!.ip} LADE_WITH_REGISTRY=0`, "init.sh")}'`,
    );
    expect(dry.stdout).toContain(
      `${a}     ${ssh(0)} 'set -e; ${D}; if [ -e "$D/kubeadm-init.started" ]; then kubeadm reset -f; fi; touch "$D/kubeadm-init.started"; kubeadm init --config "$D/kubeadm.yaml" --upload-certs'`,
    );
    expect(dry.stdout).toContain(`${a}     (lade) ${ssh(0)} 'kubeadm token create --print-join-command'`);
    expect(dry.stdout).toContain(
      `${b}     ${ssh(1)} 'set -e; ${D}; if [ -e "$D/kubeadm-join.started" ]; then kubeadm reset -f; fi; touch "$D/kubeadm-join.started"; kubeadm join --config "$D/kubeadm.yaml"'`,
    );
    expect(dry.stdout).toContain(`${a}     ${ssh(0)} 'set -e; ${D}; cd "$D"/rootfs/application/apps/web && KUBECONFIG=/etc/kubernetes/admin.conf kubectl apply -f "$D"/rootfs/application/apps/web/web.yaml'`);
    expect(existsSync(dataDir)).toBe(false);
    expect(log(hosts[0]!.root)).toEqual([]);

    // with --json, stdout is events and the step lines are on stderr
    const first = await run("--json");
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    const events = first.stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(first.stderr).toContain(`${a} kubeadm-init: `);
    expect(events.filter((event) => event.event === "phase").map((event) => event.hosts)).toContainEqual([hosts[0]!.ip, hosts[1]!.ip]);
    for (const [index, host] of hosts.entries()) {
      const steps = events.filter((event) => event.event === "step" && event.host === host.ip);
      // every step starts and then is done, in order, nothing fails
      const done = steps.filter((event) => event.status === "done").map((event) => event.id);
      expect(steps.filter((event) => event.status === "start").map((event) => event.id)).toEqual(done);
      expect(steps.some((event) => event.status === "failed")).toBe(false);
      expect(done).toContain(index === 0 ? "kubeadm-init" : "kubeadm-join");
      const copies = events.filter((event) => event.event === "copy" && event.host === host.ip);
      const tarSize = statSync(join(dataDir, `rootfs-${["amd64", "arm64"][index]}.tar`)).size;
      expect(copies.at(-1)).toEqual({ event: "copy", host: host.ip, done: tarSize, total: tarSize });
    }
    expect(events.at(-1)).toEqual({ event: "installed", master0: { address: hosts[0]!.ip, user: "root" }, dataDir });
    // the arm64 host is told, at its check and before anything changes, which images it cannot run
    const warning = `${b} [check-host] warning: this arm64 host: image ${amd64Only} has no linux/arm64: arm64 nodes cannot run it (used by --image-list)`;
    expect(first.stderr).toContain(warning);
    expect(first.stderr).not.toContain(`${a} [check-host] warning`);
    // each host got the rootfs of its own architecture
    const shas = ["amd64", "arm64"].map((arch) => readFileSync(join(dataDir, `rootfs-${arch}.tar.sha256`), "utf8").trim());
    expect(shas[0]).not.toBe(shas[1]);
    for (const [index, host] of hosts.entries()) {
      expect(readFileSync(join(remote(index), "rootfs.sha256"), "utf8").trim()).toBe(shas[index]!);
      expect(readFileSync(join(remote(index), "rootfs", "bin", "tool"), "utf8")).toBe(`${["amd64", "arm64"][index]}\n`);
      expect(readFileSync(join(remote(index), "rootfs", "etc", "host.conf"), "utf8")).toBe(`host=${host.ip}\n`);
      expect(readFileSync(join(remote(index), "rootfs", "etc", "lade-cluster.env"), "utf8")).toContain(`HostIP=${host.ip}\n`);
    }
    expect(log(hosts[0]!.root)).toEqual([
      `init.sh registry=${hosts[0]!.ip} here=1 ca= pods=10.1.0.0/16`,
      `kubeadm init --config ${remote(0)}/kubeadm.yaml --upload-certs`,
      "kubeadm token create --print-join-command",
      `kubectl apply -f ${remote(0)}/rootfs/application/apps/web/web.yaml KUBECONFIG=/etc/kubernetes/admin.conf`,
    ]);
    // the node trusts the registry's certificate, copied from master0
    expect(log(hosts[1]!.root)).toEqual([
      `init.sh registry=${hosts[0]!.ip} here=0 ca=-----BEGIN CERTIFICATE----- ${hosts[0]!.ip} pods=10.1.0.0/16`,
      `kubeadm join --config ${remote(1)}/kubeadm.yaml`,
    ]);
    const join0 = readFileSync(join(hosts[1]!.root, "join-config-seen"), "utf8");
    expect(join0).toContain("kind: JoinConfiguration");
    expect(join0).toContain("token: abcdef.0123456789abcdef");
    expect(join0).toContain("sha256:1111");
    const state = JSON.parse(readFileSync(join(dataDir, "state.json"), "utf8"));
    expect(state.hosts[hosts[1]!.ip].done).toEqual(["check-host", "copy-rootfs", "render-templates", "registry-ca", "init-node", "kubeadm-join"]);
    expect(state).toMatchObject({ hostDir: HOST_DIR, registryHosts: [hosts[0]!.ip] });

    const again = await run();
    expect(again.exitCode, again.stderr).toBe(0);
    expect(log(hosts[0]!.root)).toHaveLength(4);
    expect(log(hosts[1]!.root)).toHaveLength(2);

    const refused = await runLade(["delete", "--data-dir", dataDir]);
    expect(refused.exitCode).not.toBe(0);
    const node = await runLade(["delete", "--data-dir", dataDir, "--nodes", hosts[1]!.ip]);
    expect(node.exitCode, node.stderr).toBe(0);
    // master0 drains and deletes the node found by its address, then the node is reset and cleaned
    // (dash's echo turns the jsonpath's \\n into a line break in the log: only the lines of calls are compared)
    const calls = log(hosts[0]!.root).slice(4).filter((line) => line.startsWith("kubectl "));
    expect(calls.map((line) => line.split(" ").slice(0, 4).join(" "))).toEqual([
      "kubectl --kubeconfig /etc/kubernetes/admin.conf get",
      "kubectl --kubeconfig /etc/kubernetes/admin.conf drain",
      "kubectl --kubeconfig /etc/kubernetes/admin.conf delete",
    ]);
    expect(log(hosts[0]!.root).at(-1)).toStartWith("kubectl --kubeconfig /etc/kubernetes/admin.conf delete node node-b");
    expect(log(hosts[1]!.root).slice(-2)).toEqual(["kubeadm reset -f", "clean.sh pods=10.1.0.0/16"]);
    expect(existsSync(remote(1))).toBe(false);
    expect(Object.keys(JSON.parse(readFileSync(join(dataDir, "state.json"), "utf8")).hosts)).toEqual([hosts[0]!.ip]);

    const deleted = await runLade(["delete", "--data-dir", dataDir, "--all"]);
    expect(deleted.exitCode, deleted.stderr).toBe(0);
    expect(log(hosts[0]!.root).slice(-2)).toEqual(["kubeadm reset -f", "clean.sh pods=10.1.0.0/16"]);
    expect(existsSync(remote(0))).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
  }, 60_000);

  test("lade status tells the installed cluster from its state; lade exec runs a command on the chosen hosts at once, each line prefixed; lade cert checks and renews on the masters", async () => {
    const day2 = join(work, "data-day2");
    const none = await runLade(["status", "--data-dir", day2]);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain(`No cluster in ${day2}: lade run writes its state.json there`);
    const installed = await runLade(["--root", store, "run", IMAGE, "-f", clusterfile, "--data-dir", day2, ...sshArgs()]);
    expect(installed.exitCode, installed.stderr).toBe(0);

    const status = await runLade(["status", "--data-dir", day2]);
    expect(status.exitCode, status.stderr).toBe(0);
    const [a, b] = [hosts[0]!.ip, hosts[1]!.ip];
    expect(status.stdout).toMatch(new RegExp(`^Cluster of ${day2}: installed \\d{4}-\\d\\d-\\d\\dT`));
    expect(status.stdout).toContain(`  image     docker.io/library/${IMAGE} sha256:`);
    expect(status.stdout).toContain(`  registry  ${a}\n`);
    expect(status.stdout).toMatch(new RegExp(`    ${a.replaceAll(".", "\\.")}  master0, registry  amd64  \\d+ steps done, last `));
    expect(status.stdout).toMatch(new RegExp(`    ${b.replaceAll(".", "\\.")}  node  arm64  \\d+ steps done, last kubeadm-join`));
    // then master0's kubectl on the nodes
    expect(status.stdout).toEndWith("  nodes (kubectl on master0):\n    node-a  Ready  v1.27.3  127.0.0.2\n    node-b  NotReady  v1.27.3  127.0.0.3\n");
    expect(log(hosts[0]!.root).at(-1)).toStartWith("kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes --no-headers -o custom-columns=");
    const offline = await runLade(["status", "--data-dir", day2, "--offline"]);
    expect(offline.stdout).not.toContain("nodes");
    const json = JSON.parse((await runLade(["status", "--data-dir", day2, "--json"])).stdout);
    expect(json).toMatchObject({ dataDir: day2, phase: "installed", registryHosts: [a], hosts: [{ ip: a, role: "master0", arch: "amd64", registry: true }, { ip: b, role: "node", arch: "arm64", registry: false }] });
    expect(json.nodes).toEqual([{ name: "node-a", ready: "True", version: "v1.27.3", address: a }, { name: "node-b", ready: "False", version: "v1.27.3", address: b }]);

    const every = await runLade(["exec", "--data-dir", day2, "--", 'echo "root is $LADE_NODE_ROOT"']);
    expect(every.exitCode, every.stderr).toBe(0);
    expect(every.stdout.split("\n").filter(Boolean).sort()).toEqual([`[${a}] root is ${hosts[0]!.root}`, `[${b}] root is ${hosts[1]!.root}`]);
    expect(every.stderr).toContain(`${a}: ok, ${b}: ok`);
    // several words are one command, each passed as it is
    const words = await runLade(["exec", "--data-dir", day2, "--roles", "node", "--", "printf", "%s|", "a b", "$HOME"]);
    expect(words.stdout).toBe(`[${b}] a b|$HOME|\n`);
    const failing = await runLade(["exec", "--data-dir", day2, "--hosts", a, "--", "echo oops >&2; exit 3"]);
    expect(failing.exitCode).toBe(1);
    expect(failing.stderr).toContain(`[${a}] oops`);
    expect(failing.stderr).toContain(`${a}: exit 3`);
    const stranger = await runLade(["exec", "--data-dir", day2, "--hosts", "10.9.9.9", "--", "true"]);
    expect(stranger.exitCode).toBe(2);
    expect(stranger.stderr).toContain(`10.9.9.9 is not a host of this cluster: its hosts are ${a}, ${b}`);

    // lade cert: on the master only; check on all masters at once, renew one master at a time
    const before = log(hosts[0]!.root).length;
    const check = await runLade(["cert", "--check", "--data-dir", day2]);
    expect(check.exitCode, check.stderr).toBe(0);
    const renew = await runLade(["cert", "--renew", "--data-dir", day2]);
    expect(renew.exitCode, renew.stderr).toBe(0);
    expect(renew.stdout).toContain(`[${a}] renewed; the control plane restarts with the new certificates`);
    expect(renew.stdout).toContain(`Renewed the certificates of ${a}`);
    expect(log(hosts[0]!.root).slice(before)).toEqual([
      "kubeadm certs --help",
      "kubeadm certs check-expiration",
      "kubeadm certs --help",
      "kubeadm certs renew all",
      ...["kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"].flatMap((name) => [`crictl ps -q --name ^${name}$`, `crictl rm -f id-${name}`]),
    ]);
    expect(log(hosts[1]!.root).filter((line) => line.startsWith("kubeadm certs") || line.startsWith("crictl"))).toEqual([]);
    const neither = await runLade(["cert", "--data-dir", day2]);
    expect(neither.exitCode).toBe(2);
    expect(neither.stderr).toContain("lade cert needs one of --check, --renew and --alt-names");

    // --alt-names: the cluster's ClusterConfiguration with the names added, each master's certificate made again from it
    const pki = join(hosts[0]!.root, "etc", "kubernetes", "pki");
    write(join(pki, "apiserver.crt"), "old\n");
    write(join(pki, "apiserver.key"), "old\n");
    const beforeNames = log(hosts[0]!.root).length;
    const named = await runLade(["cert", "--alt-names", "api.example.com,10.0.0.100,127.0.0.1", "--data-dir", day2]);
    expect(named.exitCode, named.stderr).toBe(0);
    expect(named.stdout).toContain(`The API server certificates of ${a} now also name api.example.com, 10.0.0.100`);
    const calls = log(hosts[0]!.root).slice(beforeNames);
    const configPath = /--config (\S+)$/.exec(calls[1] ?? "")?.[1] ?? "";
    expect(calls).toEqual([
      "kubectl --kubeconfig /etc/kubernetes/admin.conf -n kube-system get configmap kubeadm-config -o jsonpath={.data.ClusterConfiguration} KUBECONFIG=",
      `kubeadm init phase certs apiserver --config ${configPath}`,
      `kubeadm init phase upload-config kubeadm --config ${configPath}`,
      "crictl ps -q --name ^kube-apiserver$",
      "crictl rm -f id-kube-apiserver",
    ]);
    expect(configPath).toStartWith(join(hosts[0]!.root, "etc", "kubernetes", "lade-cert-"));
    expect(readFileSync(join(hosts[0]!.root, "cert-config-seen"), "utf8")).toBe(
      `apiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\nlocalAPIEndpoint:\n  advertiseAddress: ${a}\n---\napiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer:\n  certSANs:\n    - 127.0.0.1\n    - api.example.com\n    - 10.0.0.100\n`,
    );
    expect(readFileSync(join(pki, "apiserver.crt"), "utf8")).toBe("new\n");
    // nothing of it is left behind; a failing kubeadm puts the old certificate back
    expect(readdirSync(join(hosts[0]!.root, "etc", "kubernetes")).filter((name) => name.startsWith("lade-"))).toEqual([]);
    expect(readdirSync(pki).sort()).toEqual(["apiserver.crt", "apiserver.key"]);
    write(join(hosts[0]!.root, "fail-certs"), "");
    const failed = await runLade(["cert", "--alt-names", "other.example.com", "--data-dir", day2]);
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain(`A new API server certificate on ${a} failed (exit 1; the old one is back)`);
    expect(readFileSync(join(pki, "apiserver.crt"), "utf8")).toBe("new\n");
    expect(readdirSync(pki).sort()).toEqual(["apiserver.crt", "apiserver.key"]);
    const bad = await runLade(["cert", "--alt-names", "not a name", "--data-dir", day2]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--alt-names needs DNS names or IP addresses, comma-separated: not "not a name"');

    const deleted = await runLade(["delete", "--data-dir", day2, "--all"]);
    expect(deleted.exitCode, deleted.stderr).toBe(0);
  }, 60_000);

  test("a host added to the Clusterfile joins when lade run runs again: what is done is skipped, master0 makes fresh credentials", async () => {
    const solo = join(work, "Clusterfile.solo");
    write(solo, `apiVersion: sealer.io/v2\nkind: Cluster\nmetadata:\n  name: t\nspec:\n  hosts:\n  - ips: [${hosts[0]!.ip}]\n    roles: [master]\n    ssh: {port: "${hosts[0]!.port}"}\n`);
    const grown = join(work, "data-grown");
    const first = await runLade(["--root", store, "run", IMAGE, "-f", solo, "--data-dir", grown, ...sshArgs()]);
    expect(first.exitCode, first.stderr).toBe(0);
    // lade join's plan (dry run: with one --ssh-port for every host, these two ports cannot both be reached)
    const joinDry = await runLade(["--root", store, "join", "--nodes", hosts[1]!.ip, "--data-dir", grown, ...sshArgs(), "--ssh-port", String(hosts[1]!.port), "--dry-run"]);
    expect(joinDry.exitCode, joinDry.stderr).toBe(0);
    expect(joinDry.stdout).toContain(`== join: ${hosts[1]!.ip} (node) to the cluster of ${hosts[0]!.ip}`);
    expect(joinDry.stdout).toContain(`[${hosts[0]!.ip}] kubeadm-init: Initialize the control plane (done already)`);
    expect(joinDry.stdout).toContain(`[${hosts[1]!.ip}] kubeadm-join: Join as a worker node`);
    const again = await runLade(["--root", store, "join", "--nodes", hosts[0]!.ip, "--data-dir", grown, ...sshArgs()]);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain(`${hosts[0]!.ip} is in the cluster already`);
    const [masterBefore, nodeBefore] = [log(hosts[0]!.root).length, log(hosts[1]!.root).length];
    const second = await runLade(["--root", store, "run", IMAGE, "-f", clusterfile, "--data-dir", grown, ...sshArgs()]);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stdout).toContain(`[${hosts[0]!.ip}] kubeadm-init: Initialize the control plane: done already, skipped`);
    expect(log(hosts[0]!.root).slice(masterBefore).filter((line) => line.startsWith("kubeadm"))).toEqual(["kubeadm token create --print-join-command"]);
    expect(log(hosts[1]!.root).slice(nodeBefore).filter((line) => line.startsWith("kubeadm"))).toEqual([`kubeadm join --config ${remote(1)}/kubeadm.yaml`]);
    const state = JSON.parse(readFileSync(join(grown, "state.json"), "utf8"));
    expect(Object.keys(state.hosts)).toEqual([hosts[0]!.ip, hosts[1]!.ip]);
    const deleted = await runLade(["delete", "--data-dir", grown, "--all"]);
    expect(deleted.exitCode, deleted.stderr).toBe(0);
  }, 60_000);

  test("lade apply -f Clusterfile shows its plan, deletes the hosts the Clusterfile left out and joins those it adds", async () => {
    const applied = join(work, "data-apply");
    const solo = join(work, "Clusterfile.solo");
    const [a, b] = [hosts[0]!.ip, hosts[1]!.ip];
    const installed = await runLade(["--root", store, "run", IMAGE, "-f", clusterfile, "--data-dir", applied, ...sshArgs()]);
    expect(installed.exitCode, installed.stderr).toBe(0);
    const apply = (file: string) => runLade(["--root", store, "apply", "-f", file, "--data-dir", applied, ...sshArgs()]);

    const masterBefore = log(hosts[0]!.root).length;
    const shrunk = await apply(solo);
    expect(shrunk.exitCode, shrunk.stderr).toBe(0);
    expect(shrunk.stdout).toContain(`== apply: join none; delete ${b}; unchanged ${a}`);
    expect(shrunk.stdout).toContain(`Deleted ${b} from the cluster`);
    expect(log(hosts[0]!.root).slice(masterBefore).filter((line) => / (drain|delete) node/.test(line)).map((line) => line.split(" ").slice(3, 6).join(" "))).toEqual(["drain node-b --ignore-daemonsets", "delete node node-b"]);
    expect(log(hosts[1]!.root).slice(-2)).toEqual(["kubeadm reset -f", "clean.sh pods=10.1.0.0/16"]);
    expect(Object.keys(JSON.parse(readFileSync(join(applied, "state.json"), "utf8")).hosts)).toEqual([a]);

    const grown = await apply(clusterfile);
    expect(grown.exitCode, grown.stderr).toBe(0);
    expect(grown.stdout).toContain(`== apply: join ${b}; delete none; unchanged ${a}`);
    expect(log(hosts[1]!.root).at(-1)).toBe(`kubeadm join --config ${remote(1)}/kubeadm.yaml`);

    const headless = join(work, "Clusterfile.headless");
    write(headless, `apiVersion: sealer.io/v2\nkind: Cluster\nmetadata:\n  name: t\nspec:\n  hosts:\n  - ips: [${b}]\n    roles: [master]\n    ssh: {port: "${hosts[1]!.port}"}\n`);
    const refused = await apply(headless);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`The Clusterfile leaves out master0 (${a}): a cluster cannot lose the master it was made on`);
    const deleted = await runLade(["delete", "--data-dir", applied, "--all"]);
    expect(deleted.exitCode, deleted.stderr).toBe(0);
  }, 90_000);

  test("lade delete runs the clean-time plugins: every host's PreClean before any host is cleaned, PostClean after its clean.sh", async () => {
    const withPlugins = join(work, "Clusterfile.plugins");
    const plugin = (name: string, action: string, data: string, extra = "") => `apiVersion: sealer.io/v1\nkind: Plugin\nmetadata:\n  name: ${name}\nspec:\n  action: ${action}\n${extra}  data: ${data}\n`;
    write(
      withPlugins,
      [
        `apiVersion: sealer.io/v2\nkind: Cluster\nmetadata:\n  name: t\nspec:\n  hosts:\n` +
          `  - ips: [${hosts[0]!.ip}]\n    roles: [master]\n    ssh: {port: "${hosts[0]!.port}"}\n` +
          `  - ips: [${hosts[1]!.ip}]\n    roles: [node]\n    ssh: {port: "${hosts[1]!.port}"}\n`,
        plugin("drain-apps", "PreClean", 'echo "PreClean $HostIP" | tee -a "$LADE_NODE_ROOT/log" >> "$LADE_NODE_ROOT/../order"'),
        plugin("tidy", "PostClean", 'echo "PostClean $(basename $PWD)" | tee -a "$LADE_NODE_ROOT/log" >> "$LADE_NODE_ROOT/../order"', "  on: node\n"),
        plugin("goodbye", "post-uninstall", 'echo "post-uninstall" >> "$LADE_NODE_ROOT/log"'),
      ].join("---\n"),
    );
    const pluginData = join(work, "data-plugins");
    const installed = await runLade(["--root", store, "run", IMAGE, "-f", withPlugins, "--data-dir", pluginData, ...sshArgs()]);
    expect(installed.exitCode, installed.stderr).toBe(0);
    const before = hosts.map((host) => log(host.root).length);

    const dry = await runLade(["delete", "--data-dir", pluginData, "--all", "--dry-run"]);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`[${hosts[1]!.ip}] plugin-tidy-after-clean: Plugin tidy (PostClean, after the host is cleaned; ${withPlugins}:22)`);
    expect(dry.stdout).not.toContain(`[${hosts[0]!.ip}] plugin-tidy`);

    const deleted = await runLade(["delete", "--data-dir", pluginData, "--all"]);
    expect(deleted.exitCode, deleted.stderr).toBe(0);
    expect(log(hosts[0]!.root).slice(before[0])).toEqual([`PreClean ${hosts[0]!.ip}`, "kubeadm reset -f", "clean.sh pods=10.1.0.0/16", "post-uninstall"]);
    expect(log(hosts[1]!.root).slice(before[1])).toEqual([`PreClean ${hosts[1]!.ip}`, "kubeadm reset -f", "clean.sh pods=10.1.0.0/16", "PostClean rootfs"]);
    const order = readFileSync(join(work, "order"), "utf8").split("\n").filter(Boolean);
    expect(order.slice(0, 2).sort()).toEqual([`PreClean ${hosts[0]!.ip}`, `PreClean ${hosts[1]!.ip}`]);
    expect(order.slice(2)).toEqual(["PostClean rootfs"]);
    expect(existsSync(pluginData)).toBe(false);
  }, 60_000);

  test("labels and taints are set on master0 after the joins, each node found by its address; hostAliases are in every host's /etc/hosts until lade delete", async () => {
    const marked = join(work, "Clusterfile.marks");
    write(
      marked,
      `apiVersion: sealer.io/v2\nkind: Cluster\nmetadata:\n  name: t\nspec:\n  hostAliases:\n  - ip: 10.0.0.9\n    hostnames: [db.corp]\n  hosts:\n` +
        `  - ips: [${hosts[0]!.ip}]\n    roles: [master]\n    ssh: {port: "${hosts[0]!.port}"}\n    taints: ["node-role.kubernetes.io/control-plane-"]\n` +
        `  - ips: [${hosts[1]!.ip}]\n    roles: [node]\n    ssh: {port: "${hosts[1]!.port}"}\n    labels: {role: db}\n    taints: ["dedicated=db:NoExecute"]\n` +
        // sealer v0.8 plugins that set names and labels, and one that selects hosts by a label
        `---\napiVersion: sealer.io/v1\nkind: Plugin\nmetadata:\n  name: names\nspec:\n  type: HOSTNAME\n  action: PreInit\n  data: |\n    ${hosts[0]!.ip} master-a\n    ${hosts[1]!.ip} node-b\n` +
        `---\napiVersion: sealer.io/v1\nkind: Plugin\nmetadata:\n  name: zones\nspec:\n  type: LABEL\n  action: PreGuest\n  data: ${hosts[0]!.ip},${hosts[1]!.ip} zone=a\n` +
        `---\napiVersion: sealer.io/v1\nkind: Plugin\nmetadata:\n  name: db-only\nspec:\n  action: PostInstall\n  on: role=db\n  data: echo "db plugin on $HostIP" >> "$LADE_NODE_ROOT/log"\n`,
    );
    for (const host of hosts) write(join(host.root, "etc", "hosts"), "127.0.0.1 localhost\n");
    const marksData = join(work, "data-marks");
    const before = log(hosts[0]!.root).length;
    const dry = await runLade(["--root", store, "run", IMAGE, "-f", marked, "--data-dir", marksData, ...sshArgs(), "--dry-run"]);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("== label and taint the nodes");
    expect(dry.stdout).toContain(`[${hosts[1]!.ip}] host-aliases: Write the Clusterfile's hostAliases into /etc/hosts: 10.0.0.9 db.corp`);

    const installed = await runLade(["--root", store, "run", IMAGE, "-f", marked, "--data-dir", marksData, ...sshArgs()]);
    expect(installed.exitCode, installed.stderr).toBe(0);
    const master0Log = log(hosts[0]!.root).slice(before);
    const k = "kubectl --kubeconfig /etc/kubernetes/admin.conf";
    // the fake kubectl answers node-a for 127.0.0.2 and node-b for 127.0.0.3
    expect(master0Log.filter((line) => / (label|taint) node /.test(line))).toEqual([
      `${k} taint node node-a node-role.kubernetes.io/control-plane- KUBECONFIG=`,
      `${k} label node node-b --overwrite role=db KUBECONFIG=`,
      `${k} taint node node-b --overwrite dedicated=db:NoExecute KUBECONFIG=`,
      `${k} label node node-a --overwrite zone=a KUBECONFIG=`,
      `${k} label node node-b --overwrite zone=a KUBECONFIG=`,
    ]);
    expect(readFileSync(join(hosts[0]!.root, "etc", "hostname"), "utf8")).toBe("master-a\n");
    expect(readFileSync(join(hosts[1]!.root, "etc", "hostname"), "utf8")).toBe("node-b\n");
    expect(master0Log.some((line) => line.startsWith("db plugin"))).toBe(false);
    expect(log(hosts[1]!.root)).toContain(`db plugin on ${hosts[1]!.ip}`);
    expect(master0Log.findIndex((line) => line.includes(" label node "))).toBeGreaterThan(master0Log.findIndex((line) => line.startsWith("kubeadm init")));
    for (const host of hosts) expect(readFileSync(join(host.root, "etc", "hosts"), "utf8")).toBe("127.0.0.1 localhost\n10.0.0.9 db.corp # lade hostAliases\n");

    const deleted = await runLade(["delete", "--data-dir", marksData, "--all"]);
    expect(deleted.exitCode, deleted.stderr).toBe(0);
    for (const host of hosts) expect(readFileSync(join(host.root, "etc", "hosts"), "utf8")).toBe("127.0.0.1 localhost\n");
  }, 60_000);

  test("spec.dataRoot is the data folder on the hosts (dataRoot/NAME) unless --host-data-dir is given", async () => {
    const rooted = join(work, "Clusterfile.dataroot");
    write(rooted, `apiVersion: sealer.io/v2\nkind: Cluster\nmetadata:\n  name: edge\nspec:\n  dataRoot: /data/sealer\n  hosts:\n  - ips: [${hosts[1]!.ip}]\n    roles: [master]\n    ssh: {port: "${hosts[1]!.port}"}\n`);
    const dry = await runLade(["--root", store, "run", IMAGE, "-f", rooted, "--data-dir", join(work, "rooted"), ...sshArgs(), "--dry-run"]);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`The data folder on the hosts is /data/sealer/edge (spec.dataRoot/metadata.name, ${rooted}:6:13)`);
    expect(dry.stdout).toContain(`D="\${LADE_NODE_ROOT:-}"/data/sealer/edge; `);
    const given = await runLade(["--root", store, "run", IMAGE, "-f", rooted, "--data-dir", join(work, "rooted"), ...sshArgs(), "--host-data-dir", "/srv/lade", "--dry-run"]);
    expect(given.exitCode, given.stderr).toBe(0);
    expect(given.stderr).toContain(`note: --host-data-dir /srv/lade is used, not /data/sealer/edge of spec.dataRoot (${rooted}:6:13)`);
    expect(given.stdout).toContain(`D="\${LADE_NODE_ROOT:-}"/srv/lade; `);
  });

  test("a Clusterfile whose only host is another machine installs it over SSH, not here", async () => {
    const single = join(work, "Clusterfile.single");
    write(single, `apiVersion: sealer.io/v2\nkind: Cluster\nmetadata:\n  name: one\nspec:\n  hosts:\n  - ips: [${hosts[1]!.ip}]\n    roles: [master]\n    ssh: {port: "${hosts[1]!.port}"}\n`);
    const dry = await runLade(["--root", store, "run", IMAGE, "-f", single, "--data-dir", join(work, "single"), ...sshArgs(), "--dry-run"]);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`on ${hosts[1]!.ip} (master0) over SSH`);
  });
});
