import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import { join } from "node:path";
import type { ImageFile } from "../../src/builder/list-image-files.ts";
import { cycloneDxBom, type CycloneDxBom, type CycloneDxComponent } from "../../src/sbom/cyclonedx.ts";
import { platformInventory } from "../../src/sbom/image-inventory.ts";
import { PROVENANCE_FORMAT } from "../../src/rootfs/provenance.ts";
import { hasDockerRegistry, startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { runLade } from "../support/run-lade.ts";
import { hasSkopeo, seedImage, skopeo } from "../support/seed-images.ts";
import { tempDir } from "../support/temp-dir.ts";
import { writeTree } from "../support/write-tree.ts";

const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot5);
const sha = (text: string) => new Bun.CryptoHasher("sha256").update(text).digest("hex");
const file = (text: string, extra: Partial<ImageFile> = {}): ImageFile => ({ type: "file", mode: 0o644, size: text.length, content: sha(text), text, ...extra });

const KUBEADM = "kubeadm binary";
const provenance = (kubeadmVersion: string) =>
  JSON.stringify({
    format: PROVENANCE_FORMAT,
    kubernetes: kubeadmVersion,
    files: [
      { path: "bin/kubeadm", name: "kubeadm", version: kubeadmVersion, url: `https://dl.k8s.io/release/${kubeadmVersion}/bin/linux/amd64/kubeadm`, sha256: sha(KUBEADM), downloadSha256: sha(KUBEADM), checked: "published" },
      { path: "bin/kubectl", name: "kubectl", version: kubeadmVersion, url: "https://dl.k8s.io/kubectl", sha256: sha("the downloaded kubectl"), downloadSha256: sha("x"), checked: "published" },
    ],
  });

describe("the inventory of a platform (pure)", () => {
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: [
      { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: `sha256:${sha("a")}`, size: 1, platform: { os: "linux", architecture: "amd64" } },
      { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: `sha256:${sha("b")}`, size: 1, platform: { os: "linux", architecture: "arm64", variant: "v8" } },
      { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: `sha256:${sha("c")}`, size: 1, platform: { os: "unknown", architecture: "unknown" } },
    ],
  });
  const config = JSON.stringify({ os: "linux", architecture: "arm64" });
  const manifest = JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { digest: `sha256:${sha(config)}` }, layers: [] });
  const blob = (text: string) => `registry/docker/registry/v2/blobs/sha256/${sha(text).slice(0, 2)}/${sha(text)}/data`;
  const files = new Map<string, ImageFile>([
    ["provenance/binaries.json", file(provenance("v1.27.3"))],
    ["bin/kubeadm", file(KUBEADM, { mode: 0o755 })],
    ["bin/kubectl", file("a kubectl someone replaced", { mode: 0o755 })],
    ["bin", { type: "directory", mode: 0o755, size: 0, content: "" }],
    ["charts/web/Chart.yaml", file("apiVersion: v2\nname: web\nversion: 1.2.3\n")],
    ["charts/web/values.yaml", file("replicas: 1\n")],
    ["registry/docker/registry/v2/repositories/calico/node/_manifests/tags/v3/current/link", file(`sha256:${sha(index)}`)],
    ["registry/docker/registry/v2/repositories/library/pause/_manifests/tags/3.9/current/link", file(`sha256:${sha(manifest)}`)],
    [blob(index), file(index)],
    [blob(manifest), file(manifest)],
    [blob(config), file(config)],
  ]);

  test("binaries only where the content is what was downloaded; images with their platforms; charts; every other file", () => {
    const inventory = platformInventory("linux/amd64", "sha256:0", files);
    expect(inventory.binaries.map((binary) => [binary.path, binary.provenance.name, binary.provenance.version])).toEqual([["bin/kubeadm", "kubeadm", "v1.27.3"]]);
    expect(inventory.containerImages).toEqual([
      { reference: "calico/node:v3", repository: "calico/node", tag: "v3", digest: `sha256:${sha(index)}`, platforms: ["linux/amd64", "linux/arm64"] },
      { reference: "library/pause:3.9", repository: "library/pause", tag: "3.9", digest: `sha256:${sha(manifest)}`, platforms: ["linux/arm64"] },
    ]);
    expect(inventory.charts).toEqual([{ path: "charts/web", name: "web", version: "1.2.3" }]);
    expect(inventory.files.map((entry) => entry.path)).toEqual(["bin/kubeadm", "bin/kubectl", "charts/web/Chart.yaml", "charts/web/values.yaml", "provenance/binaries.json"]);
  });

  test("the CycloneDX document validates with the CycloneDX library, and is the same for the same image", async () => {
    const inventory = { digest: `sha256:${sha("image")}`, created: "1970-01-01T00:00:00Z", platforms: [platformInventory("linux/amd64", `sha256:${sha("p")}`, files)] };
    const bom = cycloneDxBom(inventory, { name: "registry.example.com/team/cluster:1", toolVersion: "0.1.0" });
    expect(await validator.validate(JSON.stringify(bom))).toBeNull();
    expect(JSON.stringify(cycloneDxBom(inventory, { name: "registry.example.com/team/cluster:1", toolVersion: "0.1.0" }))).toBe(JSON.stringify(bom));
    expect(cycloneDxBom(inventory, { name: "registry.example.com/team/cluster:2", toolVersion: "0.1.0" }).serialNumber).not.toBe(bom.serialNumber);
    expect(bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const kubeadm = bom.components[0]!.components!.find((component) => component.name === "kubeadm")!;
    expect(kubeadm).toMatchObject({
      type: "application",
      version: "v1.27.3",
      hashes: [{ alg: "SHA-256", content: sha(KUBEADM) }],
      externalReferences: [{ type: "distribution", url: "https://dl.k8s.io/release/v1.27.3/bin/linux/amd64/kubeadm" }],
    });
    // the replaced kubectl is a file, not the kubectl that was downloaded
    expect(bom.components[0]!.components!.find((component) => component["bom-ref"] === "linux/amd64/file/bin/kubectl")).toMatchObject({ type: "file", name: "bin/kubectl" });
  });
});

const available = hasDockerRegistry() && hasSkopeo();

describe.skipIf(!available)("SBOMs of built images, through a real registry", () => {
  let registry: DockerRegistry;
  const work = tempDir("lade-sbom-");
  const store = join(work, "store");
  const lade = (root: string, ...args: string[]) => runLade(["--root", root, ...args]);
  let image: string;

  function context(version: string): string {
    return writeTree(join(work, `ctx-${version}`), {
      Kubefile: "FROM scratch\nCOPY bin bin\nCOPY provenance provenance\nCOPY charts charts\nCOPY imageList manifests/\n",
      "bin/kubeadm": KUBEADM,
      "provenance/binaries.json": provenance(version),
      "charts/web/Chart.yaml": `apiVersion: v2\nname: web\nversion: ${version.slice(1)}\n`,
      imageList: `${registry.host}/calico/node:v3\n`,
    });
  }

  beforeAll(async () => {
    registry = await startDockerRegistry();
    await seedImage(registry, "calico/node:v3", { platforms: ["linux/amd64", "linux/arm64"], layerSizes: [3000] });
    image = `${registry.host}/team/cluster:1`;
    const built = await lade(store, "build", "-q", "-t", image, "--platform", "linux/amd64,linux/arm64", context("v1.27.3"));
    expect(built.exitCode, built.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await registry?.stop();
  });

  const components = (bom: CycloneDxBom, platform: string): readonly CycloneDxComponent[] => bom.components.find((component) => component["bom-ref"] === platform)!.components!;

  test("lade build attaches it; lade sbom prints it; it validates and names binaries, container images and charts", async () => {
    const printed = await lade(store, "sbom", image);
    expect(printed.exitCode, printed.stderr).toBe(0);
    expect(await validator.validate(printed.stdout)).toBeNull();
    const bom = JSON.parse(printed.stdout) as CycloneDxBom;
    expect(bom.metadata.component).toMatchObject({ type: "container", name: `${registry.host}/team/cluster`, version: "1" });
    expect(bom.components.map((component) => component["bom-ref"])).toEqual(["linux/amd64", "linux/arm64"]);
    const amd64 = components(bom, "linux/amd64");
    expect(amd64.find((component) => component.name === "kubeadm")).toMatchObject({ version: "v1.27.3", hashes: [{ content: sha(KUBEADM) }] });
    expect(amd64.find((component) => component.name === "web")).toMatchObject({ version: "1.27.3" });
    const calico = amd64.find((component) => component["bom-ref"].startsWith("linux/amd64/image/"))!;
    expect(calico.properties).toEqual([{ name: "lade:platform", value: "linux/amd64" }, { name: "lade:platform", value: "linux/arm64" }]);
    const rawDigest = (await skopeo(["inspect", "--tls-verify=false", "--format", "{{.Digest}}", `docker://${registry.host}/calico/node:v3`])).trim();
    expect(`sha256:${calico.hashes![0]!.content}`).toBe(rawDigest);

    const again = await lade(store, "sbom", image, "--attach", "-o", join(work, "again.json"));
    expect(again.exitCode, again.stderr).toBe(0);
    expect(await Bun.file(join(work, "again.json")).text()).toBe(printed.stdout);
  }, 60_000);

  test("push puts it where cosign looks (REPO:sha256-<hex>.sbom, read by skopeo); pull brings it to another store", async () => {
    const pushed = await lade(store, "push", image);
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    expect(pushed.stdout).toContain("an SBOM");
    const digest = pushed.stdout.trim().split("\n").pop()!;
    const raw = JSON.parse(await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${registry.host}/team/cluster:${digest.replace(":", "-")}.sbom`]));
    expect(raw.layers.map((layer: { mediaType: string }) => layer.mediaType)).toEqual(["application/vnd.cyclonedx+json"]);
    const other = join(work, "pulled");
    const pulled = await lade(other, "pull", image);
    expect(pulled.exitCode, pulled.stderr).toBe(0);
    expect(pulled.stdout).toContain("with an SBOM");
    expect((await lade(other, "sbom", image)).stdout).toBe((await lade(store, "sbom", image)).stdout);
  }, 60_000);

  test("lade diff shows what the SBOMs say differently: a binary's version, a chart's", async () => {
    const newer = `${registry.host}/team/cluster:2`;
    const built = await lade(store, "build", "-q", "-t", newer, "--platform", "linux/amd64,linux/arm64", context("v1.28.15"));
    expect(built.exitCode, built.stderr).toBe(0);
    const diff = await lade(store, "diff", image, newer, "--json");
    expect(diff.exitCode, diff.stderr).toBe(0);
    const { sbom } = JSON.parse(diff.stdout);
    expect(sbom.old).toBe("attached");
    expect(sbom.added).toEqual([]);
    expect(sbom.removed).toEqual([]);
    const byRef = new Map(sbom.changed.map((change: { ref: string; old: string; new: string }) => [change.ref, [change.old, change.new]]));
    // the same kubeadm file, recorded as another version: lade rootfs said so
    expect(byRef.get("linux/arm64/binary/bin/kubeadm")).toEqual([`kubeadm v1.27.3 sha256:${sha(KUBEADM).slice(0, 12)}`, `kubeadm v1.28.15 sha256:${sha(KUBEADM).slice(0, 12)}`]);
    expect(byRef.get("linux/amd64/chart/charts/web")).toEqual(["web 1.27.3", "web 1.28.15"]);
    expect(byRef.get("image")).toEqual([expect.stringContaining(`${registry.host}/team/cluster 1 sha256:`), expect.stringContaining(`${registry.host}/team/cluster 2 sha256:`)]);
    const text = (await lade(store, "diff", image, newer)).stdout;
    expect(text).toContain("\nSBOM:\n");
    expect(text).toContain("  ~ linux/amd64/binary/bin/kubeadm: kubeadm v1.27.3 sha256:");
    expect(text).not.toContain("  ~ linux/amd64/file/");
  }, 60_000);

  test("lade verify names an SBOM that is missing or says something the layers do not", async () => {
    const { generateKeyPair } = await import("../../src/trust/cosign-key.ts");
    const pair = generateKeyPair("p");
    await Bun.write(join(work, "k.key"), pair.privatePem);
    await Bun.write(join(work, "k.pub"), pair.publicPem);
    await Bun.write(join(work, "pass"), "p\n");
    const root = join(work, "tamper");
    const copy = await lade(root, "pull", image);
    expect(copy.exitCode, copy.stderr).toBe(0);
    expect((await lade(root, "sign", image, "--key", join(work, "k.key"), "--passphrase-file", join(work, "pass"))).exitCode).toBe(0);
    expect((await lade(root, "verify", image, "--key", join(work, "k.pub"))).exitCode).toBe(0);

    // an SBOM that lies: the kubeadm of another version
    const { OciStore } = await import("../../src/store/oci-store.ts");
    const { sbomName } = await import("../../src/oci/attachment-tag.ts");
    const opened = await OciStore.open(root);
    const descriptor = (await opened.resolve(image))!;
    const name = sbomName(image, descriptor.digest);
    const honest = (await opened.resolve(name))!;
    const manifest = await opened.readJson<{ layers: { digest: `sha256:${string}`; mediaType: string; size: number }[] }>(honest.digest);
    const text = new TextDecoder().decode(await opened.readBlob(manifest.layers[0]!.digest)).replace('"version": "v1.27.3"', '"version": "v1.28.0"');
    const lie = await opened.writeBlob(new TextEncoder().encode(text), manifest.layers[0]!.mediaType);
    const lying = await opened.writeBlob(new TextEncoder().encode(JSON.stringify({ ...manifest, layers: [lie] })), "application/vnd.oci.image.manifest.v1+json");
    await opened.tag(name, lying);
    const lied = await lade(root, "verify", image, "--key", join(work, "k.pub"));
    expect(lied.exitCode).toBe(1);
    expect(lied.stderr).toContain("the SBOM does not match the content: linux/amd64/binary/bin/kubeadm: the SBOM says kubeadm v1.28.0 sha256:");

    // no SBOM at all: verify, and a load that requires a signature, refuse it
    await opened.untag(name);
    const missing = await lade(root, "verify", image, "--key", join(work, "k.pub"));
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain(`has no SBOM (${name}): lade sbom --attach makes one from its content`);
    expect((await lade(root, "save", image, "-o", join(work, "no-sbom.tar"))).exitCode).toBe(0);
    const target = join(work, "target");
    const refused = await lade(target, "load", "-i", join(work, "no-sbom.tar"), "--trusted-key", join(work, "k.pub"));
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain("has no SBOM");
    expect((await lade(target, "images", "--all", "-q")).stdout.trim()).toBe("");
  }, 60_000);
});
