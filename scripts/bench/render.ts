#!/usr/bin/env bun
/**
 * Chart rendering speed: lade's renderer against `tplrender chart` (real Go text/template +
 * sprig, rendering like `helm template`) on the same generated chart, in the same run.
 *
 *   bun scripts/bench/render.ts [--renders N] [--templates N] [--lines N] [--subcharts N]
 *                               [--tplrender PATH] [--lade PATH] [--keep]
 *
 * Three measurements, each `--renders` times (default 20):
 *   - lade, in process: the chart is loaded once, then `renderChart` runs N times (the renderer alone);
 *   - lade, CLI: `lade render chart DIR` as a new process each time (start-up, load, render, print);
 *   - tplrender: `tplrender chart DIR` as a new process each time (the same work in Go).
 * Before timing, the outputs of lade and tplrender are compared byte for byte.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadChartFromPath } from "../../src/builder/load-chart-files.ts";
import { formatManifests, renderChart } from "../../src/chart/render-chart.ts";
import { cleanUp, cleanUpOnSignals, median, onCleanup, removeTree, run, runMeasured } from "./_support.ts";

interface Options {
  renders: number;
  templates: number;
  lines: number;
  subcharts: number;
  tplrender: string;
  lade: string[];
  keep: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { renders: 20, templates: 50, lines: 200, subcharts: 3, tplrender: "tplrender", lade: [process.execPath, join(import.meta.dir, "..", "..", "src", "main.ts")], keep: false };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    const value = () => {
      const next = argv[++index];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === "--renders") options.renders = Number(value());
    else if (arg === "--templates") options.templates = Number(value());
    else if (arg === "--lines") options.lines = Number(value());
    else if (arg === "--subcharts") options.subcharts = Number(value());
    else if (arg === "--tplrender") options.tplrender = value();
    else if (arg === "--lade") options.lade = [value()];
    else if (arg === "--keep") options.keep = true;
    else throw new Error(`Unknown option ${arg}`);
  }
  return options;
}

/** values.yaml: lists to loop over, nested maps for toYaml, globals for the subcharts. */
function valuesYaml(items: number): string {
  const lines = ["global:", "  registry: registry.example.com", "  labels:", "    team: platform", "    tier: backend", "replicas: 3", "items:"];
  for (let i = 0; i < items; i++) {
    lines.push(`  - name: item-${i}`, `    port: ${8000 + i}`, `    enabled: ${i % 3 !== 0}`, `    tags: [a${i}, b${i}]`);
  }
  lines.push("resources:", "  limits:", "    cpu: 500m", "    memory: 256Mi", "  requests:", "    cpu: 100m", "    memory: 128Mi");
  lines.push("env:", ...Array.from({ length: 10 }, (_, i) => `  VAR_${i}: value-${i}`));
  return `${lines.join("\n")}\n`;
}

const HELPERS = `{{- define "bench.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "bench.labels" -}}
app.kubernetes.io/name: {{ include "bench.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- range $key, $value := .Values.global.labels }}
{{ $key }}: {{ $value | quote }}
{{- end }}
{{- end }}
{{- define "bench.container" -}}
- name: {{ .item.name }}
  image: "{{ .root.Values.global.registry }}/{{ .item.name }}:{{ .root.Chart.AppVersion }}"
  ports:
    - containerPort: {{ .item.port }}
  env:
  {{- range $key, $value := .root.Values.env }}
    - name: {{ $key }}
      value: {{ $value | quote }}
  {{- end }}
  resources:
    {{- toYaml .root.Values.resources | nindent 4 }}
{{- end }}
`;

/** One template of about `lines` lines: a Deployment whose containers come from a loop and an include. */
function template(index: number, lines: number): string {
  const header = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "bench.name" . }}-${index}
  labels:
    {{- include "bench.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicas }}
  template:
    spec:
      containers:
`;
  // Each enabled item gives about 20 lines; loop enough times to reach the requested length.
  const loops = Math.max(1, Math.round(lines / 20 / 4));
  let body = "";
  for (let loop = 0; loop < loops; loop++) {
    body += `      {{- range $i, $item := .Values.items }}
      {{- if and $item.enabled (lt $i 6) }}
      {{- include "bench.container" (dict "root" $ "item" $item) | nindent 6 }}
      {{- end }}
      {{- end }}
`;
  }
  return `${header}${body}---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "bench.name" . }}-${index}-config
data:
  {{- range $i, $item := .Values.items }}
  {{ $item.name }}: {{ printf "%s:%d" $item.name (int $item.port) | upper | quote }}
  {{- end }}
`;
}

function writeChart(dir: string, name: string, options: { templates: number; lines: number; helpers: boolean }): void {
  mkdirSync(join(dir, "templates"), { recursive: true });
  writeFileSync(join(dir, "Chart.yaml"), `apiVersion: v2\nname: ${name}\nversion: 1.0.0\nappVersion: "2.0"\n`);
  writeFileSync(join(dir, "values.yaml"), valuesYaml(12));
  if (options.helpers) writeFileSync(join(dir, "templates", "_helpers.tpl"), HELPERS);
  for (let i = 0; i < options.templates; i++) writeFileSync(join(dir, "templates", `t${String(i).padStart(3, "0")}.yaml`), template(i, options.lines));
}

function generateChart(root: string, options: Options): string {
  const dir = join(root, "bench");
  writeChart(dir, "bench", { templates: options.templates, lines: options.lines, helpers: true });
  for (let i = 0; i < options.subcharts; i++) {
    writeChart(join(dir, "charts", `sub${i}`), `sub${i}`, { templates: Math.ceil(options.templates / 5), lines: options.lines, helpers: false });
  }
  return dir;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  cleanUpOnSignals();
  const work = mkdtempSync(join(tmpdir(), "lade-bench-render-"));
  if (!options.keep) onCleanup(() => removeTree(work));
  else console.log(`work folder: ${work}`);
  const chartDir = generateChart(work, options);

  // Outputs must agree before speed means anything.
  const loaded = await loadChartFromPath(chartDir);
  const ladeOutput = formatManifests(renderChart(loaded).manifests);
  const oracleOutput = await run([options.tplrender, "chart", chartDir]);
  const same = ladeOutput === oracleOutput;
  const documents = ladeOutput.split("\n# Source: ").length - 1;
  console.log(
    `chart: ${options.templates} templates (+${options.subcharts} subcharts × ${Math.ceil(options.templates / 5)}), ` +
      `${documents} documents, ${(ladeOutput.length / 1024).toFixed(0)} KiB of output; lade and tplrender outputs ${same ? "are identical" : "DIFFER"}`,
  );

  const inProcess: number[] = [];
  for (let i = 0; i < options.renders; i++) {
    const started = performance.now();
    formatManifests(renderChart(loaded).manifests);
    inProcess.push((performance.now() - started) / 1000);
  }
  const cli: number[] = [];
  const oracle: number[] = [];
  for (let i = 0; i < options.renders; i++) {
    const io = { stdout: join(work, "out.yaml"), stderr: join(work, "err.txt") };
    const lade = await runMeasured([...options.lade, "render", "chart", chartDir], io);
    if (lade.exitCode !== 0) throw new Error(`lade render chart exited ${lade.exitCode}`);
    cli.push(lade.seconds);
    const go = await runMeasured([options.tplrender, "chart", chartDir], io);
    if (go.exitCode !== 0) throw new Error(`tplrender chart exited ${go.exitCode}`);
    oracle.push(go.seconds);
  }

  const rate = (seconds: readonly number[]) => 1 / median(seconds);
  const rows: [string, number][] = [
    ["lade renderChart (in process)", rate(inProcess)],
    ["lade render chart (process)", rate(cli)],
    ["tplrender chart (process)", rate(oracle)],
  ];
  console.log(`\n${"".padEnd(32)}renders/s   median ms`);
  for (const [name, value] of rows) console.log(`${name.padEnd(32)}${value.toFixed(1).padStart(9)}   ${(1000 / value).toFixed(1).padStart(9)}`);
  console.log(`\nratio lade in process / tplrender: ${(rate(inProcess) / rate(oracle)).toFixed(2)}×`);
  console.log(`ratio lade process / tplrender:    ${(rate(cli) / rate(oracle)).toFixed(2)}×`);
  return same ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} finally {
  await cleanUp();
}
process.exit(code);
