import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { runLade } from "../support/run-lade.ts";
import { tempDir } from "../support/temp-dir.ts";
import { writeTree } from "../support/write-tree.ts";

describe("sealer's build spellings", () => {
  const context = () => writeTree(join(tempDir(), "ctx"), { "Kubefile.custom": "FROM scratch\nCOPY a.txt etc/\n", "a.txt": "a" });

  test("-m lite, --imageName and --kubefile work as sealer build scripts write them", async () => {
    const root = tempDir();
    const ctx = context();
    const result = await runLade(["--root", root, "build", "-m", "lite", "--imageName", "my-cluster:v1.19.9", "--kubefile", join(ctx, "Kubefile.custom"), ctx]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain("Tagged docker.io/library/my-cluster:v1.19.9");
    const again = await runLade(["--root", root, "build", "--mode=lite", "--imageName=other:1", "-t", "third:1", "--kubefile=" + join(ctx, "Kubefile.custom"), ctx]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain("Tagged docker.io/library/other:1");
    expect(again.stdout).toContain("Tagged docker.io/library/third:1");
  });

  test("any other build mode is a usage error that says lade builds lite only, and nothing is tagged", async () => {
    const root = tempDir();
    const result = await runLade(["--root", root, "build", "-m", "cloud", "-t", "x:1", "-f", join(context(), "Kubefile.custom"), context()]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('Build mode "cloud" is not supported: lade builds in sealer\'s lite mode only');
    expect(JSON.parse((await runLade(["--root", root, "images", "--json"])).stdout)).toEqual([]);
  });
});
