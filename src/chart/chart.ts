import type { GoMap, GoValue } from "../template/go-value.ts";

/** A file of a chart: its path relative to the chart's root, "/" separated, and its bytes. */
export interface ChartFile {
  readonly name: string;
  readonly data: Uint8Array;
}

export interface ChartMaintainer {
  name: string;
  email: string;
  url: string;
}

/** One entry of Chart.yaml `dependencies` (or requirements.yaml for apiVersion v1). */
export interface ChartDependency {
  name: string;
  version: string;
  repository: string;
  condition: string;
  tags: string[];
  enabled: boolean;
  /** `import-values`: strings (`exports.X` of the child) or `{child, parent}` maps. */
  importValues: GoValue[];
  alias: string;
}

/** Chart.yaml, with Go's zero values for what it leaves out (empty strings, no lists). */
export interface ChartMetadata {
  name: string;
  home: string;
  sources: string[];
  version: string;
  description: string;
  keywords: string[];
  maintainers: (ChartMaintainer | null)[];
  icon: string;
  apiVersion: string;
  condition: string;
  tags: string;
  appVersion: string;
  deprecated: boolean;
  annotations: Record<string, string> | null;
  kubeVersion: string;
  /** undefined when Chart.yaml has no `dependencies` key (Go's nil slice); entries may be null. */
  dependencies: (ChartDependency | null)[] | undefined;
  type: string;
}

/**
 * A loaded chart and its subcharts. Mutable on purpose: dependency processing (conditions, tags,
 * aliases, import-values) rewrites it the way Helm does, on a copy made by `cloneChart`.
 */
export class Chart {
  metadata: ChartMetadata;
  /** values.yaml (null-prototype maps, every number a float64). */
  values: GoMap;
  readonly templates: readonly ChartFile[];
  /** Every file that is not a template, Chart.yaml, values.yaml… (what `.Files` serves). */
  readonly files: readonly ChartFile[];
  readonly crds: readonly ChartFile[];
  parent: Chart | undefined;
  #dependencies: Chart[] = [];

  constructor(fields: {
    metadata: ChartMetadata;
    values: GoMap;
    templates: readonly ChartFile[];
    files: readonly ChartFile[];
    crds: readonly ChartFile[];
  }) {
    this.metadata = fields.metadata;
    this.values = fields.values;
    this.templates = fields.templates;
    this.files = fields.files;
    this.crds = fields.crds;
  }

  get name(): string {
    return this.metadata.name;
  }

  get isRoot(): boolean {
    return this.parent === undefined;
  }

  get isLibrary(): boolean {
    return this.metadata.type === "library";
  }

  /** The chart's subcharts (after dependency processing: only the enabled ones, aliased). */
  get dependencies(): readonly Chart[] {
    return this.#dependencies;
  }

  setDependencies(charts: readonly Chart[]): void {
    this.#dependencies = [];
    for (const chart of charts) {
      chart.parent = this;
      this.#dependencies.push(chart);
    }
  }

  /** "root/charts/sub/charts/leaf": how template names and `# Source:` lines start. */
  fullPath(): string {
    return this.parent ? `${this.parent.fullPath()}/charts/${this.name}` : this.name;
  }

  /** A copy sharing files and parent, like Go's `out := *c` (used for aliases). */
  shallowCopy(): Chart {
    const copy = new Chart(this);
    copy.metadata = { ...this.metadata };
    copy.parent = this.parent;
    copy.#dependencies = this.#dependencies;
    return copy;
  }
}

/** A copy whose metadata, values and subchart tree can be rewritten without touching `chart`. */
export function cloneChart(chart: Chart): Chart {
  const copy = new Chart({
    metadata: {
      ...chart.metadata,
      dependencies: chart.metadata.dependencies?.map((dependency) =>
        dependency ? { ...dependency, tags: [...dependency.tags], importValues: [...dependency.importValues] } : null,
      ),
    },
    values: chart.values,
    templates: chart.templates,
    files: chart.files,
    crds: chart.crds,
  });
  copy.setDependencies(chart.dependencies.map(cloneChart));
  return copy;
}
