import type { GoMap } from "../template/go-value.ts";
import { readTarEntries } from "../util/read-tar-entries.ts";
import { Chart, type ChartFile } from "./chart.ts";
import { ChartLoadError } from "./chart-load-error.ts";
import { compareGoStrings } from "./compare-go-strings.ts";
import { decodeChartMetadata, decodeRequirements } from "./decode-chart-metadata.ts";
import { isIgnored, parseHelmignore } from "./parse-helmignore.ts";
import { parseValuesYaml } from "./parse-values-yaml.ts";

const decoder = new TextDecoder();

/** Files that configure the chart and are neither templates nor `.Files`. */
const CHART_CONFIG = new Set([
  "Chart.yaml",
  "values.yaml",
  "values.schema.json",
  "Chart.lock",
  "requirements.yaml",
  "requirements.lock",
  ".helmignore",
]);

/**
 * Build a chart from its files (paths relative to the chart's root), like Helm's pure
 * `loader.LoadFiles`: Chart.yaml (apiVersion v1 or v2; requirements.yaml for v1), values.yaml,
 * templates/, crds/, every other file as `.Files`, and subcharts from `charts/NAME/` folders and
 * `charts/*.tgz` archives, all after .helmignore.
 *
 * @throws {ChartLoadError} when Chart.yaml is missing or a file cannot be read
 */
export function loadChart(files: readonly ChartFile[]): Chart {
  const byName = new Map<string, Uint8Array>();
  for (const file of files) byName.set(cleanPath(file.name), file.data);
  return loadFileMap(byName, "");
}

/**
 * Build a chart from a packaged chart (`helm package` output): a gzip'd tar whose entries sit
 * under one top folder.
 *
 * @throws {ChartLoadError} when the archive cannot be read or holds no chart
 */
export function loadChartArchive(archive: Uint8Array, name = "chart archive"): Chart {
  return loadFileMap(readChartArchive(archive, name), "");
}

/** The files of a packaged chart, the top folder of every entry removed. */
export function readChartArchive(archive: Uint8Array, name = "chart archive"): Map<string, Uint8Array> {
  let tar: Uint8Array;
  try {
    tar = Bun.gunzipSync(archive as Uint8Array<ArrayBuffer>);
  } catch (error) {
    throw new ChartLoadError(`Cannot read ${name}: it is not a gzip file`, { cause: error });
  }
  let entries;
  try {
    entries = readTarEntries(tar);
  } catch (error) {
    throw new ChartLoadError(`Cannot read ${name}: ${(error as Error).message}`, { cause: error });
  }
  const files = new Map<string, Uint8Array>();
  for (const entry of entries) {
    if (entry.type !== "file") continue;
    const path = cleanPath(entry.path);
    const slash = path.indexOf("/");
    if (slash < 0) continue;
    files.set(path.slice(slash + 1), entry.data);
  }
  return files;
}

function loadFileMap(files: Map<string, Uint8Array>, where: string): Chart {
  const helmignore = files.get(".helmignore");
  const rules = helmignore ? parseHelmignore(decoder.decode(helmignore)) : [];
  const chartYaml = files.get("Chart.yaml");
  if (!chartYaml) throw new ChartLoadError(`Cannot load ${where || "chart"}: Chart.yaml file is missing`);
  const metadata = decodeChartMetadata(decoder.decode(chartYaml), `${where}Chart.yaml`);
  if (metadata.apiVersion === "") metadata.apiVersion = "v1";
  let values: GoMap = Object.create(null);
  const valuesYaml = files.get("values.yaml");
  if (valuesYaml) values = parseValuesYaml(decoder.decode(valuesYaml), `${where}values.yaml`);
  const requirements = files.get("requirements.yaml");
  if (requirements && metadata.apiVersion === "v1") {
    try {
      metadata.dependencies = decodeRequirements(decoder.decode(requirements), `${where}requirements.yaml`);
    } catch {
      // Helm keeps Chart.yaml's dependencies when requirements.yaml cannot be read.
    }
  }

  const templates: ChartFile[] = [];
  const otherFiles: ChartFile[] = [];
  const crds: ChartFile[] = [];
  const subfolders = new Map<string, Map<string, Uint8Array>>();
  const archives: string[] = [];
  for (const name of [...files.keys()].sort(compareGoStrings)) {
    const data = files.get(name)!;
    if (name !== ".helmignore" && isIgnored(rules, name)) continue;
    if (CHART_CONFIG.has(name)) continue;
    if (name.startsWith("templates/")) {
      templates.push({ name, data });
    } else if (name.startsWith("charts/")) {
      const rest = name.slice("charts/".length);
      const slash = rest.indexOf("/");
      if (slash >= 0) {
        const folder = rest.slice(0, slash);
        let subfiles = subfolders.get(folder);
        if (!subfiles) subfolders.set(folder, (subfiles = new Map()));
        subfiles.set(rest.slice(slash + 1), data);
      } else if (rest.endsWith(".tgz") || rest.endsWith(".tar.gz")) {
        archives.push(name);
      }
    } else {
      if (name.startsWith("crds/")) crds.push({ name, data });
      otherFiles.push({ name, data });
    }
  }

  const chart = new Chart({ metadata, values, templates, files: otherFiles, crds });
  const dependencies: Chart[] = [];
  for (const folder of [...subfolders.keys()].sort(compareGoStrings)) {
    const subfiles = subfolders.get(folder)!;
    if (!subfiles.has("Chart.yaml")) continue;
    dependencies.push(wrap(`${where}charts/${folder}`, () => loadFileMap(subfiles, `${where}charts/${folder}/`)));
  }
  for (const name of archives) {
    dependencies.push(wrap(`${where}${name}`, () => loadFileMap(readChartArchive(files.get(name)!, `${where}${name}`), `${where}${name}/`)));
  }
  chart.setDependencies(dependencies);
  return chart;
}

function wrap(where: string, load: () => Chart): Chart {
  try {
    return load();
  } catch (error) {
    if (error instanceof ChartLoadError) throw error;
    if (error instanceof Error && error.name === "ValuesError") throw error;
    throw new ChartLoadError(`Cannot load ${where}: ${(error as Error).message}`, { cause: error });
  }
}

/** Go's path.Clean for relative paths: no ".", "..", empty segments or leading "/". */
function cleanPath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return parts.join("/");
}
