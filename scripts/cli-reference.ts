// Writes docs/cli.md from the command definitions (`bun scripts/cli-reference.ts`);
// with --check, exits 1 when docs/cli.md is not what they give.
import { join } from "node:path";
import { commandTree } from "../src/cli/command-tree.ts";
import { commandLoaders, commandSummaries } from "../src/cli/commands/index.ts";
import { renderCliReference } from "../src/cli/render-cli-reference.ts";

const file = join(import.meta.dir, "..", "docs", "cli.md");
const text = renderCliReference(await commandTree({ loaders: commandLoaders, summaries: commandSummaries }));
if (process.argv.includes("--check")) {
  const current = await Bun.file(file).text().catch(() => "");
  if (current !== text) {
    console.error("docs/cli.md is stale: run bun scripts/cli-reference.ts");
    process.exit(1);
  }
} else {
  await Bun.write(file, text);
  console.log(`Wrote ${file}`);
}
