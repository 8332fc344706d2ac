/**
 * The type declarations of one Go file of a Kubernetes API package (types.go), read well enough
 * for the JSON shape of its types: structs with their fields' Go types and json tags, and named
 * types (`type ProxyMode string`, `type VModuleConfiguration []VModuleItem`). Comments, methods,
 * constants and functions are skipped.
 */

export type GoType =
  | { readonly kind: "name"; readonly pkg?: string; readonly name: string }
  | { readonly kind: "pointer"; readonly elem: GoType }
  | { readonly kind: "slice"; readonly elem: GoType }
  | { readonly kind: "map"; readonly key: GoType; readonly value: GoType }
  | { readonly kind: "interface" };

export interface GoField {
  /** The JSON name; "" with `inline` for an embedded struct. */
  readonly json: string;
  readonly inline: boolean;
  readonly type: GoType;
}

export interface GoFile {
  /** Import alias (or last path element) → import path. */
  readonly imports: ReadonlyMap<string, string>;
  readonly structs: ReadonlyMap<string, readonly GoField[]>;
  /** Named non-struct types: `type HairpinMode string`. */
  readonly named: ReadonlyMap<string, GoType>;
}

/** TAG is the struct tag that names fields: `json` (Kubernetes' types), `toml` (containerd's). */
export function parseGoFile(source: string, tag = "json"): GoFile {
  const text = stripComments(source);
  const imports = new Map<string, string>();
  for (const block of text.matchAll(/^import\s*\(([\s\S]*?)\)/gm)) {
    for (const line of block[1]!.split("\n")) addImport(imports, line);
  }
  for (const single of text.matchAll(/^import\s+([^(\n][^\n]*)$/gm)) addImport(imports, single[1]!);

  const structs = new Map<string, GoField[]>();
  const named = new Map<string, GoType>();
  const declaration = /^type\s+([A-Za-z_]\w*)\s+(struct\s*\{|[^\n]+)/gm;
  for (const match of text.matchAll(declaration)) {
    const name = match[1]!;
    if (match[2]!.startsWith("struct")) {
      const start = match.index! + match[0].length;
      structs.set(name, parseFields(text.slice(start, closingBrace(text, start)), tag));
    } else {
      named.set(name, parseType(match[2]!.trim().replace(/^=\s*/, "")).type);
    }
  }
  return { imports, structs, named };
}

function addImport(imports: Map<string, string>, line: string): void {
  const match = /^\s*(?:([A-Za-z_]\w*|\.|_)\s+)?"([^"]+)"/.exec(line);
  if (!match) return;
  const path = match[2]!;
  // k8s.io/component-base/logs/api/v1 is package v1 unless aliased
  imports.set(match[1] ?? path.split("/").at(-1)!, path);
}

function stripComments(source: string): string {
  let out = "";
  let index = 0;
  while (index < source.length) {
    const char = source[index]!;
    if (source.startsWith("//", index)) {
      const end = source.indexOf("\n", index);
      index = end < 0 ? source.length : end;
    } else if (source.startsWith("/*", index)) {
      const end = source.indexOf("*/", index + 2);
      index = end < 0 ? source.length : end + 2;
    } else if (char === "`" || char === '"' || char === "'") {
      // a literal, kept whole (a "//" in a URL is no comment)
      let end = index + 1;
      while (end < source.length && source[end] !== char) end += char !== "`" && source[end] === "\\" ? 2 : 1;
      out += source.slice(index, end + 1);
      index = end + 1;
    } else {
      out += char;
      index++;
    }
  }
  return out;
}

function closingBrace(text: string, start: number): number {
  let depth = 1;
  for (let index = start; index < text.length; index++) {
    if (text[index] === "{") depth++;
    else if (text[index] === "}" && --depth === 0) return index;
  }
  throw new Error("unbalanced braces in a struct");
}

function parseFields(body: string, tag: string): GoField[] {
  const fields: GoField[] = [];
  for (const raw of body.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const json = new RegExp(`\`[^\`]*\\b${tag}:"([^"]*)"[^\`]*\``).exec(line)?.[1];
    const words = line.replace(/`[^`]*`/, "").trim().split(/\s+/);
    const embedded = words.length === 1;
    // an untagged named field is not part of the JSON shape of API types
    if (json === undefined && !embedded) continue;
    const [name = "", ...options] = (json ?? "").split(",");
    if (name === "-") continue;
    const inline = options.includes("inline") || (embedded && name === "");
    fields.push({ json: inline ? "" : name, inline, type: parseType(embedded ? words[0]! : words.slice(1).join(" ")).type });
  }
  return fields;
}

/** A Go type expression at the start of `text`; what follows it is `rest`. */
export function parseType(text: string): { type: GoType; rest: string } {
  const source = text.trimStart();
  if (source.startsWith("*")) {
    const inner = parseType(source.slice(1));
    return { type: { kind: "pointer", elem: inner.type }, rest: inner.rest };
  }
  if (source.startsWith("[]")) {
    const inner = parseType(source.slice(2));
    return { type: { kind: "slice", elem: inner.type }, rest: inner.rest };
  }
  if (source.startsWith("map[")) {
    const key = parseType(source.slice(4));
    const value = parseType(key.rest.replace(/^\s*\]/, ""));
    return { type: { kind: "map", key: key.type, value: value.type }, rest: value.rest };
  }
  const iface = /^(interface\s*\{\s*\}|any\b)/.exec(source);
  if (iface) return { type: { kind: "interface" }, rest: source.slice(iface[0].length) };
  const name = /^([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?/.exec(source);
  if (!name) throw new Error(`cannot read the Go type "${text}"`);
  const type: GoType = name[2] ? { kind: "name", pkg: name[1]!, name: name[2] } : { kind: "name", name: name[1]! };
  return { type, rest: source.slice(name[0].length) };
}
