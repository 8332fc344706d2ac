import { isGoMap, kindOf, type GoMap } from "../template/go-value.ts";
import { parseGoYaml } from "./parse-go-yaml.ts";
import { ValuesError } from "./values-error.ts";

/**
 * A values file (values.yaml, `-f FILE`) as Helm reads it into `map[string]interface{}`: an
 * empty file or `null` is an empty map; anything but a map at the top is an error.
 *
 * @throws {ValuesError} when the text is not YAML or not a map
 */
export function parseValuesYaml(text: string, file: string): GoMap {
  const value = parseGoYaml(text, file);
  if (value === null || value === undefined) return Object.create(null);
  if (!isGoMap(value)) {
    const kind = kindOf(value) === "slice" ? "array" : kindOf(value) === "float64" ? "number" : kindOf(value);
    throw new ValuesError({ file, line: 1, column: 1 }, `Cannot read values: cannot unmarshal ${kind} into Go value of type map[string]interface {}`);
  }
  return value;
}
