import { describe, expect, test } from "bun:test";
import { coalesceValues, mergeValueMaps } from "../../src/chart/coalesce-values.ts";
import { loadChart } from "../../src/chart/load-chart.ts";
import { parseValuesYaml } from "../../src/chart/parse-values-yaml.ts";
import type { GoMap } from "../../src/template/go-value.ts";
import { chartFiles } from "../support/chart-files.ts";

const yaml = (text: string) => parseValuesYaml(text, "test.yaml");

function umbrella() {
  return loadChart(
    chartFiles({
      "Chart.yaml": "name: top\nversion: 1.0.0\n",
      "values.yaml": "global:\n  region: eu\n  tags: {a: top}\nshared: top\nsub:\n  fromParent: yes\n  override: parent\nkeep:\n  a: 1\n  b: 2\n",
      "charts/sub/Chart.yaml": "name: sub\nversion: 1.0.0\n",
      "charts/sub/values.yaml": "global:\n  region: us\n  subOnly: true\n  tags: {b: sub}\noverride: sub\nown: sub\nlist: [1, 2]\n",
      "charts/sub/charts/leaf/Chart.yaml": "name: leaf\nversion: 1.0.0\n",
      "charts/sub/charts/leaf/values.yaml": "leaf: true\n",
    }),
  );
}

describe("coalesceValues()", () => {
  test("puts chart defaults under user values and subchart defaults under their section", () => {
    const values = coalesceValues(umbrella(), yaml("shared: user\nsub:\n  own: user\n  list: [9]\n"));
    expect(values.shared).toBe("user");
    expect(values.keep).toEqual({ a: 1, b: 2 });
    expect(values.sub).toEqual({
      fromParent: true,
      override: "parent",
      own: "user",
      list: [9],
      global: { region: "eu", subOnly: true, tags: { a: "top", b: "sub" } },
      leaf: { leaf: true, global: { region: "eu", subOnly: true, tags: { a: "top", b: "sub" } } },
    });
  });

  test("a null from the user deletes the default, in the chart and in subcharts", () => {
    const values = coalesceValues(umbrella(), yaml("keep:\n  a: null\nshared: null\nsub:\n  own: null\n"));
    expect(values.keep).toEqual({ b: 2 });
    expect("shared" in values).toBe(false);
    expect("own" in (values.sub as GoMap)).toBe(false);
  });

  test("merge mode keeps nulls", () => {
    const values = coalesceValues(umbrella(), yaml("shared: null\n"), { merge: true });
    expect(values.shared).toBeNull();
  });

  test("user globals win over chart globals everywhere below", () => {
    const values = coalesceValues(umbrella(), yaml("global:\n  region: ap\n"));
    expect((values.global as GoMap).region).toBe("ap");
    expect(((values.sub as GoMap).global as GoMap).region).toBe("ap");
    expect((((values.sub as GoMap).leaf as GoMap).global as GoMap).region).toBe("ap");
  });

  test("does not modify its inputs", () => {
    const chart = umbrella();
    const user = yaml("sub:\n  own: user\n");
    const before = JSON.stringify(user);
    coalesceValues(chart, user);
    coalesceValues(chart, user);
    expect(JSON.stringify(user)).toBe(before);
    expect(chart.values.sub).toEqual({ fromParent: true, override: "parent" });
  });
});

describe("mergeValueMaps()", () => {
  test("later files win, maps merge, lists and scalars are replaced", () => {
    const merged = mergeValueMaps(yaml("a: {x: 1, w: 2}\nl: [1, 2]\ns: one\n"), yaml("a: {w: 3, z: 4}\nl: [3]\ns: null\n"));
    expect(merged).toEqual({ a: { x: 1, w: 3, z: 4 }, l: [3], s: null });
  });
});
