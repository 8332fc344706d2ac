#!/usr/bin/env bun
/**
 * Regenerates the expected outputs of the Go template test vectors with the reference renderer
 * (real Go text/template + sprig + Helm's extras).
 *
 *   bun scripts/gen-template-vectors.ts [IN.jsonl [OUT.jsonl]]
 *
 * IN defaults to test/template/fixtures/go-template-vectors.jsonl and OUT to IN (in place). Each
 * input line is `{"name","template","data"}` (other fields are dropped and recomputed); lines
 * that are empty or start with `#` are skipped. Each output line adds `want` or
 * `wantError` + `error`, and `wantHelm` when Helm's semantics (missingkey=zero, "<no value>"
 * removed) give a different result. Needs `tplrender` on PATH (or TPLRENDER=path); build it with
 * ../shared/tools/tplrender/build.sh.
 */
import { resolve } from "node:path";

const root = resolve(import.meta.dir, "..");
const input = resolve(process.argv[2] ?? `${root}/test/template/fixtures/go-template-vectors.jsonl`);
const output = resolve(process.argv[3] ?? input);
const tplrender = process.env.TPLRENDER ?? "tplrender";

const lines = (await Bun.file(input).text())
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("#"));
const seen = new Set<string>();
const cases = lines.map((line, index) => {
  const { name, template, data } = JSON.parse(line) as { name?: unknown; template?: unknown; data?: unknown };
  if (typeof name !== "string" || typeof template !== "string") {
    throw new Error(`${input}:${index + 1}: needs a string "name" and "template"`);
  }
  if (seen.has(name)) throw new Error(`${input}:${index + 1}: duplicate name ${JSON.stringify(name)}`);
  seen.add(name);
  return JSON.stringify({ name, template, data: data ?? null });
});

const child = Bun.spawn([tplrender, "vectors"], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
child.stdin.write(`${cases.join("\n")}\n`);
await child.stdin.end();
const result = await new Response(child.stdout).text();
if ((await child.exited) !== 0) throw new Error(`${tplrender} vectors failed`);
const produced = result.split("\n").filter((line) => line !== "");
if (produced.length !== cases.length) throw new Error(`expected ${cases.length} vectors, got ${produced.length}`);
await Bun.write(output, `${produced.join("\n")}\n`);
console.log(`${produced.length} vectors written to ${output}`);
