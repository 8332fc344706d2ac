import type { GoValue } from "../template/go-value.ts";
import { formatFloat, formatFloat32 } from "../template/functions/format-value.ts";
import { readYamlTree } from "../template/functions/read-yaml-tree.ts";
import { YamlDecodeError, YamlSyntaxError } from "../template/functions/yaml-read-errors.ts";
import type { YamlTree } from "../template/functions/yaml-tree.ts";
import { yamlTreeToJson } from "../template/functions/yaml-tree-to-json.ts";
import { ValuesError } from "./values-error.ts";

export type { YamlScalar, YamlTree } from "../template/functions/yaml-tree.ts";
export { resolvePlainScalar } from "../template/functions/decode-yaml-scalar.ts";

/**
 * Decode YAML the way Helm does (`sigs.k8s.io/yaml.Unmarshal` into `interface{}`): YAML 1.1
 * scalars (yes/no/on/off are booleans, 0755 is octal, 1_000 is an int), `<<` merge keys, only the
 * first document, map keys made strings, timestamps left as their text, and every number a
 * float64 (a JavaScript number), as JSON decoding leaves it. Maps have a null prototype.
 *
 * @throws {ValuesError} when the text is not YAML, with `file:line:column`
 */
export function parseGoYaml(text: string, file = "<yaml>"): GoValue {
  const tree = parseYamlTree(text, file);
  return tree === undefined ? null : toGoValue(tree, file);
}

/** Like {@link parseGoYaml} but keeps ints apart from floats; undefined for an empty document. */
export function parseYamlTree(text: string, file = "<yaml>"): YamlTree | undefined {
  try {
    return readYamlTree(text);
  } catch (error) {
    if (error instanceof YamlSyntaxError) {
      throw new ValuesError({ file, line: error.line, column: error.column }, `Cannot parse YAML: ${error.message}`);
    }
    if (error instanceof YamlDecodeError) {
      throw new ValuesError({ file, ...positionOf(text, error.offset ?? 0) }, `Cannot parse YAML: ${error.message.replace(/^yaml: /, "")}`);
    }
    throw error;
  }
}

/** The tree as templates see values: JSON-decoded, so every number a float64. */
export function toGoValue(tree: YamlTree, file: string): GoValue {
  try {
    return yamlTreeToJson(tree);
  } catch (error) {
    if (error instanceof YamlDecodeError) throw new ValuesError({ file, line: 1, column: 1 }, `Cannot convert YAML to JSON: ${error.message}`);
    throw error;
  }
}

/** strconv.FormatFloat(value, 'g', -1, bits): the shortest digits that read back as the same float. */
export function formatGoFloat(value: number, bits: 32 | 64): string {
  return bits === 32 ? formatFloat32(value) : formatFloat(value);
}

function positionOf(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}
