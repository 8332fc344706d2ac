import { byteProgress } from "./byte-progress.ts";
import type { BuildReporter } from "../builder/build-reporter.ts";

/** Build progress on stderr, so stdout carries only the result (the digest) for scripts. */
export function consoleBuildReporter(quiet: boolean): BuildReporter {
  if (quiet) return { log() {}, output() {} };
  let layer: ReturnType<typeof byteProgress> | undefined;
  return {
    log: (message) => process.stderr.write(`${message}\n`),
    output: (text) => process.stderr.write(text),
    // a large layer says how far it is: a line redrawn on a terminal, a line every 5 s in a log
    layerBytes(done, total) {
      layer ??= byteProgress("Writing layer");
      layer.update(done, total);
      if (done >= total) {
        layer.finish();
        layer = undefined;
      }
    },
  };
}

/** Left-aligned columns with two spaces between, like docker's listings. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

export { formatBytes } from "../util/format-bytes.ts";

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
