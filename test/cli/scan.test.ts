import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { runLade } from "../support/run-lade.ts";
import { tempDir } from "../support/temp-dir.ts";
import { writeTree } from "../support/write-tree.ts";

describe("lade scan", () => {
  const tree = () =>
    writeTree(join(tempDir(), "tree"), {
      "manifests/app.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n      - {name: web, image: 'nginx:1.27', env: [{name: X, value: 'ghcr.io/a/b:1'}]}\n",
      "manifests/imageList": "# extra\nbusybox:1.36\n",
      "manifests/notes.txt": "image: not/scanned:1\n",
      "registry/docker/registry/v2/x.yaml": "kind: Pod\nspec: {containers: [{image: 'never:1'}]}\n",
      "templated/t.yaml": "kind: Pod\nspec:\n  containers:\n  {{- range .Values.x }}\n  - image: {{ . }}\n  {{- end }}\n",
    });

  test("--json prints one object with images and candidates, sorted, with sources", async () => {
    const root = tree();
    const result = await runLade(["scan", "--json", join(root, "manifests"), join(root, "templated"), join(root, "registry")], { cwd: root });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      images: [
        { image: "docker.io/library/busybox:1.36", sources: [{ file: join(root, "manifests/imageList"), line: 2, rule: "image-list" }] },
        {
          image: "docker.io/library/nginx:1.27",
          sources: [{ file: join(root, "manifests/app.yaml"), document: 0, kind: "Deployment", name: "web", path: "spec.template.spec.containers[0].image", line: 8, rule: "pod-spec" }],
        },
      ],
      candidates: [
        {
          image: "ghcr.io/a/b:1",
          sources: [{ file: join(root, "manifests/app.yaml"), document: 0, kind: "Deployment", name: "web", path: "spec.template.spec.containers[0].env[0].value", line: 8, rule: "container-env" }],
        },
      ],
    });
    expect(result.stderr).toContain("warning: Skipped");
  });

  test("prints a table, honours --ignore-image, and fails on a bad image list line", async () => {
    const root = tree();
    const table = await runLade(["scan", root, "--ignore-image", "busybox*"]);
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toContain("docker.io/library/nginx:1.27");
    expect(table.stdout).not.toContain("busybox");
    expect(table.stdout).toContain("1 images, 1 candidates");
    await Bun.write(join(root, "manifests/imageList"), "ok:1\nNOT VALID\n");
    const bad = await runLade(["scan", root]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toStartWith(`lade: error: ${join(root, "manifests/imageList")}:2:1: Cannot parse image reference`);
  });
});
