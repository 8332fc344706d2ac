import type { GoMap } from "../template/go-value.ts";
import { TemplateError } from "../template/template-error.ts";
import { makeCapabilities } from "./capabilities.ts";
import { cloneChart, type Chart } from "./chart.ts";
import { ChartFiles } from "./chart-files.ts";
import { ChartObject } from "./chart-object.ts";
import { ChartRenderError } from "./chart-render-error.ts";
import { coalesceValues, isTable, newMap } from "./coalesce-values.ts";
import { compareGoStrings } from "./compare-go-strings.ts";
import { createHelmTemplateSet, type HelmTemplateSet } from "./create-helm-template-set.ts";
import { processDependencies } from "./process-dependencies.ts";
import { sortManifests } from "./sort-manifests.ts";

export interface RenderChartOptions {
  /** The user's values, already merged (`-f` files, then `--set…`); defaults come from the chart. */
  readonly values?: GoMap;
  /** `.Release.Name`; default "release-name" (as `helm template`). */
  readonly releaseName?: string;
  /** `.Release.Namespace`; default "default". */
  readonly namespace?: string;
  /** `.Capabilities.KubeVersion`, e.g. "v1.33.0" (the default). */
  readonly kubeVersion?: string;
  /** More group/versions for `.Capabilities.APIVersions.Has` (`--api-versions`). */
  readonly apiVersions?: readonly string[];
  /** Put the files of every enabled chart's crds/ first (`--include-crds`). */
  readonly includeCrds?: boolean;
  /** Leave hooks out (`--no-hooks`). */
  readonly noHooks?: boolean;
  /** Leave test hooks out (`--skip-tests`). */
  readonly skipTests?: boolean;
  /** Always an install, as with `helm template`. */
  readonly isInstall?: true;
}

/** One document of the output: `---\n# Source: PATH\nCONTENT\n`. */
export interface RenderedManifest {
  readonly path: string;
  readonly content: string;
}

export interface RenderedChart {
  /** CRDs (when asked for), then resources in install order, then hooks: what `helm template` prints. */
  readonly manifests: readonly RenderedManifest[];
  /** The root chart's rendered templates/NOTES.txt, when it has one. */
  readonly notes?: string;
  /** Non-fatal problems (Helm logs them): conditions that are not booleans, imports that find nothing. */
  readonly warnings: readonly string[];
  /** Documents whose head is not valid YAML; they are still in `manifests`, as `helm template` prints them. */
  readonly errors: readonly string[];
}

interface Renderable {
  readonly text: string;
  readonly values: GoMap;
  readonly basePath: string;
}

/**
 * Render a chart like `helm template`: dependencies enabled and aliased by conditions and tags,
 * import-values applied, values coalesced (chart defaults under `values`, subchart sections,
 * globals), every template of every enabled chart parsed into one set (deepest charts first, so
 * a parent's `define` wins) and executed with `.Values`, `.Release`, `.Chart`, `.Capabilities`,
 * `.Template`, `.Files` and `.Subcharts`, missing keys as zero values and "<no value>" removed.
 * Partials (`_*`), NOTES.txt and empty outputs are not emitted; library charts only lend their
 * defines. Pure: `chart` is not modified, so one loaded chart can be rendered many times.
 *
 * @throws {ChartRenderError} when a template cannot be parsed or executed; the message names the
 *   template and its LINE:COL (`execution error at (app/templates/x.yaml:3:7): message`)
 */
export function renderChart(loaded: Chart, options: RenderChartOptions = {}): RenderedChart {
  const chart = cloneChart(loaded);
  const userValues = options.values ?? newMap();
  const warnings: string[] = [];
  processDependencies(chart, userValues, warnings);
  const values = coalesceValues(chart, userValues);
  let capabilities;
  try {
    capabilities = makeCapabilities(options.kubeVersion, options.apiVersions);
  } catch (error) {
    throw new ChartRenderError((error as Error).message, { cause: error });
  }
  const release = newMap();
  Object.assign(release, {
    Name: options.releaseName ?? "release-name",
    Namespace: options.namespace ?? "default",
    IsUpgrade: false,
    IsInstall: true,
    Revision: 1n,
    Service: "Helm",
  });

  const set = createHelmTemplateSet();
  const top = newMap();
  Object.assign(top, { Capabilities: capabilities, Release: release, Values: values });
  const templates = new Map<string, Renderable>();
  collectTemplates(chart, templates, top, set);
  const rendered = renderTemplates(templates, set);

  const notesPath = `${chart.name}/templates/NOTES.txt`;
  const notes = rendered.get(notesPath);
  for (const name of [...rendered.keys()]) if (name.endsWith("NOTES.txt")) rendered.delete(name);
  const { generic, hooks, errors } = sortManifests(rendered);

  const manifests: RenderedManifest[] = [];
  if (options.includeCrds) collectCrds(chart, manifests);
  for (const manifest of generic) manifests.push({ path: manifest.path, content: manifest.content });
  if (!options.noHooks) {
    for (const manifest of hooks) {
      if (options.skipTests && isTestHook(manifest.hook ?? "")) continue;
      manifests.push({ path: manifest.path, content: manifest.content });
    }
  }
  return { manifests, ...(notes !== undefined ? { notes } : {}), warnings, errors };
}

/** The text `helm template` prints for rendered manifests. */
export function formatManifests(manifests: readonly RenderedManifest[]): string {
  let out = "";
  for (const manifest of manifests) out += `---\n# Source: ${manifest.path}\n${manifest.content}\n`;
  return out;
}

/** Helm's recAllTpls: the values each chart's templates see, and its templates under their full names. */
function collectTemplates(chart: Chart, templates: Map<string, Renderable>, parentValues: GoMap, set: HelmTemplateSet): GoMap {
  const subcharts = newMap();
  const values = newMap();
  let chartValues: GoMap = newMap();
  if (chart.isRoot) chartValues = parentValues.Values as GoMap;
  else if (isTable(parentValues.Values) && isTable(parentValues.Values[chart.name])) chartValues = parentValues.Values[chart.name] as GoMap;
  Object.assign(values, {
    Chart: new ChartObject(chart.metadata, chart.isRoot),
    Files: new ChartFiles(chart.files, set.toYaml),
    Release: parentValues.Release,
    Capabilities: parentValues.Capabilities,
    Values: chartValues,
    Subcharts: subcharts,
  });
  for (const dependency of chart.dependencies) subcharts[dependency.name] = collectTemplates(dependency, templates, values, set);
  const fullPath = chart.fullPath();
  const decoder = new TextDecoder();
  for (const template of chart.templates) {
    if (chart.isLibrary && !baseName(template.name).startsWith("_")) continue;
    templates.set(`${fullPath}/${template.name}`, { text: decoder.decode(template.data), values, basePath: `${fullPath}/templates` });
  }
  return values;
}

/** Deeper paths first, then reverse order (Helm's sortTemplates), so parents' defines override. */
function sortTemplates(names: Iterable<string>): string[] {
  const depth = (name: string) => name.split("/").length;
  return [...names].sort((a, b) => depth(b) - depth(a) || compareGoStrings(b, a));
}

function renderTemplates(templates: ReadonlyMap<string, Renderable>, set: HelmTemplateSet): Map<string, string> {
  const names = sortTemplates(templates.keys());
  for (const name of names) {
    try {
      set.parse(name, templates.get(name)!.text);
    } catch (error) {
      throw parseError(name, error);
    }
  }
  const rendered = new Map<string, string>();
  for (const name of names) {
    if (baseName(name).startsWith("_")) continue;
    const { values, basePath } = templates.get(name)!;
    const template = newMap();
    template.Name = name;
    template.BasePath = basePath;
    values.Template = template;
    try {
      rendered.set(name, set.execute(name, values));
    } catch (error) {
      throw executionError(name, error);
    }
  }
  return rendered;
}

const WARNING = /HELM_ERR_START([\s\S]*)HELM_ERR_END/;
const EXEC_LOCATION = /^template: ([\s\S]+?): executing /;

/**
 * Helm's cleanupExecError: a `fail`/`required` message is shown with its place as Go prints it
 * (`execution error at (NAME:LINE:COL): message`, COL from 0); other errors keep Go's text.
 */
function executionError(name: string, error: unknown): Error {
  if (!(error instanceof TemplateError)) {
    return new ChartRenderError(`execution error in (${name}): ${(error as Error).message}`, { cause: error });
  }
  const warning = WARNING.exec(error.message);
  const place = EXEC_LOCATION.exec(error.message)?.[1];
  if (warning && place) return new ChartRenderError(`execution error at (${place}): ${warning[1]}`, { location: error.location });
  return new ChartRenderError(error.message, { cause: error, location: error.location });
}

/** Helm's cleanupParseError: `parse error at (NAME:LINE): message`. */
function parseError(name: string, error: unknown): Error {
  const message = (error as Error).message;
  const tokens = message.split(": ");
  if (tokens.length === 1) return new ChartRenderError(`parse error in (${name}): ${message}`, { cause: error });
  return new ChartRenderError(`parse error at (${tokens[1]}): ${tokens.at(-1)}`, {
    cause: error,
    location: error instanceof TemplateError ? error.location : undefined,
  });
}

function collectCrds(chart: Chart, manifests: RenderedManifest[]): void {
  const decoder = new TextDecoder();
  for (const file of chart.crds) manifests.push({ path: `${chart.fullPath()}/${file.name}`, content: decoder.decode(file.data) });
  for (const dependency of chart.dependencies) collectCrds(dependency, manifests);
}

/** A hook whose events include "test" or "test-success" (`--skip-tests`). */
function isTestHook(hook: string): boolean {
  return hook.split(",").some((event) => ["test", "test-success"].includes(event.trim()));
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
