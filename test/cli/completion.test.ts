import { beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runLade } from "../support/run-lade.ts";
import { tempDir } from "../support/temp-dir.ts";

/** lade completion's scripts, loaded in the real shells, with `lade` on PATH (this checkout) and an image in a store. */
const work = tempDir("lade-completion-");
const store = join(work, "store");
const bin = join(work, "bin");
const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");
const scripts: Record<string, string> = {};

beforeAll(async () => {
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, "lade"), `#!/bin/sh\nexec "${process.execPath}" "${MAIN}" "$@"\n`);
  chmodSync(join(bin, "lade"), 0o755);
  const context = join(work, "context");
  mkdirSync(context, { recursive: true });
  writeFileSync(join(context, "Kubefile"), "FROM scratch\nLABEL a=b\n");
  expect((await runLade(["--root", store, "build", "-q", "-t", "demo:1", context])).exitCode).toBe(0);
  for (const shell of ["bash", "zsh", "fish"]) {
    const result = await runLade(["completion", shell]);
    expect(result.exitCode, result.stderr).toBe(0);
    scripts[shell] = join(work, `lade.${shell}`);
    writeFileSync(scripts[shell]!, result.stdout);
  }
}, 60_000);

function shell(command: string[], script: string): string {
  const run = Bun.spawnSync([...command, script], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, LADE_ROOT: undefined }, cwd: work });
  expect(run.exitCode, run.stderr.toString()).toBe(0);
  return run.stdout.toString();
}

/** COMPREPLY of _lade for each line of words (the last word is the one being completed). */
function completeIn(run: (script: string) => string, prelude: string, cases: readonly string[][]): string[][] {
  const calls = cases.map((words) => `COMP_WORDS=(${words.map((word) => `'${word}'`).join(" ")}); COMP_CWORD=${words.length - 1}; COMPREPLY=(); _lade; echo "\${COMPREPLY[*]}"`);
  return run(`${prelude}\n${calls.join("\n")}`).trimEnd().split("\n").map((line) => line.split(" ").filter(Boolean));
}

describe("lade completion", () => {
  test("an unknown shell is a usage error", async () => {
    const result = await runLade(["completion", "tcsh"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("lade completion knows bash, zsh, fish, not \"tcsh\"");
  });

  test("bash: the script parses; commands, options, enum values, sub-commands and the store's image names complete", () => {
    shell(["bash", "-n"], scripts.bash!);
    shell(["shellcheck", "-s", "bash"], scripts.bash!);
    const [commands, options, values, subcommands, images, rootDir] = completeIn((script) => shell(["bash", "-c"], script), `source '${scripts.bash}'`, [
      ["lade", "bu"],
      ["lade", "build", "--ta"],
      ["lade", "save", "--compress", ""],
      ["lade", "render", ""],
      ["lade", "--root", store, "rmi", "dock"],
      ["lade", "--root", "sto"],
    ]);
    expect(commands).toEqual(["build"]);
    expect(options).toEqual(["--tag"]);
    expect(values).toEqual(["zstd", "gzip", "none"]);
    expect(subcommands).toEqual(["template", "chart", "kubeadm"]);
    expect(images).toContain("docker.io/library/demo:1");
    expect((images ?? []).some((name) => name.endsWith(".sbom"))).toBe(false);
    expect(rootDir).toEqual(["store"]);
  }, 30_000);

  test("zsh (through bashcompinit): the script parses and loads; the same values come back", () => {
    shell(["zsh", "-n"], scripts.zsh!);
    // zsh filters the replies by the prefix itself; bashcompinit runs the function as sh does
    const [values, subcommands, images] = completeIn((script) => shell(["zsh", "-c"], script), `autoload -U compinit && compinit -u\nsource '${scripts.zsh}'\nemulate -L sh`, [
      ["lade", "save", "--compress", ""],
      ["lade", "render", ""],
      ["lade", "--root", store, "inspect", ""],
    ]);
    expect(values).toEqual(["zstd", "gzip", "none"]);
    expect(subcommands).toEqual(["template", "chart", "kubeadm"]);
    expect(images).toContain("docker.io/library/demo:1");
  }, 30_000);

  test("fish: the script parses; complete -C gives commands with their summaries, options, values and image names", () => {
    shell(["fish", "--no-execute"], scripts.fish!);
    const out = shell(["fish", "-c"], `source '${scripts.fish}'; complete -C 'lade bu'; echo ---; complete -C 'lade save --compress '; echo ---; complete -C 'lade build --ta'; echo ---; set -x LADE_ROOT '${store}'; complete -C 'lade rmi '`);
    const [commands = [], values = [], options = [], images = []] = out.split("---\n").map((block) => block.trim().split("\n").map((line) => line.split("\t")[0]));
    expect(commands).toEqual(["build"]);
    expect(out).toContain("build\tBuild a cluster image from a Kubefile");
    expect(values).toEqual(["gzip", "none", "zstd"]);
    expect(options).toEqual(["--tag"]);
    expect(images).toContain("docker.io/library/demo:1");
  }, 30_000);
});
