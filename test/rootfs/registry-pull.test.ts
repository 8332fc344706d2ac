import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { closeSync, cpSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderHtpasswd } from "../../src/rootfs/render-htpasswd.ts";
import { hasDockerRegistry, startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { hasHtpasswd, hasOpenssl, selfSignedCertificate, startLadeRegistry, type LadeRegistry } from "../support/lade-registry.ts";
import { hasSkopeo, seedImage } from "../support/seed-images.ts";
import { tempDir } from "../support/temp-dir.ts";
import { criPullImage } from "./cri-client.ts";
import { generateContext, plan } from "./rootfs-fixtures.ts";

const available = hasDockerRegistry() && hasSkopeo() && hasOpenssl() && hasHtpasswd() && Bun.which("containerd") !== null && process.getuid?.() === 0;

/** A real containerd running the generated config.toml, with only its paths moved into `dir`. */
async function startGeneratedContainerd(configText: string, dir: string, certsDir: string) {
  const socket = join(dir, "containerd.sock");
  const adapted = configText
    .replace('root = "/var/lib/containerd"', `root = ${JSON.stringify(join(dir, "root"))}`)
    .replace('state = "/run/containerd"', `state = ${JSON.stringify(join(dir, "state"))}\ndisabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]`)
    .replace('address = "/run/containerd/containerd.sock"', `address = ${JSON.stringify(socket)}\n\n[ttrpc]\n  address = ${JSON.stringify(`${socket}.ttrpc`)}\n\n[metrics]\n  address = ""\n\n[plugins."io.containerd.internal.v1.opt"]\n  path = ${JSON.stringify(join(dir, "opt"))}`)
    .replace('config_path = "/etc/containerd/certs.d"', `config_path = ${JSON.stringify(certsDir)}`);
  // only the machine's paths changed: sandbox image, runtimes, SystemdCgroup stay as generated
  expect(adapted.split("\n").length).toBe(configText.split("\n").length + 10);
  const config = join(dir, "config.toml");
  writeFileSync(config, adapted);
  const log = openSync(join(dir, "containerd.log"), "w");
  const child = Bun.spawn(["containerd", "--config", config], { stdin: "ignore", stdout: log, stderr: log });
  closeSync(log);
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const version = Bun.spawnSync(["ctr", "-a", socket, "version"], { stdout: "ignore", stderr: "ignore" });
    if (version.exitCode === 0) break;
    if (child.exitCode !== null) break;
    await Bun.sleep(50);
  }
  const stop = async () => {
    child.kill("SIGTERM");
    await child.exited;
    const mounts = readFileSync("/proc/mounts", "utf8").split("\n").map((line) => line.split(" ")[1] ?? "").filter((point) => point.startsWith(`${dir}/`)).sort().reverse();
    for (const point of mounts) Bun.spawnSync(["umount", "-l", point]);
    rmSync(dir, { recursive: true, force: true });
  };
  return { socket, child, stop, log: () => readFileSync(join(dir, "containerd.log"), "utf8") };
}

describe.skipIf(!available)("the generated runtime config pulls from the cluster's registry (lade serve registry)", () => {
  let origin: DockerRegistry;
  let registry: LadeRegistry;
  let certificate: ReturnType<typeof selfSignedCertificate>;

  beforeAll(async () => {
    // the registry folder: what docker-registry writes is the layout lade serve registry reads
    origin = await startDockerRegistry();
    await seedImage(origin, "pause:3.9", { platforms: ["linux/amd64"], layerSizes: [3000] });
    certificate = selfSignedCertificate();
    const htpasswd = join(tempDir(), "htpasswd");
    writeFileSync(htpasswd, await renderHtpasswd("admin", "s3cret"));
    registry = await startLadeRegistry(["--dir", origin.storage], { tls: { certificate: certificate.certificate, key: certificate.key }, htpasswd });
  });

  afterAll(async () => {
    await registry?.stop();
    await origin?.stop();
  });

  test("containerd with the generated config.toml pulls registry.k8s.io/pause:3.9 through the generated hosts.toml, never upstream", async () => {
    // the rootfs for this registry (127.0.0.1:PORT), installed by containerd.sh with the registry's user
    const { dir } = await generateContext(plan("v1.27.3", "containerd", ["amd64"], "127.0.0.1", registry.port));
    const machine = join(tempDir("lade-node-"), "root");
    const rootfs = join(machine, "var/lib/lade/rootfs");
    cpSync(join(dir, "rootfs"), rootfs, { recursive: true });
    cpSync(join(dir, "amd64"), rootfs, { recursive: true });
    mkdirSync(join(machine, "etc/systemd/system"), { recursive: true });
    const install = Bun.spawnSync(["bash", join(rootfs, "scripts/containerd.sh"), "install"], {
      env: { PATH: process.env.PATH, LADE_NODE_ROOT: machine, LADE_REGISTRY_USER: "admin", LADE_REGISTRY_PASSWORD: "s3cret" },
      stderr: "pipe",
    });
    expect(install.exitCode, install.stderr.toString()).toBe(0);
    const certsDir = join(machine, "etc/containerd/certs.d");
    expect(readdirSync(certsDir).sort()).toEqual(["127.0.0.1:" + registry.port, "docker.io", "quay.io", "registry.k8s.io"].sort());
    // the CA lives at /etc/lade/registry/ca.crt on a node; here it is the test's certificate
    for (const host of readdirSync(certsDir)) {
      const file = join(certsDir, host, "hosts.toml");
      writeFileSync(file, readFileSync(file, "utf8").replaceAll('ca = "/etc/lade/registry/ca.crt"', `ca = ${JSON.stringify(certificate.caFile)}`));
    }

    const containerd = await startGeneratedContainerd(readFileSync(join(machine, "etc/containerd/config.toml"), "utf8"), tempDir("lade-containerd-"), certsDir);
    try {
      const pulled = await criPullImage(containerd.socket, "registry.k8s.io/pause:3.9");
      expect(pulled.message).toBe("");
      expect(pulled.status).toBe(0);
      expect(pulled.imageRef).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(registry.stderr()).toMatch(/HEAD \/v2\/pause\/manifests\/3\.9 200/);
      expect(registry.stderr()).toMatch(/GET \/v2\/pause\/blobs\/sha256:[0-9a-f]{64} 200/);
      const images = Bun.spawnSync(["ctr", "-a", containerd.socket, "-n", "k8s.io", "images", "ls", "-q"], { stdout: "pipe" }).stdout.toString();
      expect(images).toContain("registry.k8s.io/pause:3.9");

      // an image the registry lacks fails at the registry, not on the internet
      const missing = await criPullImage(containerd.socket, "registry.k8s.io/kube-proxy:v1.27.3");
      expect(missing.status).not.toBe(0);
      expect(missing.message).toMatch(/not found/i);
      expect(missing.message).not.toMatch(/lookup|dial tcp/);
      // asked of the mirror, then of `server`: both the cluster's registry
      expect(registry.stderr().match(/HEAD \/v2\/kube-proxy\/manifests\/v1\.27\.3 404/g)?.length).toBe(2);

      // without the credentials the registry says no (hosts.toml changes need no restart)
      const hosts = join(certsDir, "quay.io", "hosts.toml");
      writeFileSync(hosts, readFileSync(hosts, "utf8").replace(/\n\[header\][^]*$/, "\n"));
      expect(readFileSync(hosts, "utf8")).not.toContain("Authorization");
      const refused = await criPullImage(containerd.socket, "quay.io/pause:3.9");
      expect(refused.status).not.toBe(0);
      expect(refused.message).toMatch(/401|unauthorized/i);
    } finally {
      await containerd.stop();
    }
  });

  test("the htpasswd of a generated rootfs is accepted by lade serve registry (and by Apache's htpasswd -v)", async () => {
    const { dir } = await generateContext(plan("v1.27.3", "containerd", ["amd64"]), { skipBinaries: true, credentials: { user: "builder", password: "pa55 word" } });
    const htpasswd = join(dir, "rootfs/etc/registry/htpasswd");
    const served = await startLadeRegistry(["--dir", origin.storage], { htpasswd, quiet: true });
    try {
      const ok = await fetch(`${served.url}/v2/pause/manifests/3.9`, { headers: { Authorization: `Basic ${btoa("builder:pa55 word")}`, Accept: "application/vnd.oci.image.manifest.v1+json" } });
      expect(ok.status).toBe(200);
      const wrong = await fetch(`${served.url}/v2/`, { headers: { Authorization: `Basic ${btoa("builder:nope")}` } });
      expect(wrong.status).toBe(401);
      await wrong.arrayBuffer();
      await ok.arrayBuffer();
    } finally {
      await served.stop();
    }
    // bcrypt, the only kind distribution accepts too
    const lines = readFileSync(htpasswd, "utf8");
    expect(lines).toMatch(/^builder:\$2b\$10\$/);
    const verified = Bun.spawnSync(["htpasswd", "-vb", htpasswd, "builder", "pa55 word"], { stderr: "pipe" });
    expect(verified.exitCode, verified.stderr.toString()).toBe(0);
  });
});
