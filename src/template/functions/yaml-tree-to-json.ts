import { compareGoStrings } from "../compare-go-strings.ts";
import type { GoMap, GoValue } from "../go-value.ts";
import { formatFloat } from "./format-value.ts";
import { YamlDecodeError } from "./yaml-read-errors.ts";
import { isYamlMap, type YamlScalar, type YamlTree } from "./yaml-tree.ts";

/**
 * The tree after sigs.k8s.io/yaml's trip through JSON, as json.Unmarshal into interface{} leaves
 * it: every number a float64, maps with a null prototype.
 *
 * @throws {YamlDecodeError} for NaN or ±Inf, which encoding/json cannot write
 */
export function yamlTreeToJson(tree: YamlTree): GoValue {
  try {
    return toJson(tree);
  } catch (error) {
    if (error !== UNSUPPORTED) throw error;
    throw new YamlDecodeError(`json: unsupported value: ${formatFloat(firstUnsupported(tree)!)}`);
  }
}

const UNSUPPORTED = Symbol("a float JSON cannot hold");

function toJson(tree: YamlTree): GoValue {
  if (Array.isArray(tree)) return tree.map(toJson);
  if (isYamlMap(tree)) {
    const map: GoMap = Object.create(null);
    for (const [key, value] of Object.entries(tree)) map[key] = toJson(value);
    return map;
  }
  const scalar = tree as YamlScalar;
  if (scalar.tag === "int") return Number(scalar.value);
  if (scalar.tag === "float" && !Number.isFinite(scalar.value)) throw UNSUPPORTED;
  return scalar.value;
}

/** The NaN or ±Inf json.Marshal meets first: it writes map keys in sorted order. */
function firstUnsupported(tree: YamlTree): number | undefined {
  if (Array.isArray(tree)) {
    for (const item of tree) {
      const found = firstUnsupported(item);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (isYamlMap(tree)) return firstUnsupported(Object.keys(tree).sort(compareGoStrings).map((key) => tree[key]!));
  const scalar = tree as YamlScalar;
  return scalar.tag === "float" && !Number.isFinite(scalar.value) ? scalar.value : undefined;
}
