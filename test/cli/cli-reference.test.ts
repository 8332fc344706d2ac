import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { commandTree } from "../../src/cli/command-tree.ts";
import { commandLoaders, commandSummaries } from "../../src/cli/commands/index.ts";
import { renderCliReference } from "../../src/cli/render-cli-reference.ts";

const TABLE = { loaders: commandLoaders, summaries: commandSummaries };

describe("docs/cli.md, the CLI reference", () => {
  test("is what the command definitions give (else: bun scripts/cli-reference.ts)", async () => {
    const current = await Bun.file(join(import.meta.dir, "..", "..", "docs", "cli.md")).text();
    expect(current === renderCliReference(await commandTree(TABLE)), "docs/cli.md is stale: run bun scripts/cli-reference.ts").toBe(true);
  });

  test("names every command, sub-command and option of the definitions", async () => {
    const tree = await commandTree(TABLE);
    const text = renderCliReference(tree);
    const build = tree.find((node) => node.path[0] === "build")!;
    expect(build.options.find((option) => option.name === "tag")).toMatchObject({ aliases: ["t", "imageName"], type: "string" });
    expect(text).toContain("## lade render chart\n");
    expect(text).toContain("| `--compress zstd\\|gzip\\|none` | Compression of the archive (default: `zstd`) |");
    expect(text).toContain("| `--cache` | Reuse cached layers (on unless `--no-cache` is given) |");
    for (const node of tree) expect(text).toContain(`## lade ${node.path.join(" ")}\n`);
  });
});
