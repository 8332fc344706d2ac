import type { GoValue } from "../go-value.ts";
import { readYamlTree } from "./read-yaml-tree.ts";
import { YamlDecodeError, YamlSyntaxError } from "./yaml-read-errors.ts";
import { yamlTreeToJson } from "./yaml-tree-to-json.ts";

/**
 * What fromYaml reports: sigs.k8s.io/yaml's error text ("error converting YAML to JSON: …"),
 * with the `yaml` package's syntax errors put in libyaml's words ("yaml: line 2: …").
 */
export class YamlError extends Error {
  override name = "YamlError";
}

/**
 * yaml.v2's message for a syntax error the `yaml` package found: libyaml's wording, and its line
 * rule — "line N: " is left out when the problem is on the first line (scanner errors) and parser
 * errors at the end of input count the line libyaml adds there.
 */
function libyamlError(text: string, code: string, message: string, line: number): string {
  const linesAtEnd = (text.match(/\n/g)?.length ?? 0) + (text.endsWith("\n") || text === "" ? 0 : 1);
  const where = (n: number) => (n > 0 ? `line ${n}: ` : "");
  const scanner = (msg: string) => `yaml: ${where(line > 1 ? line : 0)}${msg}`;
  switch (code) {
    case "TAB_AS_INDENT":
      return scanner("found character that cannot start any token");
    case "BLOCK_AS_IMPLICIT_KEY":
      if (message.startsWith("Nested mappings")) return scanner("mapping values are not allowed in this context");
      break;
    case "BAD_INDENT":
    case "MISSING_CHAR":
      if (message.startsWith("Flow sequence")) return `yaml: ${where(linesAtEnd)}did not find expected ',' or ']'`;
      if (message.startsWith("Flow map")) return `yaml: ${where(linesAtEnd)}did not find expected ',' or '}'`;
      if (message.includes("quote")) return `yaml: ${where(line > 1 ? (text.match(/\n/g)?.length ?? 0) + 1 : 0)}found unexpected end of stream`;
      break;
  }
  return `yaml: line ${line}: did not find expected key`;
}

/**
 * sigs.k8s.io/yaml.Unmarshal into interface{} as Helm's fromYaml uses it (see readYamlTree):
 * the JSON-shaped value it hands to json.Unmarshal; null for a text without a document.
 *
 * @throws {YamlError} with Helm's message ("error converting YAML to JSON: yaml: line 1: …")
 */
export function parseYaml(text: string): GoValue {
  try {
    const tree = readYamlTree(text);
    return tree === undefined ? null : yamlTreeToJson(tree);
  } catch (error) {
    if (error instanceof YamlSyntaxError) {
      throw new YamlError(`error converting YAML to JSON: ${libyamlError(text, error.code, error.message, error.line)}`);
    }
    if (error instanceof YamlDecodeError) throw new YamlError(`error converting YAML to JSON: ${error.message}`);
    throw error;
  }
}

/** The json.Unmarshal error for decoding `value` into a Go value of type `target`. */
export function unmarshalTypeError(value: GoValue, target: string): string {
  const kind = Array.isArray(value) ? "array" : typeof value === "string" ? "string" : typeof value === "number" ? "number" : typeof value === "boolean" ? "bool" : "object";
  return `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${kind} into Go value of type ${target}`;
}
