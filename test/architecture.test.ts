import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/**
 * The house rules of DESIGN.md, enforced: which folder may import which, pure folders do no I/O,
 * only cli/ prints or exits, and no import cycles.
 */
const SRC = resolve(import.meta.dir, "..", "src");

const ALLOWED: Record<string, readonly string[]> = {
  cli: ["compress", "day2", "trust", "sbom", "run", "builder", "sealer", "kubefile", "scan", "chart", "template", "kubeadm", "rootfs", "mirror", "oci", "store", "registry", "util"],
  run: ["builder", "sealer", "chart", "template", "kubeadm", "oci", "store", "util"],
  day2: ["run", "builder", "kubeadm", "oci", "rootfs", "store", "util"],
  trust: ["sbom", "oci", "store", "registry", "util"],
  sbom: ["builder", "rootfs", "oci", "store", "util"],
  builder: ["compress", "kubefile", "sealer", "scan", "chart", "template", "kubeadm", "rootfs", "mirror", "oci", "store", "registry", "util"],
  sealer: ["kubeadm", "template", "oci", "util"],
  mirror: ["oci", "registry", "store", "util"],
  registry: ["oci", "store", "util"],
  store: ["compress", "oci", "util"],
  compress: ["util"],
  scan: ["chart", "template", "oci", "util"],
  chart: ["template", "oci", "util"],
  kubeadm: ["template", "oci", "util"],
  rootfs: ["template", "kubeadm", "oci", "util"],
  kubefile: ["oci", "util"],
  template: ["util"],
  oci: ["util"],
  util: [],
};
const PURE = new Set(["compress", "kubefile", "oci", "scan", "template", "kubeadm", "chart", "sealer"]);
const IO_MODULES = /^(node:)?(fs|fs\/promises|child_process|net|http|https|dgram|tls)$|^bun:ffi$/;
const IO_CALLS = /\bBun\.(file|write|spawn|spawnSync|serve|connect|listen)\b|\bfetch\(/;
const PRINTING = /\bconsole\.|\bprocess\.(exit|stdout|stderr)\b/;

const transpiler = new Bun.Transpiler({ loader: "ts" });

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

function folderOf(file: string): string {
  return relative(SRC, file).split("/")[0]!.replace(/\.ts$/, "");
}

const files = sourceFiles(SRC);
const importsOf = new Map(
  files.map((file) => {
    const text = readFileSync(file, "utf8");
    return [file, { text, imports: transpiler.scanImports(text.replace(/^#!.*/, "")).map((entry) => entry.path) }] as const;
  }),
);

describe("architecture", () => {
  test.each(files.map((file) => [relative(SRC, file), file]))("%s imports only what its folder may", (_name, file) => {
    const folder = folderOf(file);
    const allowed = ALLOWED[folder];
    if (folder === "main") return;
    expect(allowed, `unknown folder "${folder}"`).toBeDefined();
    for (const path of importsOf.get(file)!.imports) {
      if (!path.startsWith(".")) continue;
      const resolved = resolve(dirname(file), path);
      if (folder === "cli" && resolved === resolve(SRC, "..", "package.json")) continue; // the version
      const target = folderOf(resolved);
      if (target === folder) continue;
      expect(allowed, `${relative(SRC, file)} imports ${path}`).toContain(target);
    }
  });

  test("pure folders do no file, process or network I/O", () => {
    const offenders = files
      .filter((file) => PURE.has(folderOf(file)))
      .filter((file) => {
        const { text, imports } = importsOf.get(file)!;
        return imports.some((path) => IO_MODULES.test(path)) || IO_CALLS.test(text);
      })
      .map((file) => relative(SRC, file));
    expect(offenders).toEqual([]);
  });

  test("only cli/ prints or exits", () => {
    const offenders = files
      .filter((file) => !["cli", "main"].includes(folderOf(file)))
      .filter((file) => PRINTING.test(importsOf.get(file)!.text))
      .map((file) => relative(SRC, file));
    expect(offenders).toEqual([]);
  });

  test("modules import each other without cycles", () => {
    const graph = new Map(
      files.map((file) => [
        file,
        importsOf.get(file)!.imports.filter((path) => path.startsWith(".")).map((path) => resolve(dirname(file), path)),
      ]),
    );
    const state = new Map<string, "visiting" | "done">();
    const cycles: string[] = [];
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "visiting") {
        cycles.push([...trail.slice(trail.indexOf(file)), file].map((f) => relative(SRC, f)).join(" → "));
        return;
      }
      state.set(file, "visiting");
      for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
      state.set(file, "done");
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
