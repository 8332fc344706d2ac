import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { runLade } from "../support/run-lade.ts";
import { skopeo } from "../support/seed-images.ts";
import { tempDir } from "../support/temp-dir.ts";
import { describeTree, umociUnpack } from "../support/unpack-image.ts";
import { writeTree } from "../support/write-tree.ts";

/**
 * A cluster image in sealer v0.9's format, written by hand as sealer's source lays it out (no
 * sealer binary): an OCI image whose one tar+gzip layer is a CloudRootfs, with the
 * `sealer.image.extension` manifest annotation (type, apps with v0.9.0's `launchfiles`, launch,
 * env) and sealer's labels. Served by a real registry, pulled with `lade pull`, used with FROM.
 */
const KUBEADM_YML = "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.25.6\nnetworking:\n  podSubnet: 100.64.0.0/10\n";
const NGINX_YAML = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nginx\n";
const EXTENSION = {
  buildClient: { sealerVersion: "0.9.3", buildahVersion: "1.27.1" },
  schemaVersion: "v1alpha1",
  type: "kube-installer",
  applications: [{ name: "nginx", type: "kube", launchfiles: ["nginx.yaml"], version: "v1" }],
  launch: { app_names: ["nginx"] },
  env: { PodCIDR: "100.64.0.0/10", SealerOnly: "yes" },
};

let registry: DockerRegistry;
const store = tempDir("lade-from-sealer-");
let baseName = "";

function sha256(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Write an OCI image layout holding the sealer image; returns its folder. */
async function writeSealerLayout(): Promise<string> {
  const rootfs = writeTree(join(tempDir(), "rootfs"), {
    Metadata: '{"version":"v1.25.6","arch":"amd64","kubeVersion":"v1.25.6"}\n',
    "etc/kubeadm.yml": KUBEADM_YML,
    "scripts/init.sh": "#!/bin/bash\necho sealer init\n",
    "scripts/clean.sh": "#!/bin/bash\necho sealer clean\n",
    "application/apps/nginx/nginx.yaml": NGINX_YAML,
  });
  const layout = tempDir("sealer-layout-");
  const blobs = join(layout, "blobs", "sha256");
  mkdirSync(blobs, { recursive: true });
  const tarFile = join(tempDir(), "layer.tar");
  const packed = Bun.spawnSync(["tar", "--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@0", "-C", rootfs, "-cf", tarFile, "."]);
  expect(packed.exitCode, packed.stderr.toString()).toBe(0);
  const tarBytes = readFileSync(tarFile);
  const gzipped = Bun.gzipSync(tarBytes);
  const blob = (bytes: Uint8Array | string) => {
    const digest = sha256(bytes);
    writeFileSync(join(blobs, digest), bytes);
    return { digest: `sha256:${digest}`, size: typeof bytes === "string" ? Buffer.byteLength(bytes) : bytes.length };
  };
  const layer = blob(gzipped);
  const config = blob(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      config: { Labels: { "cluster.alpha.sealer.io/cluster-runtime-type": "kubernetes", "cluster.alpha.sealer.io/cluster-runtime-version": "v1.25.6" } },
      rootfs: { type: "layers", diff_ids: [`sha256:${sha256(tarBytes)}`] },
      history: [{ created_by: "COPY . ." }],
    }),
  );
  const manifest = blob(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
      layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...layer }],
      annotations: { "sealer.image.extension": JSON.stringify(EXTENSION) },
    }),
  );
  writeFileSync(join(layout, "oci-layout"), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    join(layout, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", ...manifest, annotations: { "org.opencontainers.image.ref.name": "v1.25.6" } }],
    }),
  );
  return layout;
}

beforeAll(async () => {
  registry = await startDockerRegistry();
  const layout = await writeSealerLayout();
  baseName = `${registry.host}/sealerio/kubernetes:v1.25.6`;
  await skopeo(["copy", "--dest-tls-verify=false", `oci:${layout}:v1.25.6`, `docker://${baseName}`]);
  const pulled = await runLade(["--root", store, "pull", baseName]);
  expect(pulled.exitCode, pulled.stderr).toBe(0);
});

afterAll(async () => {
  await registry?.stop();
});

describe("FROM a sealer v0.9 cluster image", () => {
  test("the child keeps its rootfs, env, apps and launch, and runs them", async () => {
    const context = writeTree(join(tempDir(), "child"), {
      Kubefile: `FROM ${baseName}\nCOPY extra.yaml manifests/\nENV SealerOnly=child\n`,
      "extra.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: extra\n",
    });
    const built = await runLade(["--root", store, "build", "-t", "child:1", "--ignore-image", "*", context]);
    expect(built.exitCode, built.stderr).toBe(0);

    const inspected = await runLade(["--root", store, "inspect", "child:1", "--json"]);
    expect(inspected.exitCode, inspected.stderr).toBe(0);
    const platform = JSON.parse(inspected.stdout).platforms[0];
    expect(platform.env).toMatchObject({ PodCIDR: "100.64.0.0/10", SealerOnly: "child" });
    expect(platform.applications).toEqual([expect.objectContaining({ name: "nginx", type: "kube", files: ["nginx.yaml"] })]);
    expect(platform.launch).toEqual({ app_names: ["nginx"] });
    expect(platform.labels["cluster.alpha.sealer.io/cluster-runtime-version"]).toBe("v1.25.6");

    const tree = describeTree(await umociUnpack(store, "docker.io/library/child:1", join(tempDir(), "bundle")));
    expect(tree["etc/kubeadm.yml"]).toBe(`file 644 ${KUBEADM_YML}`);
    expect(tree["application/apps/nginx/nginx.yaml"]).toBe(`file 644 ${NGINX_YAML}`);
    expect(tree["manifests/extra.yaml"]).toStartWith("file 644 apiVersion: v1");

    const rendered = await runLade(["--root", store, "render", "kubeadm", "child:1", "--role", "master0", "--node", "10.0.0.5"]);
    expect(rendered.exitCode, rendered.stderr).toBe(0);
    expect(rendered.stdout).toContain("kubernetesVersion: v1.25.6");
    expect(rendered.stdout).toContain("podSubnet: 100.64.0.0/10");

    const dataDir = join(tempDir(), "data");
    const planned = await runLade(["--root", store, "run", "child:1", "--dry-run", "--host-ip", "10.0.0.5", "--data-dir", dataDir]);
    expect(planned.exitCode, planned.stderr).toBe(0);
    expect(planned.stdout).toContain(`kubectl apply -f ${dataDir}/rootfs/application/apps/nginx/nginx.yaml`);
  });

  test("the sealer image itself runs: its extension's env is the image env", async () => {
    const rendered = await runLade(["--root", store, "render", "kubeadm", baseName, "--role", "master0", "--node", "10.0.0.5"]);
    expect(rendered.exitCode, rendered.stderr).toBe(0);
    expect(rendered.stdout).toContain("podSubnet: 100.64.0.0/10");
  });
});
