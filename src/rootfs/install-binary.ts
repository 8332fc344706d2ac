import { chmod, copyFile, mkdir, rename } from "node:fs/promises";
import { dirname, join } from "node:path";
import { readTarStream } from "../util/read-tar-stream.ts";
import type { FetchedBinary } from "./fetch-binaries.ts";

/** Files of release archives that are no programs. */
const NOT_PROGRAMS = /^(LICENSE|NOTICE|README)|\.md$/i;

/**
 * Put a fetched download into an arch folder of the build context: a plain file is copied, an
 * archive (gzip tar) gives the programs under its `from` folder. Everything lands with mode 0755.
 * Returns the paths written, relative to `archDir`.
 */
export async function installBinary(binary: FetchedBinary, archDir: string): Promise<string[]> {
  const install = binary.download.install;
  if (install.kind === "file") {
    const target = join(archDir, install.path);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(binary.path, target);
    await chmod(target, 0o755);
    return [install.path];
  }
  const written: string[] = [];
  const prefix = install.from === "" ? "" : `${install.from.replace(/\/+$/, "")}/`;
  const stream = Bun.file(binary.path).stream().pipeThrough(new DecompressionStream("gzip"));
  for await (const entry of readTarStream(stream as AsyncIterable<Uint8Array>)) {
    const path = entry.path.replace(/^(\.\/)+/, "");
    if (entry.type !== "file" || !path.startsWith(prefix)) continue;
    const name = path.slice(prefix.length);
    if (name === "" || name.includes("/") || NOT_PROGRAMS.test(name)) continue;
    if (install.only && !install.only.includes(name)) continue;
    const relative = `${install.into}/${name}`;
    const target = join(archDir, relative);
    await mkdir(dirname(target), { recursive: true });
    const writer = Bun.file(`${target}.part`).writer();
    for await (const chunk of entry.body) writer.write(chunk);
    await writer.end();
    await chmod(`${target}.part`, 0o755);
    await rename(`${target}.part`, target);
    written.push(relative);
  }
  const wanted = install.only ?? [];
  const absent = wanted.filter((name) => !written.includes(`${install.into}/${name}`));
  if (written.length === 0 || absent.length > 0) {
    throw new Error(
      `${binary.download.name} (${binary.path}) holds no ${absent.length > 0 ? absent.join(", ") : "programs"} under "${install.from || "."}/": not the archive expected`,
    );
  }
  return written.sort();
}
