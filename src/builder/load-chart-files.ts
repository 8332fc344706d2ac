import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Chart, ChartFile } from "../chart/chart.ts";
import { ChartLoadError } from "../chart/chart-load-error.ts";
import { loadChart, readChartArchive } from "../chart/load-chart.ts";
import { limitConcurrency } from "../util/limit-concurrency.ts";

/**
 * The files of a chart on disk, relative to the chart's root: every file under a chart
 * directory (symlinks followed), or the entries of a packaged chart (`.tgz`, top folder removed).
 * The pure loader (`loadChart`) makes the chart; this is the only part that reads the disk.
 *
 * @throws {ChartLoadError} when the path does not exist or cannot be read
 */
export async function loadChartFiles(path: string): Promise<ChartFile[]> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new ChartLoadError(`Cannot load chart "${path}": ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (error as Error).message}`, {
      cause: error,
    });
  }
  if (info.isDirectory()) return readChartDirectory(path);
  const archive = new Uint8Array(await readFile(path));
  return [...readChartArchive(archive, path)].map(([name, data]) => ({ name, data }));
}

/** Load a chart from a directory or a packaged `.tgz`. */
export async function loadChartFromPath(path: string): Promise<Chart> {
  return loadChart(await loadChartFiles(path));
}

async function readChartDirectory(root: string): Promise<ChartFile[]> {
  const names: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    const entries = await readdir(join(root, relative), { withFileTypes: true });
    for (const entry of entries) {
      const name = relative ? `${relative}/${entry.name}` : entry.name;
      let isDirectory = entry.isDirectory();
      if (entry.isSymbolicLink()) isDirectory = (await stat(join(root, name)).catch(() => undefined))?.isDirectory() ?? false;
      if (isDirectory) await walk(name);
      else if (entry.isFile() || entry.isSymbolicLink()) names.push(name);
    }
  };
  await walk("");
  const limit = limitConcurrency(32);
  return Promise.all(names.map((name) => limit(async () => ({ name, data: new Uint8Array(await readFile(join(root, name))) }))));
}
