import { mergeUserValues } from "../chart/merge-user-values.ts";
import type { GoMap } from "../template/go-value.ts";
import { UsageError } from "./global-options.ts";
import { repeatedOption } from "./repeated-option.ts";

/** `--values CHART=FILE` and `--set CHART.key=v`, merged per chart the way Helm merges -f and --set. */
export async function chartValues(rawArgs: readonly string[]): Promise<Map<string, GoMap>> {
  const files = new Map<string, { name: string; text: string }[]>();
  const sets = new Map<string, string[]>();
  for (const option of repeatedOption(rawArgs, "values")) {
    const equals = option.indexOf("=");
    if (equals <= 0) throw new UsageError(`Option "--values" needs CHART=FILE: got "${option}"`);
    const file = option.slice(equals + 1);
    const text = await Bun.file(file).text().catch(() => {
      throw new UsageError(`Cannot read the values file "${file}"`);
    });
    const chart = option.slice(0, equals);
    files.set(chart, [...(files.get(chart) ?? []), { name: file, text }]);
  }
  for (const option of repeatedOption(rawArgs, "set")) {
    const dot = option.indexOf(".");
    if (dot <= 0 || !option.includes("=")) throw new UsageError(`Option "--set" needs CHART.key=value: got "${option}"`);
    const chart = option.slice(0, dot);
    sets.set(chart, [...(sets.get(chart) ?? []), option.slice(dot + 1)]);
  }
  const values = new Map<string, GoMap>();
  for (const chart of new Set([...files.keys(), ...sets.keys()])) {
    values.set(chart, mergeUserValues({ valueFiles: files.get(chart) ?? [], set: sets.get(chart) ?? [] }));
  }
  return values;
}
