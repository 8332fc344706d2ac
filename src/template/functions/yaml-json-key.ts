import type { GoValue } from "../go-value.ts";
import { goSprintf } from "../go-sprint.ts";
import { formatFloat32 } from "./format-value.ts";
import { withGoType } from "./go-type.ts";
import { isYamlMap, type YamlScalar, type YamlTree } from "./yaml-tree.ts";

const INT64_MAX = (1n << 63n) - 1n;
/** What sigs.k8s.io/yaml writes for float keys Go would print as ±Inf or NaN. */
const SPECIAL_FLOAT_KEYS: Record<string, string> = { "+Inf": ".inf", "-Inf": "-.inf", NaN: ".nan" };

/**
 * The JSON key sigs.k8s.io/yaml makes of a decoded map key: strings as they are, ints and bools
 * as Go prints them, floats as float32 ('g', shortest); undefined for the keys it refuses (null,
 * and ints above int64, which yaml.v2 decodes as uint64).
 */
export function jsonMapKey(key: YamlScalar): string | undefined {
  switch (key.tag) {
    case "str":
      return key.value;
    case "bool":
      return String(key.value);
    case "int":
      return key.value <= INT64_MAX ? key.value.toString() : undefined;
    case "float": {
      const text = formatFloat32(key.value);
      return SPECIAL_FLOAT_KEYS[text] ?? text;
    }
    case "null":
      return undefined;
  }
}

/** sigs.k8s.io/yaml's error for a key {@link jsonMapKey} refuses. */
export function unsupportedKeyMessage(key: YamlScalar, value: YamlTree): string {
  const [type, shown] = key.tag === "int" ? ["uint64", `0x${key.value.toString(16)}`] : ["%!s(<nil>)", "<nil>"];
  return `Unsupported map key of type: ${type}, key: ${shown}, value: ${goSyntax(value)}`;
}

/** fmt's %+#v of the value yaml.v2 decoded (maps are map[interface {}]interface {}). */
export function goSyntax(tree: YamlTree): string {
  return goSprintf("%+#v", asGoValue(tree));
}

function asGoValue(tree: YamlTree): GoValue {
  if (Array.isArray(tree)) return withGoType(tree.map(asGoValue), "[]interface {}");
  if (isYamlMap(tree)) {
    const map: Record<string, GoValue> = Object.create(null);
    for (const [key, value] of Object.entries(tree)) map[key] = asGoValue(value);
    return withGoType(map, "map[interface {}]interface {}");
  }
  return (tree as YamlScalar).value;
}
