import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { tempDir } from "../support/temp-dir.ts";

/** The README and docs/: every example marked runnable runs, and every link leads somewhere. */
const REPO = join(import.meta.dir, "..", "..");
const PAGES = ["README.md", ...readdirSync(join(REPO, "docs")).filter((file) => file.endsWith(".md")).map((file) => `docs/${file}`)];
const read = (page: string) => readFileSync(join(REPO, page), "utf8");

/** GitHub's anchor of a heading. */
const slug = (heading: string) => heading.toLowerCase().replace(/[^a-z0-9 _-]/g, "").replace(/ /g, "-");

function runnableBlocks(page: string): { line: number; script: string }[] {
  const blocks: { line: number; script: string }[] = [];
  const pattern = /<!-- runnable -->\n```sh\n([\s\S]*?)\n```/g;
  const text = read(page);
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) blocks.push({ line: text.slice(0, match.index).split("\n").length + 2, script: match[1]! });
  return blocks;
}

describe("the docs", () => {
  const examples = PAGES.flatMap((page) => runnableBlocks(page).map((block) => [`${page}:${block.line}`, block.script] as const));

  test("have runnable examples (the pages that teach by example)", () => {
    expect(examples.map(([where]) => where.split(":")[0])).toEqual(expect.arrayContaining(["docs/kubefile.md", "docs/templates-and-charts.md", "docs/supply-chain.md"]));
  });

  test.each(examples)("%s runs", (_where, script) => {
    const work = tempDir("lade-doc-example-");
    const bin = join(work, ".bin");
    Bun.spawnSync(["mkdir", "-p", bin]);
    writeFileSync(join(bin, "lade"), `#!/bin/sh\nexec "${process.execPath}" "${join(REPO, "src", "main.ts")}" "$@"\n`);
    chmodSync(join(bin, "lade"), 0o755);
    const run = Bun.spawnSync(["bash", "-euo", "pipefail", "-c", script], {
      cwd: work,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, LADE_ROOT: join(work, ".store"), NO_COLOR: "1" },
    });
    expect(run.exitCode, `${run.stdout.toString()}\n${run.stderr.toString()}`).toBe(0);
  }, 60_000);

  test("every relative link points at a file that exists, and at a heading it has", () => {
    const anchors = new Map(PAGES.map((page) => [normalize(page), new Set([...read(page).matchAll(/^#+ (.*)$/gm)].map((match) => slug(match[1]!)))]));
    const broken: string[] = [];
    for (const page of PAGES) {
      for (const [, link] of read(page).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^https?:/.test(link!)) continue;
        const [path, anchor] = link!.split("#");
        const target = path ? normalize(join(dirname(page), path)) : normalize(page);
        if (!existsSync(join(REPO, target))) broken.push(`${page}: ${link}`);
        else if (anchor && target.endsWith(".md") && !anchors.get(target)?.has(anchor)) broken.push(`${page}: ${link} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  test("the README is what a newcomer needs, the rest is in docs/", () => {
    const readme = read("README.md");
    expect(readme.split("\n").length).toBeLessThan(150);
    for (const command of ["bash scripts/example.sh", "bash scripts/test.sh"]) expect(readme).toContain(`\`\`\`sh\n${command}\n\`\`\``);
  });
});
