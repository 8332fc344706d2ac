import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type Pair } from "yaml";
import { UserInputError, type SourceLocation } from "../util/source-location.ts";
import type { ConfigObject, ConfigPath, ConfigValue } from "./config-value.ts";

/** One YAML document of a config file, as plain values, that can say where each field was written. */
export interface YamlDocument {
  /** 0-based position in the file. */
  readonly index: number;
  /** undefined for an empty document (`---` with nothing after it). */
  readonly value: ConfigValue | undefined;
  /** Where the document's content starts. */
  readonly location: SourceLocation;
  /**
   * Where a field is written: its key (`part` "key", for unknown fields) or its value. A path that
   * does not exist gives the nearest place that does.
   */
  locate(path: ConfigPath, part?: "key" | "value"): SourceLocation;
}

const EMPTY = Symbol("empty");
const MAX_NODES = 100_000;

/**
 * Parse a multi-document YAML file the way kubeadm reads it (YAML 1.1: `on`/`yes` are booleans,
 * `0777` is octal). Two things are kept apart that a plain parse would merge:
 * - `key: null` (or `~`) stays `null`: an explicit deletion in a higher layer;
 * - `key:` with nothing after it is left out, as if not written (Go reads it as the zero value,
 *   which means "not set"), so templates that render an empty value change nothing.
 *
 * @throws {UserInputError} `file:line:column: Cannot parse YAML: …`
 */
export function parseConfigYaml(text: string, file: string): YamlDocument[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, version: "1.1", prettyErrors: false });
  const list = Array.isArray(documents) ? documents : [documents];
  const at = (offset: number): SourceLocation => {
    const position = lineCounter.linePos(offset);
    return { file, line: position.line, column: position.col };
  };
  return list.map((document, index) => {
    const error = document.errors[0];
    if (error) throw new UserInputError(at(error.pos[0]), `Cannot parse YAML: ${error.message.split("\n")[0]}`);
    const budget = { nodes: 0, file, at };
    const contents = document.contents as Node | null;
    const value = contents ? toValue(contents, document, budget) : EMPTY;
    const start = contents?.range?.[0] ?? document.range[0];
    return {
      index,
      value: value === EMPTY ? undefined : value,
      location: at(start),
      locate: (path, part = "value") => at(locateOffset(document, path, part) ?? start),
    };
  });
}

interface Budget {
  nodes: number;
  readonly at: (offset: number) => SourceLocation;
}

function toValue(node: Node | null, document: Document, budget: Budget): ConfigValue | typeof EMPTY {
  if (++budget.nodes > MAX_NODES) {
    throw new UserInputError(budget.at(node?.range?.[0] ?? 0), `Cannot read YAML: more than ${MAX_NODES} values (alias loop?)`);
  }
  if (node === null) return EMPTY;
  if (isAlias(node)) {
    const target = node.resolve(document);
    if (!target) throw new UserInputError(budget.at(node.range?.[0] ?? 0), `Cannot resolve YAML alias "*${node.source}"`);
    return toValue(target as Node, document, budget);
  }
  if (isScalar(node)) {
    const value = node.value;
    if (value === null || value === undefined) return node.source === "" && node.type === "PLAIN" ? EMPTY : null;
    if (typeof value === "string" || typeof value === "boolean") return value;
    if (typeof value === "number") return value;
    if (typeof value === "bigint") return Number(value);
    // Timestamps and other YAML 1.1 types: kubeadm's decoder reads them as the text written.
    return node.source ?? String(value);
  }
  if (isSeq(node)) {
    return node.items.map((item) => {
      const value = toValue(item as Node | null, document, budget);
      return value === EMPTY ? null : value;
    });
  }
  if (isMap(node)) {
    const object: ConfigObject = {};
    const merged: ConfigObject[] = [];
    for (const pair of node.items as Pair<Node | null, Node | null>[]) {
      const key = keyOf(pair, budget);
      if (key === "<<") {
        merged.push(...mergeSources(pair.value, document, budget));
        continue;
      }
      const value = toValue(pair.value, document, budget);
      if (value !== EMPTY) object[key] = value;
    }
    // YAML merge keys (`<<: *defaults`): keys written in the map win over merged ones.
    for (const source of merged) for (const [key, value] of Object.entries(source)) if (!(key in object)) object[key] = value;
    return object;
  }
  throw new UserInputError(budget.at((node as Node).range?.[0] ?? 0), "Cannot read this YAML node");
}

function keyOf(pair: Pair<Node | null, Node | null>, budget: Budget): string {
  const key = pair.key;
  // YAML 1.1 merge keys come as a symbol.
  if (isScalar(key) && typeof key.value === "symbol") return "<<";
  if (isScalar(key) && key.value !== null && typeof key.value !== "object") return String(key.value);
  throw new UserInputError(budget.at((key as Node | null)?.range?.[0] ?? 0), "Cannot read a YAML key that is not a plain value");
}

function mergeSources(node: Node | null, document: Document, budget: Budget): ConfigObject[] {
  const value = toValue(node, document, budget);
  const sources = Array.isArray(value) ? value : [value];
  return sources.map((source) => {
    if (typeof source !== "object" || source === null || Array.isArray(source)) {
      throw new UserInputError(budget.at(node?.range?.[0] ?? 0), "A YAML merge key (<<) needs a map or a list of maps");
    }
    return source;
  });
}

function locateOffset(document: Document, path: ConfigPath, part: "key" | "value"): number | undefined {
  let node = document.contents as Node | null;
  let offset = node?.range?.[0];
  for (const [index, step] of path.entries()) {
    if (isAlias(node)) node = node.resolve(document) as Node | null;
    if (isMap(node)) {
      const pair = (node.items as Pair<Node | null, Node | null>[]).find(
        (candidate) => isPair(candidate) && isScalar(candidate.key) && String(candidate.key.value) === String(step),
      );
      if (!pair) return offset;
      const last = index === path.length - 1;
      if (last && part === "key") return pair.key?.range?.[0] ?? offset;
      node = pair.value;
      offset = node?.range?.[0] ?? pair.key?.range?.[0] ?? offset;
    } else if (isSeq(node) && typeof step === "number") {
      node = node.items[step] as Node | null;
      if (!node) return offset;
      offset = node.range?.[0] ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}
