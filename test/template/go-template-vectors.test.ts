/**
 * Differential tests against Go: every vector in fixtures/go-template-vectors.jsonl was rendered
 * by real Go text/template (+ sprig + Helm's extras) with ../shared/tools/tplrender. Each is run
 * through the engine twice: with Go's default missingkey (expect `want`, or an error equal to
 * `error`), and with Helm's semantics (missingkey=zero, "<no value>" removed: expect `wantHelm`
 * when present, else the same as the default run).
 *
 * To add cases: append `{"name","template","data"}` lines to the fixture, then regenerate all
 * expectations with `bun scripts/gen-template-vectors.ts` (needs `tplrender` on PATH; build it
 * with ../shared/tools/tplrender/build.sh) and commit the file.
 *
 * The reference is Go 1.19 (the Go in Debian's archive). Newer Go features the engine supports
 * (range over an int, Go 1.22; {{else with}}, Go 1.23) error there, so those vectors expect the
 * 1.19 error and are listed in NEWER_GO below; their new behaviour is tested in
 * execute-template.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { GoValue } from "../../src/template/go-value.ts";
import { TemplateSet } from "../../src/template/template-set.ts";
import type { TemplateRuntime } from "../../src/template/template-function.ts";
import { tplrenderFunctions } from "./tplrender-functions.ts";

interface Vector {
  readonly name: string;
  readonly template: string;
  readonly data: GoValue;
  readonly want?: string;
  readonly wantError?: boolean;
  readonly error?: string;
  readonly wantHelm?: string;
}

/** Vectors whose Go 1.19 result is an error where Go ≥ 1.22/1.23 (and this engine) succeeds. */
const NEWER_GO: Readonly<Record<string, string>> = {
  "range/int-literal-old-go": "range over an int (Go 1.22)",
  "with/else-with-old-go": "{{else with}} (Go 1.23)",
};

/** Known differences from Go, with what the engine does instead. */
const KNOWN_DIFFERENCES: Readonly<Record<string, Outcome>> = {
  // Complex constants are not modelled: rejected when parsed.
  "lit/imaginary": { ok: false, message: 'template: t:1: complex constants are not supported: "1i"' },
  // A byte of a string is an int here (uint8 in Go): same value and printing, another %T.
  "index/string-type": { ok: true, output: "int" },
};

const vectors: Vector[] = readFileSync(`${import.meta.dir}/fixtures/go-template-vectors.jsonl`, "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line) as Vector);

type Outcome = { ok: true; output: string } | { ok: false; message: string };

function render(vector: Vector, helm: boolean): Outcome {
  let runtime: TemplateRuntime | undefined;
  const set = new TemplateSet({
    name: "t",
    functions: tplrenderFunctions(() => runtime!),
    missingKey: helm ? "zero" : "default",
    helmNoValue: helm,
  });
  runtime = set.runtime();
  try {
    set.parse("t", vector.template);
    return { ok: true, output: set.execute("t", vector.data) };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

describe("Go text/template vectors", () => {
  test("the fixture has the cases it should", () => {
    expect(vectors.length).toBeGreaterThanOrEqual(400);
    expect(new Set(vectors.map((vector) => vector.name)).size).toBe(vectors.length);
  });

  const checked = vectors.filter((vector) => !(vector.name in NEWER_GO) && !(vector.name in KNOWN_DIFFERENCES));

  test.each(checked.map((vector) => [vector.name, vector] as const))("%s", (_name, vector) => {
    const plain = render(vector, false);
    if (vector.wantError) expect(plain).toEqual({ ok: false, message: vector.error! });
    else expect(plain).toEqual({ ok: true, output: vector.want! });

    // tplrender records Helm's result only when it succeeds and differs: a missing `wantHelm`
    // means "same output, or an error" (missingkey=zero turns some missing values into nil
    // interfaces: "nil pointer evaluating interface {}.x"; those errors are table-tested).
    const helm = render(vector, true);
    if (vector.wantHelm !== undefined) expect(helm).toEqual({ ok: true, output: vector.wantHelm });
    else if (vector.wantError) expect(helm.ok).toBe(false);
    else if (helm.ok) expect(helm.output).toBe(vector.want!);
    else expect(helm.message).toMatch(/: (nil pointer evaluating interface \{\}\.|wrong type for value; expected .*; got interface \{\}$|error calling len: len of nil pointer$)/);
  });

  test.each(Object.entries(KNOWN_DIFFERENCES))("%s differs from Go as documented", (name, outcome) => {
    const vector = vectors.find((candidate) => candidate.name === name)!;
    expect(render(vector, false)).toEqual(outcome);
  });

  test.each(Object.entries(NEWER_GO))("%s is an error only before %s", (name) => {
    const vector = vectors.find((candidate) => candidate.name === name)!;
    expect(vector.wantError).toBe(true);
    expect(render(vector, false).ok).toBe(true);
  });
});
