/**
 * Compile lade into self-contained executables, one per architecture.
 *
 *   bun run build                              # dist/lade-linux-amd64 and dist/lade-linux-arm64
 *   bun scripts/build.ts --target arm64        # just one (repeatable, or comma separated)
 *   bun scripts/build.ts --outdir /tmp/lade    # somewhere else
 *
 * The binaries carry everything they need (bundled code, text assets, an embedded source map);
 * they never read the source tree, a bunfig.toml or a .env file at run time.
 */
import { mkdirSync, rmSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";

interface Target {
  /** GOARCH-style name used in file names, `--target` and `lade version`. */
  readonly arch: "amd64" | "arm64";
  /**
   * x64 uses the `-baseline` runtime: it runs on any x86-64 CPU, while the default one needs
   * AVX2 and dies with "Illegal instruction" on older servers, which air-gapped sites often have.
   */
  readonly bunTarget: Bun.Build.CompileTarget;
}

const TARGETS: readonly Target[] = [
  { arch: "amd64", bunTarget: "bun-linux-x64-baseline" },
  { arch: "arm64", bunTarget: "bun-linux-arm64" },
];

const REPO_ROOT = resolve(import.meta.dir, "..");
const ENTRYPOINT = join(REPO_ROOT, "src", "main.ts");

function usage(): never {
  process.stderr.write("usage: bun scripts/build.ts [--target amd64|arm64]... [--outdir DIR]\n");
  process.exit(2);
}

function parseOptions(argv: readonly string[]): { targets: readonly Target[]; outdir: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        target: { type: "string", multiple: true },
        outdir: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    process.stderr.write(`build: ${(error as Error).message}\n`);
    usage();
  }
  if (parsed.values.help) usage();
  const wanted = (parsed.values.target ?? []).flatMap((value) => value.split(",")).filter(Boolean);
  for (const arch of wanted) {
    if (!TARGETS.some((target) => target.arch === arch)) {
      process.stderr.write(`build: unknown target "${arch}" (expected amd64 or arm64)\n`);
      usage();
    }
  }
  const targets = wanted.length === 0 ? TARGETS : TARGETS.filter((target) => wanted.includes(target.arch));
  return { targets, outdir: resolve(parsed.values.outdir ?? join(REPO_ROOT, "dist")) };
}

/** The checkout's commit, or "unknown" for a source tree without git. */
function buildCommit(): string {
  try {
    const result = Bun.spawnSync(["git", "rev-parse", "--short=12", "HEAD"], {
      cwd: REPO_ROOT,
      stdout: "pipe",
      stderr: "ignore",
    });
    const commit = result.stdout.toString().trim();
    return result.exitCode === 0 && commit ? commit : "unknown";
  } catch {
    return "unknown"; // git is not installed
  }
}

function formatSize(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

async function compile(target: Target, outdir: string, commit: string): Promise<string> {
  const outfile = join(outdir, `lade-linux-${target.arch}`);
  const result = await Bun.build({
    entrypoints: [ENTRYPOINT],
    root: REPO_ROOT, // source-map paths read "src/…" whatever the working directory
    target: "bun",
    format: "esm", // main.ts uses top-level await; bytecode for ESM needs compile
    minify: true,
    bytecode: true, // parsing moves to build time: `lade version` starts ~3× faster
    sourcemap: "linked", // embedded in the executable, so --debug stacks name src/ files and lines
    define: { LADE_BUILD_COMMIT: JSON.stringify(commit) },
    compile: {
      target: target.bunTarget,
      outfile,
      autoloadDotenv: false,
      autoloadBunfig: false,
      autoloadTsconfig: false,
      autoloadPackageJson: false,
    },
    throw: false,
  });
  if (!result.success) {
    for (const log of result.logs) process.stderr.write(`${log}\n`);
    throw new Error(`compiling ${target.bunTarget} failed`);
  }
  // The map is inside the executable already; the copy Bun also writes next to it is clutter.
  for (const output of result.outputs) {
    if (output.kind === "sourcemap") rmSync(output.path, { force: true });
  }
  return outfile;
}

async function main(): Promise<void> {
  const { targets, outdir } = parseOptions(process.argv.slice(2));
  const commit = buildCommit();
  mkdirSync(outdir, { recursive: true });
  for (const target of targets) {
    const started = performance.now();
    const outfile = await compile(target, outdir, commit);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const shown = relative(process.cwd(), outfile).startsWith("..") ? outfile : relative(process.cwd(), outfile);
    const size = statSync(outfile).size;
    console.log(`wrote ${shown}  ${formatSize(size)} (${size} bytes, ${target.bunTarget}, commit ${commit}, ${seconds}s)`);
  }
}

try {
  await main();
} catch (error) {
  process.stderr.write(`build: ${(error as Error).message}\n`);
  process.exit(1);
}
