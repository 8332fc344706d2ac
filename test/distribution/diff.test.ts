import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { hasDockerRegistry, startDockerRegistry, type DockerRegistry } from "../support/docker-registry.ts";
import { runLade } from "../support/run-lade.ts";
import { hasSkopeo, seedImage, skopeo } from "../support/seed-images.ts";
import { tempDir } from "../support/temp-dir.ts";
import { writeTree } from "../support/write-tree.ts";

const available = hasDockerRegistry() && hasSkopeo();
const PLATFORMS = "linux/amd64,linux/arm64";

async function mustLade(args: readonly string[]) {
  const result = await runLade(args);
  if (result.exitCode !== 0) throw new Error(`lade ${args.join(" ")} failed (${result.exitCode}): ${result.stderr}`);
  return result;
}

const EMPTY_CHANGES = { added: {}, removed: {}, changed: {} };

describe.skipIf(!available)("lade diff", () => {
  const root = tempDir("lade-diff-");
  let origin: DockerRegistry;
  const containerDigests: Record<string, string> = {};

  beforeAll(async () => {
    origin = await startDockerRegistry();
    await Promise.all(
      ["apps/keep:1", "apps/tool:1", "apps/tool:2"].map((name) =>
        seedImage(origin, name, { platforms: ["linux/amd64", "linux/arm64"], layerSizes: [1_200_000, 500] }),
      ),
    );
    for (const name of ["apps/tool:1", "apps/tool:2"]) {
      const raw = await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${origin.host}/${name}`]);
      containerDigests[name] = `sha256:${createHash("sha256").update(raw).digest("hex")}`;
    }
    const shared = {
      "files/keep.txt": "the same in both\n",
      "web/deploy.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\n",
    };
    const v1 = writeTree(join(tempDir(), "v1"), {
      ...shared,
      Kubefile: [
        "FROM scratch",
        "COPY files files",
        "COPY imageList manifests/",
        "ENV A=1 B=2",
        "LABEL keep=yes gone=old",
        "APP web local://web",
        "APP old local://old",
        'LAUNCH ["web", "old"]',
        "",
      ].join("\n"),
      "files/changed.txt": "version one\n",
      "files/removed.txt": "only in v1\n",
      "old/old.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: old}\n",
      imageList: `${origin.host}/apps/keep:1\n${origin.host}/apps/tool:1\n`,
    });
    const v2 = writeTree(join(tempDir(), "v2"), {
      ...shared,
      Kubefile: [
        "FROM scratch",
        "COPY files files",
        "COPY imageList manifests/",
        "ENV A=1 B=3 C=4",
        "LABEL keep=yes new=fresh",
        "APP web local://web",
        "APP fresh local://fresh",
        'LAUNCH ["fresh", "web"]',
        "",
      ].join("\n"),
      "files/changed.txt": "version two\n",
      "files/added.txt": "only in v2\n",
      "fresh/fresh.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: fresh}\n",
      imageList: `${origin.host}/apps/keep:1\n${origin.host}/apps/tool:2\n`,
    });
    const plain = writeTree(join(tempDir(), "plain"), { Kubefile: "FROM scratch\nCOPY ${ARCH}.txt arch.txt\nCOPY common.txt /\n", "amd64.txt": "amd\n", "arm64.txt": "arm\n", "common.txt": "both\n" });
    await mustLade(["--root", root, "build", "-q", "-t", "app:1", "--platform", PLATFORMS, v1]);
    await mustLade(["--root", root, "build", "-q", "-t", "app:2", "--platform", PLATFORMS, v2]);
    await mustLade(["--root", root, "build", "-q", "-t", "plain:amd", "--platform", "linux/amd64", plain]);
    await mustLade(["--root", root, "build", "-q", "-t", "plain:both", "--platform", PLATFORMS, plain]);
  });

  afterAll(async () => {
    await origin?.stop();
  });

  /** Every blob an image needs (index, manifests, configs, layers), read straight from the store's files. */
  function blobsOf(name: string): Map<string, number> {
    const index = JSON.parse(readFileSync(join(root, "index.json"), "utf8"));
    const top = index.manifests.find((entry: { annotations: Record<string, string> }) => entry.annotations["org.opencontainers.image.ref.name"] === `docker.io/library/${name}`);
    const blobs = new Map<string, number>();
    const visit = (digest: string) => {
      const path = join(root, "blobs/sha256", digest.slice(7));
      blobs.set(digest, statSync(path).size);
      const content = JSON.parse(readFileSync(path, "utf8"));
      for (const child of content.manifests ?? []) visit(child.digest);
      if (content.config) {
        for (const blob of [content.config, ...content.layers]) blobs.set(blob.digest, statSync(join(root, "blobs/sha256", blob.digest.slice(7))).size);
      }
    };
    visit(top.digest);
    return blobs;
  }

  function expectedUpdate(older: string, newer: string): { blobs: number; bytes: number } {
    const old = blobsOf(older);
    const carried = [...blobsOf(newer)].filter(([digest]) => !old.has(digest));
    return { blobs: carried.length, bytes: carried.reduce((sum, [, size]) => sum + size, 0) };
  }

  async function diffJson(older: string, newer: string) {
    return JSON.parse((await mustLade(["--root", root, "diff", older, newer, "--json"])).stdout);
  }

  test("--json reports exactly the files, labels, env, apps, launch and container image that changed", async () => {
    const diff = await diffJson("app:1", "app:2");
    expect(diff.old.name).toBe("docker.io/library/app:1");
    expect(diff.new.name).toBe("docker.io/library/app:2");
    expect(diff.platforms).toEqual({ added: [], removed: [] });
    expect(diff.changes.map((change: { platform: string }) => change.platform)).toEqual(["linux/amd64", "linux/arm64"]);
    const appJson = (name: string, file: string) => JSON.stringify({ name, type: "kube", files: [file], version: "v1" });
    for (const change of diff.changes) {
      expect(change.files).toEqual({
        added: ["application/apps/fresh", "application/apps/fresh/fresh.yaml", "files/added.txt"],
        removed: ["application/apps/old", "application/apps/old/old.yaml", "files/removed.txt"],
        changed: ["files/changed.txt", "manifests/imageList"],
      });
      expect(change.labels).toEqual({ added: { new: "fresh" }, removed: { gone: "old" }, changed: {} });
      expect(change.env).toEqual({ added: { C: "4" }, removed: {}, changed: { B: { old: "2", new: "3" } } });
      expect(change.apps).toEqual({ added: { fresh: appJson("fresh", "fresh.yaml") }, removed: { old: appJson("old", "old.yaml") }, changed: {} });
      expect(change.launch).toEqual({ old: { app_names: ["web", "old"] }, new: { app_names: ["fresh", "web"] } });
      expect(change.containerImages).toEqual({
        added: { "apps/tool:2": containerDigests["apps/tool:2"] },
        removed: { "apps/tool:1": containerDigests["apps/tool:1"] },
        changed: {},
      });
      // layers: exactly the manifest layers one has and the other lacks
      const manifestOf = (name: string) => {
        const top = JSON.parse(readFileSync(join(root, "blobs/sha256", diff[name].digest.slice(7)), "utf8"));
        const child = top.manifests.find((entry: { platform: { architecture: string } }) => `linux/${entry.platform.architecture}` === change.platform);
        return JSON.parse(readFileSync(join(root, "blobs/sha256", child.digest.slice(7)), "utf8")) as { layers: { digest: string; size: number }[] };
      };
      const [oldLayers, newLayers] = [manifestOf("old").layers, manifestOf("new").layers];
      const pick = ({ digest, size }: { digest: string; size: number }) => ({ digest, size });
      expect(change.layers.added).toEqual(newLayers.filter((layer) => !oldLayers.some((other) => other.digest === layer.digest)).map(pick));
      expect(change.layers.removed).toEqual(oldLayers.filter((layer) => !newLayers.some((other) => other.digest === layer.digest)).map(pick));
      // the keep:1 image's big layers are shared, the tool's are not: both show in the layer lists
      expect(change.layers.added.some((layer: { size: number }) => layer.size > 1_000_000)).toBe(true);
      expect(change.layers.added.length).toBeLessThan(newLayers.length);
    }
    // the update carries exactly the blobs of app:2 that app:1 lacks
    expect(diff.update).toEqual(expectedUpdate("app:1", "app:2"));
    expect(diff.update.bytes).toBeGreaterThan(2 * 1_200_000); // tool:2's layer for both platforms
  });

  test("the text output mentions each change", async () => {
    const { stdout } = await mustLade(["--root", root, "diff", "app:1", "app:2"]);
    const lines = stdout.split("\n").map((line) => line.trim());
    for (const expected of [
      "docker.io/library/app:1 → docker.io/library/app:2",
      "+ files/added.txt",
      "- files/removed.txt",
      "~ files/changed.txt",
      "~ manifests/imageList",
      "+ application/apps/fresh/fresh.yaml",
      "- application/apps/old/old.yaml",
      `+ container image apps/tool:2 ${containerDigests["apps/tool:2"]}`,
      "- container image apps/tool:1",
      "+ label new fresh",
      "- label gone",
      "+ env C 4",
      "~ env B: 2 → 3",
      "+ app fresh",
      "- app old",
      '~ launch: {"app_names":["web","old"]} → {"app_names":["fresh","web"]}',
    ]) {
      expect(lines.filter((line) => line === expected).length, expected).toBeGreaterThan(0);
    }
    expect(lines.filter((line) => line.startsWith("[linux/")).length).toBe(2);
    const update = expectedUpdate("app:1", "app:2");
    expect(stdout).toContain(`Update from docker.io/library/app:1: ${update.blobs} blobs`);
    // nothing unchanged is mentioned
    expect(stdout).not.toContain("keep.txt");
    expect(stdout).not.toContain("apps/keep");
    expect(stdout).not.toMatch(/label keep|env A|app web/);
  });

  test("an image compared with itself has no changes and an empty update", async () => {
    const diff = await diffJson("app:1", "app:1");
    for (const change of diff.changes) {
      expect(change.layers).toEqual({ added: [], removed: [] });
      expect(change.files).toEqual({ added: [], removed: [], changed: [] });
      for (const key of ["containerImages", "labels", "env", "apps"]) expect(change[key]).toEqual(EMPTY_CHANGES);
      expect(change.launch).toBeUndefined();
    }
    expect(diff.update).toEqual({ blobs: 0, bytes: 0 });
  });

  test("an extra platform is reported as added or removed, and the shared platform has no changes", async () => {
    const grown = await diffJson("plain:amd", "plain:both");
    expect(grown.platforms).toEqual({ added: ["linux/arm64"], removed: [] });
    expect(grown.changes.length).toBe(1);
    expect(grown.changes[0].platform).toBe("linux/amd64");
    expect(grown.changes[0].files).toEqual({ added: [], removed: [], changed: [] });
    expect(grown.changes[0].layers).toEqual({ added: [], removed: [] });
    expect(grown.update).toEqual(expectedUpdate("plain:amd", "plain:both"));
    expect(grown.update.blobs).toBeGreaterThanOrEqual(3); // the index, arm64's manifest and config (and its own layer)

    const shrunk = await diffJson("plain:both", "plain:amd");
    expect(shrunk.platforms).toEqual({ added: [], removed: ["linux/arm64"] });
    expect(shrunk.update).toEqual(expectedUpdate("plain:both", "plain:amd"));

    const text = (await mustLade(["--root", root, "diff", "plain:amd", "plain:both"])).stdout;
    expect(text).toContain("+ platform linux/arm64");
    const back = (await mustLade(["--root", root, "diff", "plain:both", "plain:amd"])).stdout;
    expect(back).toContain("- platform linux/arm64");
  });

  test("a child image whose RUN deletes and changes files: whiteouts applied, base layers not reported", async () => {
    const child = writeTree(join(tempDir(), "child"), {
      Kubefile: 'FROM app:1\nRUN rm files/removed.txt && echo edited > files/keep.txt && mkdir -p extra && echo x > extra/new.txt\nLABEL child=yes\n',
    });
    await mustLade(["--root", root, "build", "-q", "-t", "child:1", "--platform", PLATFORMS, child]);
    const diff = await diffJson("app:1", "child:1");
    for (const change of diff.changes) {
      expect(change.files).toEqual({ added: ["extra", "extra/new.txt"], removed: ["files/removed.txt"], changed: ["files/keep.txt"] });
      expect(change.labels).toEqual({ added: { child: "yes" }, removed: {}, changed: {} });
      for (const key of ["containerImages", "env", "apps"]) expect(change[key]).toEqual(EMPTY_CHANGES);
      expect(change.launch).toBeUndefined();
      expect(change.layers.removed).toEqual([]);
      expect(change.layers.added.length).toBe(1); // the RUN layer; LABEL adds none
    }
    expect(diff.update).toEqual(expectedUpdate("app:1", "child:1"));
  });

  test("a tag that moved to another manifest between builds shows as a changed container image", async () => {
    const context = writeTree(join(tempDir(), "moving"), { Kubefile: "FROM scratch\nCOPY imageList manifests/\n", imageList: `${origin.host}/apps/moving:1\n` });
    const digestOf = async () => `sha256:${createHash("sha256").update(await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${origin.host}/apps/moving:1`])).digest("hex")}`;
    await seedImage(origin, "apps/moving:1", { seed: "first", layerSizes: [800] });
    const first = await digestOf();
    await mustLade(["--root", root, "build", "-q", "-t", "moving:1", context]);
    await seedImage(origin, "apps/moving:1", { seed: "second", layerSizes: [800] });
    const second = await digestOf();
    expect(second).not.toBe(first);
    await mustLade(["--root", root, "build", "-q", "-t", "moving:2", context]);
    const diff = await diffJson("moving:1", "moving:2");
    expect(diff.changes[0].containerImages).toEqual({ added: {}, removed: {}, changed: { "apps/moving:1": { old: first, new: second } } });
    expect(diff.changes[0].files).toEqual({ added: [], removed: [], changed: [] });
    const text = (await mustLade(["--root", root, "diff", "moving:1", "moving:2"])).stdout;
    expect(text).toContain(`~ container image apps/moving:1: ${first} → ${second}`);
  });

  test("an unknown image fails with exit 1 and names it", async () => {
    const result = await runLade(["--root", root, "diff", "app:1", "nosuch:9"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("nosuch:9");
  });
});
