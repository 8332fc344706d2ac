import type { GoMap, GoValue } from "../template/go-value.ts";
import type { Chart, ChartDependency } from "./chart.ts";
import { coalesceTables, coalesceValues, deepCopy, isTable, newMap } from "./coalesce-values.ts";
import { isCompatibleRange } from "./is-compatible-range.ts";

/** A non-fatal problem found while processing dependencies (Helm logs these). */
export type DependencyWarning = string;

/**
 * Rewrite `chart` (a clone) the way `helm template` does before rendering: apply aliases, drop
 * the subcharts whose `condition` or `tags` disable them, then import values from children into
 * parents (`import-values`). `values` are the user's merged values.
 */
export function processDependencies(chart: Chart, values: GoMap, warnings: DependencyWarning[] = []): void {
  processDependencyEnabled(chart, values, "", warnings);
  processDependencyImportValues(chart, warnings);
}

/** Conditions, tags and aliases (helm chartutil/dependencies.go processDependencyEnabled). */
function processDependencyEnabled(chart: Chart, values: GoMap, path: string, warnings: DependencyWarning[]): void {
  const requirements = chart.metadata.dependencies;
  if (requirements === undefined) return;

  const dependencies: Chart[] = [];
  // Subcharts that Chart.yaml does not list are kept as they are.
  for (const existing of chart.dependencies) {
    const listed = requirements.some(
      (requirement) => requirement !== null && existing.name === requirement.name && isCompatibleRange(requirement.version, existing.metadata.version),
    );
    if (!listed) dependencies.push(existing);
  }
  for (const requirement of requirements) {
    if (requirement === null) continue;
    const aliased = aliasDependency(chart.dependencies, requirement);
    if (aliased) dependencies.push(aliased);
    if (requirement.alias !== "") requirement.name = requirement.alias;
  }
  chart.setDependencies(dependencies);

  for (const requirement of requirements) if (requirement) requirement.enabled = true;
  const chartValues = coalesceValues(chart, values);
  processTags(requirements, chartValues, warnings);
  processConditions(requirements, chartValues, path, warnings);

  const disabled = new Set(requirements.filter((r): r is ChartDependency => r !== null && !r.enabled).map((r) => r.name));
  const enabledCharts = chart.dependencies.filter((dependency) => !disabled.has(dependency.metadata.name));
  const enabledRequirements = requirements.filter((requirement) => requirement === null || !disabled.has(requirement.name));
  for (const dependency of enabledCharts) {
    processDependencyEnabled(dependency, chartValues, `${path}${dependency.metadata.name}.`, warnings);
  }
  chart.metadata.dependencies = enabledRequirements.length > 0 ? enabledRequirements : undefined;
  chart.setDependencies(enabledCharts);
}

/** The subchart a Chart.yaml entry names (name and version range), renamed to its alias. */
function aliasDependency(charts: readonly Chart[], requirement: ChartDependency): Chart | undefined {
  for (const candidate of charts) {
    if (candidate.name !== requirement.name || !isCompatibleRange(requirement.version, candidate.metadata.version)) continue;
    const copy = candidate.shallowCopy();
    if (requirement.alias !== "") copy.metadata.name = requirement.alias;
    return copy;
  }
  return undefined;
}

function processTags(requirements: readonly (ChartDependency | null)[], values: GoMap, warnings: DependencyWarning[]): void {
  const tags = values.tags;
  if (!isTable(tags)) return;
  for (const requirement of requirements) {
    if (!requirement) continue;
    let hasTrue = false;
    let hasFalse = false;
    for (const tag of requirement.tags) {
      if (!Object.hasOwn(tags, tag)) continue;
      const value = tags[tag];
      if (typeof value === "boolean") {
        if (value) hasTrue = true;
        else hasFalse = true;
      } else {
        warnings.push(`Tag '${tag}' for chart ${requirement.name} returned non-bool value`);
      }
    }
    if (!hasTrue && hasFalse) requirement.enabled = false;
    else if (hasTrue || !hasFalse) requirement.enabled = true;
  }
}

/** The first condition path that resolves to a boolean decides. */
function processConditions(requirements: readonly (ChartDependency | null)[], values: GoMap, path: string, warnings: DependencyWarning[]): void {
  for (const requirement of requirements) {
    if (!requirement) continue;
    for (const raw of requirement.condition.trim().split(",")) {
      const condition = raw.trim();
      if (condition === "") continue;
      const found = pathValue(values, path + condition);
      if (!found) continue;
      if (typeof found.value === "boolean") {
        requirement.enabled = found.value;
        break;
      }
      warnings.push(`Condition path '${condition}' for chart ${requirement.name} returned non-bool value`);
    }
  }
}

function pathValue(values: GoMap, path: string): { value: GoValue } | undefined {
  const parts = path.split(".");
  let current: GoMap = values;
  for (let index = 0; index < parts.length; index++) {
    const key = parts[index]!;
    if (!Object.hasOwn(current, key)) return undefined;
    const value = current[key];
    if (index === parts.length - 1) return { value };
    if (!isTable(value)) return undefined;
    current = value;
  }
  return undefined;
}

/** Children first, then the chart itself (helm processDependencyImportValues). */
function processDependencyImportValues(chart: Chart, warnings: DependencyWarning[]): void {
  for (const dependency of chart.dependencies) processDependencyImportValues(dependency, warnings);
  processImportValues(chart, warnings);
}

/**
 * `import-values` of the chart's dependencies: `- name` imports the child's `exports.name` table
 * at the parent's top level; `- {child: a.b, parent: c}` imports the child's `a.b` under `c`.
 * The parent's own values win over imported ones (Helm 3.12+ merge semantics). Charts whose
 * dependencies import nothing are left untouched.
 */
function processImportValues(chart: Chart, warnings: DependencyWarning[]): void {
  const requirements = chart.metadata.dependencies;
  if (requirements === undefined) return;
  if (!requirements.some((requirement) => requirement && requirement.importValues.length > 0)) return;
  const chartValues = coalesceValues(chart, null, { merge: true });
  let imported: GoMap = newMap();
  for (const requirement of requirements) {
    if (!requirement) continue;
    const normalized: GoValue[] = [];
    for (const entry of requirement.importValues) {
      let child: string;
      let parent: string;
      if (isTable(entry)) {
        if (typeof entry.child !== "string" || typeof entry.parent !== "string") {
          warnings.push(`ImportValues of chart ${requirement.name} needs string "child" and "parent"`);
          continue;
        }
        child = entry.child;
        parent = entry.parent;
      } else if (typeof entry === "string") {
        child = `exports.${entry}`;
        parent = ".";
      } else {
        continue;
      }
      const item = newMap();
      item.child = child;
      item.parent = parent;
      normalized.push(item);
      const table = tableAt(chartValues, `${requirement.name}.${child}`);
      if (!table) {
        warnings.push(`ImportValues missing table from chart ${requirement.name}: ${child}`);
        continue;
      }
      imported = coalesceTables(imported, pathToMap(parent, deepCopy(table) as GoMap), true)!;
    }
    requirement.importValues = normalized;
  }
  chart.values = coalesceTables(deepCopy(chartValues) as GoMap, imported, true)!;
}

/** Helm's Values.Table: the map at a dotted path, or undefined. */
function tableAt(values: GoMap, path: string): GoMap | undefined {
  let current: GoValue = values;
  for (const key of path.split(".")) {
    if (!isTable(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return isTable(current) ? current : undefined;
}

function pathToMap(path: string, data: GoMap): GoMap {
  if (path === ".") return data;
  let current: GoMap = data;
  const parts = path.split(".");
  for (let index = parts.length - 1; index >= 0; index--) {
    const wrapper = newMap();
    wrapper[parts[index]!] = current;
    current = wrapper;
  }
  return current;
}
