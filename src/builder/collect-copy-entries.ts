import { lstat, readdir, readlink } from "node:fs/promises";
import { posix, join } from "node:path";
import type { SourceLocation } from "../util/source-location.ts";
import { CHARTS_FOLDER, isCloudRootfsFolder } from "../sealer/cloud-rootfs-folders.ts";
import { BuildError } from "./build-error.ts";
import { addParentDirectories, type LayerEntry } from "./layer-entry.ts";
import type { RootfsIndex } from "./rootfs-index.ts";

/** Which context paths `.kubeignore` leaves out. */
export interface ContextFilter {
  excludes(relativePath: string): boolean;
  /** Whether a walk must still enter an excluded directory because an exception may re-include something. */
  mayIncludeBelow(relativeDirectory: string): boolean;
}

export interface CopyRequest {
  readonly contextDir: string;
  readonly sources: readonly string[];
  readonly destination: string;
  readonly filter: ContextFilter;
  readonly rootfs: RootfsIndex;
  readonly location: SourceLocation;
}

const GLOB_CHARACTERS = /[*?[]/;

/**
 * Resolve COPY sources inside the build context into layer entries, with Docker's rules for where
 * they land, refusing anything outside the context or reached through a symlink.
 */
export async function collectCopyEntries(request: CopyRequest): Promise<LayerEntry[]> {
  const destination = normalizeDestination(request.destination, request.location);
  const sourcePaths = await expandSources(request);
  // a CloudRootfs folder (etc, charts, plugins, …) is a folder even before it exists, as in sealer
  const isFolder = request.destination.endsWith("/") || request.rootfs.isDirectory(destination) || isCloudRootfsFolder(destination);
  const intoDirectory = isFolder || sourcePaths.length > 1;
  if (request.sources.length > 1 && !isFolder) {
    throw new BuildError(request.location, `Cannot copy several sources to "${request.destination}": the destination must end with "/"`);
  }
  const entries = new Map<string, LayerEntry>();
  for (const source of sourcePaths) {
    const absolute = join(request.contextDir, source);
    const info = await lstat(absolute);
    if (info.isDirectory()) {
      // sealer's `COPY apollo charts`: the chart keeps its name, charts/apollo/
      const keepsName = destination === CHARTS_FOLDER && source !== "." && (await lstat(join(absolute, "Chart.yaml")).catch(() => undefined))?.isFile();
      const target = keepsName ? joinRootfs(destination, posix.basename(source)) : destination;
      if (keepsName) entries.set(target, await entryFor(target, absolute, request.location));
      await walkDirectory(request, source, target, entries);
    } else {
      const target = intoDirectory ? joinRootfs(destination, posix.basename(source)) : destination;
      entries.set(target, await entryFor(target, absolute, request.location));
    }
  }
  // a parent keeps the mode of the folder it is; one that replaces a file gets 0755
  addParentDirectories(entries, (parent) => {
    const existing = request.rootfs.get(parent);
    return existing?.type === "directory" ? existing.mode : undefined;
  });
  return [...entries.values()];
}

function normalizeDestination(destination: string, location: SourceLocation): string {
  const normalized = posix.normalize(`/${destination}`).replace(/^\/+/, "").replace(/\/+$/, "");
  if (posix.normalize(destination).startsWith("../") || destination === "..") {
    throw new BuildError(location, `Cannot copy to "${destination}": it is outside the rootfs`);
  }
  return normalized === "." ? "" : normalized;
}

function joinRootfs(directory: string, name: string): string {
  return directory ? `${directory}/${name}` : name;
}

async function expandSources(request: CopyRequest): Promise<string[]> {
  const paths: string[] = [];
  for (const source of request.sources) {
    const relative = checkSourceInContext(source, request.location);
    const matches = GLOB_CHARACTERS.test(relative) ? await expandGlob(request.contextDir, relative) : [relative];
    for (const match of matches) {
      await refuseSymlinks(request.contextDir, match, source, request.location);
      if (match !== "." && request.filter.excludes(match)) {
        // An excluded directory is still walked when an exception may re-include something below it.
        const isDirectory = (await lstat(join(request.contextDir, match))).isDirectory();
        if (!isDirectory || !request.filter.mayIncludeBelow(match)) continue;
      }
      paths.push(match);
    }
  }
  if (paths.length === 0) {
    throw new BuildError(request.location, `Cannot copy ${request.sources.map((s) => `"${s}"`).join(", ")}: no files match in the build context (check .kubeignore)`);
  }
  return paths;
}

function checkSourceInContext(source: string, location: SourceLocation): string {
  if (source.startsWith("/")) {
    throw new BuildError(location, `Cannot copy "${source}": sources must be relative to the build context`);
  }
  const normalized = posix.normalize(source).replace(/\/+$/, "") || ".";
  if (normalized === ".." || normalized.startsWith("../")) {
    throw new BuildError(location, `Cannot copy "${source}": it is outside the build context`);
  }
  return normalized;
}

async function expandGlob(contextDir: string, pattern: string): Promise<string[]> {
  const glob = new Bun.Glob(pattern);
  const matches: string[] = [];
  for await (const match of glob.scan({ cwd: contextDir, dot: true, onlyFiles: false, followSymlinks: false })) {
    matches.push(match);
  }
  return matches.sort();
}

/** Every component from the context root down to the source must be a real file or directory. */
async function refuseSymlinks(contextDir: string, relative: string, written: string, location: SourceLocation): Promise<void> {
  if (relative === ".") return;
  let current = contextDir;
  for (const part of relative.split("/")) {
    current = join(current, part);
    const info = await lstat(current).catch(() => undefined);
    if (!info) throw new BuildError(location, `Cannot copy "${written}": "${relative}" does not exist in the build context`);
    if (info.isSymbolicLink()) {
      throw new BuildError(location, `Cannot copy "${written}": it is reached through the symbolic link "${posix.relative(".", current.slice(contextDir.length + 1))}"`);
    }
  }
}

async function walkDirectory(
  request: CopyRequest,
  sourceDir: string,
  destination: string,
  entries: Map<string, LayerEntry>,
): Promise<void> {
  const names = (await readdir(join(request.contextDir, sourceDir))).sort();
  for (const name of names) {
    const contextPath = sourceDir === "." ? name : `${sourceDir}/${name}`;
    const absolute = join(request.contextDir, contextPath);
    const info = await lstat(absolute);
    const target = joinRootfs(destination, name);
    const excluded = request.filter.excludes(contextPath);
    if (info.isDirectory()) {
      if (excluded && !request.filter.mayIncludeBelow(contextPath)) continue;
      if (!excluded) entries.set(target, await entryFor(target, absolute, request.location));
      await walkDirectory(request, contextPath, target, entries);
    } else if (!excluded) {
      entries.set(target, await entryFor(target, absolute, request.location));
    }
  }
}

async function entryFor(target: string, absolute: string, location: SourceLocation): Promise<LayerEntry> {
  const info = await lstat(absolute);
  const mode = info.mode & 0o7777;
  if (info.isSymbolicLink()) return { path: target, type: "symlink", mode, size: 0, linkTarget: await readlink(absolute) };
  if (info.isDirectory()) return { path: target, type: "directory", mode, size: 0 };
  if (info.isFile()) return { path: target, type: "file", mode, size: info.size, source: absolute };
  throw new BuildError(location, `Cannot copy "${absolute}": only regular files, directories and symbolic links can be copied`);
}
