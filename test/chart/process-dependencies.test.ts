import { describe, expect, test } from "bun:test";
import { cloneChart } from "../../src/chart/chart.ts";
import { coalesceValues } from "../../src/chart/coalesce-values.ts";
import { loadChart } from "../../src/chart/load-chart.ts";
import { parseValuesYaml } from "../../src/chart/parse-values-yaml.ts";
import { processDependencies } from "../../src/chart/process-dependencies.ts";
import { chartFiles } from "../support/chart-files.ts";

function parent(dependencies: string, values = "", extra: Record<string, string> = {}) {
  return loadChart(
    chartFiles({
      "Chart.yaml": `apiVersion: v2\nname: top\nversion: 1.0.0\ndependencies:\n${dependencies}`,
      "values.yaml": values,
      "charts/a/Chart.yaml": "name: a\nversion: 1.2.0\n",
      "charts/a/values.yaml": "fromA: 1\nexports:\n  shared:\n    host: a.local\n    port: 80\nconfig:\n  nested:\n    x: 1\n    w: 2\n",
      "charts/b/Chart.yaml": "name: b\nversion: 2.0.0\n",
      "charts/unlisted/Chart.yaml": "name: unlisted\nversion: 0.1.0\n",
      ...extra,
    }),
  );
}

function enabled(yamlDependencies: string, values = "", user = "") {
  const chart = cloneChart(parent(yamlDependencies, values));
  const warnings: string[] = [];
  processDependencies(chart, parseValuesYaml(user, "user.yaml"), warnings);
  return { names: chart.dependencies.map((d) => d.name), chart, warnings };
}

const AB = "  - name: a\n    version: 1.x\n    condition: a.enabled\n    tags: [front]\n  - name: b\n    version: '>=2.0.0'\n    condition: b.missing,b.enabled,b.other\n    tags: [back, front]\n";

describe("processDependencies()", () => {
  test("keeps every subchart when nothing disables it, listed or not", () => {
    expect(enabled(AB).names.sort()).toEqual(["a", "b", "unlisted"]);
  });

  test("a condition path that resolves to a bool decides; the first one wins", () => {
    expect(enabled(AB, "a:\n  enabled: false\n").names).toEqual(["unlisted", "b"]);
    expect(enabled(AB, "b:\n  enabled: false\n  other: true\n").names).toEqual(["unlisted", "a"]);
    expect(enabled(AB, "b:\n  missing: true\n  enabled: false\n").names).toEqual(["unlisted", "a", "b"]);
  });

  test("a non-bool condition is skipped with a warning", () => {
    const result = enabled(AB, "a:\n  enabled: 'no'\n");
    expect(result.names).toEqual(["unlisted", "a", "b"]);
    expect(result.warnings).toEqual(["Condition path 'a.enabled' for chart a returned non-bool value"]);
  });

  test("tags disable unless one of the chart's tags is true; conditions override tags", () => {
    expect(enabled(AB, "tags:\n  front: false\n").names).toEqual(["unlisted"]);
    expect(enabled(AB, "tags:\n  front: false\n  back: true\n").names).toEqual(["unlisted", "b"]);
    expect(enabled(AB, "tags:\n  front: false\na:\n  enabled: true\n").names).toEqual(["unlisted", "a"]);
  });

  test("user values override chart values for conditions", () => {
    expect(enabled(AB, "a:\n  enabled: false\n", "a:\n  enabled: true\n").names).toEqual(["unlisted", "a", "b"]);
  });

  test("an alias renames the subchart, and one chart can be used twice", () => {
    const result = enabled(
      "  - name: a\n    version: 1.x\n    alias: first\n  - name: a\n    version: 1.x\n    alias: second\n    condition: second.enabled\n",
      "second:\n  enabled: false\n",
    );
    expect(result.names).toEqual(["b", "unlisted", "first"]);
    expect(result.chart.dependencies.at(-1)!.fullPath()).toBe("top/charts/first");
  });

  test("a listed version the chart does not satisfy keeps the chart but not the alias", () => {
    const result = enabled("  - name: a\n    version: 9.x\n    alias: renamed\n");
    expect(result.names.sort()).toEqual(["a", "b", "unlisted"]);
  });

  test("import-values: exports.NAME at the top, and child → parent, below the parent's own values", () => {
    const chart = cloneChart(
      parent(
        "  - name: a\n    version: 1.x\n    import-values:\n      - shared\n      - child: config.nested\n        parent: imported.deep\n      - child: no.such.table\n        parent: nowhere\n",
        "port: 8080\nimported:\n  deep:\n    w: parent\n",
      ),
    );
    const warnings: string[] = [];
    processDependencies(chart, parseValuesYaml("", "user.yaml"), warnings);
    const values = coalesceValues(chart, null);
    expect(values.host).toBe("a.local");
    expect(values.port).toBe(8080);
    expect(values.imported).toEqual({ deep: { x: 1, w: "parent" } });
    expect("nowhere" in values).toBe(false);
    expect(warnings).toEqual(["ImportValues missing table from chart a: no.such.table"]);
    expect(chart.metadata.dependencies![0]!.importValues).toEqual([
      { child: "exports.shared", parent: "." },
      { child: "config.nested", parent: "imported.deep" },
      { child: "no.such.table", parent: "nowhere" },
    ]);
  });

  test("leaves the loaded chart untouched (it works on a clone)", () => {
    const loaded = parent(AB, "a:\n  enabled: false\n");
    processDependencies(cloneChart(loaded), parseValuesYaml("", "u.yaml"));
    expect(loaded.dependencies.map((d) => d.name)).toEqual(["a", "b", "unlisted"]);
    expect(loaded.metadata.dependencies!.every((d) => d!.enabled === false)).toBe(true);
  });
});
