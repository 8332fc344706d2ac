import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import type { CycloneDxBom } from "../../src/sbom/cyclonedx.ts";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { hasDockerRegistry, startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { startLadeRegistry } from "../support/lade-registry.ts";
import { runLade } from "../support/run-lade.ts";
import { copyWithinRegistry, hasSkopeo, seedImage, skopeo } from "../support/seed-images.ts";
import { tempDir } from "../support/temp-dir.ts";
import { hasUmoci, umociUnpackManifest } from "../support/unpack-image.ts";
import { fakeBinSource } from "./fake-bin-source.ts";
import { CALICO_LIKE, KUBEADM_V1_27_3_IMAGES, plan } from "./rootfs-fixtures.ts";

const available = hasDockerRegistry() && hasSkopeo() && hasUmoci();

/** kubeadm's images of v1.27.3 and the calico-like manifest's, by their path in a registry. */
const PATHS = [...KUBEADM_V1_27_3_IMAGES, "calico/cni:v3.27.5", "calico/node:v3.27.5", "calico/kube-controllers:v3.27.5"];

describe.skipIf(!available)("lade build of a generated rootfs", () => {
  let origin: DockerRegistry;
  let binSource: string;
  const mirrors = () => ["registry.k8s.io", "docker.io", "quay.io"].flatMap((registry) => ["--registry-mirror", `${registry}=${origin.host}`]);

  beforeAll(async () => {
    // stand-ins for registry.k8s.io, docker.io and quay.io: one registry with every image for both arches
    origin = await startDockerRegistry();
    await seedImage(origin, "seed/base:1", { platforms: ["linux/amd64", "linux/arm64"], layerSizes: [1500] });
    await copyWithinRegistry(origin.host, "seed/base:1", PATHS, { all: true });
    binSource = await fakeBinSource(plan("v1.27.3", "containerd"));
    const docker = await fakeBinSource(plan("v1.27.3", "docker", ["amd64"]));
    Bun.spawnSync(["cp", "-a", `${docker}/.`, binSource]);
  });

  afterAll(async () => {
    await origin?.stop();
  });

  test("lade rootfs, then lade build for amd64 and arm64: binaries per arch, every image in registry/", async () => {
    const context = join(tempDir(), "ctx");
    const root = tempDir();
    const generated = await runLade(["--root", root, "rootfs", "--k8s-version", "v1.27.3", "--cri", "containerd", "--arch", "amd64,arm64", "--bin-source", binSource, "--cni-manifest", CALICO_LIKE, "-o", context]);
    expect(generated.exitCode, generated.stderr).toBe(0);
    expect(generated.stdout).toContain("Build it with: lade build -t NAME --platform linux/amd64,linux/arm64");

    const built = await runLade(["--root", root, "build", "-t", "kubernetes:v1.27.3", "--platform", "linux/amd64,linux/arm64", ...mirrors(), context]);
    expect(built.exitCode, built.stderr).toBe(0);
    const inspected = JSON.parse((await runLade(["--root", root, "inspect", "kubernetes:v1.27.3", "--json"])).stdout);
    expect(inspected.platforms.map((platform: { platform: string }) => platform.platform)).toEqual(["linux/amd64", "linux/arm64"]);
    for (const platform of inspected.platforms) {
      expect(platform.labels["cluster.alpha.sealer.io/cluster-runtime-version"]).toBe("v1.27.3");
      expect(platform.labels["cluster.alpha.sealer.io/container-runtime-type"]).toBe("containerd");
      expect(platform.labels["cluster.alpha.sealer.io/kube-cni-calico"]).toBe("true");
      expect(platform.launch).toEqual({ app_names: ["calico"] });
      expect(new Set(platform.containerImages.map((image: { image: string }) => image.image))).toEqual(
        new Set([
          ...PATHS.slice(0, 7).map((path) => `registry.k8s.io/${path}`),
          "docker.io/calico/cni:v3.27.5",
          "docker.io/calico/node:v3.27.5",
          "quay.io/calico/kube-controllers:v3.27.5",
        ]),
      );
    }

    // the SBOM lade build attached: every binary with the version and URL lade rootfs downloaded it from
    const printed = await runLade(["--root", root, "sbom", "kubernetes:v1.27.3"]);
    expect(printed.exitCode, printed.stderr).toBe(0);
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot5).validate(printed.stdout)).toBeNull();
    const sbom = JSON.parse(printed.stdout) as CycloneDxBom;

    for (const [index, arch] of ["amd64", "arm64"].entries()) {
      const rootfs = await umociUnpackManifest(root, inspected.platforms[index].digest, join(tempDir(), "bundle"));
      const components = sbom.components.find((component) => component["bom-ref"] === `linux/${arch}`)!.components!;
      const sha256 = (path: string) => new Bun.CryptoHasher("sha256").update(readFileSync(join(rootfs, path))).digest("hex");
      expect(components.find((component) => component["bom-ref"] === `linux/${arch}/binary/bin/kubeadm`)).toMatchObject({
        name: "kubeadm",
        version: "v1.27.3",
        hashes: [{ alg: "SHA-256", content: sha256("bin/kubeadm") }],
        externalReferences: [{ type: "distribution", url: `https://dl.k8s.io/release/v1.27.3/bin/linux/${arch}/kubeadm` }],
      });
      expect(components.find((component) => component["bom-ref"] === `linux/${arch}/binary/cri/bin/containerd`)).toMatchObject({ name: "containerd", hashes: [{ content: sha256("cri/bin/containerd") }] });
      expect(components.find((component) => component["bom-ref"] === `linux/${arch}/image/pause:3.9`)).toMatchObject({
        type: "container",
        properties: [{ name: "lade:platform", value: "linux/amd64" }, { name: "lade:platform", value: "linux/arm64" }],
      });
      expect(components.filter((component) => component["bom-ref"].startsWith(`linux/${arch}/image/`))).toHaveLength(PATHS.length);
      expect(readFileSync(join(rootfs, "bin/kubeadm"), "utf8")).toContain(`fake kubeadm for ${arch}`);
      expect(readFileSync(join(rootfs, "cri/bin/containerd"), "utf8")).toContain(`fake containerd for ${arch}`);
      expect(JSON.parse(readFileSync(join(rootfs, "Metadata"), "utf8")).arch).toBe(arch);
      expect(statSync(join(rootfs, "scripts/init.sh")).mode & 0o777).toBe(0o755);
      for (const path of ["etc/kubeadm.yml.tmpl", "etc/containerd/config.toml", "etc/containerd/certs.d/quay.io/hosts.toml", "etc/systemd/lade-registry.service", "manifests/imageList", "application/apps/calico/calico.yaml", "statics/audit-policy.yml"]) {
        expect(existsSync(join(rootfs, path)), path).toBe(true);
      }
      if (arch === "arm64") {
        // the node's registry: lade serving the rootfs's registry/ as lade-registry.service does
        const served = await startLadeRegistry(["--dir", join(rootfs, "registry")], { quiet: true });
        try {
          const raw = await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${served.host}/pause:3.9`]);
          expect(JSON.parse(raw).manifests.length).toBe(2);
        } finally {
          await served.stop();
        }
      }
    }
  });

  test("lade build --k8s-version generates the rootfs and builds it in one go", async () => {
    const root = tempDir();
    const built = await runLade([
      "--root", root, "build", "-t", "kubernetes:v1.27.3-docker", "--platform", "linux/amd64",
      "--k8s-version", "v1.27.3", "--cri", "docker", "--bin-source", binSource, "--cni-manifest", CALICO_LIKE, ...mirrors(),
    ]);
    expect(built.exitCode, built.stderr).toBe(0);
    const inspected = JSON.parse((await runLade(["--root", root, "inspect", "kubernetes:v1.27.3-docker", "--json"])).stdout);
    expect(inspected.platforms[0].labels["cluster.alpha.sealer.io/container-runtime-type"]).toBe("docker");
    expect(inspected.platforms[0].labels["cluster.alpha.sealer.io/container-runtime-version"]).toBe("24.0.9");
    expect(inspected.platforms[0].containerImages.length).toBe(10);

    const usage = await runLade(["build", "-t", "x:1", "--k8s-version", "v1.99.0", "--skip-binaries"]);
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr).toContain("Kubernetes v1.99.0 is not supported: lade knows v1.16.0 … v1.36.3");
  });
});
