import { describe, expect, test } from "bun:test";
import { ChartLoadError } from "../../src/chart/chart-load-error.ts";
import { loadChart, loadChartArchive } from "../../src/chart/load-chart.ts";
import { ValuesError } from "../../src/chart/values-error.ts";
import { chartFiles, packChart } from "../support/chart-files.ts";

const names = (files: readonly { name: string }[]) => files.map((file) => file.name);

describe("loadChart()", () => {
  test("sorts files into templates, crds and .Files, and reads Chart.yaml like Helm", () => {
    const chart = loadChart(
      chartFiles({
        "Chart.yaml": "apiVersion: v2\nname: demo\nversion: 1.10\nappVersion: 2.0\nkeywords: [a, 1]\nDescription: case-insensitive keys\nunknown: ignored\n",
        "values.yaml": "a: 1\n",
        "values.schema.json": "{}",
        "Chart.lock": "x",
        "templates/b.yaml": "b",
        "templates/_helpers.tpl": "h",
        "templates/sub/c.yaml": "c",
        "crds/crd.yaml": "crd",
        "files/x.txt": "x",
        "README.md": "readme",
        "charts/README.md": "not a chart",
      }),
    );
    expect(chart.name).toBe("demo");
    expect(chart.metadata.version).toBe("1.1");
    expect(chart.metadata.appVersion).toBe("2");
    expect(chart.metadata.keywords).toEqual(["a", "1"]);
    expect(chart.metadata.description).toBe("case-insensitive keys");
    expect(names(chart.templates)).toEqual(["templates/_helpers.tpl", "templates/b.yaml", "templates/sub/c.yaml"]);
    expect(names(chart.crds)).toEqual(["crds/crd.yaml"]);
    expect(names(chart.files)).toEqual(["README.md", "crds/crd.yaml", "files/x.txt"]);
    expect(chart.values).toEqual({ a: 1 });
    expect(chart.dependencies).toEqual([]);
    expect(chart.isRoot).toBe(true);
  });

  test("defaults apiVersion to v1 and reads requirements.yaml only for v1", () => {
    const v1 = loadChart(
      chartFiles({
        "Chart.yaml": "name: old\nversion: 0.1.0\n",
        "requirements.yaml": "dependencies:\n  - name: db\n    version: 1.x\n    condition: db.enabled\n",
      }),
    );
    expect(v1.metadata.apiVersion).toBe("v1");
    expect(v1.metadata.dependencies?.map((d) => d?.name)).toEqual(["db"]);
    const v2 = loadChart(
      chartFiles({
        "Chart.yaml": "apiVersion: v2\nname: new\nversion: 0.1.0\n",
        "requirements.yaml": "dependencies:\n  - name: db\n",
      }),
    );
    expect(v2.metadata.dependencies).toBeUndefined();
  });

  test("reads values.yaml with YAML 1.1 scalars, as float64 numbers", () => {
    const chart = loadChart(
      chartFiles({
        "Chart.yaml": "name: v\nversion: 1.0.0\n",
        "values.yaml": "a: yes\nb: off\nc: 0755\nd: 1_000\ne: 0x1F\nf: 1.5\ng: ~\nh: '012'\ni: 2024-01-02\nbase: &b {x: 1}\nmerged:\n  <<: *b\n  z: 2\n",
      }),
    );
    expect(chart.values).toEqual({ a: true, b: false, c: 493, d: 1000, e: 31, f: 1.5, g: null, h: "012", i: "2024-01-02", base: { x: 1 }, merged: { x: 1, z: 2 } });
  });

  test("applies .helmignore to every file, with negation and directories", () => {
    const chart = loadChart(
      chartFiles({
        "Chart.yaml": "name: ign\nversion: 1.0.0\n",
        ".helmignore": "# comment\n*.bak\ndocs/\nsecret-*\n!secret-keep.txt\n/templates/skip.yaml\n",
        "a.bak": "",
        "docs/readme.md": "",
        "secret-token": "",
        "secret-keep.txt": "",
        "templates/skip.yaml": "",
        "templates/keep.yaml": "",
        "files/old.bak": "",
      }),
    );
    expect(names(chart.files)).toEqual(["secret-keep.txt"]);
    expect(names(chart.templates)).toEqual(["templates/keep.yaml"]);
  });

  test("loads subcharts from folders and from nested .tgz archives", () => {
    const packed = packChart("packed", {
      "Chart.yaml": "name: packed\nversion: 2.0.0\n",
      "values.yaml": "p: 1\n",
      "templates/t.yaml": "t",
      "charts/inner/Chart.yaml": "name: inner\nversion: 0.0.1\n",
    });
    const chart = loadChart(
      chartFiles({
        "Chart.yaml": "name: top\nversion: 1.0.0\n",
        "charts/zeta/Chart.yaml": "name: zeta\nversion: 1.0.0\n",
        "charts/zeta/templates/z.yaml": "z",
        "charts/alpha/Chart.yaml": "name: alpha\nversion: 1.0.0\n",
        "charts/no-chart-yaml/templates/x.yaml": "x",
        "charts/packed-2.0.0.tgz": packed,
      }),
    );
    expect(chart.dependencies.map((d) => d.name)).toEqual(["alpha", "zeta", "packed"]);
    const sub = chart.dependencies[2]!;
    expect(sub.values).toEqual({ p: 1 });
    expect(names(sub.templates)).toEqual(["templates/t.yaml"]);
    expect(sub.dependencies.map((d) => d.name)).toEqual(["inner"]);
    expect(sub.dependencies[0]!.fullPath()).toBe("top/charts/packed/charts/inner");
    expect(chart.dependencies[1]!.templates[0]!.name).toBe("templates/z.yaml");
  });

  test("loads a packaged chart", () => {
    const chart = loadChartArchive(packChart("demo", { "Chart.yaml": "name: demo\nversion: 1.0.0\n", "templates/a.yaml": "a" }));
    expect(chart.name).toBe("demo");
    expect(names(chart.templates)).toEqual(["templates/a.yaml"]);
  });

  test("reports a missing Chart.yaml, a broken archive and bad YAML with its place", () => {
    expect(() => loadChart(chartFiles({ "values.yaml": "" }))).toThrow(ChartLoadError);
    expect(() => loadChart(chartFiles({ "values.yaml": "" }))).toThrow("Chart.yaml file is missing");
    expect(() => loadChartArchive(new Uint8Array([1, 2, 3]))).toThrow("not a gzip file");
    expect(() =>
      loadChart(chartFiles({ "Chart.yaml": "name: x\nversion: 1.0.0\n", "charts/bad.tgz": new Uint8Array([0x1f, 0x8b, 0]) })),
    ).toThrow("charts/bad.tgz");
    const error = (() => {
      try {
        loadChart(chartFiles({ "Chart.yaml": "name: x\nversion: 1.0.0\n", "charts/s/Chart.yaml": "name: s\n", "charts/s/values.yaml": "a: [1\nb: 2\n" }));
      } catch (caught) {
        return caught as ValuesError;
      }
    })();
    expect(error).toBeInstanceOf(ValuesError);
    expect(error!.location.file).toBe("charts/s/values.yaml");
    expect(error!.message).toStartWith("charts/s/values.yaml:2:1: Cannot parse YAML");
    expect(() => loadChart(chartFiles({ "Chart.yaml": "name: [x]\n" }))).toThrow("cannot unmarshal array into Go struct field Metadata.name of type string");
    expect(() => loadChart(chartFiles({ "Chart.yaml": "name: x\n", "values.yaml": "- a\n" }))).toThrow("cannot unmarshal array");
  });
});
