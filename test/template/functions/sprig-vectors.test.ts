// The vectors' dates are formatted in the local zone (toDate, date): render them in UTC, as the
// expectations were generated (TZ=UTC tplrender vectors), and put the zone back afterwards.
const savedTimeZone = process.env.TZ;
process.env.TZ = "UTC";

import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { allFunctions } from "../../../src/template/functions/helm-functions.ts";
import { sprigFunctions } from "../../../src/template/functions/sprig-functions.ts";
import type { TemplateRuntime } from "../../../src/template/template-function.ts";
import { TemplateSet } from "../../../src/template/template-set.ts";

/**
 * Differential vectors: each line of sprig-vectors.jsonl is a template and its data with what
 * real Go text/template + sprig v3 + Helm's functions produced (`tplrender vectors`, TZ=UTC):
 * `want` under plain text/template, `wantHelm` when Helm's engine options (missingkey=zero,
 * "<no value>" removed) change it, or `wantError` + `error`. To regenerate after adding lines:
 * `TZ=UTC tplrender vectors < sprig-vectors.jsonl > new.jsonl` (it recomputes the expectations).
 * The `fuzz-*` lines are a sample of randomly generated structures, strings and numbers.
 */
interface Vector {
  name: string;
  template: string;
  data: unknown;
  want?: string;
  wantError?: boolean;
  error?: string;
  wantHelm?: string;
}

const vectors: Vector[] = readFileSync(join(import.meta.dir, "..", "fixtures", "sprig-vectors.jsonl"), "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line) as Vector);

/** Vectors whose Go result the value model cannot reproduce, with the reason (see the README). */
const KNOWN_DIFFERENCES: Record<string, string> = {
  "math/int64": "typeOf of an int64 is reported as int: the value model has one integer type (bigint)",
};

function render(vector: Vector, helm: boolean): { output?: string; error?: string } {
  let set: TemplateSet | undefined;
  const runtime: TemplateRuntime = {
    include: (name, data) => set!.runtime().include(name, data),
    tpl: (text, data) => set!.runtime().tpl(text, data),
  };
  set = new TemplateSet({
    functions: allFunctions(runtime),
    missingKey: helm ? "zero" : "default",
    helmNoValue: helm,
    name: "t",
  });
  try {
    set.parse("t", vector.template);
    // Bytes that are not UTF-8 are kept as lone surrogates; Go's JSON output shows each as U+FFFD.
    return { output: set.execute("t", vector.data as never).replace(/[\udc80-\udcff]/g, "\ufffd") };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Whether the engine can call a function named like an Object.prototype member (toString). */
const engineCallsToString = (() => {
  try {
    const set = new TemplateSet({ functions: sprigFunctions });
    set.parse("probe", "{{ toString 1 }}");
    return set.execute("probe", null) === "1";
  } catch {
    return false;
  }
})();

afterAll(() => {
  if (savedTimeZone === undefined) delete process.env.TZ;
  else process.env.TZ = savedTimeZone;
});

describe("sprig and Helm functions against Go (sprig-vectors.jsonl)", () => {
  test("has at least 400 vectors with unique names", () => {
    expect(vectors.length).toBeGreaterThanOrEqual(400);
    expect(new Set(vectors.map((v) => v.name)).size).toBe(vectors.length);
  });

  for (const vector of vectors) {
    const skip = KNOWN_DIFFERENCES[vector.name] ?? (!engineCallsToString && /\btoString\b/.test(vector.template) ? "engine cannot call toString" : undefined);
    const run = skip ? test.skip : test;
    run(vector.name, () => {
      const plain = render(vector, false);
      if (vector.wantError) {
        expect(plain.error).toBe(vector.error!);
      } else {
        expect(plain.error).toBeUndefined();
        expect(plain.output).toBe(vector.want!);
      }
      const helm = render(vector, true);
      const wantHelm = vector.wantHelm ?? vector.want;
      if (wantHelm === undefined) expect(helm.error).toBeDefined();
      else expect(helm.output).toBe(wantHelm);
    });
  }
});
