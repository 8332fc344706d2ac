import { GoStruct, withGoType, type GoMap, type GoSignature, type GoValue } from "../template/go-value.ts";
import type { ChartFile } from "./chart.ts";
import { compareGoStrings } from "./compare-go-strings.ts";
import { matchFilesGlob } from "./match-path-pattern.ts";

/** Encodes a map as YAML the way Helm's toYaml does (injected: the function library owns YAML output). */
export type ToYaml = (value: GoValue) => string;

const decoder = new TextDecoder();
const METHOD_TYPES: Readonly<Record<string, GoSignature>> = {
  Get: { params: ["string"] },
  GetBytes: { params: ["string"] },
  Glob: { params: ["string"] },
  Lines: { params: ["string"] },
  AsConfig: { params: [] },
  AsSecrets: { params: [] },
};

/**
 * `.Files`: the chart's non-template files (Helm's `engine.files`, a `map[string][]byte` with
 * methods). `Glob` returns another ChartFiles. `goUnderlying()` is the map itself (path → bytes), for
 * an engine that ranges over, takes `len` of or `index`es a struct that is a Go map.
 */
export class ChartFiles extends GoStruct {
  readonly goTypeName = "engine.files";
  /** On the prototype, so that printing the struct does not list it as a field. */
  declare readonly goMethodTypes: Readonly<Record<string, GoSignature>>;
  readonly #files: ReadonlyMap<string, Uint8Array>;
  readonly #toYaml: ToYaml;

  constructor(files: readonly ChartFile[] | ReadonlyMap<string, Uint8Array>, toYaml: ToYaml) {
    super();
    this.#files = files instanceof Map ? files : new Map((files as readonly ChartFile[]).map((file) => [file.name, file.data]));
    this.#toYaml = toYaml;
  }

  /** The files as a Go map (path → bytes, sorted by path). */
  override goUnderlying(): GoMap {
    const map: GoMap = Object.create(null);
    for (const name of [...this.#files.keys()].sort(compareGoStrings)) map[name] = this.#files.get(name)!;
    return withGoType(map, "map[string][]uint8");
  }

  /** The number of files (Go's len of the map). */
  get size(): number {
    return this.#files.size;
  }

  GetBytes(name: string): Uint8Array {
    return this.#files.get(name) ?? new Uint8Array(0);
  }

  Get(name: string): string {
    return decoder.decode(this.GetBytes(name));
  }

  /** The files whose path matches a gobwas/glob pattern (`**` crosses "/", `*` does not). */
  Glob(pattern: string): ChartFiles {
    const matched = new Map<string, Uint8Array>();
    for (const [name, data] of this.#files) if (matchFilesGlob(pattern, name)) matched.set(name, data);
    return new ChartFiles(matched, this.#toYaml);
  }

  /** A YAML map of base name → content, for a ConfigMap's `data`. */
  AsConfig(): string {
    const map: GoMap = Object.create(null);
    for (const [name, data] of this.#files) map[baseName(name)] = decoder.decode(data);
    return this.#toYaml(withGoType(map, "map[string]string"));
  }

  /** A YAML map of base name → base64 content, for a Secret's `data`. */
  AsSecrets(): string {
    const map: GoMap = Object.create(null);
    for (const [name, data] of this.#files) map[baseName(name)] = Buffer.from(data).toString("base64");
    return this.#toYaml(withGoType(map, "map[string]string"));
  }

  /** The lines of a file (one trailing newline ignored); [] when the file is missing. */
  Lines(path: string): string[] {
    const data = this.#files.get(path);
    if (data === undefined) return withGoType([], "[]string");
    let text = decoder.decode(data);
    if (text.endsWith("\n")) text = text.slice(0, -1);
    return withGoType(text.split("\n"), "[]string");
  }
}

Object.defineProperty(ChartFiles.prototype, "goMethodTypes", { value: METHOD_TYPES });

function baseName(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed === "") return path === "" ? "." : "/";
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}
