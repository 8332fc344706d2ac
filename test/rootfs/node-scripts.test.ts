import { describe, expect, test } from "bun:test";
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ContainerRuntime } from "../../src/rootfs/component-versions.ts";
import { tempDir } from "../support/temp-dir.ts";
import { generateContext, listFiles, plan } from "./rootfs-fixtures.ts";

const available = Bun.which("systemctl") !== null && Bun.which("openssl") !== null && process.getuid?.() === 0;

/**
 * A machine tree for LADE_NODE_ROOT: a Debian-like /etc with a swap line in fstab, an /etc/hosts
 * without a final newline, a runc of the
 * distribution in /usr/bin (init replaces it, clean must put it back), other enabled units.
 */
function fakeMachine(): string {
  const root = join(tempDir("lade-node-"), "root");
  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write("etc/os-release", 'ID=debian\nVERSION_ID="12"\n');
  write("etc/hosts", "127.0.0.1 localhost"); // no newline at the end: init.sh adds one, clean.sh takes it away
  write("etc/fstab", "UUID=1234 / ext4 defaults 0 1\n/swapfile none swap sw 0 0\n");
  write("usr/bin/runc", "the distribution's runc\n");
  for (const target of ["multi-user.target.wants/ssh.service", "sockets.target.wants/dbus.socket"]) {
    mkdirSync(join(root, "etc/systemd/system", target, ".."), { recursive: true });
    symlinkSync(`/lib/systemd/system/${target.split("/")[1]}`, join(root, "etc/systemd/system", target));
  }
  mkdirSync(join(root, "var/lib"), { recursive: true });
  return root;
}

/** Every path under `root` (but the rootfs itself) with its mode and content or link target. */
function snapshot(root: string): string[] {
  return listAll(root)
    .filter((path) => path !== "var/lib/lade" && !path.startsWith("var/lib/lade/"))
    .map((path) => {
      const info = lstatSync(join(root, path));
      const mode = (info.mode & 0o7777).toString(8);
      if (info.isSymbolicLink()) return `${path} -> ${readlinkSync(join(root, path))}`;
      if (info.isDirectory()) return `${path}/ ${mode}`;
      return `${path} ${mode} ${new Bun.CryptoHasher("sha256").update(readFileSync(join(root, path))).digest("hex").slice(0, 16)}`;
    });
}

function listAll(root: string): string[] {
  const result = Bun.spawnSync(["find", ".", "-mindepth", "1"], { cwd: root, stdout: "pipe" });
  return result.stdout.toString().trim().split("\n").map((line) => line.slice(2)).sort();
}

/** The image's rootfs as it lands on a node: the rootfs/ tree, the arch folder, the image list, a registry folder. */
async function installRootfs(root: string, runtime: ContainerRuntime, skipBinaries = false): Promise<string> {
  const { dir } = await generateContext(plan("v1.27.3", runtime, ["amd64"]), { skipBinaries });
  const rootfs = join(root, "var/lib/lade/rootfs");
  cpSync(join(dir, "rootfs"), rootfs, { recursive: true });
  cpSync(join(dir, "amd64"), rootfs, { recursive: true });
  mkdirSync(join(rootfs, "manifests"), { recursive: true });
  cpSync(join(dir, "imageList"), join(rootfs, "manifests", "imageList"));
  mkdirSync(join(rootfs, "registry/docker/registry/v2/repositories"), { recursive: true });
  return rootfs;
}

function runScript(rootfs: string, root: string, script: string, env: Record<string, string> = {}) {
  const result = Bun.spawnSync(["bash", join(rootfs, "scripts", script)], {
    env: { PATH: process.env.PATH, LADE_NODE_ROOT: root, LADE_SKIP_ARCH_CHECK: "1", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: result.exitCode, log: result.stderr.toString() + result.stdout.toString() };
}

describe.skipIf(!available)("node scripts on a machine tree (LADE_NODE_ROOT)", () => {
  test.each(["containerd", "docker"] as const)("%s: init.sh installs everything, a second run changes nothing, clean.sh restores the machine", async (runtime) => {
    const root = fakeMachine();
    const before = snapshot(root);
    const rootfs = await installRootfs(root, runtime);

    // the Clusterfile's localRegistry.cert.subjectAltName, as lade run passes it
    const first = runScript(rootfs, root, "init.sh", { LADE_REGISTRY_SANS: "DNS:reg.example.com,IP:10.0.0.50" });
    expect(first.code, first.log).toBe(0);
    for (const step of ["1/5 host", "2/5 registry", "3/5 container runtime", "4/5 images", "5/5 kubelet", "==> done"]) expect(first.log).toContain(step);
    const installed = snapshot(root);
    const files = new Set(installed.map((line) => line.split(" ")[0]));
    for (const path of [
      "usr/bin/kubeadm", "usr/bin/kubelet", "usr/bin/kubectl", "usr/bin/crictl", "usr/bin/lade", "usr/bin/runc", "usr/bin/kubelet-pre-start.sh",
      "opt/cni/bin/bridge", "etc/crictl.yaml", "etc/kubernetes/audit-policy.yml",
      "etc/modules-load.d/lade-k8s.conf", "etc/sysctl.d/90-lade-k8s.conf",
      "etc/systemd/system/kubelet.service", "etc/systemd/system/kubelet.service.d/10-kubeadm.conf", "etc/systemd/system/lade-registry.service",
      "etc/lade/registry.env", "etc/lade/registry/tls.crt", "etc/lade/registry/tls.key", "etc/lade/registry/ca.crt",
    ]) expect(files.has(path), path).toBe(true);
    const enabled = installed.filter((line) => line.includes(".wants/") && !line.endsWith("/ 755")).map((line) => line.split(" ")[0]);
    if (runtime === "containerd") {
      for (const path of ["usr/bin/containerd", "etc/containerd/config.toml", "etc/containerd/certs.d/registry.k8s.io/hosts.toml", "etc/containerd/certs.d/sea.hub:5000/hosts.toml"]) expect(files.has(path), path).toBe(true);
      expect(enabled).toEqual([
        "etc/systemd/system/multi-user.target.wants/containerd.service",
        "etc/systemd/system/multi-user.target.wants/kubelet.service",
        "etc/systemd/system/multi-user.target.wants/lade-registry.service",
        "etc/systemd/system/multi-user.target.wants/ssh.service",
        "etc/systemd/system/sockets.target.wants/dbus.socket",
      ]);
    } else {
      for (const path of ["usr/bin/dockerd", "usr/bin/cri-dockerd", "etc/docker/daemon.json", "etc/docker/certs.d/sea.hub:5000/ca.crt", "etc/systemd/system/cri-docker.socket"]) expect(files.has(path), path).toBe(true);
      expect(enabled).toContain("etc/systemd/system/sockets.target.wants/cri-docker.socket");
      expect(enabled).toContain("etc/systemd/system/multi-user.target.wants/cri-docker.service");
      expect(enabled).toContain("etc/systemd/system/multi-user.target.wants/docker.service");
    }
    expect(readFileSync(join(root, "etc/hosts"), "utf8")).toBe("127.0.0.1 localhost\n127.0.0.1 sea.hub # lade-registry\n");
    expect(readFileSync(join(root, "etc/fstab"), "utf8")).toBe("UUID=1234 / ext4 defaults 0 1\n#lade-swap# /swapfile none swap sw 0 0\n");
    expect(readFileSync(join(root, "etc/lade/registry.env"), "utf8")).toContain(
      "LADE_REGISTRY_DIR=/var/lib/lade/rootfs/registry\nLADE_REGISTRY_ADDR=0.0.0.0:5000\nLADE_REGISTRY_ARGS=\n",
    );
    const certificate = Bun.spawnSync(["openssl", "x509", "-noout", "-text", "-in", join(root, "etc/lade/registry/tls.crt")], { stdout: "pipe" }).stdout.toString();
    expect(certificate).toContain("DNS:sea.hub");
    expect(certificate).toContain("IP Address:127.0.0.1");
    expect(certificate).toContain("DNS:reg.example.com");
    expect(certificate).toContain("IP Address:10.0.0.50");
    expect(certificate).toContain("CA:TRUE");

    const second = runScript(rootfs, root, "init.sh");
    expect(second.code, second.log).toBe(0);
    expect(snapshot(root)).toEqual(installed);

    const clean = runScript(rootfs, root, "clean.sh");
    expect(clean.code, clean.log).toBe(0);
    expect(clean.log).toContain("restored /usr/bin/runc");
    expect(snapshot(root)).toEqual(before);
    // clean twice is fine too
    expect(runScript(rootfs, root, "clean.sh").code).toBe(0);
    expect(snapshot(root)).toEqual(before);
  });

  test("a node that does not run the registry gets its name and CA, and no registry", async () => {
    const root = fakeMachine();
    const before = snapshot(root);
    const rootfs = await installRootfs(root, "containerd");
    const ca = join(tempDir(), "ca.crt");
    writeFileSync(ca, "-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n");
    const init = runScript(rootfs, root, "init.sh", { LADE_REGISTRY_IP: "10.1.2.3", LADE_REGISTRY_CA: ca });
    expect(init.code, init.log).toBe(0);
    expect(init.log).toContain("2/5 registry: runs on 10.1.2.3, not here");
    expect(readFileSync(join(root, "etc/hosts"), "utf8")).toContain("10.1.2.3 sea.hub # lade-registry\n");
    expect(readFileSync(join(root, "etc/lade/registry/ca.crt"), "utf8")).toContain("fake");
    expect(listFiles(join(root, "etc/systemd/system"))).not.toContain("lade-registry.service");
    expect(runScript(rootfs, root, "clean.sh").code).toBe(0);
    expect(snapshot(root)).toEqual(before);
  });

  test("registry credentials: an htpasswd for the registry, basic auth in every hosts.toml", async () => {
    const root = fakeMachine();
    const { dir } = await generateContext(plan("v1.27.3", "containerd", ["amd64"]), { credentials: { user: "admin", password: "s3cret" } });
    const rootfs = join(root, "var/lib/lade/rootfs");
    cpSync(join(dir, "rootfs"), rootfs, { recursive: true });
    cpSync(join(dir, "amd64"), rootfs, { recursive: true });
    mkdirSync(join(rootfs, "registry/docker/registry/v2"), { recursive: true });
    // sealer's registry config: the node's registry takes its headers
    writeFileSync(join(rootfs, "etc/registry_config.yml"), "http:\n  headers:\n    X-Content-Type-Options: [nosniff]\n");
    const init = runScript(rootfs, root, "init.sh", { LADE_REGISTRY_USER: "admin", LADE_REGISTRY_PASSWORD: "s3cret" });
    expect(init.code, init.log).toBe(0);
    // with accounts the registry takes pushes, into a folder of their own
    expect(readFileSync(join(root, "etc/lade/registry.env"), "utf8")).toContain("LADE_REGISTRY_ARGS=--htpasswd /etc/lade/registry/htpasswd --push-dir /var/lib/lade-registry/pushed --config /var/lib/lade/rootfs/etc/registry_config.yml --config-only headers,proxy --cache-dir /var/lib/lade-registry/cache\n");
    expect(existsSync(join(root, "var/lib/lade-registry/pushed"))).toBe(true);
    expect(existsSync(join(root, "var/lib/lade-registry/cache"))).toBe(true);
    writeFileSync(join(root, "var/lib/lade-registry/cache/fetched-blob"), "cached");
    const hosts = Bun.TOML.parse(readFileSync(join(root, "etc/containerd/certs.d/docker.io/hosts.toml"), "utf8")) as any;
    expect(hosts.header.Authorization).toBe(`Basic ${btoa("admin:s3cret")}`);
    expect(hosts.host["https://sea.hub:5000"].header.Authorization).toBe(`Basic ${btoa("admin:s3cret")}`);
    expect(hosts.server).toBe("https://sea.hub:5000");
    // what the registry made for pushes goes with clean.sh; what was pushed stays
    mkdirSync(join(root, "var/lib/lade-registry/pushed/docker/registry/v2/blobs"), { recursive: true });
    expect(runScript(rootfs, root, "clean.sh").code).toBe(0);
    expect(existsSync(join(root, "var/lib/lade-registry"))).toBe(false);

    const again = runScript(rootfs, root, "init.sh", { LADE_REGISTRY_ANONYMOUS_READ: "1", LADE_REGISTRY_PEERS: "10.0.0.3,fd00::4" });
    expect(again.code, again.log).toBe(0);
    // pushes go on to the other registry hosts
    expect(readFileSync(join(root, "etc/lade/registry.env"), "utf8")).toContain(
      "--push-dir /var/lib/lade-registry/pushed --replicate-to https://10.0.0.3:5000 --replicate-to https://[fd00::4]:5000 --replicate-ca-file /etc/lade/registry/ca.crt --anonymous-read",
    );
    expect(readFileSync(join(root, "etc/lade/registry.env"), "utf8")).toContain("--anonymous-read --config /var/lib/lade/rootfs/etc/registry_config.yml --config-only headers,proxy --cache-dir /var/lib/lade-registry/cache\n");
    writeFileSync(join(root, "var/lib/lade-registry/pushed/pushed-image"), "data");
    const cleaned = runScript(rootfs, root, "clean.sh");
    expect(cleaned.code).toBe(0);
    expect(cleaned.log).toContain("kept the images pushed to the registry in /var/lib/lade-registry/pushed");
    expect(existsSync(join(root, "var/lib/lade-registry/pushed/pushed-image"))).toBe(true);
  });

  test("refuses to run from a rootfs without binaries, naming what is missing", async () => {
    const root = fakeMachine();
    const rootfs = await installRootfs(root, "containerd", true);
    const init = runScript(rootfs, root, "init.sh");
    expect(init.code).toBe(1);
    expect(init.log).toContain("bin/lade is missing: the rootfs was generated without binaries");
    expect(runScript(rootfs, root, "clean.sh").code).toBe(0);
  });
});
