import type { FieldSchema } from "./config-schema.ts";
import { formatConfigPath, isConfigObject, type ConfigPath, type ConfigValue } from "./config-value.ts";

export interface CheckContext {
  /** What the value is, for messages: `kubeadm.k8s.io/v1beta3 ClusterConfiguration`. */
  readonly label: string;
  /** Report a problem at a field (its key for unknown fields); never returns. */
  fail(path: ConfigPath, message: string, part?: "key" | "value"): never;
  /** Extra words after "Unknown field …", e.g. `: it exists in kubeadm.k8s.io/v1beta4`. */
  unknownFieldHint?(path: ConfigPath): string;
}

/** Go's time.ParseDuration syntax: "5m0s", "1h30m", "100ms", "0". */
const GO_DURATION = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;

/**
 * Check a value against a schema: no unknown fields, and the types a Go decoder needs.
 * `null` is accepted anywhere but in a list (it deletes the field in a merge).
 */
export function checkConfigValue(value: ConfigValue, schema: FieldSchema, context: CheckContext, path: ConfigPath = []): void {
  if (value === null || schema.type === "any") return;
  const name = formatConfigPath(path);
  switch (schema.type) {
    case "string":
      if (typeof value !== "string") {
        const hint = typeof value === "number" || typeof value === "boolean" ? `: write it in quotes, "${String(value)}"` : "";
        context.fail(path, `"${name}" must be a string, not ${describe(value)}${hint}`);
      }
      return;
    case "scalar":
      if (typeof value !== "string" && typeof value !== "number") context.fail(path, `"${name}" must be a string or a number, not ${describe(value)}`);
      return;
    case "bool":
      if (typeof value !== "boolean") context.fail(path, `"${name}" must be true or false, not ${describe(value)}`);
      return;
    case "int":
      if (typeof value !== "number" || !Number.isInteger(value)) context.fail(path, `"${name}" must be a whole number, not ${describe(value)}`);
      return;
    case "number":
      if (typeof value !== "number") context.fail(path, `"${name}" must be a number, not ${describe(value)}`);
      return;
    case "duration":
      if (typeof value !== "string" || !GO_DURATION.test(value)) {
        context.fail(path, `"${name}" must be a duration such as "5m0s" or "1h", not ${describe(value)}`);
      }
      return;
    case "list":
      if (!Array.isArray(value)) return context.fail(path, `"${name}" must be a list, not ${describe(value)}`);
      value.forEach((item, index) => {
        if (item === null) context.fail([...path, index], `"${name}[${index}]" is empty: remove it or give it a value`);
        checkConfigValue(item, schema.items, context, [...path, index]);
      });
      return;
    case "map":
      if (!isConfigObject(value)) return context.fail(path, `"${name}" must be a map, not ${describe(value)}`);
      for (const [key, item] of Object.entries(value)) checkConfigValue(item, schema.values, context, [...path, key]);
      return;
    case "struct":
      if (!isConfigObject(value)) return context.fail(path, `"${name}" must be a map of fields, not ${describe(value)}`);
      for (const [key, item] of Object.entries(value)) {
        const child = schema.fields[key];
        if (child) checkConfigValue(item, child, context, [...path, key]);
        else if (!schema.open) {
          const field = [...path, key];
          context.fail(field, `Unknown field "${formatConfigPath(field)}" in ${context.label}${context.unknownFieldHint?.(field) ?? ""}`, "key");
        }
      }
      return;
  }
}

export function describe(value: ConfigValue): string {
  if (Array.isArray(value)) return "a list";
  if (isConfigObject(value)) return "a map";
  if (typeof value === "string") return `"${value}"`;
  return String(value);
}
