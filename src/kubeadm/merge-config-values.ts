import type { ConfigDocument } from "./config-document.ts";
import { ARGUMENT_FIELDS } from "./config-schema.ts";
import { isConfigObject, type ConfigObject, type ConfigValue } from "./config-value.ts";
import type { ConfigKind } from "./kubeadm-api.ts";

/**
 * Merge a higher layer's value over a lower one, field by field. Unlike sealer's mergo merge
 * (which only fills empty fields), the higher layer always wins when it says something:
 *
 * - a key the higher layer does not write keeps the lower value;
 * - `null` deletes the key (and everything under it);
 * - maps merge key by key, recursively;
 * - scalars and lists replace, including `false`, `0`, `""` and `[]`;
 * - extra arguments (`extraArgs`, `kubeletExtraArgs`) merge by flag name in both forms: the
 *   v1beta1–v1beta3 map, and v1beta4's `{name, value}` list, where `{name: X, value: null}` deletes
 *   flag X and a name given several times replaces every lower entry of that name.
 *
 * Returns undefined when nothing is left (the key should be absent). Inputs are not modified.
 */
export function mergeConfigValues(lower: ConfigValue | undefined, higher: ConfigValue | undefined, key?: string): ConfigValue | undefined {
  if (higher === undefined) return lower;
  if (higher === null) return undefined;
  if (isConfigObject(lower) && isConfigObject(higher)) {
    const merged: ConfigObject = {};
    for (const [name, value] of Object.entries(lower)) {
      const result = mergeConfigValues(value, higher[name], name);
      if (result !== undefined) merged[name] = result;
    }
    for (const [name, value] of Object.entries(higher)) {
      if (name in lower) continue;
      const result = mergeConfigValues(undefined, value, name);
      if (result !== undefined) merged[name] = result;
    }
    return merged;
  }
  if (key !== undefined && ARGUMENT_FIELDS.has(key) && Array.isArray(higher)) {
    return mergeArgumentLists(Array.isArray(lower) ? lower : [], higher);
  }
  return withoutNulls(higher, key);
}

/** Merge documents layer by layer (lowest first), one result per kind, in the order kinds first appear. */
export function mergeConfigLayers(layers: readonly (readonly ConfigDocument[])[]): Map<ConfigKind, ConfigObject> {
  const merged = new Map<ConfigKind, ConfigObject>();
  for (const layer of layers) {
    for (const document of layer) {
      const result = mergeConfigValues(merged.get(document.kind), document.body);
      merged.set(document.kind, isConfigObject(result) ? result : {});
    }
  }
  // Unchanged branches are shared with the layers: hand out copies that may be changed freely.
  return new Map([...merged].map(([kind, body]) => [kind, structuredClone(body)]));
}

function mergeArgumentLists(lower: readonly ConfigValue[], higher: readonly ConfigValue[]): ConfigValue[] {
  const higherByName = new Map<string, ConfigObject[]>();
  for (const item of higher) {
    if (!isConfigObject(item) || typeof item.name !== "string") continue;
    higherByName.set(item.name, [...(higherByName.get(item.name) ?? []), item]);
  }
  const result: ConfigValue[] = [];
  const placed = new Set<string>();
  const place = (name: string) => {
    placed.add(name);
    for (const item of higherByName.get(name)!) if (item.value !== null) result.push(withoutNulls(item)!);
  };
  for (const item of lower) {
    const name = isConfigObject(item) && typeof item.name === "string" ? item.name : undefined;
    if (name === undefined || !higherByName.has(name)) result.push(item);
    else if (!placed.has(name)) place(name);
  }
  for (const name of higherByName.keys()) if (!placed.has(name)) place(name);
  return result;
}

/** A value taken as it is from a higher layer: its `null`s have nothing left to delete. */
function withoutNulls(value: ConfigValue, key?: string): ConfigValue | undefined {
  if (value === null) return undefined;
  if (Array.isArray(value)) {
    const items = key !== undefined && ARGUMENT_FIELDS.has(key) ? value.filter((item) => !(isConfigObject(item) && item.value === null)) : value;
    return items.map((item) => withoutNulls(item) ?? null);
  }
  if (isConfigObject(value)) {
    const object: ConfigObject = {};
    for (const [name, item] of Object.entries(value)) {
      const result = withoutNulls(item, name);
      if (result !== undefined) object[name] = result;
    }
    return object;
  }
  return value;
}
