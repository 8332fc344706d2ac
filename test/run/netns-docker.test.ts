import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parsePlatform } from "../../src/oci/platform.ts";
import { hasDockerRegistry, startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { buildFixture } from "../support/build-fixture.ts";
import { FAKE_KUBEADM, FAKE_KUBECTL } from "../support/kube-stand-ins.ts";
import { labUnavailableReason, startLab, type Lab, type LabHost } from "../support/netns-lab.ts";
import { runLade } from "../support/run-lade.ts";
import { copyWithinRegistry, hasSkopeo, seedImage, skopeo } from "../support/seed-images.ts";
import { tempDir } from "../support/temp-dir.ts";
import { fakeBinSource } from "../rootfs/fake-bin-source.ts";
import { plan } from "../rootfs/rootfs-fixtures.ts";

/**
 * The docker path on a real dockerd: Debian's docker.io (dockerd 20.10 with its containerd and
 * runc) in a base image that `lade rootfs` made for Kubernetes v1.22 (docker is its default
 * runtime, with the kubelet's dockershim), installed by `lade run` on two lab hosts
 * (test/support/netns-lab.ts) and removed by `lade delete`. kubeadm and kubectl are the only
 * stand-ins. dockerd stores images with overlay2 (the lab's /var is a folder of this machine's
 * ext4) and uses cgroupfs (no systemd runs in the lab): both set the way a sealer user sets them,
 * `COPY daemon.json etc/`, which is also what this proves takes effect.
 */
const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");
const VERSION = "v1.22.15";
const BASE = `cluster-docker:${VERSION}`;
/** The base with sealer's etc/registry.yml on top: the registry gets an account. */
const WITH_ACCOUNT = `cluster-docker-account:${VERSION}`;
const REGISTRY = "sea.hub:5000";
const REGISTRY_USER = "puller";
const REGISTRY_PASSWORD = "D0cker-pw";
/** A program docker runs from the image's registry (static: the image has nothing else). */
const HELLO_SOURCE = '#include <stdio.h>\nint main(int argc, char **argv) { printf("hello from %s\\n", argc > 1 ? argv[1] : "lade"); return 0; }\n';
const DOCKER_PROGRAMS = {
  dockerd: "/usr/sbin/dockerd",
  docker: "/usr/bin/docker",
  containerd: "/usr/bin/containerd",
  "containerd-shim-runc-v2": "/usr/bin/containerd-shim-runc-v2",
  ctr: "/usr/bin/ctr",
  runc: "/usr/sbin/runc",
  "docker-init": "/usr/bin/docker-init",
  "docker-proxy": "/usr/sbin/docker-proxy",
};
/** Written by the machine, not by lade: logins (sshd). */
const NOT_LADES = ["/var/log/wtmp", "/var/log/btmp", "/var/log/lastlog"];

function missingTool(): string | undefined {
  if (!hasDockerRegistry() || !hasSkopeo()) return "needs docker-registry and skopeo";
  for (const path of Object.values(DOCKER_PROGRAMS)) if (!Bun.which(path)) return `needs ${path} (Debian's docker.io)`;
  for (const tool of ["iptables", "gcc"]) if (!Bun.which(tool)) return `needs ${tool}`;
  return undefined;
}
const reason = labUnavailableReason() ?? missingTool();

describe.skipIf(reason !== undefined)("the docker path on a real dockerd, in network-namespace hosts", () => {
  let origin: DockerRegistry;
  let lab: Lab;
  let master: LabHost;
  let node: LabHost;
  let hello: string;
  let upstreamNames: string[];
  const work = tempDir("lade-netns-docker-");
  const store = join(work, "store");
  const clusterfile = join(work, "Clusterfile");
  const logs = ["master", "node"].map((name) => join(work, `kube-${name}`));
  const before = new Map<string, string>();

  const lade = (args: readonly string[]) => lab.exec([process.execPath, MAIN, "--root", store, ...args], { env: { SOURCE_DATE_EPOCH: undefined, LADE_ROOT: undefined } });
  const hostFile = (host: LabHost, path: string) => readFileSync(`/proc/${host.pid}/root${path}`, "utf8");
  /** Everything a run could leave behind: files, iptables rules, network links. */
  const hostState = async (host: LabHost) => {
    const files = [...(await host.snapshot({ exclude: NOT_LADES })).entries()].map(([path, entry]) => `${path} ${entry}`);
    // (iptables -S, not iptables-save: that prints a table only once something loaded it)
    const rules = (await host.sh("iptables -S; iptables -t nat -S")).split("\n");
    const links = (await host.sh("ip -o link show")).split("\n").map((line) => line.replace(/^\d+: /, "").split(" ")[0]);
    return [...files, ...rules, ...links].join("\n");
  };
  const docker = (host: LabHost, command: string) => host.exec(["bash", "-c", `docker ${command}`]);

  beforeAll(async () => {
    origin = await startDockerRegistry();
    const real = (path: string) => new Uint8Array(readFileSync(Bun.which(path)!));
    const programs: Record<string, Uint8Array> = Object.fromEntries(Object.entries(DOCKER_PROGRAMS).map(([name, path]) => [name, real(path)]));
    const binSource = await fakeBinSource(plan(VERSION, "docker", ["amd64"]), ["amd64"], {
      programs: {
        ...programs,
        kubeadm: new TextEncoder().encode(FAKE_KUBEADM),
        kubectl: new TextEncoder().encode(FAKE_KUBECTL),
        lade: new TextEncoder().encode(`#!/bin/sh\nexec ${process.execPath} ${MAIN} "$@"\n`),
      },
    });
    const context = join(work, "context");
    const generated = await runLade(["--root", store, "rootfs", "--k8s-version", VERSION, "--cri", "docker", "--arch", "amd64", "--cni", "none", "--bin-source", binSource, "-o", context]);
    expect(generated.exitCode, generated.stderr).toBe(0);

    // stand-ins for the upstream registries: one small image under every path of the image list
    const imageList = join(context, "imageList");
    const listed = readFileSync(imageList, "utf8").split("\n").map((line) => line.trim()).filter((line) => line && !line.startsWith("#"));
    await seedImage(origin, "seed/base:1", { layerSizes: [2000] });
    await copyWithinRegistry(origin.host, "seed/base:1", listed.map((ref) => ref.slice(ref.indexOf("/") + 1)));
    const domain = listed[0]!.split("/")[0]!;
    // an image docker can run: a static program, built by lade FROM scratch, pushed with skopeo
    hello = `${domain}/lab/hello:v1`;
    await pushHello(origin, work);
    writeFileSync(imageList, `${readFileSync(imageList, "utf8").trimEnd()}\n${hello}\n`);
    upstreamNames = [...listed, hello];

    // a sealer user's docker settings: `COPY daemon.json etc/`
    writeFileSync(join(context, "daemon.json"), JSON.stringify({ "exec-opts": ["native.cgroupdriver=cgroupfs"], "storage-driver": "overlay2", "log-opts": { "max-size": "10m" } }));
    writeFileSync(join(context, "Kubefile"), `${readFileSync(join(context, "Kubefile"), "utf8").trimEnd()}\nCOPY daemon.json etc/\n`);
    const built = await runLade(["--root", store, "build", "-q", "-t", BASE, "--registry-mirror", `${domain}=${origin.host}`, context]);
    expect(built.exitCode, built.stderr).toBe(0);
    expect(built.stderr).toContain("docker uses the cgroupfs cgroup driver but the kubelet is set up for systemd");

    const child = join(work, "with-account");
    mkdirSync(child);
    writeFileSync(join(child, "Kubefile"), `FROM ${BASE}\nCOPY registry.yml etc/\n`);
    writeFileSync(join(child, "registry.yml"), `domain: sea.hub\nport: "5000"\nusername: ${REGISTRY_USER}\npassword: ${REGISTRY_PASSWORD}\n`);
    const childBuilt = await runLade(["--root", store, "build", "-q", "-t", WITH_ACCOUNT, child]);
    expect(childBuilt.exitCode, childBuilt.stderr).toBe(0);

    for (const dir of logs) mkdirSync(dir, { recursive: true });
    // a fresh host has no docker: the machine's own docker client is hidden from the hosts
    lab = await startLab(logs.map((log) => ({ env: { LADE_FAKE_KUBE: log }, hide: ["/usr/local/bin/docker"] })));
    [master, node] = lab.hosts as [LabHost, LabHost];
    writeFileSync(
      clusterfile,
      [
        "apiVersion: sealer.io/v2",
        "kind: Cluster",
        "metadata:",
        "  name: docker-lab",
        "spec:",
        "  hosts:",
        `  - ips: [${master.ip}]`,
        "    roles: [master]",
        `    ssh: {pk: ${lab.clientKey}}`,
        `  - ips: [${node.ip}]`,
        "    roles: [node]",
        `    ssh: {pk: ${lab.clientKey}}`,
        "  env:",
        // the kubelet follows docker's cgroup driver (the build's warning says so)
        "  - CgroupDriver=cgroupfs",
        "",
      ].join("\n"),
    );
    for (const host of lab.hosts) before.set(host.name, await hostState(host));
  }, 300_000);

  afterAll(async () => {
    await lab?.stop();
    await origin?.stop();
  });

  async function install(image: string, dataDir: string): Promise<void> {
    const run = await lade(["run", image, "-f", clusterfile, "--data-dir", dataDir, "--known-hosts", lab.knownHosts]);
    expect(run.exitCode, (run.stdout + run.stderr).slice(-4000)).toBe(0);
    for (const host of [master, node]) {
      // sealer's daemon.json took effect on the real dockerd
      expect((await docker(host, "info --format '{{.Driver}} {{.CgroupDriver}}'")).stdout.trim()).toBe("overlay2 cgroupfs");
      const daemon = JSON.parse(hostFile(host, "/etc/docker/daemon.json"));
      expect(daemon["registry-mirrors"]).toContain(`https://${REGISTRY}`);
      expect(hostFile(host, `/etc/docker/certs.d/${REGISTRY}/ca.crt`)).toBe(hostFile(master, "/etc/lade/registry/ca.crt"));
      // docker.sh pulled every image of the list from the node registry, under its upstream name
      for (const name of upstreamNames) expect(`${name}: ${(await docker(host, `image inspect --format ok ${name}`)).stdout.trim()}`).toBe(`${name}: ok`);
      expect((await docker(host, `run --rm ${hello} /hello ${host.name}`)).stdout).toBe(`hello from ${host.name}\n`);
    }
    // the kubelet talks to docker with the driver docker uses
    expect(readFileSync(join(logs[0]!, "init-config.yaml"), "utf8")).toContain("cgroupDriver: cgroupfs");
  }

  async function removeAndCheck(dataDir: string): Promise<void> {
    const deleted = await lade(["delete", "--data-dir", dataDir, "--all"]);
    expect(deleted.exitCode, (deleted.stdout + deleted.stderr).slice(-4000)).toBe(0);
    for (const host of [master, node]) {
      expect((await docker(host, "info")).exitCode).not.toBe(0);
      expect(await hostState(host)).toBe(before.get(host.name)!);
    }
  }

  test("without an account: docker pulls and runs the image's images through the node registry; delete leaves files, iptables and links as they were", async () => {
    const dataDir = join(work, "data-plain");
    await install(BASE, dataDir);
    const pulled = await docker(node, `pull -q ${REGISTRY}/lab/hello:v1`);
    expect(pulled.exitCode, pulled.stderr).toBe(0);
    // dockerd added its chains and bridge: they are what delete must take away again
    expect(await node.sh("iptables -S")).toContain("-N DOCKER");
    await removeAndCheck(dataDir);
  }, 300_000);

  test("with sealer's etc/registry.yml account: docker logs in, pulls without it are refused; delete logs out and leaves the hosts as they were", async () => {
    const dataDir = join(work, "data-account");
    await install(WITH_ACCOUNT, dataDir);
    expect(JSON.parse(hostFile(node, "/root/.docker/config.json")).auths).toHaveProperty([REGISTRY]);
    expect((await docker(node, `logout ${REGISTRY}`)).exitCode).toBe(0);
    const registryLog = () => hostFile(master, "/run/fake-systemd/lade-registry.service.log");
    const seen = registryLog().length;
    const refused = await docker(node, `pull ${REGISTRY}/lab/hello:v1`);
    expect(refused.exitCode).not.toBe(0);
    // (docker's message is its plain-HTTP retry's: it counts 127.0.0.0/8 as insecure registries)
    expect(registryLog().slice(seen)).toContain(`${node.ip} GET /v2/ 401`);
    const login = await node.exec(["docker", "login", REGISTRY, "-u", REGISTRY_USER, "--password-stdin"], { stdin: REGISTRY_PASSWORD });
    expect(login.exitCode, login.stderr).toBe(0);
    expect((await docker(node, `pull -q ${REGISTRY}/lab/hello:v1`)).exitCode).toBe(0);
    await removeAndCheck(dataDir);
  }, 300_000);
});

/** Compile the hello program statically, build it into an image with lade, push it to ORIGIN as lab/hello:v1. */
async function pushHello(origin: DockerRegistry, work: string): Promise<void> {
  const context = join(work, "hello");
  mkdirSync(context);
  writeFileSync(join(context, "hello.c"), HELLO_SOURCE);
  const compiled = Bun.spawnSync(["gcc", "-static", "-Os", "-s", "-o", join(context, "hello"), join(context, "hello.c")], { stderr: "pipe" });
  if (compiled.exitCode !== 0) throw new Error(`gcc: ${compiled.stderr.toString()}`);
  writeFileSync(join(context, "Kubefile"), "FROM scratch\nCOPY hello /hello\n");
  const helloStore = join(work, "hello-store");
  await buildFixture(helloStore, context, { tag: "hello:v1", platforms: [parsePlatform("linux/amd64")] });
  await skopeo(["copy", "--quiet", "--dest-tls-verify=false", `oci:${helloStore}:docker.io/library/hello:v1`, `docker://${origin.host}/lab/hello:v1`]);
}
