/**
 * A scalar as Go's yaml.v2 decodes it into interface{}, before sigs.k8s.io/yaml turns it into
 * JSON. Ints stay apart from floats so that a struct field of type string can format them like
 * Go does (Chart.yaml), and so that uint64 map keys can be refused as Go refuses them.
 */
export type YamlScalar =
  | { readonly tag: "null"; readonly value: null }
  | { readonly tag: "bool"; readonly value: boolean }
  | { readonly tag: "int"; readonly value: bigint }
  | { readonly tag: "float"; readonly value: number }
  | { readonly tag: "str"; readonly value: string };

/** A map of the tree: keys already made strings; a null prototype tells it apart from a scalar. */
export type YamlMap = { readonly [key: string]: YamlTree };

/** A decoded YAML document whose scalars still carry their YAML type. */
export type YamlTree = YamlScalar | readonly YamlTree[] | YamlMap;

export const YAML_NULL: YamlScalar = { tag: "null", value: null };

export function isYamlMap(tree: YamlTree): tree is YamlMap {
  return !Array.isArray(tree) && Object.getPrototypeOf(tree) === null;
}

export function isYamlScalar(tree: YamlTree): tree is YamlScalar {
  return !Array.isArray(tree) && Object.getPrototypeOf(tree) !== null;
}
