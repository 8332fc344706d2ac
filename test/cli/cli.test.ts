import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { runLade } from "../support/run-lade.ts";
import { tempDir } from "../support/temp-dir.ts";
import { writeTree } from "../support/write-tree.ts";

function context(kubefile = "FROM scratch\nCOPY a.txt /a.txt\n"): string {
  return writeTree(join(tempDir(), "ctx"), { Kubefile: kubefile, "a.txt": "a" });
}

describe("lade CLI", () => {
  test("--root works before and after the command, and LADE_ROOT works too", async () => {
    const ctx = context();
    const before = tempDir();
    const after = tempDir();
    const fromEnv = tempDir();
    const builds = await Promise.all([
      runLade(["--root", before, "build", "-t", "cli:1", ctx]),
      runLade(["build", "-t", "cli:1", ctx, `--root=${after}`]),
      runLade(["build", "-t", "cli:1", ctx], { env: { LADE_ROOT: fromEnv } }),
    ]);
    for (const build of builds) expect(build.exitCode).toBe(0);
    const digests = new Set(builds.map((build) => build.stdout.trim().split("\n").at(-1)));
    expect(digests.size).toBe(1);
    for (const root of [before, after, fromEnv]) {
      const images = await runLade(["images", "--json", "--root", root]);
      expect(JSON.parse(images.stdout).map((image: { name: string }) => image.name)).toEqual(["docker.io/library/cli:1"]);
    }
  });

  test("prints Kubefile errors compiler-style and exits 1 with nothing tagged", async () => {
    const root = tempDir();
    const ctx = context("FROM scratch\nCOPY a.txt /a.txt\nCOPPY a.txt b\n");
    const result = await runLade(["--root", root, "build", "-t", "bad:1", ctx]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toStartWith(`lade: error: ${ctx}/Kubefile:3:1: `);
    expect(result.stderr).toContain('"COPPY"');
    expect(result.stderr).not.toContain("    at ");
    const images = await runLade(["--root", root, "images", "--json"]);
    expect(JSON.parse(images.stdout)).toEqual([]);
  });

  test("names the Kubefile relative to where lade runs", async () => {
    const ctx = context("FROM scratch\nWORKDIR /x\n");
    const result = await runLade(["--root", tempDir(), "build", "-t", "bad:1", "."], { cwd: ctx });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toStartWith("lade: error: Kubefile:2:1: ");
  });

  test.each([
    [["frobnicate"], 'Unknown command "frobnicate"'],
    [["build", "--tagg", "x", "."], 'Unknown option "--tagg"'],
    [["build", "."], "Missing required argument: --tag"],
    [["build", "-t", "UPPER/Case", "."], 'Cannot parse image reference "UPPER/Case"'],
    [["build", "-t", "x", "--build-arg", "novalue", "."], 'Option "--build-arg" needs KEY=VALUE'],
    [["build", "-t", "x", "--platform", "linux/", "."], 'Cannot parse platform "linux/"'],
  ])("exits 2 on a usage error: %p", async (args, message) => {
    const result = await runLade(["--root", tempDir(), ...args]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(message);
  });

  test("--help on the root and on every command exits 0 and explains the options", async () => {
    const root = await runLade(["--help"]);
    expect(root.exitCode).toBe(0);
    for (const verb of ["build", "images", "inspect", "tag", "rmi", "prune", "fsck", "version"]) {
      expect(root.stdout).toContain(`  ${verb}`);
      const help = await runLade([verb, "--help"]);
      expect(help.exitCode).toBe(0);
      expect(help.stdout).toContain("--root DIR");
    }
    const build = await runLade(["build", "--help"]);
    for (const option of ["--tag", "--file", "--build-arg", "--platform", "--label", "--no-cache"]) {
      expect(build.stdout).toContain(option);
    }
  });

  test("help carries colour only for a terminal: a pipe gets plain text, FORCE_COLOR forces it, NO_COLOR wins over nothing else", async () => {
    const ESC = "\u001b[";
    const piped = await runLade(["build", "--help"], { env: { FORCE_COLOR: undefined, NO_COLOR: undefined, CI: undefined, TEST: undefined } });
    expect(piped.stdout).toContain("USAGE");
    expect(piped.stdout).not.toContain(ESC);
    const forced = await runLade(["build", "--help"], { env: { FORCE_COLOR: "1", NO_COLOR: undefined, CI: undefined, TEST: undefined } });
    expect(forced.stdout).toContain(ESC);
    const both = await runLade(["build", "--help"], { env: { FORCE_COLOR: "0", NO_COLOR: "1", CI: undefined, TEST: undefined } });
    expect(both.stdout).not.toContain(ESC);
  });

  test("version prints version, commit and platform", async () => {
    const result = await runLade(["version", "--json"]);
    const info = JSON.parse(result.stdout);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.commit).toMatch(/^([0-9a-f]{7,}|unknown)$/);
    expect(info.platform).toBe(`linux/${process.arch === "x64" ? "amd64" : process.arch}`);
  });

  test("build applies --build-arg, --label and -f", async () => {
    const ctx = writeTree(join(tempDir(), "ctx"), {
      "other.kubefile": "FROM scratch\nARG NAME=default\nLABEL name=${NAME}\n",
    });
    const root = tempDir();
    const build = await runLade([
      "--root", root, "build", "-t", "args:1", "-f", join(ctx, "other.kubefile"),
      "--build-arg", "NAME=given", "--label", "extra=yes", "--label", "more=too", ctx,
    ]);
    expect(build.exitCode).toBe(0);
    const inspect = await runLade(["--root", root, "inspect", "args:1", "--json"]);
    expect(JSON.parse(inspect.stdout).platforms[0].labels).toEqual({ extra: "yes", more: "too", name: "given" });
  });

  test("a reader that goes away ends lade quietly, with SIGPIPE's status", async () => {
    const chart = tempDir();
    const templates = Object.fromEntries(
      Array.from({ length: 100 }, (_, index) => [`templates/cm${index}.yaml`, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm${index}\ndata:\n  x: "${"a".repeat(4000)}"\n`]),
    );
    writeTree(chart, { "Chart.yaml": "apiVersion: v2\nname: big\nversion: 0.1.0\n", ...templates });
    const main = join(import.meta.dir, "..", "..", "src", "main.ts");
    const child = Bun.spawn(["bash", "-c", `"$0" "$1" render chart "$2" | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`, process.execPath, main, chart], { stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
    expect(stderr).toBe("");
    expect(stdout.trim()).toBe("141");
  });
});
