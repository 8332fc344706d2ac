import type { FieldSchema } from "./config-schema.ts";
import { isConfigObject, type ConfigObject, type ConfigValue } from "./config-value.ts";

/**
 * The value with the fields of every struct in the schema's order (kubeadm's Go field order), so
 * the printed config reads the same whichever layer set a field. Fields the schema does not list
 * (kubelet and kube-proxy settings) follow in the order they were written; maps keep their order.
 */
export function orderBySchema(value: ConfigValue, schema: FieldSchema): ConfigValue {
  if (schema.type === "list" && Array.isArray(value)) return value.map((item) => orderBySchema(item, schema.items));
  if (schema.type === "map" && isConfigObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, orderBySchema(item, schema.values)]));
  }
  if (schema.type !== "struct" || !isConfigObject(value)) return value;
  const ordered: ConfigObject = {};
  for (const [key, field] of Object.entries(schema.fields)) {
    const item = value[key];
    if (item !== undefined) ordered[key] = orderBySchema(item, field);
  }
  for (const [key, item] of Object.entries(value)) if (!(key in ordered)) ordered[key] = item;
  return ordered;
}
