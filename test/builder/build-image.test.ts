import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { OciStore } from "../../src/store/oci-store.ts";
import { readImage } from "../../src/store/read-image.ts";
import { parseImageExtension } from "../../src/builder/image-extension.ts";
import { parsePlatform } from "../../src/oci/platform.ts";
import { buildFixture } from "../support/build-fixture.ts";
import { tempDir } from "../support/temp-dir.ts";
import { describeTree, hasUmoci, umociUnpack, umociUnpackManifest } from "../support/unpack-image.ts";
import { writeTree, type TreeSpec } from "../support/write-tree.ts";

const KUBEFILE = `FROM scratch
ARG VERSION=v1
COPY etc /etc/
COPY bin/\${ARCH} bin
COPY imageList manifests/
ENV CLUSTER=demo REGISTRY="sea.hub:5000"
LABEL cluster.alpha.sealer.io/cluster-runtime-type=kubernetes version=\${VERSION}
RUN mkdir -p scripts && printf '#!/bin/sh\\necho %s\\n' "$CLUSTER" > scripts/hello.sh && chmod 0755 scripts/hello.sh && rm etc/obsolete.conf
APP nginx local://charts/nginx
CNI calico local://calico.yaml
APPENV nginx replicas=2
KUBEVERSION >=1.22
LAUNCH ["calico", "nginx"]
`;

const CONTEXT: TreeSpec = {
  Kubefile: KUBEFILE,
  "etc/kubelet.conf": "kubelet",
  "etc/obsolete.conf": "old",
  "bin/amd64/tool": { content: "#!amd64", mode: 0o755 },
  "bin/arm64/tool": { content: "#!arm64", mode: 0o755 },
  imageList: "docker.io/library/nginx:1.25\n",
  "charts/nginx/Chart.yaml": "apiVersion: v2\nname: nginx\nversion: 1.0.0\n",
  "charts/nginx/values.yaml": "replicas: 1\n",
  "charts/nginx/templates/deploy.yaml": "kind: Deployment\n",
  "calico.yaml": "kind: DaemonSet\n",
};

/** Directories the spec creates implicitly: give them a fixed mode whatever the umask. */
function makeContext(spec: TreeSpec = CONTEXT): string {
  const dir = writeTree(join(tempDir(), "context"), spec);
  for (const sub of ["etc", "bin", "bin/amd64", "bin/arm64", "charts", "charts/nginx", "charts/nginx/templates"]) {
    if (existsSync(join(dir, sub))) chmodSync(join(dir, sub), 0o755);
  }
  return dir;
}

describe("buildImage()", () => {
  // The digest of the fixture image: any change to the layer or config format changes it, so
  // update it only on purpose (and say so in the commit).
  const GOLDEN_AMD64 = "sha256:35d1e49673063e242f2ba218e78c9923e9359b1ec2ac9417b3c9b7860a2e1a02";

  test("gives the same digest in two stores and matches the golden digest", async () => {
    const context = makeContext();
    const first = await buildFixture(tempDir(), context);
    const second = await buildFixture(tempDir(), makeContext());
    expect(second.descriptor.digest).toBe(first.descriptor.digest);
    expect(first.descriptor.digest).toBe(GOLDEN_AMD64);
  });

  test.skipIf(!hasUmoci())("produces layers that umoci unpacks into exactly the tree the Kubefile describes", async () => {
    const storeRoot = tempDir();
    await buildFixture(storeRoot, makeContext());
    const rootfs = await umociUnpack(storeRoot, "docker.io/library/fixture:1", join(tempDir(), "bundle"));
    expect(describeTree(rootfs)).toEqual({
      application: "dir 755",
      "application/apps": "dir 755",
      "application/apps/calico": "dir 755",
      "application/apps/calico/calico.yaml": "file 644 kind: DaemonSet\n",
      "application/apps/nginx": "dir 755",
      "application/apps/nginx/Chart.yaml": "file 644 apiVersion: v2\nname: nginx\nversion: 1.0.0\n",
      "application/apps/nginx/templates": "dir 755",
      "application/apps/nginx/templates/deploy.yaml": "file 644 kind: Deployment\n",
      "application/apps/nginx/values.yaml": "file 644 replicas: 1\n",
      bin: "dir 755",
      "bin/tool": "file 755 #!amd64",
      etc: "dir 755",
      "etc/kubelet.conf": "file 644 kubelet",
      manifests: "dir 755",
      "manifests/imageList": "file 644 docker.io/library/nginx:1.25\n",
      scripts: "dir 755",
      "scripts/hello.sh": "file 755 #!/bin/sh\necho demo\n",
    });
  });

  test("records env, labels, apps and launch in the config and the sealer extension", async () => {
    const storeRoot = tempDir();
    const built = await buildFixture(storeRoot, makeContext());
    const image = await readImage(await OciStore.open(storeRoot), built.descriptor);
    const [platform] = image.platforms;
    expect(platform!.config.config.Env).toEqual(["CLUSTER=demo", "REGISTRY=sea.hub:5000"]);
    expect(platform!.config.config.Labels).toEqual({
      "app.alpha.sealer.io/supported-kube-version": ">=1.22",
      "cluster.alpha.sealer.io/cluster-runtime-type": "kubernetes",
      "cluster.alpha.sealer.io/kube-cni-calico": "true",
      version: "v1",
    });
    expect(parseImageExtension(platform!.manifest.annotations)).toEqual({
      schemaVersion: "v1alpha1",
      type: "kube-installer",
      applications: [
        { name: "nginx", type: "helm", files: [], version: "v1", env: { replicas: "2" } },
        { name: "calico", type: "kube", files: ["calico.yaml"], version: "v1" },
      ],
      launch: { app_names: ["calico", "nginx"] },
      env: { CLUSTER: "demo", REGISTRY: "sea.hub:5000" },
    });
    expect(platform!.config.created).toBe("1970-01-01T00:00:00Z");
    expect(platform!.manifest.layers).toHaveLength(6);
  });

  test("writes tar entries with uid/gid 0, no user names and the SOURCE_DATE_EPOCH mtime", async () => {
    const storeRoot = tempDir();
    const built = await buildFixture(storeRoot, makeContext(), { sourceDateEpoch: 1700000000 });
    const store = await OciStore.open(storeRoot);
    const image = await readImage(store, built.descriptor);
    const script = [
      "import sys, tarfile",
      "for path in sys.argv[1:]:",
      "  with tarfile.open(path, 'r:gz') as t:",
      "    for m in t.getmembers():",
      "      print(m.name, m.uid, m.gid, repr(m.uname), repr(m.gname), m.mtime)",
    ].join("\n");
    const layers = image.platforms[0]!.manifest.layers.map((layer) => store.blobPath(layer.digest));
    const child = Bun.spawnSync(["python3", "-c", script, ...layers]);
    const lines = child.stdout.toString().trim().split("\n");
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(line).toMatch(/ 0 0 '' '' 1700000000$/);
    expect(lines.some((line) => line.startsWith("etc/.wh.obsolete.conf "))).toBe(true);
  });

  test("builds one manifest per platform under an OCI index, with ${ARCH} per platform", async () => {
    const storeRoot = tempDir();
    const built = await buildFixture(storeRoot, makeContext(), {
      platforms: [parsePlatform("linux/amd64"), parsePlatform("linux/arm64")],
    });
    expect(built.descriptor.mediaType).toBe("application/vnd.oci.image.index.v1+json");
    const store = await OciStore.open(storeRoot);
    const image = await readImage(store, built.descriptor);
    expect(image.index!.manifests.map((m) => m.platform)).toEqual([
      { os: "linux", architecture: "amd64" },
      { os: "linux", architecture: "arm64" },
    ]);
    expect(image.platforms.map((p) => p.config.architecture)).toEqual(["amd64", "arm64"]);
    expect(image.platforms[0]!.descriptor.digest).toBe(GOLDEN_AMD64);
    if (hasUmoci()) {
      const rootfs = await umociUnpackManifest(storeRoot, image.platforms[1]!.descriptor.digest, join(tempDir(), "bundle"));
      expect(describeTree(rootfs)["bin/tool"]).toBe("file 755 #!arm64");
    }
  });

  test("reuses every layer on an unchanged rebuild, and rebuilds from a changed COPY on", async () => {
    const storeRoot = tempDir();
    const context = makeContext();
    const first = await buildFixture(storeRoot, context);
    expect(first.cacheHits).toBe(0);
    expect(first.output).toBe("");
    const second = await buildFixture(storeRoot, context);
    expect(second.cacheHits).toBe(6);
    expect(second.descriptor.digest).toBe(first.descriptor.digest);

    writeFileSync(join(context, "imageList"), "docker.io/library/nginx:1.26\n");
    const third = await buildFixture(storeRoot, context);
    // COPY etc and COPY bin still come from the cache; COPY imageList and everything after is rebuilt
    expect(third.cacheHits).toBe(2);
    expect(third.descriptor.digest).not.toBe(first.descriptor.digest);
  });

  test("--no-cache rebuilds every layer and still gives the same digest", async () => {
    const storeRoot = tempDir();
    const context = makeContext();
    const first = await buildFixture(storeRoot, context);
    const again = await buildFixture(storeRoot, context, { noCache: true });
    expect(again.cacheHits).toBe(0);
    expect(again.descriptor.digest).toBe(first.descriptor.digest);
  });

  test("a different SOURCE_DATE_EPOCH gives a different digest, even with a warm cache", async () => {
    const storeRoot = tempDir();
    const context = makeContext();
    const zero = await buildFixture(storeRoot, context);
    const later = await buildFixture(storeRoot, context, { sourceDateEpoch: 1 });
    expect(later.cacheHits).toBe(0);
    expect(later.descriptor.digest).not.toBe(zero.descriptor.digest);
  });
});
