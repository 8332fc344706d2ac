import { byteProgress } from "./byte-progress.ts";
import type { BuildReporter } from "../builder/build-reporter.ts";

/** Build progress on stderr, so stdout carries only the result (the digest) for scripts. */
export function consoleBuildReporter(quiet: boolean): BuildReporter {
  if (quiet) return { log() {}, output() {} };
  let progress: ReturnType<typeof byteProgress> | undefined;
  const writing = new Map<string, { done: number; total: number }>();
  return {
    log: (message) => process.stderr.write(`${message}\n`),
    output: (text) => process.stderr.write(text),
    // the layers being written say how far they are, together: a line redrawn on a terminal, a line every 5 s in a log
    layerBytes(key, done, total) {
      writing.set(key, { done, total });
      progress ??= byteProgress("Writing layer");
      let sum = 0;
      let of = 0;
      for (const layer of writing.values()) {
        sum += layer.done;
        of += layer.total;
      }
      progress.update(sum, of);
      if (done < total) return;
      writing.delete(key);
      if (writing.size > 0) return;
      progress.finish();
      progress = undefined;
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
