import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";
import { kubeadmImages } from "../../src/rootfs/kubeadm-images.ts";
import { resolveKubernetesRelease } from "../../src/rootfs/kubernetes-release.ts";
import { renderRootfsContext } from "../../src/rootfs/render-rootfs-context.ts";
import { silentRootfsReporter } from "../../src/rootfs/rootfs-reporter.ts";
import { OutputNotEmptyError, writeRootfsContext } from "../../src/rootfs/write-rootfs-context.ts";
import { tempDir } from "../support/temp-dir.ts";
import { ARCHES, expectGolden, generateContext, listFiles, MATRIX_VERSIONS, plan, RUNTIMES, scanManifest, serializeTree } from "./rootfs-fixtures.ts";

const CALICO_IMAGES = ["docker.io/calico/cni:v3.27.5", "docker.io/calico/node:v3.27.5", "quay.io/calico/kube-controllers:v3.27.5"];

/** The Go template actions of the kubeadm template, rendered the way text/template would with no RegistryURL. */
function renderDefaults(template: string): string {
  return template.replace(/\{\{ or \.RegistryURL "([^"]+)" \}\}/g, "$1");
}

describe("lade rootfs build context (golden files)", () => {
  const cases = MATRIX_VERSIONS.flatMap((version) => RUNTIMES.flatMap((runtime) => ARCHES.map((arch) => [version, runtime, arch] as const)));
  test.each(cases)("%s %s %s", async (version, runtime, arch) => {
    const { dir } = await generateContext(plan(version, runtime, [arch]));
    expectGolden(`${version}-${runtime}-${arch}.txtar`, serializeTree(dir));
  });
});

describe("lade rootfs build context", () => {
  test.each(MATRIX_VERSIONS.flatMap((version) => RUNTIMES.map((runtime) => [version, runtime] as const)))(
    "%s %s: image list, kubeadm template, runtime configs",
    async (version, runtime) => {
      const rootfsPlan = plan(version, runtime);
      const release = resolveKubernetesRelease(version);
      const { dir } = await generateContext(rootfsPlan, { skipBinaries: true });
      const files = listFiles(dir);
      const read = (path: string) => readFileSync(join(dir, path), "utf8");

      const listed = read("imageList").split("\n").filter((line) => line && !line.startsWith("#"));
      expect(listed).toEqual([...kubeadmImages(release), ...CALICO_IMAGES]);

      const documents = YAML.parseAllDocuments(renderDefaults(read("rootfs/etc/kubeadm.yml.tmpl"))).map((doc) => doc.toJS());
      const byKind = Object.fromEntries(documents.map((doc) => [doc.kind, doc]));
      const expectedApi = release.minorNumber >= 31 ? "kubeadm.k8s.io/v1beta4" : release.minorNumber >= 22 ? "kubeadm.k8s.io/v1beta3" : "kubeadm.k8s.io/v1beta2";
      for (const kind of ["InitConfiguration", "JoinConfiguration", "ClusterConfiguration"]) expect(byKind[kind].apiVersion).toBe(expectedApi);
      const socket = runtime === "containerd"
        ? release.minorNumber >= 24 ? "unix:///run/containerd/containerd.sock" : "/run/containerd/containerd.sock"
        : release.minorNumber >= 24 ? "unix:///var/run/cri-dockerd.sock" : "/var/run/dockershim.sock";
      expect(byKind.InitConfiguration.nodeRegistration.criSocket).toBe(socket);
      expect(byKind.JoinConfiguration.nodeRegistration.criSocket).toBe(socket);
      expect(byKind.ClusterConfiguration.kubernetesVersion).toBe(version);
      expect(byKind.ClusterConfiguration.imageRepository).toBe("sea.hub:5000");
      expect(byKind.ClusterConfiguration.dns.imageRepository).toBe("sea.hub:5000/coredns");
      expect(byKind.KubeletConfiguration.cgroupDriver).toBe("systemd");
      const extraArgs = byKind.ClusterConfiguration.apiServer.extraArgs;
      if (expectedApi.endsWith("v1beta4")) expect(extraArgs).toContainEqual({ name: "audit-policy-file", value: "/etc/kubernetes/audit-policy.yml" });
      else expect(extraArgs["audit-policy-file"]).toBe("/etc/kubernetes/audit-policy.yml");

      const crictl = YAML.parse(read("rootfs/etc/crictl.yaml"));
      expect(crictl["runtime-endpoint"]).toBe(socket.startsWith("unix://") ? socket : `unix://${socket}`);
      expect(read("rootfs/etc/lade-rootfs.env")).toContain(`LADE_PAUSE_IMAGE=sea.hub:5000/pause:${release.pause}\n`);

      if (runtime === "containerd") {
        const config = Bun.TOML.parse(read("rootfs/etc/containerd/config.toml")) as any;
        if (release.minorNumber >= 31) {
          expect(config.version).toBe(3);
          const images = config.plugins["io.containerd.cri.v1.images"];
          expect(images.pinned_images.sandbox).toBe(`sea.hub:5000/pause:${release.pause}`);
          expect(images.registry.config_path).toBe("/etc/containerd/certs.d");
          expect(config.plugins["io.containerd.cri.v1.runtime"].containerd.runtimes.runc.options.SystemdCgroup).toBe(true);
        } else {
          expect(config.version).toBe(2);
          const cri = config.plugins["io.containerd.grpc.v1.cri"];
          expect(cri.sandbox_image).toBe(`sea.hub:5000/pause:${release.pause}`);
          expect(cri.registry.config_path).toBe("/etc/containerd/certs.d");
          expect(cri.containerd.runtimes.runc.options.SystemdCgroup).toBe(true);
        }
        const hosts = files.filter((path) => path.endsWith("/hosts.toml")).map((path) => path.split("/").at(-2));
        expect(hosts).toEqual([release.repo, "docker.io", "quay.io", "sea.hub:5000"].sort());
        for (const host of hosts) {
          const parsed = Bun.TOML.parse(read(`rootfs/etc/containerd/certs.d/${host}/hosts.toml`)) as any;
          const registry = { capabilities: ["pull", "resolve"], ca: "/etc/lade/registry/ca.crt" };
          expect(parsed).toEqual({ server: "https://sea.hub:5000", ...registry, host: { "https://sea.hub:5000": registry } });
        }
        expect(files).not.toContain("rootfs/etc/docker/daemon.json");
        expect(files).toContain("rootfs/scripts/containerd.sh");
      } else {
        const daemon = JSON.parse(read("rootfs/etc/docker/daemon.json"));
        expect(daemon["registry-mirrors"]).toEqual(["https://sea.hub:5000"]);
        expect(daemon["exec-opts"]).toEqual(["native.cgroupdriver=systemd"]);
        const criDockerd = release.minorNumber >= 24;
        expect(files.includes("rootfs/etc/systemd/cri-docker.service")).toBe(criDockerd);
        expect(files.includes("rootfs/etc/systemd/cri-docker.socket")).toBe(criDockerd);
        if (criDockerd) expect(read("rootfs/etc/systemd/cri-docker.service")).toContain(`--pod-infra-container-image=sea.hub:5000/pause:${release.pause}`);
        expect(files).toContain("rootfs/scripts/docker.sh");
        expect(files.some((path) => path.includes("containerd"))).toBe(false);
      }
      expect(read("Kubefile")).toContain("COPY ${ARCH} .\n");
      expect(read("Kubefile")).toContain('CNI calico local://apps/calico\nLAUNCH ["calico"]\n');
      expect(files).toContain("apps/calico/calico.yaml");
    },
  );

  test("is the same for the same options (pure rendering)", () => {
    const first = renderRootfsContext(plan("v1.27.3", "containerd"), { cniImages: CALICO_IMAGES, cniManifestPath: "apps/calico/calico.yaml" });
    const second = renderRootfsContext(plan("v1.27.3", "containerd"), { cniImages: CALICO_IMAGES, cniManifestPath: "apps/calico/calico.yaml" });
    expect(second).toEqual(first);
  });

  test("uses the registry domain and port given", async () => {
    const { dir } = await generateContext(plan("v1.20.15", "containerd", ["amd64"], "10.0.0.5", 5443), { skipBinaries: true });
    const read = (path: string) => readFileSync(join(dir, path), "utf8");
    expect(read("rootfs/etc/containerd/config.toml")).toContain('sandbox_image = "10.0.0.5:5443/pause:3.2"');
    expect(listFiles(dir)).toContain("rootfs/etc/containerd/certs.d/10.0.0.5:5443/hosts.toml");
    expect(listFiles(dir)).toContain("rootfs/etc/containerd/certs.d/k8s.gcr.io/hosts.toml");
    const cluster = YAML.parseAllDocuments(renderDefaults(read("rootfs/etc/kubeadm.yml.tmpl"))).map((doc) => doc.toJS())[2];
    // v1.20's coredns lives at <repo>/coredns:1.7.0, so the DNS repository is the registry itself
    expect(cluster.dns.imageRepository).toBe("10.0.0.5:5443");
    expect(cluster.apiVersion).toBe("kubeadm.k8s.io/v1beta2");
    expect(read("rootfs/etc/lade-rootfs.env")).toContain("LADE_REGISTRY_DOMAIN=10.0.0.5\nLADE_REGISTRY_PORT=5443\n");
  });

  test("carries a bcrypt htpasswd when the registry gets a user", async () => {
    const { dir } = await generateContext(plan("v1.27.3", "containerd", ["amd64"]), { skipBinaries: true, credentials: { user: "admin", password: "s3cret" } });
    const line = readFileSync(join(dir, "rootfs/etc/registry/htpasswd"), "utf8");
    expect(line).toMatch(/^admin:\$2[aby]\$10\$/);
    expect(await Bun.password.verify("s3cret", line.trim().slice("admin:".length))).toBe(true);
  });

  test("places the binaries of each arch, verified against the checksum files next to them", async () => {
    const { dir, written } = await generateContext(plan("v1.36.3", "docker"));
    expect(written.binaries.amd64).toEqual(written.binaries.arm64!);
    expect(written.binaries.amd64).toEqual([
      "bin/conntrack", "bin/crictl", "bin/kubeadm", "bin/kubectl", "bin/kubelet", "bin/lade",
      "cni/bin/bridge", "cni/bin/host-local", "cni/bin/loopback", "cni/bin/portmap",
      "cri/bin/containerd", "cri/bin/containerd-shim-runc-v2", "cri/bin/cri-dockerd", "cri/bin/ctr", "cri/bin/docker",
      "cri/bin/docker-init", "cri/bin/docker-proxy", "cri/bin/dockerd", "cri/bin/runc",
    ]);
    expect(readFileSync(join(dir, "arm64/cri/bin/cri-dockerd"), "utf8")).toContain("fake cri-dockerd for arm64");
  });

  test("writes into a new or empty folder, replaces its own earlier output, refuses anything else", async () => {
    const rootfsPlan = plan("v1.27.3", "containerd", ["amd64"]);
    const { dir } = await generateContext(rootfsPlan, { skipBinaries: true });
    const again = () =>
      writeRootfsContext(rootfsPlan, {
        outDir: dir,
        fetch: { source: { kind: "dir", path: tempDir() }, cacheDir: tempDir() },
        skipBinaries: true,
        cniManifest: { name: "m.yaml", text: "kind: Pod\nspec:\n  containers:\n    - image: nginx:1\n" },
        scanManifest,
        reporter: silentRootfsReporter,
      });
    await again();
    expect(readFileSync(join(dir, "imageList"), "utf8")).toContain("docker.io/library/nginx:1\n");
    writeFileSync(join(dir, "notes.txt"), "mine");
    await expect(again()).rejects.toBeInstanceOf(OutputNotEmptyError);
    const other = tempDir();
    mkdirSync(join(other, "x"));
    await expect(
      writeRootfsContext(rootfsPlan, {
        outDir: other,
        fetch: { source: { kind: "upstream" }, cacheDir: tempDir() },
        skipBinaries: true,
        scanManifest,
        reporter: silentRootfsReporter,
      }),
    ).rejects.toThrow(/is not empty and not an earlier output of lade rootfs/);
  });
});
