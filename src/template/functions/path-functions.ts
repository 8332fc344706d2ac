import type { FunctionMap } from "../template-function.ts";
import { define } from "./define.ts";

/** sprig's path functions (Go's path package) and their os* twins (path/filepath on Linux: the same). */
export const pathFunctions: FunctionMap = {
  base: define(["string"], (p) => pathBase(p)),
  dir: define(["string"], (p) => pathDir(p)),
  clean: define(["string"], (p) => pathClean(p)),
  ext: define(["string"], (p) => pathExt(p)),
  isAbs: define(["string"], (p) => p.startsWith("/")),
  osBase: define(["string"], (p) => pathBase(p)),
  osDir: define(["string"], (p) => pathDir(p)),
  osClean: define(["string"], (p) => pathClean(p)),
  osExt: define(["string"], (p) => pathExt(p)),
  osIsAbs: define(["string"], (p) => p.startsWith("/")),
};

/** path.Clean: the shortest equivalent path ("a//b/../c/." → "a/c", "" → "."). */
export function pathClean(p: string): string {
  if (p === "") return ".";
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out.at(-1) !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(part);
  }
  const joined = out.join("/");
  if (rooted) return `/${joined}`;
  return joined === "" ? "." : joined;
}

/** path.Base: the last element, trailing slashes removed ("" → ".", "///" → "/"). */
export function pathBase(p: string): string {
  if (p === "") return ".";
  const trimmed = p.replace(/\/+$/, "");
  if (trimmed === "") return "/";
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** path.Dir: everything but the last element, cleaned. */
export function pathDir(p: string): string {
  return pathClean(p.slice(0, p.lastIndexOf("/") + 1));
}

/** path.Ext: the suffix from the last dot of the last element. */
export function pathExt(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== "/"; i--) if (p[i] === ".") return p.slice(i);
  return "";
}
