import type { GoFile, GoType } from "./go-types.ts";

/**
 * The JSON shape of a Go type, in the form lade's config checks read
 * (src/kubeadm/config-schema.ts): what a decoder of that type accepts.
 */
export type JsonSchema =
  | { readonly type: "string" | "bool" | "int" | "number" | "duration" | "any" | "scalar" }
  | { readonly type: "list"; readonly items: JsonSchema }
  | { readonly type: "map"; readonly values: JsonSchema }
  | { readonly type: "struct"; readonly fields: Readonly<Record<string, JsonSchema>> };

/** Go packages by import path: those read from source, for the types they declare. */
export type GoPackages = ReadonlyMap<string, GoFile>;

const META = "k8s.io/apimachinery/pkg/apis/meta/v1";
const CORE = "k8s.io/api/core/v1";
const RESOURCE = "k8s.io/apimachinery/pkg/api/resource";
const STRING = { type: "string" } as const;

/** Types outside the packages read, or with their own JSON encoding, by `path.Name`. */
const KNOWN: Readonly<Record<string, JsonSchema>> = {
  [`${META}.Duration`]: { type: "duration" },
  [`${META}.Time`]: STRING,
  [`${RESOURCE}.Quantity`]: { type: "scalar" },
  [`${RESOURCE}.QuantityValue`]: { type: "scalar" },
  // nanoseconds: encoding/json writes a time.Duration as its int64
  ["time.Duration"]: { type: "int" },
  [`${CORE}.Taint`]: { type: "struct", fields: { key: STRING, value: STRING, effect: STRING, timeAdded: STRING } },
  [`${CORE}.ResourceList`]: { type: "map", values: { type: "scalar" } },
  // a number of nanoseconds or a duration string (its own UnmarshalJSON)
  ["k8s.io/component-base/logs/api/v1.TimeOrMetaDuration"]: { type: "scalar" },
};

const BASIC: Readonly<Record<string, JsonSchema>> = {
  string: STRING,
  bool: { type: "bool" },
  float32: { type: "number" },
  float64: { type: "number" },
  ...Object.fromEntries(["int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "byte"].map((name) => [name, { type: "int" }])),
};

export interface SchemaBuild {
  readonly schema: JsonSchema;
  /** `path.Name` of the types taken as "any": from packages that were not read. */
  readonly opaque: ReadonlySet<string>;
}

/** The schema of struct `root` of package `rootPath`, with TypeMeta (apiVersion, kind) left out. */
export function schemaOf(packages: GoPackages, rootPath: string, root: string): SchemaBuild {
  const opaque = new Set<string>();
  const resolving = new Set<string>();

  const named = (path: string, name: string): JsonSchema => {
    const key = `${path}.${name}`;
    if (KNOWN[key]) return KNOWN[key]!;
    const file = packages.get(path);
    const struct = file?.structs.get(name);
    const alias = file?.named.get(name);
    if (!file || (!struct && !alias) || resolving.has(key)) {
      opaque.add(key);
      return { type: "any" };
    }
    resolving.add(key);
    try {
      if (alias) return typeOf(alias, path);
      const fields: Record<string, JsonSchema> = {};
      for (const field of struct!) {
        if (field.inline) {
          const embedded = field.type.kind === "name" ? field.type : undefined;
          if (embedded && packagePath(embedded, path) === META && embedded.name === "TypeMeta") continue;
          const inner = typeOf(field.type, path);
          if (inner.type === "struct") Object.assign(fields, inner.fields);
          continue;
        }
        fields[field.json] = typeOf(field.type, path);
      }
      return { type: "struct", fields };
    } finally {
      resolving.delete(key);
    }
  };

  const packagePath = (type: { pkg?: string }, from: string): string => {
    if (!type.pkg) return from;
    const path = packages.get(from)?.imports.get(type.pkg);
    if (!path) throw new Error(`${from}: no import for package ${type.pkg}`);
    return path;
  };

  const typeOf = (type: GoType, from: string): JsonSchema => {
    switch (type.kind) {
      case "pointer":
        return typeOf(type.elem, from);
      case "slice":
        // []byte is base64 text in JSON
        if (type.elem.kind === "name" && !type.elem.pkg && (type.elem.name === "byte" || type.elem.name === "uint8")) return STRING;
        return { type: "list", items: typeOf(type.elem, from) };
      case "map":
        return { type: "map", values: typeOf(type.value, from) };
      case "interface":
        return { type: "any" };
      case "name":
        if (!type.pkg && BASIC[type.name]) return BASIC[type.name]!;
        return named(packagePath(type, from), type.name);
    }
  };

  return { schema: named(rootPath, root), opaque };
}
