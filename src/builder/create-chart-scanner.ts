import type { GoMap } from "../template/go-value.ts";
import { scanChart } from "../scan/scan-chart.ts";
import type { UserRule } from "../scan/user-rule.ts";
import type { ChartScanner } from "./discover-images.ts";
import { loadChartFromPath } from "./load-chart-files.ts";

export interface ChartScannerOptions {
  /** User values per chart name (`--values CHART=FILE`, `--set CHART.key=v`). */
  readonly values?: ReadonlyMap<string, GoMap>;
  /** `.Capabilities.KubeVersion` for rendering, e.g. the image's Kubernetes version. */
  readonly kubeVersion?: string;
  readonly userRules?: readonly UserRule[];
  readonly onWarning?: (message: string) => void;
}

/** Discovery's chart hook: load a chart folder or .tgz from disk, render it and scan the output. */
export function createChartScanner(options: ChartScannerOptions = {}): ChartScanner {
  return async (path, label, findings) => {
    const chart = await loadChartFromPath(path);
    scanChart(chart, label, findings, {
      values: options.values?.get(chart.metadata.name),
      kubeVersion: options.kubeVersion,
      userRules: options.userRules,
      onWarning: options.onWarning,
    });
  };
}
