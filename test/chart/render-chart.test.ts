import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { loadChartFromPath } from "../../src/builder/load-chart-files.ts";
import { ChartRenderError } from "../../src/chart/chart-render-error.ts";
import { loadChart } from "../../src/chart/load-chart.ts";
import { mergeUserValues } from "../../src/chart/merge-user-values.ts";
import { parseValuesYaml } from "../../src/chart/parse-values-yaml.ts";
import { formatManifests, renderChart } from "../../src/chart/render-chart.ts";
import { CHART_CASES, CHART_FIXTURES, CHART_GOLDENS, type ChartCase } from "../support/chart-cases.ts";
import { chartFiles, packChart } from "../support/chart-files.ts";
import { tempDir } from "../support/temp-dir.ts";

async function renderCase(entry: ChartCase, chartPath = join(CHART_FIXTURES, entry.chart)): Promise<string> {
  const dir = join(CHART_FIXTURES, entry.chart);
  const values = mergeUserValues({
    valueFiles: (entry.valueFiles ?? []).map((file) => ({ name: file, text: readFileSync(join(dir, file), "utf8") })),
    set: entry.set,
    setString: entry.setString,
  });
  const result = renderChart(await loadChartFromPath(chartPath), {
    values,
    releaseName: entry.releaseName,
    namespace: entry.namespace,
    kubeVersion: entry.kubeVersion,
    includeCrds: entry.includeCrds,
  });
  return formatManifests(result.manifests);
}

function golden(name: string): string {
  return readFileSync(join(CHART_GOLDENS, `${name}.yaml`), "utf8");
}

/** Every file of a fixture chart, for packing it into a .tgz. */
function readTree(root: string): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(root, path)] = new Uint8Array(readFileSync(path));
    }
  };
  walk(root);
  return files;
}

describe("renderChart() matches helm template (golden files from tplrender chart)", () => {
  for (const entry of CHART_CASES) {
    const run = async () => {
      expect(await renderCase(entry)).toBe(golden(entry.name));
    };
    if (entry.knownGap) test.failing(`${entry.name} (known gap: ${entry.knownGap})`, run);
    else test(entry.name, run);
  }

  test("a chart packaged as .tgz (with a nested .tgz subchart) renders the same as its folder", async () => {
    const archive = join(tempDir(), "umbrella-0.1.0.tgz");
    writeFileSync(archive, packChart("umbrella", readTree(join(CHART_FIXTURES, "umbrella"))));
    const entry = CHART_CASES.find((c) => c.name === "umbrella")!;
    expect(await renderCase(entry, archive)).toBe(golden("umbrella"));
  });
});

describe("renderChart()", () => {
  const chart = (templates: Record<string, string>, values = "") =>
    loadChart(chartFiles({ "Chart.yaml": "apiVersion: v2\nname: demo\nversion: 1.0.0\n", "values.yaml": values, ...templates }));

  test("sprig functions named like Object.prototype members (toString, valueOf) work in charts", () => {
    const loaded = chart({ "templates/x.yaml": "a: {{ 1.5 | toString | quote }}\nb: {{ list 1 2 | toString }}\n" });
    expect(renderChart(loaded).manifests[0]!.content).toBe('a: "1.5"\nb: [1 2]');
  });

  test("returns the root chart's NOTES.txt, renders it but does not emit it", async () => {
    const result = renderChart(await loadChartFromPath(join(CHART_FIXTURES, "basic")), { releaseName: "web" });
    expect(result.notes).toBe("Thank you for installing basic as web.\nService: web-basic:80\n");
    expect(result.manifests.some((m) => m.path.endsWith("NOTES.txt"))).toBe(false);
  });

  test("leaves the loaded chart as it was, so it renders the same twice", async () => {
    const loaded = await loadChartFromPath(join(CHART_FIXTURES, "umbrella"));
    const values = parseValuesYaml("frontend:\n  enabled: false\n", "v.yaml");
    const first = formatManifests(renderChart(loaded, { values }).manifests);
    expect(formatManifests(renderChart(loaded).manifests)).toBe(golden("umbrella"));
    expect(formatManifests(renderChart(loaded, { values }).manifests)).toBe(first);
  });

  test("a failing required names the template and its line and column", () => {
    const loaded = chart({ "templates/db.yaml": "a: 1\nhost: {{ required \"database.host is required\" .Values.host }}\n" });
    expect(() => renderChart(loaded)).toThrow(ChartRenderError);
    expect(() => renderChart(loaded)).toThrow(/^execution error at \(demo\/templates\/db\.yaml:2:\d+\): database\.host is required$/);
  });

  test("fail stops the render with its message", () => {
    const loaded = chart({ "templates/x.yaml": "{{ if not .Values.ok }}{{ fail \"set ok\" }}{{ end }}" });
    expect(() => renderChart(loaded)).toThrow(/^execution error at \(demo\/templates\/x\.yaml:1:\d+\): set ok$/);
  });

  test("other execution errors keep Go's message with the place", () => {
    const loaded = chart({ "templates/x.yaml": "a: 1\nb: {{ .Values.missing.deeper }}\n" });
    expect(() => renderChart(loaded)).toThrow(/^template: demo\/templates\/x\.yaml:2:\d+: executing "demo\/templates\/x\.yaml" at <\.Values\.missing\.deeper>: nil pointer/);
    try {
      renderChart(loaded);
    } catch (error) {
      expect((error as ChartRenderError).location).toMatchObject({ file: "demo/templates/x.yaml", line: 2 });
    }
  });

  test("parse errors name the template and line", () => {
    const loaded = chart({ "templates/x.yaml": "a: 1\nb: {{ .Values.x }\n" });
    expect(() => renderChart(loaded)).toThrow(/^parse error at \(demo\/templates\/x\.yaml:2\): /);
  });

  test("missing values print nothing, not <no value>, but include keeps it as Helm does", () => {
    const loaded = chart({
      "templates/_p.tpl": '{{ define "p" }}[{{ .Values.nope }}]{{ end }}',
      "templates/x.yaml": 'a: "{{ .Values.nope }}"\nb: {{ include "p" . | quote }}\nc: {{ tpl "{{ .Values.nope }}" . | quote }}\n',
    });
    expect(formatManifests(renderChart(loaded).manifests)).toBe('---\n# Source: demo/templates/x.yaml\na: ""\nb: "[]"\nc: ""\n');
  });

  test("hooks can be left out, and test hooks alone", () => {
    const loaded = chart({
      "templates/a.yaml": "kind: Job\nmetadata:\n  name: hook\n  annotations:\n    helm.sh/hook: pre-install\n",
      "templates/b.yaml": "kind: Pod\nmetadata:\n  name: test\n  annotations:\n    helm.sh/hook: test\n",
      "templates/c.yaml": "kind: Service\nmetadata:\n  name: svc\n",
    });
    const names = (options: object) => renderChart(loaded, options).manifests.map((m) => m.path);
    expect(names({})).toEqual(["demo/templates/c.yaml", "demo/templates/b.yaml", "demo/templates/a.yaml"]);
    expect(names({ noHooks: true })).toEqual(["demo/templates/c.yaml"]);
    expect(names({ skipTests: true })).toEqual(["demo/templates/c.yaml", "demo/templates/a.yaml"]);
  });

  test("--api-versions adds to .Capabilities.APIVersions; a bad --kube-version is an error", () => {
    const loaded = chart({ "templates/x.yaml": 'has: {{ .Capabilities.APIVersions.Has "example.com/v1" }}\n' });
    expect(renderChart(loaded, { apiVersions: ["example.com/v1"] }).manifests[0]!.content).toBe("has: true");
    expect(() => renderChart(loaded, { kubeVersion: "latest" })).toThrow("Cannot use Kubernetes version");
  });

  test("a document that is not valid YAML is kept and reported", () => {
    const loaded = chart({ "templates/x.yaml": "kind: [unclosed\n" });
    const result = renderChart(loaded);
    expect(result.manifests).toEqual([{ path: "demo/templates/x.yaml", content: "kind: [unclosed" }]);
    expect(result.errors[0]).toStartWith("YAML parse error on demo/templates/x.yaml");
  });
});
