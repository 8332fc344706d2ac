#!/usr/bin/env bun
/**
 * Regenerates test/golden/charts/*.yaml with the oracle, `tplrender chart` (real Go
 * text/template + sprig, rendering like `helm template`; build it with
 * ../shared/tools/tplrender/build.sh), and re-packs the packaged subcharts of the fixtures from
 * test/fixtures/chart-sources/ (deterministic: sorted names, mtime 0, uid/gid 0, gzip -n).
 *
 *   bun scripts/gen-chart-goldens.ts [--tplrender PATH] [CASE...]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { CHART_CASES, CHART_FIXTURES, CHART_GOLDENS, CHART_SOURCES, oracleArgs, PACKAGED_SUBCHARTS } from "../test/support/chart-cases.ts";

const args = process.argv.slice(2);
let tplrender = "tplrender";
const only: string[] = [];
for (let index = 0; index < args.length; index++) {
  if (args[index] === "--tplrender") tplrender = args[++index]!;
  else only.push(args[index]!);
}

for (const { source, target } of PACKAGED_SUBCHARTS) {
  const out = join(CHART_FIXTURES, target);
  mkdirSync(dirname(out), { recursive: true });
  const tar = Bun.spawnSync(
    ["tar", "--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner", "--format=ustar", "-C", CHART_SOURCES, "-cf", "-", source],
    { stderr: "inherit" },
  );
  if (tar.exitCode !== 0) throw new Error(`tar failed for ${source}`);
  const gzip = Bun.spawnSync(["gzip", "-n", "-9"], { stdin: tar.stdout, stderr: "inherit" });
  if (gzip.exitCode !== 0) throw new Error(`gzip failed for ${source}`);
  writeFileSync(out, gzip.stdout);
  console.log(`packed ${target}`);
}

mkdirSync(CHART_GOLDENS, { recursive: true });
let failed = false;
for (const entry of CHART_CASES) {
  if (only.length > 0 && !only.includes(entry.name)) continue;
  const run = Bun.spawnSync([tplrender, "chart", ...oracleArgs(entry), join(CHART_FIXTURES, entry.chart)], { stderr: "pipe" });
  if (run.exitCode !== 0) {
    console.error(`${entry.name}: tplrender exited ${run.exitCode}: ${run.stderr.toString()}`);
    failed = true;
    continue;
  }
  writeFileSync(join(CHART_GOLDENS, `${entry.name}.yaml`), run.stdout);
  console.log(`wrote test/golden/charts/${entry.name}.yaml`);
}
process.exit(failed ? 1 : 0);
