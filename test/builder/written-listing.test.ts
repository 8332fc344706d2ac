import { describe, expect, test } from "bun:test";
import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { listImageFiles } from "../../src/builder/list-image-files.ts";
import { writeLayer } from "../../src/builder/write-layer.ts";
import { sbomProblems } from "../../src/sbom/check-sbom.ts";
import { OciStore } from "../../src/store/oci-store.ts";
import { runLade } from "../support/run-lade.ts";
import { tempDir } from "../support/temp-dir.ts";
import { writeTree } from "../support/write-tree.ts";
import type { ImageManifest } from "../../src/oci/image-manifest.ts";

describe("what writeLayer says a layer holds", () => {
  test("is what reading the layer back lists, for every kind of entry and each compression", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "big"), Buffer.alloc(3 * 1024 * 1024 + 7, "kubelet "));
    writeFileSync(join(dir, "tool"), "#!/bin/sh\n");
    for (const format of ["gzip", "zstd", "none"] as const) {
      const store = await OciStore.open(tempDir());
      const layer = await writeLayer(
        store,
        [
          { path: "bin", type: "directory", mode: 0o750, size: 0 },
          { path: "bin/big", type: "file", mode: 0o644, size: 3 * 1024 * 1024 + 7, source: join(dir, "big") },
          { path: "bin/tool", type: "file", mode: 0o4755, size: 10, source: join(dir, "tool") },
          { path: "bin/empty", type: "file", mode: 0o600, size: 0 },
          { path: "bin/link", type: "symlink", mode: 0o777, size: 0, linkTarget: "../etc/x" },
          { path: "etc/inline.conf", type: "file", mode: 0o644, size: 3, content: new TextEncoder().encode("a=b") },
          { path: "etc/.wh.old.conf", type: "file", mode: 0, size: 0 },
          { path: "opt/.wh..wh..opq", type: "file", mode: 0, size: 0 },
        ],
        { mtime: 0, compression: { format, level: format === "zstd" ? 3 : 6 } },
      );
      const image = { manifest: { layers: [layer.descriptor] } as unknown as ImageManifest };
      const readBack = await listImageFiles(store, image, () => false);
      const told = await listImageFiles(store, image, () => false, new Map([[layer.descriptor.digest, Promise.resolve(layer.changes)]]));
      expect(told).toEqual(readBack);
      expect(readBack.get("bin/tool")).toEqual({ type: "file", mode: 0o4755, size: 10, content: new Bun.CryptoHasher("sha256").update("#!/bin/sh\n").digest("hex") });
      expect(layer.changes).toContainEqual({ removed: "etc/old.conf" });
      expect(layer.changes).toContainEqual({ removed: "opt/" });
    }
  });

  test("the SBOM lade build attaches from it matches the layers read back, across FROM, RUN and COPY", async () => {
    const root = tempDir();
    const base = writeTree(join(tempDir(), "base"), {
      Kubefile: "FROM scratch\nCOPY bin /bin/\nCOPY etc /etc/\n",
      "bin/kubelet": { content: "kubelet ".repeat(300_000), mode: 0o755 },
      "etc/old.conf": "old\n",
      "etc/empty": "",
    });
    symlinkSync("kubelet", join(base, "bin/kubelet-link"));
    const child = writeTree(join(tempDir(), "child"), {
      Kubefile: "FROM base:1\nRUN rm etc/old.conf && ln -s /bin/kubelet usr-kubelet && mkdir -p var/lib && echo hi > var/lib/hi\nCOPY extra /opt/\n",
      "extra/readme": "extra\n",
    });
    for (const [name, context] of [["base:1", base], ["child:1", child]] as const) {
      const built = await runLade(["--root", root, "build", "-q", "-t", name, "--platform", "linux/amd64", context]);
      expect(built.exitCode, built.stderr).toBe(0);
    }
    const store = await OciStore.open(root);
    for (const name of ["docker.io/library/base:1", "docker.io/library/child:1"]) {
      expect(await sbomProblems(store, { name, descriptor: (await store.resolve(name))! })).toEqual([]);
    }
  });
});
