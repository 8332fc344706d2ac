import { expect, test } from "bun:test";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { firstMissingFolder, removeMadeParents } from "../../src/run/made-folders.ts";
import { tempDir } from "../support/temp-dir.ts";

test("lade delete removes the folders lade run made above DATA_DIR, only those, only when empty", async () => {
  const machine = tempDir();
  mkdirSync(join(machine, "var", "lib"), { recursive: true });
  const dataDir = join(machine, "var", "lib", "lade", "clusters", "default");
  expect(await firstMissingFolder(dataDir)).toBe(join(machine, "var", "lib", "lade"));
  mkdirSync(dataDir, { recursive: true });
  expect(await firstMissingFolder(dataDir)).toBeUndefined();

  // something else put a file in lade/clusters meanwhile: that folder and the ones above stay
  writeFileSync(join(machine, "var", "lib", "lade", "clusters", "other"), "");
  rmSync(dataDir, { recursive: true });
  await removeMadeParents(dataDir, join(machine, "var", "lib", "lade"));
  expect(existsSync(join(machine, "var", "lib", "lade", "clusters", "other"))).toBe(true);

  rmSync(join(machine, "var", "lib", "lade", "clusters", "other"));
  await removeMadeParents(dataDir, join(machine, "var", "lib", "lade"));
  expect(existsSync(join(machine, "var", "lib", "lade"))).toBe(false);
  expect(existsSync(join(machine, "var", "lib"))).toBe(true);
});
