import { isGoMap, type GoMap, type GoValue } from "../template/go-value.ts";
import type { Chart } from "./chart.ts";

/**
 * The values a chart renders with: `values` (the user's, already merged) over the chart's
 * values.yaml, each subchart's section over its own values.yaml, globals copied down, like
 * Helm's `chartutil.CoalesceValues`. Rules: the higher source wins for scalars and lists, maps
 * are merged key by key, and a `null` from the user deletes the chart's default (`merge: true`
 * keeps nulls, as Helm's MergeValues does). `values` itself is not modified.
 */
export function coalesceValues(chart: Chart, values: GoMap | null | undefined, options: { merge?: boolean } = {}): GoMap {
  const copy = values ? (deepCopy(values) as GoMap) : newMap();
  return coalesce(chart, copy, options.merge ?? false);
}

function coalesce(chart: Chart, dest: GoMap, merge: boolean): GoMap {
  coalesceChartValues(chart, dest, merge);
  return coalesceDependencies(chart, dest, merge);
}

function coalesceDependencies(chart: Chart, dest: GoMap, merge: boolean): GoMap {
  for (const subchart of chart.dependencies) {
    const name = subchart.name;
    if (!Object.hasOwn(dest, name)) dest[name] = newMap();
    else if (!isTable(dest[name])) continue; // Helm logs "type mismatch" and leaves it
    const section = dest[name] as GoMap;
    coalesceGlobals(section, dest);
    dest[name] = coalesce(subchart, section, merge);
  }
  return dest;
}

/** Copy the parent's `global` into the subchart's section; the parent's keys win. */
function coalesceGlobals(dest: GoMap, src: GoMap): void {
  let destGlobals: GoMap;
  let srcGlobals: GoMap;
  if (!Object.hasOwn(dest, "global")) destGlobals = newMap();
  else if (isTable(dest.global)) destGlobals = dest.global as GoMap;
  else return;
  if (!Object.hasOwn(src, "global")) srcGlobals = newMap();
  else if (isTable(src.global)) srcGlobals = src.global as GoMap;
  else return;
  for (const [key, value] of Object.entries(srcGlobals)) {
    if (isTable(value)) {
      const copy = deepCopy(value) as GoMap;
      if (!Object.hasOwn(destGlobals, key)) destGlobals[key] = copy;
      else if (isTable(destGlobals[key])) {
        coalesceTables(copy, destGlobals[key] as GoMap, true);
        destGlobals[key] = copy;
      }
    } else if (Object.hasOwn(destGlobals, key) && isTable(destGlobals[key])) {
      // a table in the subchart is not replaced by a scalar
    } else {
      destGlobals[key] = value;
    }
  }
  dest.global = destGlobals;
}

/** The chart's own values.yaml under `dest`: dest wins, a null in dest deletes the default. */
function coalesceChartValues(chart: Chart, dest: GoMap, merge: boolean): void {
  const defaults = deepCopy(chart.values) as GoMap;
  for (const [key, value] of Object.entries(defaults)) {
    if (Object.hasOwn(dest, key)) {
      const current = dest[key];
      if (current === null && !merge) delete dest[key];
      else if (isTable(current) && isTable(value)) coalesceTables(current as GoMap, value as GoMap, merge);
    } else {
      dest[key] = value;
    }
  }
}

/**
 * Merge `src` into `dst` where `dst` is authoritative (Helm's CoalesceTables, or MergeTables
 * with `merge`): missing keys are copied, tables merged, a null in dst deletes the key unless
 * merging. Returns dst.
 */
export function coalesceTables(dst: GoMap | null, src: GoMap | null, merge = false): GoMap | null {
  if (src === null) return dst;
  if (dst === null) return src;
  for (const [key, value] of Object.entries(src)) {
    const present = Object.hasOwn(dst, key);
    const current = dst[key];
    if (present && !merge && current === null) delete dst[key];
    else if (!present) dst[key] = value;
    else if (isTable(value) && isTable(current)) coalesceTables(current as GoMap, value as GoMap, merge);
  }
  return dst;
}

/** Helm's `-f` merging: later maps win, nested maps are merged, anything else replaced. */
export function mergeValueMaps(base: GoMap, overlay: GoMap | null | undefined): GoMap {
  const result = newMap();
  Object.assign(result, base);
  if (!overlay) return result;
  for (const [key, value] of Object.entries(overlay)) {
    const existing = result[key];
    if (isTable(value) && isTable(existing)) result[key] = mergeValueMaps(existing as GoMap, value as GoMap);
    else result[key] = value;
  }
  return result;
}

export function isTable(value: GoValue): value is GoMap {
  return value !== null && value !== undefined && isGoMap(value);
}

export function newMap(): GoMap {
  return Object.create(null) as GoMap;
}

/** A copy of maps and lists (scalars, bytes and structs are shared). */
export function deepCopy(value: GoValue): GoValue {
  if (Array.isArray(value)) return value.map(deepCopy);
  if (isTable(value)) {
    const copy = newMap();
    for (const [key, item] of Object.entries(value)) copy[key] = deepCopy(item);
    return copy;
  }
  return value;
}
