import type { ChartFile } from "../../src/chart/chart.ts";
import { concatBytes, encodeTarHeader, tarPadding, tarTrailer } from "../../src/util/tar-header.ts";

const encoder = new TextEncoder();

/** Chart files described in code: path → text or bytes. */
export function chartFiles(spec: Record<string, string | Uint8Array>): ChartFile[] {
  return Object.entries(spec).map(([name, data]) => ({ name, data: typeof data === "string" ? encoder.encode(data) : data }));
}

/** A packaged chart (`helm package` layout: every entry under TOP/), gzip'd, made in memory. */
export function packChart(top: string, spec: Record<string, string | Uint8Array>): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const file of chartFiles(spec)) {
    parts.push(encodeTarHeader({ path: `${top}/${file.name}`, type: "file", mode: 0o644, size: file.data.length, mtime: 0 }));
    parts.push(file.data, tarPadding(file.data.length));
  }
  parts.push(tarTrailer());
  return Bun.gzipSync(concatBytes(parts) as Uint8Array<ArrayBuffer>);
}
