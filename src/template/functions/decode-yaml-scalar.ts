import type { Scalar } from "yaml";
import { base64Decode } from "./encoding-functions.ts";
import { decodeUtf8 } from "./go-string.ts";
import { YamlDecodeError } from "./yaml-read-errors.ts";
import { resolveScalar } from "./yaml-resolve.ts";
import type { YamlScalar } from "./yaml-tree.ts";

const YAML_TAG = "tag:yaml.org,2002:";
/** The tags yaml.v2's resolve() checks the text against; any other tag leaves the text a string. */
const RESOLVABLE = new Set(["str", "bool", "int", "float", "null", "timestamp"]);
const INT64_MAX = (1n << 63n) - 1n;

/** yaml.v2's resolve() for an untagged plain scalar; a timestamp stays its text, as for interface{}. */
export function resolvePlainScalar(text: string): YamlScalar {
  const resolved = resolveScalar(text);
  return resolved.tag === "timestamp" || resolved.tag === "merge" ? { tag: "str", value: text } : resolved;
}

/**
 * One scalar node as yaml.v2 decodes it into interface{}: quoted and block scalars are strings,
 * plain ones are resolved with YAML 1.1 rules, a `!!int`-style tag must match what the text is
 * (an int may be read as a float), `!!binary` is base64, and unknown tags are ignored.
 *
 * @throws {YamlDecodeError} when the tag and the text disagree, or the base64 is invalid
 */
export function decodeYamlScalar(node: Scalar, source: string): YamlScalar {
  const text = scalarText(node, source);
  const tag = node.tag;
  const plain = node.type === "PLAIN" || node.type === undefined;
  if (!tag) return plain ? resolvePlainScalar(text) : { tag: "str", value: text };
  const want = tag.startsWith(YAML_TAG) ? tag.slice(YAML_TAG.length) : tag;
  if (want === "binary") return { tag: "str", value: decodeBinary(text, node) };
  if (!RESOLVABLE.has(want) || want === "str") return { tag: "str", value: text };
  return resolveAs(want, text, node);
}

/** resolve(tag, text) for a resolvable tag: the text must be of that type. */
function resolveAs(want: string, text: string, node: Scalar): YamlScalar {
  const resolved = resolveScalar(text);
  // yaml.v2 looks for a timestamp only when the tag asks for one.
  const got = resolved.tag === "merge" || (resolved.tag === "timestamp" && want !== "timestamp") ? "str" : resolved.tag;
  if (got === want) return resolved.tag === "timestamp" ? { tag: "str", value: text } : (resolved as YamlScalar);
  if (want === "float" && resolved.tag === "int" && resolved.value <= INT64_MAX) return { tag: "float", value: Number(resolved.value) };
  throw new YamlDecodeError(`yaml: cannot decode !!${got} \`${text}\` as a !!${want}`, node.range?.[0]);
}

/**
 * base64.StdEncoding (line breaks skipped, nothing else) and then string(bytes); bytes that are
 * not UTF-8 become U+FFFD, one each, as the trip through encoding/json leaves them.
 */
function decodeBinary(text: string, node: Scalar): string {
  const bytes = base64Decode(text);
  if (typeof bytes === "string") throw new YamlDecodeError("yaml: !!binary value contains invalid base64 data", node.range?.[0]);
  return decodeUtf8(bytes).replace(/[\udc80-\udcff]/g, "\ufffd");
}

/**
 * The scalar's text. libyaml keeps no line break after the last line of a block scalar when
 * the input ends on that line; the `yaml` package adds one.
 */
function scalarText(node: Scalar, source: string): string {
  const text = String(node.value ?? "");
  if (node.type !== "BLOCK_LITERAL" && node.type !== "BLOCK_FOLDED") return text;
  const [start = 0, end = 0] = node.range ?? [];
  const endsInsideLastLine = /[^ \t\r\n][^\r\n]*$/.test(source.slice(start, end)) && end >= source.length;
  return endsInsideLastLine && text.endsWith("\n") ? text.slice(0, -1) : text;
}
