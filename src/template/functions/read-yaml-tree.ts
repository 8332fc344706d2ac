import { isAlias, isMap, isNode, isScalar, isSeq, parseAllDocuments, type Alias, type Document, type Node, type YAMLError } from "yaml";
import { decodeYamlScalar } from "./decode-yaml-scalar.ts";
import { AliasBudget } from "./yaml-alias-budget.ts";
import { goSyntax, jsonMapKey, unsupportedKeyMessage } from "./yaml-json-key.ts";
import { YamlDecodeError, YamlSyntaxError } from "./yaml-read-errors.ts";
import { isYamlScalar, YAML_NULL, type YamlMap, type YamlTree } from "./yaml-tree.ts";

const PARSE_OPTIONS = { schema: "failsafe", version: "1.1", merge: false, uniqueKeys: false } as const;
const MERGE_TAG = "tag:yaml.org,2002:merge";
const MERGE_NEEDS_MAPS = "yaml: map merge requires map or sequence of maps as the value";

/**
 * The first YAML document of `text` as sigs.k8s.io/yaml.Unmarshal reads it into interface{}
 * (yaml.v2, then map keys made strings): YAML 1.1 scalars, aliases (a cycle or a document that
 * is mostly alias expansion is refused, as yaml.v2 does), `<<` merge keys. Undefined when the
 * text holds no document. Both Helm's values files and its fromYaml read YAML this way.
 *
 * @throws {YamlSyntaxError} when the text is not YAML
 * @throws {YamlDecodeError} when Go would refuse the document
 */
export function readYamlTree(text: string): YamlTree | undefined {
  const documents = parseAllDocuments(text, PARSE_OPTIONS);
  const document = Array.isArray(documents) ? (documents[0] as Document.Parsed | undefined) : undefined;
  if (!document) return undefined;
  const error = document.errors.find((candidate) => !acceptedByLibyaml(candidate));
  if (error) {
    const position = error.linePos?.[0] ?? { line: 1, col: 1 };
    const message = error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    throw new YamlSyntaxError(message, error.code, position.line, position.col);
  }
  return new TreeReader(document, text).read();
}

/** libyaml takes a comment right after a token ("x"#c); YAML 1.2 wants a space first. */
function acceptedByLibyaml(error: YAMLError): boolean {
  return error.message.startsWith("Comments must be separated from other tokens by white space characters");
}

class TreeReader {
  readonly #targets: ReadonlyMap<Alias, Node>;
  readonly #expanding = new Set<Alias>();
  readonly #budget = new AliasBudget();
  /** sigs.k8s.io/yaml refuses keys after yaml.v2 is done, so yaml.v2's own errors come first. */
  #keyError: YamlDecodeError | undefined;

  constructor(
    readonly document: Document.Parsed,
    readonly source: string,
  ) {
    this.#targets = aliasTargets(document);
  }

  read(): YamlTree {
    this.#budget.count(); // the document node
    const tree = this.#decode(this.document.contents as Node | null);
    if (this.#keyError) throw this.#keyError;
    return tree;
  }

  /** yaml.v2's unmarshal of one node; a map is decoded into `into` when given (merges). */
  #decode(node: Node | null | undefined, into?: Record<string, YamlTree>): YamlTree {
    if (!this.#budget.count()) fail(node, "yaml: document contains excessive aliasing");
    if (node === null || node === undefined) return YAML_NULL;
    if (isAlias(node)) return this.#expand(node, into);
    if (isScalar(node)) return decodeYamlScalar(node, this.source);
    if (isSeq(node)) return node.items.map((item) => this.#decode(item as Node | null));
    if (isMap(node)) return this.#mapping(node.items, into ?? Object.create(null));
    return fail(node, "yaml: unsupported YAML node");
  }

  #expand(alias: Alias, into?: Record<string, YamlTree>): YamlTree {
    if (this.#expanding.has(alias)) fail(alias, `yaml: anchor '${alias.source}' value contains itself`);
    this.#expanding.add(alias);
    this.#budget.enterAlias();
    try {
      return this.#decode(this.#targets.get(alias), into);
    } finally {
      this.#budget.leaveAlias();
      this.#expanding.delete(alias);
    }
  }

  #mapping(pairs: readonly { key: unknown; value: unknown }[], into: Record<string, YamlTree>): YamlMap {
    for (const pair of pairs) {
      const keyNode = pair.key as Node | null;
      if (isMergeKey(keyNode)) {
        this.#merge(pair.value as Node | null, into);
        continue;
      }
      const key = this.#decode(keyNode);
      if (!isYamlScalar(key)) fail(keyNode, `yaml: invalid map key: ${goSyntax(key)}`);
      const value = this.#decode(pair.value as Node | null);
      const name = jsonMapKey(key);
      if (name !== undefined) into[name] = value;
      else this.#keyError ??= new YamlDecodeError(unsupportedKeyMessage(key, value), keyNode?.range?.[0]);
    }
    return into;
  }

  /** yaml.v2's merge: a map, or a sequence of maps of which the earlier ones win. */
  #merge(node: Node | null, into: Record<string, YamlTree>): void {
    if (isSeq(node)) {
      for (const item of [...node.items].reverse()) {
        if (!this.#isMapOrAliasOfMap(item as Node | null)) fail(item as Node | null, MERGE_NEEDS_MAPS);
        this.#decode(item as Node, into);
      }
      return;
    }
    if (!this.#isMapOrAliasOfMap(node)) fail(node, MERGE_NEEDS_MAPS);
    this.#decode(node, into);
  }

  #isMapOrAliasOfMap(node: Node | null): boolean {
    return isMap(node) || (isAlias(node) && isMap(this.#targets.get(node)));
  }
}

/** yaml.v2's isMerge: the text `<<`, plain and untagged (or tagged `!`), or tagged `!!merge`. */
function isMergeKey(node: Node | null): boolean {
  if (!isScalar(node) || node.value !== "<<") return false;
  return node.tag === MERGE_TAG || node.tag === "!" || (!node.tag && node.type === "PLAIN");
}

/**
 * Each alias's node: the last one before it with that anchor. yaml.v2 resolves them while it
 * parses, so an unknown anchor fails before anything is decoded.
 */
function aliasTargets(document: Document.Parsed): Map<Alias, Node> {
  const anchors = new Map<string, Node>();
  const targets = new Map<Alias, Node>();
  const walk = (node: unknown): void => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) fail(node, `yaml: unknown anchor '${node.source}' referenced`);
      targets.set(node, target);
      return;
    }
    if (!isNode(node)) return;
    if (node.anchor) anchors.set(node.anchor, node);
    if (isSeq(node)) node.items.forEach(walk);
    if (isMap(node)) {
      for (const pair of node.items) {
        walk(pair.key);
        walk(pair.value);
      }
    }
  };
  walk(document.contents);
  return targets;
}

function fail(node: Node | null | undefined, message: string): never {
  throw new YamlDecodeError(message, node?.range?.[0]);
}
