import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { CycloneDxBom } from "../../src/sbom/cyclonedx.ts";
import { hasDockerRegistry } from "../support/docker-registry.ts";
import { runLade } from "../support/run-lade.ts";
import { hasSkopeo } from "../support/seed-images.ts";
import { tempDir } from "../support/temp-dir.ts";

const REPO = join(import.meta.dir, "..", "..");

describe.skipIf(!(hasDockerRegistry() && hasSkopeo()))("scripts/example.sh, the README's main command", () => {
  test("builds the base, the cluster with nginx on top and the app offline, inspects, and prints lade run's plan for three hosts", async () => {
    const root = tempDir("lade-example-");
    const child = Bun.spawn(["bash", "scripts/example.sh"], { cwd: REPO, env: { ...process.env, LADE_ROOT: root, LADE_EXAMPLE_ONLINE: undefined, NO_COLOR: "1" }, stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    expect(code, stderr).toBe(0);
    expect(stdout).not.toContain("\u001b[");

    const images = JSON.parse((await runLade(["--root", root, "images", "--json"])).stdout) as { name: string; platforms: string[] }[];
    expect(images.map((image) => image.name)).toEqual(expect.arrayContaining(["docker.io/example/kubernetes:v1.27.3", "docker.io/example/nginx-cluster:v1", "docker.io/example/nginx-app:v1"]));
    for (const image of images) expect(image.platforms).toEqual(["linux/amd64", "linux/arm64"]);

    // the plan: every host checked, the registry on the master, kubeadm init, two joins, calico then nginx
    expect(stdout).toContain("Installing docker.io/example/nginx-cluster:v1 on 10.0.0.11 (master0), 10.0.0.21 (node), 10.0.0.22 (node) over SSH");
    for (const step of ["[10.0.0.11] kubeadm-init:", "[10.0.0.21] kubeadm-join:", "[10.0.0.22] kubeadm-join:", "[10.0.0.11] launch-calico:", "[10.0.0.11] launch-nginx:"]) expect(stdout).toContain(step);
    expect(stdout.indexOf("launch-calico")).toBeLessThan(stdout.indexOf("launch-nginx"));

    // what is inside, as the SBOM says: the base's kubeadm and the cluster's images
    const bom = JSON.parse((await runLade(["--root", root, "sbom", "example/nginx-cluster:v1"])).stdout) as CycloneDxBom;
    const amd64 = bom.components.find((component) => component["bom-ref"] === "linux/amd64")!.components!;
    expect(amd64.find((component) => component["bom-ref"] === "linux/amd64/binary/bin/kubeadm")).toMatchObject({ version: "v1.27.3" });
    const packed = amd64.filter((component) => component["bom-ref"].startsWith("linux/amd64/image/")).map((component) => `${component.name}:${component.version}`);
    expect(packed).toEqual(expect.arrayContaining(["kube-apiserver:v1.27.3", "pause:3.9", "calico/node:v3.27.5", "library/nginx:1.27.3"]));
  }, 180_000);
});
