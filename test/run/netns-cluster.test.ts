import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { hasDockerRegistry, startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { labUnavailableReason, startLab, type Lab, type LabHost } from "../support/netns-lab.ts";
import { runLade } from "../support/run-lade.ts";
import { copyWithinRegistry, hasSkopeo, seedImage, skopeo } from "../support/seed-images.ts";
import { tempDir } from "../support/temp-dir.ts";
import { criPullImage } from "../rootfs/cri-client.ts";
import { fakeBinSource } from "../rootfs/fake-bin-source.ts";
import { KUBEADM_V1_27_3_IMAGES, plan } from "../rootfs/rootfs-fixtures.ts";
import { kubeadmImages } from "../../src/rootfs/kubeadm-images.ts";
import { resolveKubernetesRelease } from "../../src/rootfs/kubernetes-release.ts";
import { FAKE_KUBEADM, FAKE_KUBECTL } from "../support/kube-stand-ins.ts";

/**
 * `lade run` and `lade delete` on hosts that are network namespaces with their own sshd and
 * filesystem view (test/support/netns-lab.ts). Everything is real but kubeadm, kubelet and kubectl
 * (logging stand-ins) and systemd (fake-systemctl.sh starts the units' ExecStart): the rootfs of
 * `lade rootfs` with the machine's containerd, runc and a lade that runs this checkout, its
 * scripts, the registry lade-registry.service serves over TLS, containerd pulling through the
 * generated hosts.toml.
 */
const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");
const IMAGE = "cluster:v1.27.3";
const HOST_DIR = "/var/lib/lade/node";
const PASSWORD = "n0de-secret";
/** The cluster registry's account (lade rootfs --registry-user), given to lade run in the Clusterfile. */
const REGISTRY_USER = "puller";
const REGISTRY_PASSWORD = "Reg1stry-pw";
/** Written by the machine, not by lade: logins (sshd) and the stand-ins' logs. */
const NOT_LADES = ["/var/log/wtmp", "/var/log/btmp", "/var/log/lastlog"];

const reason = labUnavailableReason() ?? (!hasDockerRegistry() || !hasSkopeo() || !Bun.which("containerd") || !Bun.which("runc") ? "needs docker-registry, skopeo, containerd, runc" : undefined);

describe.skipIf(reason !== undefined)("lade run / delete on network-namespace hosts over SSH", () => {
  let origin: DockerRegistry;
  let lab: Lab;
  // two masters (each runs a registry: sealer's default), a node reached with a password, and a
  // machine that installs itself
  let master: LabHost;
  let second: LabHost;
  let node: LabHost;
  let solo: LabHost;
  const work = tempDir("lade-netns-");
  const store = join(work, "store");
  const dataDir = join(work, "data");
  const clusterfile = join(work, "Clusterfile");
  const logs = ["master", "second", "node", "solo"].map((name) => join(work, `kube-${name}`));
  const before = new Map<string, Map<string, string>>();
  const SYSCTLS = "sysctl -n net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables";
  /** The programs of the base image's binaries that are not fake scripts (the machine's containerd and runc, the stand-ins). */
  let programs: Record<string, Uint8Array> = {};
  const sysctlsBefore = new Map<string, string>();

  const lade = (args: readonly string[], stdin?: string) =>
    lab.exec([process.execPath, MAIN, "--root", store, ...args], { ...(stdin !== undefined ? { stdin } : {}), env: { SOURCE_DATE_EPOCH: undefined, LADE_ROOT: undefined } });
  const run = () => lade(["run", IMAGE, "-f", clusterfile, "--data-dir", dataDir, "--known-hosts", lab.knownHosts]);
  const logOf = (host: LabHost) => logs[lab.hosts.indexOf(host)]!;
  const calls = (host: LabHost) => (existsSync(join(logOf(host), "calls")) ? readFileSync(join(logOf(host), "calls"), "utf8").split("\n").map((line) => line.trim()).filter(Boolean) : []);
  const hostFile = (host: LabHost, path: string) => readFileSync(`/proc/${host.pid}/root${path}`, "utf8");
  const snapshot = (host: LabHost) => host.snapshot({ exclude: NOT_LADES });

  beforeAll(async () => {
    // stand-ins for registry.k8s.io: one registry with a small image under every kubeadm path
    origin = await startDockerRegistry();
    await seedImage(origin, "seed/base:1", { platforms: ["linux/amd64"], layerSizes: [2000] });
    await Promise.all(
      KUBEADM_V1_27_3_IMAGES.map((path) => skopeo(["copy", "--quiet", "--src-tls-verify=false", "--dest-tls-verify=false", `docker://${origin.host}/seed/base:1`, `docker://${origin.host}/${path}`])),
    );
    const real = (path: string) => new Uint8Array(readFileSync(path));
    programs = {
      containerd: real(Bun.which("containerd")!),
      "containerd-shim-runc-v2": real(Bun.which("containerd-shim-runc-v2")!),
      ctr: real(Bun.which("ctr")!),
      runc: real(Bun.which("runc")!),
      kubeadm: new TextEncoder().encode(FAKE_KUBEADM),
      kubectl: new TextEncoder().encode(FAKE_KUBECTL),
      lade: new TextEncoder().encode(`#!/bin/sh\nexec ${process.execPath} ${MAIN} "$@"\n`),
    };
    const binSource = await fakeBinSource(plan("v1.27.3", "containerd", ["amd64"]), ["amd64"], { programs });
    const context = join(work, "context");
    // the registry has an account: every pull logs in, every push too
    const generated = await runLade(
      ["--root", store, "rootfs", "--k8s-version", "v1.27.3", "--cri", "containerd", "--arch", "amd64", "--cni", "none", "--bin-source", binSource, "--registry-user", REGISTRY_USER, "--registry-password-stdin", "-o", context],
      { stdin: `${REGISTRY_PASSWORD}\n` },
    );
    expect(generated.exitCode, generated.stderr).toBe(0);
    // a helm app, launched over SSH: rendered by lade on the operator, applied on master0
    const chart = join(context, "charts", "web");
    mkdirSync(join(chart, "templates"), { recursive: true });
    writeFileSync(join(chart, "Chart.yaml"), "apiVersion: v2\nname: web\nversion: 0.1.0\n");
    writeFileSync(join(chart, "values.yaml"), "replicas: 2\n");
    writeFileSync(
      join(chart, "templates", "deployment.yaml"),
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicas }}\n  template:\n    spec:\n      containers:\n      - name: web\n        image: registry.k8s.io/pause:3.9\n# kube {{ .Capabilities.KubeVersion.Version }}\n",
    );
    // sealer's way of customising an image: containerd's dump-config.toml, a SHELL plugin on the masters
    writeFileSync(join(context, "dump-config.toml"), 'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  max_container_log_line_size = 65536\n');
    writeFileSync(
      join(context, "mark.yaml"),
      "apiVersion: sealer.io/v1\nkind: Plugin\nmetadata:\n  name: mark\nspec:\n  type: SHELL\n  action: PostInstall\n  on: role=master\n  data: echo \"plugin on $HostIP\" > plugin-ran\n",
    );
    const sealerLines = "COPY dump-config.toml etc/\nCOPY mark.yaml plugins\n";
    writeFileSync(join(context, "Kubefile"), `${readFileSync(join(context, "Kubefile"), "utf8").trimEnd()}\n${sealerLines}APP web local://charts/web\nLAUNCH ["web"]\n`);
    const built = await runLade(["--root", store, "build", "-q", "-t", IMAGE, "--registry-mirror", `registry.k8s.io=${origin.host}`, context]);
    expect(built.exitCode, built.stderr).toBe(0);

    for (const dir of logs) mkdirSync(dir, { recursive: true });
    lab = await startLab(logs.map((log, index) => ({ env: { LADE_FAKE_KUBE: log }, ...(index === 2 ? { password: PASSWORD } : {}) })));
    [master, second, node, solo] = lab.hosts as [LabHost, LabHost, LabHost, LabHost];
    // the masters are reached with the key, the node with its password (ssh.passwd of the Clusterfile)
    writeFileSync(
      clusterfile,
      [
        "apiVersion: sealer.io/v2",
        "kind: Cluster",
        "metadata:",
        "  name: lab",
        "spec:",
        "  hosts:",
        `  - ips: [${master.ip}, ${second.ip}]`,
        "    roles: [master]",
        `    ssh: {pk: ${lab.clientKey}}`,
        `  - ips: [${node.ip}]`,
        "    roles: [node]",
        `    ssh: {passwd: ${PASSWORD}}`,
        "  registry:",
        `    localRegistry: {username: ${REGISTRY_USER}, password: ${REGISTRY_PASSWORD}}`,
        "",
      ].join("\n"),
    );
    for (const host of lab.hosts) {
      before.set(host.name, await snapshot(host));
      sysctlsBefore.set(host.name, await host.sh(SYSCTLS));
    }
  }, 180_000);

  afterAll(async () => {
    await lab?.stop();
    await origin?.stop();
  });

  test("a failure in the middle stops the run; the rerun resumes; a third run does nothing", async () => {
    writeFileSync(join(logOf(node), "fail-join"), "");
    const failed = await run();
    expect(failed.exitCode, failed.stdout + failed.stderr).toBe(1);
    expect(failed.stderr).toContain(`[${node.ip}] Step "kubeadm-join" failed`);
    expect(failed.stderr).toContain(`[${node.ip}] [kubeadm-join] kubeadm join broke`);
    // each registry host's init-registry.sh checked the registry's API over TLS before going on (401: it has an account)
    expect(failed.stdout + failed.stderr).toContain(`[${master.ip}] [init-node]`);
    expect(failed.stdout + failed.stderr).toMatch(new RegExp(`\\[${master.ip.replaceAll(".", "\\.")}\\] \\[init-node\\] .*registry: the API answers \\(401\\) with the certificate the nodes trust`));
    const state = JSON.parse(readFileSync(join(dataDir, "state.json"), "utf8"));
    expect(state.hosts[node.ip].done).toEqual(["check-host", "copy-rootfs", "render-templates", "registry-ca", "init-node"]);

    rmSync(join(logOf(node), "fail-join"));
    const resumed = await run();
    expect(resumed.exitCode, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`The cluster is up. Its admin kubeconfig is /etc/kubernetes/admin.conf on master0 (${master.ip}):\n  ssh root@${master.ip} kubectl`);
    expect(resumed.stdout).toContain(
      `[${node.ip}] init-node: Set up the container runtime (pulling from the registry on ${master.ip}) and the kubelet (scripts/init.sh with the cluster env): done already, skipped`,
    );
    // the kubeadm calls, exactly: init once; per run that still had a host to join, a token and the
    // control-plane certificates uploaded again (there is another master); the second master joins
    // once, the node twice (failed; then reset and done)
    const credentials = ["kubeadm token create --print-join-command", "kubeadm init phase upload-certs --upload-certs"];
    expect(calls(master)).toEqual([`kubeadm init --config ${HOST_DIR}/kubeadm.yaml --upload-certs`, ...credentials, ...credentials, `kubectl apply -f ${HOST_DIR}/apps/web.yaml`]);
    expect(calls(second)).toEqual([`kubeadm join --config ${HOST_DIR}/kubeadm.yaml`]);
    expect(calls(node)).toEqual([`kubeadm join --config ${HOST_DIR}/kubeadm.yaml`, "kubeadm reset -f", `kubeadm join --config ${HOST_DIR}/kubeadm.yaml`]);

    const cluster = [master, second, node];
    const after = new Map(await Promise.all(cluster.map(async (host) => [host.name, await snapshot(host)] as const)));
    const third = await run();
    expect(third.exitCode, third.stderr).toBe(0);
    expect(calls(master)).toHaveLength(6);
    expect(calls(second)).toHaveLength(1);
    expect(calls(node)).toHaveLength(3);
    for (const host of cluster) expect(await snapshot(host)).toEqual(after.get(host.name)!);
  }, 180_000);

  test("kubeadm got the config lade render kubeadm gives, with the join credentials read on master0", async () => {
    const rendered = await runLade(["--root", store, "render", "kubeadm", IMAGE, "-f", clusterfile, "--role", "master0", "--node", master.ip]);
    expect(rendered.exitCode, rendered.stderr).toBe(0);
    expect(readFileSync(join(logOf(master), "init-config.yaml"), "utf8")).toBe(rendered.stdout);
    const masterJoin = parseYaml(readFileSync(join(logOf(second), "join-config.yaml"), "utf8"));
    expect(masterJoin.controlPlane.certificateKey).toBe("b".repeat(64));
    const join0 = parseYaml(readFileSync(join(logOf(node), "join-config.yaml"), "utf8"));
    expect(join0.kind).toBe("JoinConfiguration");
    // the retried join used the token of its own run, not the first run's
    const tokens = readFileSync(join(logOf(master), "tokens"), "utf8").trim().split("\n");
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).not.toBe(tokens[1]);
    expect(join0.discovery.bootstrapToken).toMatchObject({ token: tokens[1], caCertHashes: [`sha256:${"a".repeat(64)}`] });
    const renderedJoin = await runLade(["--root", store, "render", "kubeadm", IMAGE, "-f", clusterfile, "--role", "node", "--node", node.ip]);
    const expected = parseYaml(renderedJoin.stdout);
    delete join0.discovery.bootstrapToken.token;
    delete join0.discovery.bootstrapToken.caCertHashes;
    delete expected.discovery.bootstrapToken?.token;
    delete expected.discovery.bootstrapToken?.caCertHashes;
    expect(join0).toEqual(expected);
  });

  test("files land where they belong with their modes, and the units verify", async () => {
    // -L: a program the machine has already with the same content (here runc) is left as it is, symlink or not
    const mode = async (host: LabHost, path: string) => (await host.sh(`stat -L -c %a ${path}`)).trim();
    for (const host of [master, second, node]) {
      for (const path of ["/usr/bin/kubeadm", "/usr/bin/kubelet", "/usr/bin/containerd", "/usr/bin/runc", "/opt/cni/bin/bridge", "/usr/bin/kubelet-pre-start.sh"]) {
        expect(`${path} ${await mode(host, path)}`).toBe(`${path} 755`);
      }
      expect(await mode(host, "/etc/containerd/certs.d/registry.k8s.io/hosts.toml")).toBe("600");
      expect(hostFile(host, "/etc/containerd/certs.d/registry.k8s.io/hosts.toml")).toContain('[host."https://sea.hub:5000"]');
      // a registry host pulls from itself, the node from the first registry host
      expect(hostFile(host, "/etc/hosts")).toContain(`${host === node ? master.ip : host.ip} sea.hub # lade-registry`);
      expect(hostFile(host, "/etc/lade/registry/ca.crt")).toBe(hostFile(master, "/etc/lade/registry/ca.crt"));
      expect(hostFile(host, `${HOST_DIR}/rootfs/etc/lade-cluster.env`)).toContain(`HostIP=${host.ip}\n`);
      const units = ["containerd.service", "kubelet.service", ...(host === node ? [] : ["lade-registry.service"])];
      // enabled (this machine has Debian's containerd enabled already: its link stays, and /etc/systemd/system wins by name)
      for (const unit of units) expect((await host.exec(["test", "-L", `/etc/systemd/system/multi-user.target.wants/${unit}`])).exitCode).toBe(0);
      const verify = await host.exec(["systemd-analyze", "verify", ...units.map((unit) => `/etc/systemd/system/${unit}`)]);
      expect(verify.exitCode, verify.stderr).toBe(0);
      // the kernel settings Kubernetes needs, applied in each host (its own network namespace)
      expect(await host.sh(SYSCTLS)).toBe("1\n1\n");
    }
    // sealer's files took effect: dump-config.toml merged into the config the real containerd runs with,
    // the plugin ran from the rootfs on the masters only, with each host's env
    for (const host of [master, second, node]) {
      const config = hostFile(host, "/etc/containerd/config.toml");
      expect(config).toContain("max_container_log_line_size = 65536");
      expect(config).toContain('config_path = "/etc/containerd/certs.d"');
      expect(existsSync(`/proc/${host.pid}/root${HOST_DIR}/rootfs/plugin-ran`)).toBe(host !== node);
      if (host !== node) expect(hostFile(host, `${HOST_DIR}/rootfs/plugin-ran`)).toBe(`plugin on ${host.ip}\n`);
    }
    // both registries serve with the same key
    for (const host of [master, second]) expect(await mode(host, "/etc/lade/registry/tls.key")).toBe("600");
    expect(hostFile(second, "/etc/lade/registry/tls.key")).toBe(hostFile(master, "/etc/lade/registry/tls.key"));
    expect(existsSync(`/proc/${node.pid}/root/etc/systemd/system/lade-registry.service`)).toBe(false);
    // the machine itself got none of it
    expect(existsSync("/etc/lade/registry/ca.crt")).toBe(false);
  });

  test("the registries serve the image's images over TLS, and containerd pulls through the generated hosts.toml", async () => {
    const certs = join(work, "certs");
    mkdirSync(certs, { recursive: true });
    copyFileSync(`/proc/${master.pid}/root/etc/lade/registry/ca.crt`, join(certs, "ca.crt"));
    const anonymous = await lab.exec(["skopeo", "list-tags", "--cert-dir", certs, `docker://${master.ip}:5000/pause`]);
    expect(anonymous.exitCode).not.toBe(0);
    const creds = ["--creds", `${REGISTRY_USER}:${REGISTRY_PASSWORD}`];
    const tags = await lab.exec(["skopeo", "list-tags", "--cert-dir", certs, ...creds, `docker://${master.ip}:5000/pause`]);
    expect(tags.exitCode, tags.stderr).toBe(0);
    expect(JSON.parse(tags.stdout).Tags).toEqual(["3.9"]);
    const served = await lab.exec(["skopeo", "inspect", "--raw", "--cert-dir", certs, ...creds, `docker://${master.ip}:5000/kube-apiserver:v1.27.3`]);
    expect(served.exitCode, served.stderr).toBe(0);
    const upstream = await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${origin.host}/kube-apiserver:v1.27.3`]);
    expect(served.stdout).toBe(upstream);

    const pulled = await criPullImage(`/proc/${node.pid}/root/run/containerd/containerd.sock`, "registry.k8s.io/pause:3.9");
    expect(pulled.status, pulled.message).toBe(0);
    expect(pulled.imageRef).toStartWith("sha256:");
    expect(await node.sh("ctr -n k8s.io images ls -q")).toContain("registry.k8s.io/pause:3.9");

    // the second master's registry, under the cluster's name, with the shared certificate; its containerd pulls from it
    const tagsThere = await second.sh(`curl -sf -u ${REGISTRY_USER}:${REGISTRY_PASSWORD} --cacert /etc/lade/registry/ca.crt https://sea.hub:5000/v2/pause/tags/list`);
    expect(JSON.parse(tagsThere)).toEqual({ name: "pause", tags: ["3.9"] });
    const pulledThere = await criPullImage(`/proc/${second.pid}/root/run/containerd/containerd.sock`, "registry.k8s.io/coredns/coredns:v1.10.1");
    expect(pulledThere.status, pulledThere.message).toBe(0);

    // the node's hosts.toml lists the second registry after its own: with the first one gone, pulls go on
    const hostsToml = Bun.TOML.parse(hostFile(node, "/etc/containerd/certs.d/registry.k8s.io/hosts.toml")) as { host: Record<string, unknown> };
    expect(Object.keys(hostsToml.host)).toEqual(["https://sea.hub:5000", `https://${second.ip}:5000`]);
    await master.sh("systemctl stop lade-registry.service");
    try {
      expect(await master.sh("curl -s -o /dev/null -w '%{http_code}' --cacert /etc/lade/registry/ca.crt https://127.0.0.1:5000/v2/ || true")).toBe("000");
      const failedOver = await criPullImage(`/proc/${node.pid}/root/run/containerd/containerd.sock`, "registry.k8s.io/kube-proxy:v1.27.3");
      expect(failedOver.status, failedOver.message).toBe(0);
    } finally {
      await master.sh("systemctl start lade-registry.service");
    }
  });

  test("the helm app was rendered for the cluster's version and applied on master0", async () => {
    const manifest = hostFile(master, `${HOST_DIR}/apps/web.yaml`);
    expect(manifest).toContain("name: web\nspec:\n  replicas: 2");
    expect(manifest).toContain("# kube v1.27.3");
  });

  test("lade upgrade to v1.28.15: kubeadm's upgrade calls per host, the new rootfs set up again on live hosts, the new images pulled through the registry", async () => {
    const NEXT = "cluster:v1.28.15";
    const images = kubeadmImages(resolveKubernetesRelease("v1.28.15")).map((reference) => reference.replace(/^registry\.k8s\.io\//, ""));
    await copyWithinRegistry(origin.host, "seed/base:1", images);
    // the new kubelet says which it is
    const binSource = await fakeBinSource(plan("v1.28.15", "containerd", ["amd64"]), ["amd64"], { programs: { ...programs, kubelet: new TextEncoder().encode("#!/bin/sh\n# kubelet v1.28.15 (stand-in: stays up as systemd expects; lade delete stops it)\nexec sleep 600\n") } });
    const context = join(work, "context-v1.28");
    const generated = await runLade(
      ["--root", store, "rootfs", "--k8s-version", "v1.28.15", "--cri", "containerd", "--arch", "amd64", "--cni", "none", "--bin-source", binSource, "--registry-user", REGISTRY_USER, "--registry-password-stdin", "-o", context],
      { stdin: `${REGISTRY_PASSWORD}\n` },
    );
    expect(generated.exitCode, generated.stderr).toBe(0);
    const built = await runLade(["--root", store, "build", "-q", "-t", NEXT, "--registry-mirror", `registry.k8s.io=${origin.host}`, context]);
    expect(built.exitCode, built.stderr).toBe(0);

    const cluster = [master, second, node];
    const counts = new Map(cluster.map((host) => [host, calls(host).length]));
    const systemdCalls = (host: LabHost) => hostFile(host, "/run/fake-systemd/calls").split("\n");
    const systemdCounts = new Map(cluster.map((host) => [host, systemdCalls(host).length]));
    // the node's password comes from the Clusterfile lade run kept
    const upgraded = await lade(["upgrade", NEXT, "--data-dir", dataDir]);
    expect(upgraded.exitCode, upgraded.stdout + upgraded.stderr).toBe(0);
    const since = (host: LabHost) => calls(host).slice(counts.get(host)).filter((line) => !line.includes(" get nodes "));
    const kubectl = "kubectl --kubeconfig /etc/kubernetes/admin.conf";
    const drainAndUncordon = (name: string) => [`${kubectl} drain ${name} --ignore-daemonsets --delete-emptydir-data --timeout=300s`, `${kubectl} uncordon ${name}`];
    expect(since(master)).toEqual(["kubeadm upgrade plan v1.28.15", "kubeadm upgrade apply -y v1.28.15", ...drainAndUncordon("master-a"), ...drainAndUncordon("master-b"), ...drainAndUncordon("node-c")]);
    expect(since(second)).toEqual(["kubeadm upgrade node"]);
    expect(since(node)).toEqual(["kubeadm upgrade node"]);
    for (const host of cluster) {
      // the new rootfs, its kubelet installed, containerd and the kubelet restarted
      expect(hostFile(host, `${HOST_DIR}/rootfs/etc/lade-rootfs.env`)).toContain("LADE_K8S_VERSION=v1.28.15");
      expect(hostFile(host, "/usr/bin/kubelet")).toContain("kubelet v1.28.15");
      const restarted = systemdCalls(host).slice(systemdCounts.get(host)! - 1);
      expect(restarted).toContain("restart containerd.service");
      expect(restarted.slice(-2)).toEqual(["restart kubelet", ""]);
      expect((await host.exec(["ctr", "--connect-timeout", "5s", "--address", "/run/containerd/containerd.sock", "version"])).exitCode).toBe(0);
    }
    // the registries serve the new version's images; containerd on the node pulls one through them
    const pulled = await criPullImage(`/proc/${node.pid}/root/run/containerd/containerd.sock`, "registry.k8s.io/kube-apiserver:v1.28.15");
    expect(pulled.status, pulled.message).toBe(0);
    const state = JSON.parse(readFileSync(join(dataDir, "state.json"), "utf8"));
    expect(state).toMatchObject({ image: `docker.io/library/${NEXT}`, kubeVersion: "v1.28.15" });
    const status = await lade(["status", "--data-dir", dataDir, "--offline"]);
    expect(status.stdout).toContain("  version   Kubernetes v1.28.15");
  }, 240_000);

  test("delete --nodes drains and deletes the node on master0 and restores it; delete --all restores the masters", async () => {
    const masterCalls = calls(master).length;
    const refused = await lade(["delete", "--data-dir", dataDir, "--nodes", node.ip]);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain(`${node.ip} was reached with a password: give it again with --ssh-password-stdin (or -f with the Clusterfile)`);

    const dry = await lade(["delete", "--data-dir", dataDir, "--nodes", node.ip, "--ssh-password-stdin", "--dry-run"], `${PASSWORD}\n`);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("SSH_ASKPASS_REQUIRE=force");
    expect(dry.stdout).not.toContain(PASSWORD);
    // the Clusterfile's ssh.passwd, as lade run had it
    const removed = await lade(["delete", "--data-dir", dataDir, "--nodes", node.ip, "-f", clusterfile]);
    expect(removed.exitCode, removed.stdout + removed.stderr).toBe(0);
    expect(calls(master).slice(masterCalls).map((line) => line.split(" ").slice(0, 4).join(" "))).toEqual([
      "kubectl --kubeconfig /etc/kubernetes/admin.conf get",
      "kubectl --kubeconfig /etc/kubernetes/admin.conf drain",
      "kubectl --kubeconfig /etc/kubernetes/admin.conf delete",
    ]);
    expect(calls(master).at(-1)).toBe("kubectl --kubeconfig /etc/kubernetes/admin.conf delete node node-c");
    expect(calls(node).at(-1)).toBe("kubeadm reset -f");
    expect(await snapshot(node)).toEqual(before.get(node.name)!);
    expect(await node.sh(SYSCTLS)).toBe(sysctlsBefore.get(node.name)!);
    // (the hosts share the machine's process list: whether the node's containerd answers tells)
    expect((await node.exec(["ctr", "--connect-timeout", "2s", "--address", "/run/containerd/containerd.sock", "version"])).exitCode).not.toBe(0);

    const all = await lade(["delete", "--data-dir", dataDir, "--all"]);
    expect(all.exitCode, all.stdout + all.stderr).toBe(0);
    for (const host of [master, second]) {
      expect(await snapshot(host)).toEqual(before.get(host.name)!);
      expect(await host.sh(SYSCTLS)).toBe(sysctlsBefore.get(host.name)!);
      expect((await host.exec(["bash", "-c", `exec 3<>/dev/tcp/${host.ip}/5000`])).exitCode).not.toBe(0);
    }
    expect(existsSync(dataDir)).toBe(false);
  }, 120_000);

  test("lade run ARCHIVE on the machine itself: a single-node cluster from a saved image, and lade delete restores the machine", async () => {
    // what an offline user does: copy lade and the archive to the host, run there
    const archive = join(work, "cluster.tar");
    const saved = await runLade(["--root", store, "save", "-o", archive, IMAGE]);
    expect(saved.exitCode, saved.stderr).toBe(0);
    const onSolo = (args: readonly string[]) => solo.exec([process.execPath, MAIN, "--root", join(work, "solo-store"), ...args]);
    const installed = await onSolo(["run", archive, "--env", `LADE_REGISTRY_USER=${REGISTRY_USER}`, "--env", `LADE_REGISTRY_PASSWORD=${REGISTRY_PASSWORD}`]);
    expect(installed.exitCode, installed.stderr.slice(-3000)).toBe(0);
    expect(installed.stdout).toContain(`address ${solo.ip}; swap off; ports 6443, 2379, 2380, 10250, 10257, 10259, 5000 free`); // eth0's address, found
    const state = JSON.parse(hostFile(solo, "/var/lib/lade/clusters/default/state.json"));
    expect(state.done).toEqual(["check-host", "unpack-rootfs", "render-templates", "kubeadm-config", "init-node", "kubeadm-init", "launch-web", "plugin-mark-after-install"]);
    expect(hostFile(solo, "/var/lib/lade/clusters/default/rootfs/plugin-ran")).toBe(`plugin on ${solo.ip}\n`);
    expect(calls(solo)).toEqual(["kubeadm init --config /var/lib/lade/clusters/default/kubeadm.yaml --upload-certs", "kubectl apply -f -"]);
    const chart = await runLade(["render", "chart", join(work, "context", "charts", "web"), "--name", "web", "--include-crds", "--kube-version", "v1.27.3"]);
    expect(readFileSync(join(logOf(solo), "applied.yaml"), "utf8")).toBe(chart.stdout);
    const rendered = await runLade(["--root", store, "render", "kubeadm", IMAGE, "--role", "master0", "--node", solo.ip]);
    expect(readFileSync(join(logOf(solo), "init-config.yaml"), "utf8")).toBe(rendered.stdout);
    // the registry runs here, on 127.0.0.1, and containerd pulls through it
    expect(hostFile(solo, "/etc/hosts")).toContain("127.0.0.1 sea.hub # lade-registry");
    const pulled = await criPullImage(`/proc/${solo.pid}/root/run/containerd/containerd.sock`, "registry.k8s.io/etcd:3.5.7-0");
    expect(pulled.status, pulled.message).toBe(0);

    const deleted = await onSolo(["delete"]);
    expect(deleted.exitCode, deleted.stdout + deleted.stderr).toBe(0);
    expect(await snapshot(solo)).toEqual(before.get(solo.name)!);
    expect(await solo.sh(SYSCTLS)).toBe(sysctlsBefore.get(solo.name)!);
  }, 120_000);
});
