/** Text the `yaml` package could not parse; `message` is its first line, without the position. */
export class YamlSyntaxError extends SyntaxError {
  override name = "YamlSyntaxError";

  constructor(
    message: string,
    /** The `yaml` package's error code, e.g. "BAD_INDENT". */
    readonly code: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

/**
 * Parsed YAML that Go cannot decode, in Go's own words ("yaml: …" from yaml.v2, "Unsupported map
 * key …" from sigs.k8s.io/yaml, "json: …" from encoding/json). `offset` is where in the text the
 * node is, when there is one node to blame.
 */
export class YamlDecodeError extends Error {
  override name = "YamlDecodeError";

  constructor(
    message: string,
    readonly offset?: number,
  ) {
    super(message);
  }
}
