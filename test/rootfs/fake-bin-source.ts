import type { RootfsArch } from "../../src/rootfs/component-versions.ts";
import type { RootfsPlan } from "../../src/rootfs/plan-rootfs.ts";
import { writeStandInBinaries, type StandInOptions } from "../../scripts/lib/stand-in-binaries.ts";
import { tempDir } from "../support/temp-dir.ts";

export { fakeProgram } from "../../scripts/lib/stand-in-binaries.ts";
export type FakeBinSourceOptions = StandInOptions;

/** A `--bin-source DIR` of stand-in programs for the plan's arches (see scripts/lib/stand-in-binaries.ts), in a temp folder. */
export async function fakeBinSource(plan: RootfsPlan, arches: readonly RootfsArch[] = plan.options.arches, options: FakeBinSourceOptions = {}): Promise<string> {
  const dir = tempDir("lade-bin-source-");
  await writeStandInBinaries(dir, plan, arches, options);
  return dir;
}
