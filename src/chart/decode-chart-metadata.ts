import type { ChartDependency, ChartMaintainer, ChartMetadata } from "./chart.ts";
import { formatGoFloat, parseYamlTree, toGoValue, type YamlScalar, type YamlTree } from "./parse-go-yaml.ts";
import { ValuesError } from "./values-error.ts";

type TreeMap = { readonly [key: string]: YamlTree };

/**
 * Chart.yaml as Helm reads it (sigs.k8s.io/yaml into chart.Metadata): keys match the JSON field
 * names case-insensitively, unknown keys are ignored, and a number or boolean given where a
 * string belongs becomes its text the way Go formats it (`version: 1.10` is "1.1").
 *
 * @throws {ValuesError} when the YAML cannot be parsed or a field has the wrong shape
 */
export function decodeChartMetadata(text: string, file: string): ChartMetadata {
  const tree = parseYamlTree(text, file);
  const root = tree === undefined || isNull(tree) ? emptyMap() : expectMap(tree, file, "Metadata");
  const fields = new Decoder(root, file, "Metadata");
  return {
    name: fields.string("name"),
    home: fields.string("home"),
    sources: fields.strings("sources") ?? [],
    version: fields.string("version"),
    description: fields.string("description"),
    keywords: fields.strings("keywords") ?? [],
    maintainers: (fields.list("maintainers") ?? []).map((item) => (isNull(item) ? null : decodeMaintainer(item, file))),
    icon: fields.string("icon"),
    apiVersion: fields.string("apiVersion"),
    condition: fields.string("condition"),
    tags: fields.string("tags"),
    appVersion: fields.string("appVersion"),
    deprecated: fields.bool("deprecated"),
    annotations: fields.stringMap("annotations"),
    kubeVersion: fields.string("kubeVersion"),
    dependencies: decodeDependencyList(fields.list("dependencies"), file),
    type: fields.string("type"),
  };
}

/** requirements.yaml of an apiVersion v1 chart: its `dependencies` list. */
export function decodeRequirements(text: string, file: string): (ChartDependency | null)[] | undefined {
  const tree = parseYamlTree(text, file);
  const root = tree === undefined || isNull(tree) ? emptyMap() : expectMap(tree, file, "requirements");
  return decodeDependencyList(new Decoder(root, file, "requirements").list("dependencies"), file);
}

function decodeDependencyList(items: readonly YamlTree[] | undefined, file: string): (ChartDependency | null)[] | undefined {
  return items?.map((item) => (isNull(item) ? null : decodeDependency(item, file)));
}

function decodeMaintainer(tree: YamlTree, file: string): ChartMaintainer {
  const fields = new Decoder(expectMap(tree, file, "Maintainer"), file, "Maintainer");
  return { name: fields.string("name"), email: fields.string("email"), url: fields.string("url") };
}

function decodeDependency(tree: YamlTree, file: string): ChartDependency {
  const fields = new Decoder(expectMap(tree, file, "Dependency"), file, "Dependency");
  const importValues = fields.list("import-values");
  return {
    name: fields.string("name"),
    version: fields.string("version"),
    repository: fields.string("repository"),
    condition: fields.string("condition"),
    tags: fields.strings("tags") ?? [],
    enabled: fields.bool("enabled"),
    importValues: (importValues ?? []).map((item) => toGoValue(item, file)),
    alias: fields.string("alias"),
  };
}

class Decoder {
  readonly #byLowerKey = new Map<string, YamlTree>();
  readonly #exact: TreeMap;

  constructor(
    map: TreeMap,
    readonly file: string,
    readonly type: string,
  ) {
    this.#exact = map;
    for (const [key, value] of Object.entries(map)) {
      const lower = key.toLowerCase();
      if (!this.#byLowerKey.has(lower)) this.#byLowerKey.set(lower, value);
    }
  }

  #get(name: string): YamlTree | undefined {
    return Object.hasOwn(this.#exact, name) ? this.#exact[name] : this.#byLowerKey.get(name.toLowerCase());
  }

  string(name: string): string {
    const value = this.#get(name);
    return value === undefined ? "" : this.#toString(value, name);
  }

  bool(name: string): boolean {
    const value = this.#get(name);
    if (value === undefined || isNull(value)) return false;
    if (isScalar(value) && value.tag === "bool") return value.value;
    return this.#fail(name, value, "bool");
  }

  strings(name: string): string[] | undefined {
    const items = this.list(name);
    return items?.map((item) => this.#toString(item, name));
  }

  list(name: string): YamlTree[] | undefined {
    const value = this.#get(name);
    if (value === undefined || isNull(value)) return undefined;
    if (Array.isArray(value)) return value as YamlTree[];
    return this.#fail(name, value, "[]");
  }

  stringMap(name: string): Record<string, string> | null {
    const value = this.#get(name);
    if (value === undefined || isNull(value)) return null;
    if (isScalar(value) || Array.isArray(value)) return this.#fail(name, value, "map[string]string");
    const result: Record<string, string> = Object.create(null);
    for (const [key, item] of Object.entries(value as TreeMap)) result[key] = this.#toString(item, name);
    return result;
  }

  #toString(value: YamlTree, name: string): string {
    if (!isScalar(value)) return this.#fail(name, value, "string");
    switch (value.tag) {
      case "null":
        return "";
      case "str":
        return value.value;
      case "bool":
        return String(value.value);
      case "int":
        return value.value.toString();
      case "float":
        return formatGoFloat(value.value, 32);
    }
  }

  #fail(name: string, value: YamlTree, want: string): never {
    const kind = Array.isArray(value) ? "array" : isScalar(value) ? jsonKind(value) : "object";
    throw new ValuesError(
      { file: this.file, line: 1, column: 1 },
      `Cannot load ${this.file.split("/").at(-1)}: cannot unmarshal ${kind} into Go struct field ${this.type}.${name} of type ${want}`,
    );
  }
}

function jsonKind(value: YamlScalar): string {
  switch (value.tag) {
    case "bool":
      return "bool";
    case "int":
    case "float":
      return "number";
    default:
      return "string";
  }
}

function isScalar(value: YamlTree): value is YamlScalar {
  return !Array.isArray(value) && Object.getPrototypeOf(value) !== null;
}

function isNull(value: YamlTree): boolean {
  return isScalar(value) && value.tag === "null";
}

function emptyMap(): TreeMap {
  return Object.create(null) as TreeMap;
}

function expectMap(tree: YamlTree, file: string, type: string): TreeMap {
  if (isScalar(tree) || Array.isArray(tree)) {
    throw new ValuesError({ file, line: 1, column: 1 }, `Cannot load ${file.split("/").at(-1)}: cannot unmarshal ${Array.isArray(tree) ? "array" : jsonKind(tree as YamlScalar)} into Go value of type ${type}`);
  }
  return tree as TreeMap;
}

