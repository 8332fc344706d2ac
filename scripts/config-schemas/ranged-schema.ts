import type { RangedSchema } from "../../src/kubeadm/component-config-schema.ts";
import type { JsonSchema } from "./go-schema.ts";

export type { RangedSchema };

/**
 * Add minor MINOR's schema (NEXT) to the schemas of the minors before it (ACC, undefined for the
 * first): fields new in MINOR get `since: MINOR`, fields MINOR no longer has get `until: MINOR-1`.
 * A field whose type changed takes the newer type (and says so on stderr).
 */
export function mergeMinor(acc: RangedSchema | undefined, next: JsonSchema, minor: number, path = ""): RangedSchema {
  if (!acc) return copy(next);
  if (acc.type !== next.type) {
    console.error(`gen-config-schemas: ${path || "(root)"} changed from ${acc.type} to ${next.type} in v1.${minor}: the newer type is kept`);
    return { ...copy(next), ...ranges(acc) };
  }
  if (acc.type === "list" && next.type === "list") return { ...acc, items: mergeMinor(acc.items, next.items, minor, `${path}[]`) };
  if (acc.type === "map" && next.type === "map") return { ...acc, values: mergeMinor(acc.values, next.values, minor, `${path}{}`) };
  if (acc.type !== "struct" || next.type !== "struct") return acc;
  const fields: Record<string, RangedSchema> = {};
  for (const [name, field] of Object.entries(acc.fields)) {
    const key = path ? `${path}.${name}` : name;
    const now = next.fields[name];
    if (now) {
      if (field.until !== undefined) console.error(`gen-config-schemas: ${key} came back in v1.${minor} (gone after v1.${field.until}): its range now starts again`);
      const merged = mergeMinor(field, now, minor, key);
      if (field.until === undefined) fields[name] = merged;
      else {
        const { until: _gone, ...rest } = merged;
        fields[name] = { ...rest, since: minor } as RangedSchema;
      }
    } else fields[name] = field.until === undefined ? { ...field, until: minor - 1 } : field;
  }
  for (const [name, field] of Object.entries(next.fields)) {
    if (!(name in acc.fields)) fields[name] = { ...copy(field), since: minor };
  }
  return { ...acc, fields };
}

function copy(schema: JsonSchema): RangedSchema {
  return JSON.parse(JSON.stringify(schema)) as RangedSchema;
}

function ranges(schema: RangedSchema): { since?: number; until?: number } {
  return { ...(schema.since !== undefined ? { since: schema.since } : {}), ...(schema.until !== undefined ? { until: schema.until } : {}) };
}
