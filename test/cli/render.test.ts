import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CHART_CASES, CHART_FIXTURES, CHART_GOLDENS, ladeArgs } from "../support/chart-cases.ts";
import { runLade } from "../support/run-lade.ts";
import { tempDir } from "../support/temp-dir.ts";
import { writeTree } from "../support/write-tree.ts";

describe("lade render chart", () => {
  test("prints what helm template prints, with -f, --set and --set-string layered", async () => {
    const entry = CHART_CASES.find((c) => c.name === "basic-layered")!;
    const result = await runLade(["render", "chart", ...ladeArgs(entry), join(CHART_FIXTURES, entry.chart)]);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(readFileSync(join(CHART_GOLDENS, "basic-layered.yaml"), "utf8"));
  });

  test("release name, namespace, Kubernetes version and CRDs come from options", async () => {
    for (const name of ["basic-kube-1.20", "umbrella-crds"]) {
      const entry = CHART_CASES.find((c) => c.name === name)!;
      const result = await runLade(["render", "chart", join(CHART_FIXTURES, entry.chart), ...ladeArgs(entry)]);
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toBe(readFileSync(join(CHART_GOLDENS, `${name}.yaml`), "utf8"));
    }
  });

  test("a failing required exits 1 with the template's place", async () => {
    const result = await runLade(["render", "chart", join(CHART_FIXTURES, "required")]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe("lade: error: execution error at (required/templates/db.yaml:7:11): database.host is required\n");
    const fixed = await runLade(["render", "chart", join(CHART_FIXTURES, "required"), "--set", "database.host=db"]);
    expect(fixed.exitCode).toBe(0);
    expect(fixed.stdout).toContain("  host: db\n");
  });

  test.each([
    [["render", "chart", "--set", "novalue", "."], 'Cannot parse --set "novalue": key "novalue" has no value'],
    [["render", "chart", "--set-json", "a={", "."], 'Cannot parse --set-json "a={"'],
    [["render", "chart", "--sett", "a=1", "."], 'Unknown option "--sett"'],
    [["render", "chart", "-f", "/nonexistent/values.yaml", "."], 'Cannot read values file "/nonexistent/values.yaml"'],
    [["render", "frobnicate"], "Unknown command"],
    [["render"], "No command specified"],
  ])("exits 2 on a usage error: %p", async (args, message) => {
    const result = await runLade(args);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(message);
  });

  test("exits 1 when the chart cannot be loaded, or a values file is not YAML", async () => {
    const missing = await runLade(["render", "chart", "/nonexistent/chart"]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('Cannot load chart "/nonexistent/chart"');
    const dir = writeTree(tempDir(), { "bad.yaml": "a: [1\n" });
    const bad = await runLade(["render", "chart", "-f", join(dir, "bad.yaml"), join(CHART_FIXTURES, "basic")]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toStartWith(`lade: error: ${join(dir, "bad.yaml")}:2:1: Cannot parse YAML`);
  });

  test("--help explains render and its sub-commands", async () => {
    const render = await runLade(["render", "--help"]);
    expect(render.exitCode).toBe(0);
    expect(render.stdout).toContain("template");
    expect(render.stdout).toContain("chart");
    const chart = await runLade(["render", "chart", "--help"]);
    expect(chart.exitCode).toBe(0);
    for (const option of ["--values", "--set-string", "--set-json", "--kube-version", "--include-crds", "--namespace"]) {
      expect(chart.stdout).toContain(option);
    }
    const root = await runLade(["--help"]);
    expect(root.stdout).toContain("  render");
  });
});

describe("lade render template", () => {
  const template = [
    '{{- define "greet" }}Hello {{ .name }}{{ end -}}',
    '{{ include "greet" . | upper }} from {{ .team.name | default "nobody" }}',
    "count={{ .count }} missing={{ .missing }} list={{ .list }}",
    '{{ tpl "{{ .name }}!" . }}',
    "",
  ].join("\n");

  test("renders one file with data from YAML and JSON files and --set", async () => {
    const dir = writeTree(tempDir(), {
      "t.tpl": template,
      "a.yaml": "name: world\nteam:\n  name: core\ncount: 3\n",
      "b.json": '{"team": {"size": 4}, "list": [1, 2]}',
    });
    const result = await runLade(["render", "template", join(dir, "t.tpl"), "--data", join(dir, "a.yaml"), "--data", join(dir, "b.json"), "--set", "count=5"]);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe("HELLO WORLD from core\ncount=5 missing=<no value> list=[1 2]\nworld!\n");
  });

  test("an execution error exits 1 with Go's template: NAME:LINE:COL message", async () => {
    const dir = writeTree(tempDir(), { "bad.tpl": "line one\n{{ .a.b.c }}\n" });
    const result = await runLade(["render", "template", "bad.tpl", "--set", "a=null"], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe('lade: error: template: bad.tpl:2:5: executing "bad.tpl" at <.a.b.c>: nil pointer evaluating interface {}.b\n');
  });

  test("a parse error exits 1 with the line", async () => {
    const dir = writeTree(tempDir(), { "bad.tpl": "ok\n{{ if }}\n" });
    const result = await runLade(["render", "template", "bad.tpl"], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe("lade: error: template: bad.tpl:2: missing value for if\n");
  });

  test("a missing template file is a usage error", async () => {
    const result = await runLade(["render", "template", "/nonexistent.tpl"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('Cannot read "/nonexistent.tpl"');
  });
});
