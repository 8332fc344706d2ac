import { join } from "node:path";

const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");

export interface LadeResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run `bun src/main.ts ARGS` as a separate process, as a user would run `lade ARGS`. */
export async function runLade(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; stdin?: string } = {},
): Promise<LadeResult> {
  const child = Bun.spawn([process.execPath, MAIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, SOURCE_DATE_EPOCH: undefined, LADE_ROOT: undefined, ...options.env },
    stdin: options.stdin === undefined ? "ignore" : new TextEncoder().encode(options.stdin),
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

export function spawnLade(args: readonly string[], env: Record<string, string | undefined> = {}) {
  return Bun.spawn([process.execPath, MAIN, ...args], {
    env: { ...process.env, SOURCE_DATE_EPOCH: undefined, LADE_ROOT: undefined, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
}
