import { expect } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * `expectGolden(name, actual)` against DIR/NAME: equal, or, with UPDATE_GOLDEN=1, rewritten; a
 * missing golden file is written and the test fails once, so that a person looks at it.
 */
export function goldenFiles(dir: string): (name: string, actual: string) => void {
  return (name, actual) => {
    const path = join(dir, name);
    if (process.env.UPDATE_GOLDEN === "1" || !existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, actual);
      if (process.env.UPDATE_GOLDEN !== "1") throw new Error(`Golden file ${name} was missing: written, check it and run again`);
      return;
    }
    expect(actual).toBe(readFileSync(path, "utf8"));
  };
}
