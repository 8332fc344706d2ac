import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { parseImageExtension } from "../../src/builder/image-extension.ts";
import { parsePlatform } from "../../src/oci/platform.ts";
import { OciStore } from "../../src/store/oci-store.ts";
import { readImage } from "../../src/store/read-image.ts";
import { buildFixture } from "../support/build-fixture.ts";
import { tempDir } from "../support/temp-dir.ts";
import { describeTree, hasUmoci, umociUnpack } from "../support/unpack-image.ts";
import { writeTree } from "../support/write-tree.ts";

async function buildBase(storeRoot: string, platforms = ["linux/amd64"]) {
  const context = writeTree(join(tempDir(), "base"), {
    Kubefile: "FROM scratch\nCOPY etc etc\nENV REGISTRY=sea.hub\nLABEL tier=base\nCNI calico local://calico.yaml\nLAUNCH [\"calico\"]\n",
    "etc/old.conf": "old",
    "etc/keep.conf": "keep",
    "calico.yaml": "kind: DaemonSet\n",
  });
  return buildFixture(storeRoot, context, { tag: "base:1", platforms: platforms.map(parsePlatform) });
}

describe("FROM an image in the store", () => {
  test("inherits layers, env, labels and apps, and can launch an inherited app", async () => {
    const storeRoot = tempDir();
    const base = await buildBase(storeRoot);
    const child = writeTree(join(tempDir(), "child"), {
      Kubefile: "FROM base:1\nENV MODE=prod\nAPP web local://web.yaml\nRUN rm etc/old.conf\nLAUNCH [\"calico\", \"web\"]\n",
      "web.yaml": "kind: Deployment\n",
    });
    const built = await buildFixture(storeRoot, child, { tag: "child:1" });
    const store = await OciStore.open(storeRoot);
    const [baseImage] = (await readImage(store, base.descriptor)).platforms;
    const [image] = (await readImage(store, built.descriptor)).platforms;
    expect(image!.manifest.layers.slice(0, 2)).toEqual([...baseImage!.manifest.layers]);
    expect(image!.manifest.layers).toHaveLength(4);
    expect(image!.config.config.Env).toEqual(["REGISTRY=sea.hub", "MODE=prod"]);
    expect(image!.config.config.Labels).toEqual({ "cluster.alpha.sealer.io/kube-cni-calico": "true", tier: "base" });
    const extension = parseImageExtension(image!.manifest.annotations)!;
    expect(extension.applications!.map((app) => app.name)).toEqual(["calico", "web"]);
    expect(extension.launch).toEqual({ app_names: ["calico", "web"] });
    expect(image!.manifest.annotations!["org.opencontainers.image.base.name"]).toBe("docker.io/library/base:1");
    if (hasUmoci()) {
      const tree = describeTree(await umociUnpack(storeRoot, "docker.io/library/child:1", join(tempDir(), "b")));
      expect(tree["etc/old.conf"]).toBeUndefined();
      expect(tree["etc/keep.conf"]).toBe("file 644 keep");
      expect(tree["application/apps/web/web.yaml"]).toBe("file 644 kind: Deployment\n");
    }
  });

  test("keeps the base's launch when the Kubefile sets none", async () => {
    const storeRoot = tempDir();
    await buildBase(storeRoot);
    const child = writeTree(join(tempDir(), "child"), { Kubefile: "FROM base:1\nLABEL extra=1\n" });
    const built = await buildFixture(storeRoot, child, { tag: "child:1" });
    const [image] = (await readImage(await OciStore.open(storeRoot), built.descriptor)).platforms;
    expect(parseImageExtension(image!.manifest.annotations)!.launch).toEqual({ app_names: ["calico"] });
  });

  test("picks the matching platform of a multi-platform base and fails for a missing one", async () => {
    const storeRoot = tempDir();
    await buildBase(storeRoot, ["linux/arm64"]);
    const child = writeTree(join(tempDir(), "child"), { Kubefile: "FROM base:1\n" });
    const arm = await buildFixture(storeRoot, child, { tag: "child:arm", platforms: [parsePlatform("linux/arm64")] });
    expect(arm.descriptor.digest).toStartWith("sha256:");
    await expect(buildFixture(storeRoot, child, { tag: "child:amd" })).rejects.toThrow(
      `${child}/Kubefile:1:1: Cannot use base image "docker.io/library/base:1" for linux/amd64: it has only linux/arm64`,
    );
  });

  test("fails clearly when the base image is not in the store", async () => {
    const storeRoot = tempDir();
    const child = writeTree(join(tempDir(), "child"), { Kubefile: "FROM missing:1\n" });
    await expect(buildFixture(storeRoot, child)).rejects.toThrow(
      `${child}/Kubefile:1:1: Cannot find base image "docker.io/library/missing:1" in the store at "${storeRoot}"`,
    );
    expect(await (await OciStore.open(storeRoot)).listImages()).toEqual([]);
  });
});
