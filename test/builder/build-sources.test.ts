import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { OciStore } from "../../src/store/oci-store.ts";
import { buildFixture } from "../support/build-fixture.ts";
import { tempDir } from "../support/temp-dir.ts";
import { describeTree, hasUmoci, umociUnpack } from "../support/unpack-image.ts";
import { writeTree, type TreeSpec } from "../support/write-tree.ts";

async function buildTree(spec: TreeSpec, options: Parameters<typeof buildFixture>[2] = {}) {
  const storeRoot = tempDir();
  const context = writeTree(join(tempDir(), "ctx"), spec);
  const built = await buildFixture(storeRoot, context, options);
  return { storeRoot, context, built };
}

async function unpackedTree(spec: TreeSpec): Promise<Record<string, string>> {
  const { storeRoot } = await buildTree(spec);
  return describeTree(await umociUnpack(storeRoot, "docker.io/library/fixture:1", join(tempDir(), "bundle")));
}

/** The error message, with the temporary context folder cut from the Kubefile's name. */
async function buildError(spec: TreeSpec): Promise<string> {
  const context = writeTree(join(tempDir(), "ctx"), spec);
  try {
    await buildFixture(tempDir(), context);
  } catch (error) {
    return (error as Error).message.replace(`${context}/`, "");
  }
  throw new Error("the build succeeded");
}

describe("COPY and ADD", () => {
  test.skipIf(!hasUmoci())("copies several sources into a directory, files by name and directories by content", async () => {
    const tree = await unpackedTree({
      Kubefile: "FROM scratch\nCOPY a.txt dir b.txt /opt/\n",
      "a.txt": "a",
      "b.txt": "b",
      "dir/c.txt": "c",
      "dir/sub/d.txt": "d",
    });
    expect(Object.keys(tree)).toEqual(["opt", "opt/a.txt", "opt/b.txt", "opt/c.txt", "opt/sub", "opt/sub/d.txt"]);
  });

  test.skipIf(!hasUmoci())("copies a single file to a new name, and into an existing directory by name", async () => {
    const tree = await unpackedTree({
      Kubefile: "FROM scratch\nCOPY etc etc\nCOPY a.txt renamed.txt\nCOPY a.txt etc\n",
      "a.txt": "a",
      "etc/x": "x",
    });
    expect(tree["renamed.txt"]).toBe("file 644 a");
    expect(tree["etc/a.txt"]).toBe("file 644 a");
  });

  test.skipIf(!hasUmoci())("expands globs and keeps symbolic links inside a copied directory as links", async () => {
    const tree = await unpackedTree({
      Kubefile: "FROM scratch\nCOPY *.yaml manifests/\nCOPY tree tree\n",
      "a.yaml": "a",
      "b.yaml": "b",
      "c.txt": "c",
      "tree/file": "f",
      "tree/link": { symlink: "file" },
    });
    expect(tree["manifests/a.yaml"]).toBe("file 644 a");
    expect(tree["manifests/b.yaml"]).toBe("file 644 b");
    expect(tree["manifests/c.txt"]).toBeUndefined();
    expect(tree["tree/link"]).toBe("link -> file");
  });

  test.skipIf(!hasUmoci())("leaves out what .kubeignore excludes, with exceptions", async () => {
    const tree = await unpackedTree({
      Kubefile: "FROM scratch\nCOPY . .\n",
      ".kubeignore": "*.log\nsecret/\n!keep.log\nKubefile\n.kubeignore\n",
      "a.log": "x",
      "keep.log": "k",
      "secret/key": "s",
      "data/file": "d",
    });
    expect(Object.keys(tree).sort()).toEqual(["data", "data/file", "keep.log"]);
  });

  test.skipIf(!hasUmoci())("ADD unpacks a local tar archive into the destination", async () => {
    const context = tempDir();
    writeTree(join(context, "payload"), { "inner/file.txt": "inside" });
    Bun.spawnSync(["tar", "-czf", join(context, "payload.tar.gz"), "-C", join(context, "payload"), "inner"]);
    const storeRoot = tempDir();
    writeTree(context, { Kubefile: "FROM scratch\nADD payload.tar.gz /opt/\n" });
    await buildFixture(storeRoot, context);
    const tree = describeTree(await umociUnpack(storeRoot, "docker.io/library/fixture:1", join(tempDir(), "bundle")));
    expect(tree["opt/inner/file.txt"]).toBe("file 644 inside");
  });

  test.skipIf(!hasUmoci())("ADD and APP download http sources and fail on a bad status", async () => {
    const server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch(request) {
        const path = new URL(request.url).pathname;
        if (path === "/tool.sh") return new Response("echo downloaded\n");
        if (path === "/app.yaml") return new Response("kind: ConfigMap\n");
        return new Response("no", { status: 404 });
      },
    });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const tree = await unpackedTree({ Kubefile: `FROM scratch\nADD ${base}/tool.sh bin/\nAPP web ${base}/app.yaml\n` });
      expect(tree["bin/tool.sh"]).toBe("file 644 echo downloaded\n");
      expect(tree["application/apps/web/app.yaml"]).toBe("file 644 kind: ConfigMap\n");
      const message = await buildError({ Kubefile: `FROM scratch\nAPP web ${base}/missing.yaml\n` });
      expect(message).toContain(`Kubefile:2:1: Cannot download "${base}/missing.yaml": the server answered 404`);
    } finally {
      server.stop(true);
    }
  });

  test.each([
    ["an absolute source", "COPY /etc/passwd x", 'Kubefile:2:1: Cannot copy "/etc/passwd": sources must be relative to the build context'],
    ["a source outside the context", "COPY ../outside x", 'Kubefile:2:1: Cannot copy "../outside": it is outside the build context'],
    ["a source through a symlinked directory", "COPY linkdir/file x", 'Kubefile:2:1: Cannot copy "linkdir/file": it is reached through the symbolic link "linkdir"'],
    ["a source that is a symlink", "COPY linkfile x", 'Kubefile:2:1: Cannot copy "linkfile": it is reached through the symbolic link "linkfile"'],
    ["a missing source", "COPY nothing x", 'Kubefile:2:1: Cannot copy "nothing": "nothing" does not exist in the build context'],
    ["a glob that matches nothing", "COPY *.none x/", 'Kubefile:2:1: Cannot copy "*.none": no files match in the build context'],
    ["several sources into a file path", "COPY a b x", 'Kubefile:2:1: Cannot copy several sources to "x": the destination must end with "/"'],
    ["a destination outside the rootfs", "COPY a ../x", 'Kubefile:2:1: Cannot copy to "../x": it is outside the rootfs'],
  ])("refuses %s", async (_name, line, expected) => {
    const message = await buildError({
      Kubefile: `FROM scratch\n${line}\n`,
      a: "a",
      b: "b",
      "real/file": "f",
      linkdir: { symlink: "real" },
      linkfile: { symlink: "a" },
    });
    expect(message).toStartWith(expected);
  });
});

describe("apps", () => {
  test.each([
    ["a Helm chart", { "c/Chart.yaml": "name: c", "c/templates/x.yaml": "x" }, "helm", []],
    ["YAML files", { "c/a.yaml": "a", "c/sub/b.yml": "b" }, "kube", ["a.yaml", "sub/b.yml"]],
    ["shell scripts", { "c/install.sh": "echo" }, "shell", ["install.sh"]],
  ] as const)("detects %s", async (_name, files, type, expectedFiles) => {
    const { storeRoot, built } = await buildTree({ Kubefile: "FROM scratch\nAPP app local://c\n", ...files });
    const { readImage } = await import("../../src/store/read-image.ts");
    const { parseImageExtension } = await import("../../src/builder/image-extension.ts");
    const image = await readImage(await OciStore.open(storeRoot), built.descriptor);
    const [application] = parseImageExtension(image.platforms[0]!.manifest.annotations)!.applications!;
    expect(application).toEqual({ name: "app", type, files: [...expectedFiles], version: "v1" });
  });

  test("needs APPCMDS for an app of mixed files, and records the commands as a list", async () => {
    const mixed = { "c/a.yaml": "a", "c/run.sh": "echo" };
    expect(await buildError({ Kubefile: "FROM scratch\nAPP app local://c\n", ...mixed })).toStartWith(
      'Kubefile:2:1: Cannot tell how to launch app "app"',
    );
    const { built, storeRoot } = await buildTree({
      Kubefile: 'FROM scratch\nAPP app local://c\nAPPCMDS app ["kubectl apply -f a.yaml", "bash run.sh"]\n',
      ...mixed,
    });
    const { readImage } = await import("../../src/store/read-image.ts");
    const image = await readImage(await OciStore.open(storeRoot), built.descriptor);
    const extension = JSON.parse(image.platforms[0]!.manifest.annotations!["sealer.image.extension"]!);
    expect(extension.applications[0].cmds).toEqual(["kubectl apply -f a.yaml", "bash run.sh"]);
  });

  test.each([
    ["APPCMDS", 'APPCMDS ghost ["x"]'],
    ["APPENV", "APPENV ghost a=b"],
    ["LAUNCH", 'LAUNCH ["ghost"]'],
  ])("%s of an unknown app fails at its line", async (_name, line) => {
    const message = await buildError({ Kubefile: `FROM scratch\nAPP app local://a.yaml\n${line}\n`, "a.yaml": "a" });
    expect(message).toBe('Kubefile:3:1: Cannot find app "ghost": known apps are "app"');
  });
});
