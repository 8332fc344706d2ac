import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { kubeadmImages } from "../../src/rootfs/kubeadm-images.ts";
import { resolveKubernetesRelease } from "../../src/rootfs/kubernetes-release.ts";
import { hasDockerRegistry, startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { runLade } from "../support/run-lade.ts";
import { copyWithinRegistry, hasSkopeo, seedImage } from "../support/seed-images.ts";
import { hasSshd, startSshHosts, writeFile, type SshHosts } from "../support/ssh-hosts.ts";
import { tempDir } from "../support/temp-dir.ts";

/**
 * lade upgrade on three hosts over real SSH (master0 and two nodes, see ssh-hosts.ts), from a
 * v1.27.3 cluster image to a v1.28.15 one: stand-ins for kubeadm, kubectl and systemctl log every
 * call, with the host, to one file, so the exact calls and their order are asserted.
 */
const work = tempDir("lade-upgrade-");
const store = join(work, "store");
const bin = join(work, "bin");
const calls = join(work, "calls");
const failDrain = join(work, "fail-drain");
const dataDir = join(work, "data");
const HOST_DIR = "/var/lib/lade/node";
const FROM = "v1.27.3";
const TO = "v1.28.15";
const SKIP = "v1.29.15";
const available = hasSshd() && hasDockerRegistry() && hasSkopeo();
let origin: DockerRegistry | undefined;
let lab: SshHosts | undefined;
const names = ["master-a", "node-b", "node-c"];
const ips = ["127.0.0.2", "127.0.0.3", "127.0.0.4"];

/** A context for a cluster image of VERSION: node scripts that log, kubeadm's images of it in the image list (unless left out). */
async function buildImage(version: string, tag: string, withImages: boolean): Promise<void> {
  const context = join(work, `context-${version}`);
  writeFile(
    join(context, "Kubefile"),
    `FROM scratch\nCOPY etc etc\nCOPY scripts scripts\nCOPY bin bin\nLABEL cluster.alpha.sealer.io/cluster-runtime-version=${version}\nLABEL cluster.alpha.sealer.io/container-runtime-type=containerd\n`,
  );
  writeFile(join(context, "etc", "version"), `${version}\n`);
  writeFile(join(context, "etc", "kubeadm.yml.tmpl"), `apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: ${version}\n`);
  writeFile(join(context, "bin", "kubeadm"), `#!/bin/sh\necho "kubeadm of ${version}"\n`, 0o755);
  writeFile(
    join(context, "scripts", "init.sh"),
    [
      `echo "$(basename "$LADE_NODE_ROOT") init.sh $(cat ../etc/version) registry=$LADE_REGISTRY_IP here=$LADE_WITH_REGISTRY" >> ${calls}`,
      'if [ "$LADE_WITH_REGISTRY" = 1 ]; then mkdir -p "$LADE_NODE_ROOT/etc/lade/registry"; echo "-----BEGIN CERTIFICATE-----" > "$LADE_NODE_ROOT/etc/lade/registry/ca.crt"; fi',
      "",
    ].join("\n"),
    0o755,
  );
  writeFile(join(context, "scripts", "clean.sh"), "true\n", 0o755);
  const args = ["--root", store, "build", "-q", "-t", tag];
  if (withImages) {
    const list = join(work, `images-${version}.txt`);
    writeFileSync(list, `${kubeadmImages(resolveKubernetesRelease(version)).join("\n")}\n`);
    args.push("--image-list", list, "--registry-mirror", `registry.k8s.io=${origin!.host}`);
  }
  const built = await runLade([...args, context]);
  expect(built.exitCode, built.stderr).toBe(0);
}

beforeAll(async () => {
  if (!available) return;
  origin = await startDockerRegistry();
  await seedImage(origin, "seed/base:1", { layerSizes: [500] });
  const paths = [FROM, TO].flatMap((version) => kubeadmImages(resolveKubernetesRelease(version)).map((reference) => reference.replace(/^registry\.k8s\.io\//, "")));
  await copyWithinRegistry(origin.host, "seed/base:1", paths);
  const logCall = (what: string) => `echo "$(basename "$LADE_NODE_ROOT") ${what}" >> ${calls}`;
  writeFile(
    join(bin, "kubeadm"),
    [
      "#!/bin/sh",
      logCall("kubeadm $*"),
      'case "$*" in',
      '  "token create --print-join-command") echo "kubeadm join 127.0.0.2:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:1111" ;;',
      "esac",
      "",
    ].join("\n"),
    0o755,
  );
  writeFile(
    join(bin, "kubectl"),
    [
      "#!/bin/sh",
      'case "$*" in',
      `  *"get nodes"*) printf '${names.map((name, index) => `${name} ${ips[index]}`).join("\\n")}\\n'; exit 0 ;;`,
      "esac",
      logCall("kubectl $*"),
      `case "$*" in *"drain node-c"*) if [ -e ${failDrain} ]; then echo "error: cannot evict pod web-1: the disruption budget allows none" >&2; exit 1; fi ;; esac`,
      "",
    ].join("\n"),
    0o755,
  );
  writeFile(join(bin, "systemctl"), `#!/bin/sh\n${logCall("systemctl $*")}\n`, 0o755);
  await buildImage(FROM, "cluster:1.27", true);
  await buildImage(TO, "cluster:1.28", true);
  await buildImage(SKIP, "cluster:1.29", false);
  lab = await startSshHosts(
    work,
    ips.map((ip, index) => ({ ip, root: join(work, names[index]!), path: [bin] })),
  );
});

afterAll(async () => {
  lab?.stop();
  await origin?.stop();
});

const callLines = () => (existsSync(calls) ? readFileSync(calls, "utf8").split("\n").filter(Boolean) : []);
const KUBECTL = "kubectl --kubeconfig /etc/kubernetes/admin.conf";
const DRAIN = "--ignore-daemonsets --delete-emptydir-data --timeout=300s";
/** What kubeadm's upgrade guide has each host go through, after the control plane is upgraded. */
const hostTurn = (index: number, registry: string) => [
  `master-a ${KUBECTL} drain ${names[index]} ${DRAIN}`,
  `${names[index]} init.sh ${TO} registry=127.0.0.2 here=${registry}`,
  `${names[index]} systemctl daemon-reload`,
  `${names[index]} systemctl restart kubelet`,
  `master-a ${KUBECTL} uncordon ${names[index]}`,
];

describe.skipIf(!available)("lade upgrade over SSH", () => {
  const ssh = () => ["--ssh-key", lab!.clientKey, "--known-hosts", lab!.knownHosts];
  const upgrade = (...extra: string[]) => runLade(["--root", store, "upgrade", "--data-dir", dataDir, ...extra]);

  test("v1.27 → v1.28: checks first, a skipped minor refused, a failed drain resumed there, the exact kubeadm/kubectl calls in order", async () => {
    const clusterfile = join(work, "Clusterfile");
    writeFile(
      clusterfile,
      `apiVersion: sealer.io/v2\nkind: Cluster\nmetadata:\n  name: t\nspec:\n  hosts:\n` +
        lab!.hosts.map((host, index) => `  - ips: [${host.ip}]\n    roles: [${index === 0 ? "master" : "node"}]\n    ssh: {port: "${host.port}"}\n`).join(""),
    );
    const installed = await runLade(["--root", store, "run", "cluster:1.27", "-f", clusterfile, "--data-dir", dataDir, ...ssh()]);
    expect(installed.exitCode, installed.stdout + installed.stderr).toBe(0);
    // lade run keeps its Clusterfile (private) and the image's version for the day-2 commands
    expect(readFileSync(join(dataDir, "Clusterfile"), "utf8")).toBe(readFileSync(clusterfile, "utf8"));
    const installedState = readFileSync(join(dataDir, "state.json"), "utf8");
    expect(JSON.parse(installedState)).toMatchObject({ kubeVersion: FROM, cri: "containerd" });
    const afterRun = callLines().length;

    // a skipped minor (and an image without kubeadm's images) is refused before anything changes
    const skip = await upgrade("cluster:1.29");
    expect(skip.exitCode).toBe(1);
    expect(skip.stderr).toContain("Nothing was changed: lade upgrade to docker.io/library/cluster:1.29 cannot go on:");
    expect(skip.stderr).toContain(`${FROM} → ${SKIP} skips v1.28: kubeadm upgrades one minor at a time. Upgrade to an image of ${TO} first`);
    expect(skip.stderr).toContain(`has no registry.k8s.io/kube-apiserver:${SKIP} in its registry`);
    expect(callLines().length).toBe(afterRun);
    expect(readFileSync(join(dataDir, "state.json"), "utf8")).toBe(installedState);

    const dry = await upgrade("cluster:1.28", "--dry-run");
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`Upgrading the cluster of 127.0.0.2 from ${FROM} (docker.io/library/cluster:1.27) to ${TO} (docker.io/library/cluster:1.28)`);
    expect(dry.stdout).toContain(`kubeadm upgrade apply -y ${TO}`);
    expect(dry.stdout).toContain("== upgrade the nodes, one at a time");
    expect(callLines().length).toBe(afterRun);
    expect(readFileSync(join(dataDir, "state.json"), "utf8")).toBe(installedState);

    // node-c's drain fails: the run stops there
    writeFileSync(failDrain, "");
    const failed = await upgrade("cluster:1.28");
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain('[127.0.0.4] Step "drain" failed');
    const firstRun = callLines().slice(afterRun);
    expect(firstRun).toEqual([
      `master-a kubeadm upgrade plan ${TO}`,
      `master-a kubeadm upgrade apply -y ${TO}`,
      ...hostTurn(0, "1"),
      "node-b kubeadm upgrade node",
      ...hostTurn(1, "0"),
      "node-c kubeadm upgrade node",
      `master-a ${KUBECTL} drain node-c ${DRAIN}`,
    ]);
    // the new kubeadm went in before kubeadm upgrade ran on each host
    for (const name of names) expect(readFileSync(join(work, name, "usr", "bin", "kubeadm"), "utf8")).toBe(`#!/bin/sh\necho "kubeadm of ${TO}"\n`);
    const stopped = JSON.parse(readFileSync(join(dataDir, "state.json"), "utf8"));
    expect(stopped.image).toBe("docker.io/library/cluster:1.27");
    expect(stopped.upgrade).toMatchObject({ image: "docker.io/library/cluster:1.28", from: FROM, to: TO });
    expect(stopped.upgrade.hosts["127.0.0.4"]).toEqual(["copy-rootfs", "render-templates", "upgrade-kubeadm", "upgrade-node"]);

    // another image while this upgrade is unfinished is refused
    const other = await upgrade("cluster:1.29");
    expect(other.stderr).toContain('The upgrade to docker.io/library/cluster:1.28 (v1.28.15) did not finish: run "lade upgrade docker.io/library/cluster:1.28" again');

    // the rerun goes on at node-c's drain, and nothing done is done again
    rmSync(failDrain);
    const resumed = await upgrade("cluster:1.28");
    expect(resumed.exitCode, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain("[127.0.0.2] upgrade-apply: kubeadm upgrade apply v1.28.15");
    expect(resumed.stdout).toContain("done already, skipped");
    expect(callLines().slice(afterRun + firstRun.length)).toEqual(hostTurn(2, "0"));
    expect(resumed.stdout).toContain(`Upgraded 127.0.0.2, 127.0.0.3, 127.0.0.4 to ${TO} (docker.io/library/cluster:1.28)`);

    // the cluster is the new image's now: on every host, in the state, in DATA_DIR (for lade join)
    for (const name of names) expect(readFileSync(join(work, name, HOST_DIR, "rootfs", "etc", "version"), "utf8")).toBe(`${TO}\n`);
    const done = JSON.parse(readFileSync(join(dataDir, "state.json"), "utf8"));
    expect(done).toMatchObject({ image: "docker.io/library/cluster:1.28", kubeVersion: TO });
    expect(done.upgrade).toBeUndefined();
    expect(done.upgrades).toEqual([expect.objectContaining({ image: "docker.io/library/cluster:1.28", from: FROM, to: TO })]);
    expect(readFileSync(join(dataDir, "rootfs-amd64", "etc", "version"), "utf8")).toBe(`${TO}\n`);
    expect(existsSync(join(dataDir, "upgrade-rootfs-amd64"))).toBe(false);

    // back to the older image: refused
    const back = await upgrade("cluster:1.27");
    expect(back.exitCode).toBe(1);
    expect(back.stderr).toContain(`the image holds ${FROM}, older than the installed ${TO}: kubeadm upgrades forward only`);
  }, 240_000);
});
