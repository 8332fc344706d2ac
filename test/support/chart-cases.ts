import { join } from "node:path";

/** Where the fixture charts and their expected `helm template` outputs live. */
export const CHART_FIXTURES = join(import.meta.dir, "..", "fixtures", "charts");
export const CHART_SOURCES = join(import.meta.dir, "..", "fixtures", "chart-sources");
export const CHART_GOLDENS = join(import.meta.dir, "..", "golden", "charts");

/** Packaged subcharts made from test/fixtures/chart-sources/NAME (kept in git as .tgz). */
export const PACKAGED_SUBCHARTS: readonly { source: string; target: string }[] = [
  { source: "backend", target: "umbrella/charts/backend-1.0.0.tgz" },
];

/**
 * One `lade render chart` run compared byte for byte with `tplrender chart` (the oracle, which
 * renders like `helm template`). Paths are relative to the chart's folder.
 */
export interface ChartCase {
  /** test/golden/charts/NAME.yaml */
  readonly name: string;
  /** Folder under test/fixtures/charts. */
  readonly chart: string;
  readonly valueFiles?: readonly string[];
  readonly set?: readonly string[];
  readonly setString?: readonly string[];
  /**
   * Extra `-f` files given to the oracle only, standing in for what it does not implement
   * (`--set`, import-values): they hold the values those produce.
   */
  readonly oracleValueFiles?: readonly string[];
  readonly releaseName?: string;
  readonly namespace?: string;
  readonly kubeVersion?: string;
  readonly includeCrds?: boolean;
  /** Why lade cannot match the oracle yet; the test is then expected to fail (test.failing). */
  readonly knownGap?: string;
}

export const CHART_CASES: readonly ChartCase[] = [
  { name: "basic", chart: "basic" },
  {
    name: "basic-layered",
    chart: "basic",
    valueFiles: ["override-1.yaml", "override-2.yaml"],
    set: ["replicaCount=7,image.tag=1.0", "env[0].value=debug,service.annotations.team=null"],
    setString: ["podLabels.version=42"],
    oracleValueFiles: ["layered.oracle.yaml"],
  },
  { name: "basic-kube-1.20", chart: "basic", valueFiles: ["override-2.yaml"], releaseName: "rel", namespace: "prod", kubeVersion: "v1.20.0" },
  { name: "umbrella", chart: "umbrella" },
  { name: "umbrella-toggles", chart: "umbrella", valueFiles: ["toggles.yaml"], includeCrds: true },
  { name: "umbrella-crds", chart: "umbrella", includeCrds: true, releaseName: "crds" },
  { name: "importer", chart: "importer", oracleValueFiles: ["oracle-imports.yaml"] },
  { name: "legacy", chart: "legacy" },
  { name: "files", chart: "files" },
  {
    name: "files-range",
    chart: "files",
    valueFiles: ["range.yaml"],
  },
  { name: "tpl", chart: "tpl", releaseName: "tpl-release" },
];

/** Command-line options of a case (without the chart), for `lade render chart`. */
export function ladeArgs(entry: ChartCase): string[] {
  const dir = join(CHART_FIXTURES, entry.chart);
  return [
    ...(entry.valueFiles ?? []).flatMap((file) => ["-f", join(dir, file)]),
    ...(entry.set ?? []).flatMap((value) => ["--set", value]),
    ...(entry.setString ?? []).flatMap((value) => ["--set-string", value]),
    ...commonArgs(entry),
  ];
}

/** Command-line options of a case for `tplrender chart`. */
export function oracleArgs(entry: ChartCase): string[] {
  const dir = join(CHART_FIXTURES, entry.chart);
  return [
    ...[...(entry.valueFiles ?? []), ...(entry.oracleValueFiles ?? [])].flatMap((file) => ["-f", join(dir, file)]),
    ...commonArgs(entry),
  ];
}

function commonArgs(entry: ChartCase): string[] {
  return [
    ...(entry.releaseName ? ["--name", entry.releaseName] : []),
    ...(entry.namespace ? ["--namespace", entry.namespace] : []),
    ...(entry.kubeVersion ? ["--kube-version", entry.kubeVersion] : []),
    ...(entry.includeCrds ? ["--include-crds"] : []),
  ];
}
