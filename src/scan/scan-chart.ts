import { parse as parseYaml } from "yaml";
import type { Chart } from "../chart/chart.ts";
import { renderChart, type RenderedManifest } from "../chart/render-chart.ts";
import type { GoMap, GoValue } from "../template/go-value.ts";
import { composeReference } from "./compose-reference.ts";
import { isRecord } from "./field-path.ts";
import type { ScanFindings } from "./image-source.ts";
import { asImageReference } from "./reference-like.ts";
import { scanManifestText } from "./scan-manifest-text.ts";
import type { UserRule } from "./user-rule.ts";

export interface ChartScanOptions {
  /** The user's values for this chart (already merged from --values/--set). */
  readonly values?: GoMap;
  readonly kubeVersion?: string;
  readonly userRules?: readonly UserRule[];
  readonly onWarning?: (message: string) => void;
}

const ANNOTATIONS = ["helm.sh/images", "artifacthub.io/images"];

/**
 * The images of a chart: what it renders with the given values (as `helm template`), plus
 * candidates — images that appear only when every dependency condition and tag is switched on,
 * images its Chart.yaml annotations list, and `{registry, repository, tag, digest}` maps in its
 * values. `label` names the chart in the findings' file paths.
 */
export function scanChart(chart: Chart, label: string, findings: ScanFindings, options: ChartScanOptions = {}): void {
  const render = (values: GoMap | undefined) =>
    renderChart(chart, { ...(values ? { values } : {}), ...(options.kubeVersion ? { kubeVersion: options.kubeVersion } : {}), includeCrds: true });
  const rendered = render(options.values);
  const known = new Set<string>();
  scanManifests(rendered.manifests, label, findings, options, false);
  for (const found of findings.images) known.add(found.image);

  const allOn = everyConditionOn(chart, options.values);
  if (allOn) {
    try {
      const wider = { images: [], candidates: [] } as ScanFindings;
      scanManifests(render(allOn).manifests, label, wider, options, true);
      for (const found of [...wider.images, ...wider.candidates]) {
        if (!known.has(found.image)) findings.candidates.push({ image: found.image, source: { ...found.source, rule: "chart-condition" } });
      }
    } catch (error) {
      options.onWarning?.(`Cannot render ${label} with every condition on: ${(error as Error).message}`);
    }
  }
  annotationImages(chart, label, findings);
  valuesImages(chart.values, [], label, findings);
}

function scanManifests(manifests: readonly RenderedManifest[], label: string, findings: ScanFindings, options: ChartScanOptions, candidatesOnly: boolean): void {
  for (const manifest of manifests) {
    const file = `${label}/${manifest.path.slice(manifest.path.indexOf("/") + 1)}`;
    try {
      scanManifestText(manifest.content, file, findings, { userRules: options.userRules, candidatesOnly });
    } catch (error) {
      options.onWarning?.(`Skipped ${file}: ${(error as Error).message}`);
    }
  }
}

/** Values that switch on every dependency (conditions and tags), over the user's values. */
function everyConditionOn(chart: Chart, values: GoMap | undefined): GoMap | undefined {
  const overlay: Record<string, unknown> = structuredClone((values ?? {}) as Record<string, unknown>);
  let changed = false;
  const visit = (current: Chart, prefix: string[]) => {
    for (const dependency of current.metadata.dependencies ?? []) {
      if (!dependency) continue;
      for (const condition of dependency.condition.split(",").map((part) => part.trim()).filter(Boolean)) {
        setPath(overlay, [...prefix, ...condition.split(".")], true);
        changed = true;
      }
      for (const tag of dependency.tags) {
        setPath(overlay, [...prefix, "tags", tag], true);
        changed = true;
      }
      const child = current.dependencies.find((candidate) => candidate.metadata.name === dependency.name);
      if (child) visit(child, [...prefix, dependency.alias || dependency.name]);
    }
  };
  visit(chart, []);
  return changed ? (overlay as GoMap) : undefined;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let current = target;
  for (const key of path.slice(0, -1)) {
    if (!isRecord(current[key])) current[key] = {};
    current = current[key] as Record<string, unknown>;
  }
  current[path.at(-1)!] = value;
}

/** `helm.sh/images` / `artifacthub.io/images`: a YAML list of `{name, image}`. */
function annotationImages(chart: Chart, label: string, findings: ScanFindings): void {
  for (const key of ANNOTATIONS) {
    const text = chart.metadata.annotations?.[key];
    if (!text) continue;
    let entries: unknown;
    try {
      entries = parseYaml(text);
    } catch {
      continue;
    }
    if (!Array.isArray(entries)) continue;
    entries.forEach((entry, index) => {
      const image = asImageReference(isRecord(entry) ? entry.image : entry);
      if (image) findings.candidates.push({ image, source: { file: `${label}/Chart.yaml`, path: `annotations.${key}[${index}]`, rule: "chart-annotation" } });
    });
  }
  for (const child of chart.dependencies) annotationImages(child, `${label}/charts/${child.metadata.name}`, findings);
}

/** values.yaml maps split into registry/repository/tag/digest are candidates. */
function valuesImages(value: GoValue, path: readonly string[], label: string, findings: ScanFindings): void {
  if (!isRecord(value)) return;
  const composed = typeof value.repository === "string" && (value.tag !== undefined || value.digest !== undefined) ? composeReference(value) : undefined;
  if (composed) {
    findings.candidates.push({ image: composed, source: { file: `${label}/values.yaml`, path: path.join("."), rule: "chart-values" } });
    return;
  }
  for (const [key, child] of Object.entries(value)) valuesImages(child as GoValue, [...path, key], label, findings);
}
