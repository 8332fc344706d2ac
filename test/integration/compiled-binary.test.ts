import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { runLade } from "../support/run-lade.ts";
import { tempDir } from "../support/temp-dir.ts";
import { writeTree } from "../support/write-tree.ts";

// Smoke test of the executables scripts/build.ts writes. They are compiled into a temporary
// directory and always run from another temporary directory, so a file read from the source
// tree at run time (instead of being embedded) would make them fail here. That directory also
// holds a .env and a bunfig.toml that would break any run that loaded them: the binaries must not.

const REPO_ROOT = resolve(import.meta.dir, "..", "..");
const QEMU = Bun.which("qemu-aarch64-static");
const DIGEST = /^sha256:[0-9a-f]{64}$/;

interface RunResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(argv: readonly string[], cwd: string): Promise<RunResult> {
  const child = Bun.spawn([...argv], {
    cwd,
    env: { ...process.env, SOURCE_DATE_EPOCH: undefined, LADE_ROOT: undefined },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { exitCode, stdout, stderr };
}

function expectSuccess(result: RunResult): void {
  if (result.exitCode !== 0) throw new Error(`exit ${result.exitCode}\n${result.stdout}\n${result.stderr}`);
}

function lastDigest(output: string): string {
  const digest = output.trim().split("\n").at(-1) ?? "";
  expect(digest).toMatch(DIGEST);
  return digest;
}

let outdir = "";
let amd64 = "";
let arm64 = "";
let elsewhere = "";
let expectedCommit = "";

beforeAll(async () => {
  outdir = tempDir("lade-dist-");
  elsewhere = writeTree(tempDir("lade-cwd-"), {
    ".env": "SOURCE_DATE_EPOCH=not-a-number\nLADE_ROOT=/nonexistent/lade-root\n",
    "bunfig.toml": 'preload = ["./missing-preload.ts"]\n',
  });
  const targets = QEMU ? ["--target", "amd64", "--target", "arm64"] : ["--target", "amd64"];
  expectSuccess(await run([process.execPath, join(REPO_ROOT, "scripts", "build.ts"), "--outdir", outdir, ...targets], REPO_ROOT));
  amd64 = join(outdir, "lade-linux-amd64");
  arm64 = join(outdir, "lade-linux-arm64");
  const git = await run(["git", "rev-parse", "--short=12", "HEAD"], REPO_ROOT).catch(() => undefined);
  expectedCommit = git?.exitCode === 0 && git.stdout.trim() ? git.stdout.trim() : "unknown";
}, 600_000);

describe("compiled lade (linux/amd64)", () => {
  test("scripts/build.ts wrote the executables and nothing else", () => {
    expect(existsSync(amd64)).toBe(true);
    if (QEMU) expect(existsSync(arm64)).toBe(true);
    const names = [...new Bun.Glob("*").scanSync({ cwd: outdir, onlyFiles: false })].sort();
    expect(names).toEqual(QEMU ? ["lade-linux-amd64", "lade-linux-arm64"] : ["lade-linux-amd64"]);
  });

  test("version prints the version, the build commit and linux/amd64", async () => {
    const { version } = (await Bun.file(join(REPO_ROOT, "package.json")).json()) as { version: string };
    const text = await run([amd64, "version"], elsewhere);
    expectSuccess(text);
    expect(text.stdout).toStartWith(`lade ${version} (commit ${expectedCommit}, linux/amd64, bun ${Bun.version})`);
    const json = await run([amd64, "version", "--json"], elsewhere);
    expectSuccess(json);
    expect(JSON.parse(json.stdout)).toEqual({ version, commit: expectedCommit, platform: "linux/amd64", bun: Bun.version });
  });

  test("--help lists the commands and exits 0", async () => {
    const result = await run([amd64, "--help"], elsewhere);
    expectSuccess(result);
    expect(result.stdout).toContain("Commands:");
    for (const command of ["build", "images", "inspect", "version"]) expect(result.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
  });

  test("an unknown command exits 2", async () => {
    const result = await run([amd64, "frobnicate"], elsewhere);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('Unknown command "frobnicate"');
  });

  test("builds the same image, with the same digest, as bun src/main.ts", async () => {
    const ctx = writeTree(join(tempDir(), "ctx"), {
      Kubefile: "FROM scratch\nCOPY files /files\nENV A=b\n",
      "files/hello.txt": "hello\n",
      "files/sub/run.sh": { content: "#!/bin/sh\necho hi\n", mode: 0o755 },
      // several MiB of text: its blocks are gzipped on the deflate workers, which the executable must start too
      "files/log.txt": Array.from({ length: 80_000 }, (_, i) => `line ${i} of the compiled-binary smoke test\n`).join(""),
    });
    const binaryStore = tempDir("lade-store-");
    const sourceStore = tempDir("lade-store-");

    const built = await run([amd64, "--root", binaryStore, "build", "-t", "smoke:1", ctx], elsewhere);
    expectSuccess(built);
    const digest = lastDigest(built.stdout);

    const images = await run([amd64, "--root", binaryStore, "images", "--json"], elsewhere);
    expectSuccess(images);
    const listed = JSON.parse(images.stdout) as { name: string; digest: string }[];
    expect(listed.map((image) => [image.name, image.digest])).toEqual([["docker.io/library/smoke:1", digest]]);

    // `bun src/main.ts` does read .env and bunfig.toml from its working directory: use a clean one.
    const fromSource = await runLade(["--root", sourceStore, "build", "-t", "smoke:1", ctx], { cwd: tempDir() });
    expectSuccess(fromSource);
    expect(lastDigest(fromSource.stdout)).toBe(digest);
  });
});

describe("compiled lade (linux/arm64 under qemu)", () => {
  const title = QEMU
    ? "version prints linux/arm64"
    : "version prints linux/arm64 (SKIPPED: qemu-aarch64-static is not installed; run scripts/install-test-deps.sh)";
  test.skipIf(!QEMU)(title, async () => {
    const result = await run([QEMU!, "-L", "/", arm64, "version"], elsewhere);
    expectSuccess(result);
    expect(result.stdout).toStartWith(`lade `);
    expect(result.stdout).toContain(`(commit ${expectedCommit}, linux/arm64, bun ${Bun.version})`);
  });
});
