/** One entry of a layer being written. Paths are relative to the rootfs, "/" separated, sorted by the writer. */
export interface LayerEntry {
  readonly path: string;
  readonly type: "file" | "directory" | "symlink";
  /** Permission bits (and setuid/setgid/sticky), as on the source. */
  readonly mode: number;
  readonly size: number;
  readonly linkTarget?: string;
  /** Host file that holds a regular file's content; absent for empty files and whiteouts. */
  readonly source?: string;
  /** A small file's content given inline (registry link files), instead of `source`. */
  readonly content?: Uint8Array;
}

export const WHITEOUT_PREFIX = ".wh.";
export const OPAQUE_WHITEOUT = ".wh..wh..opq";

/** The OCI whiteout that deletes `path` from the layers below. */
export function whiteoutEntry(path: string): LayerEntry {
  const slash = path.lastIndexOf("/");
  const parent = slash < 0 ? "" : path.slice(0, slash + 1);
  return { path: `${parent}${WHITEOUT_PREFIX}${path.slice(slash + 1)}`, type: "file", mode: 0, size: 0 };
}

/** Sort the way every lade layer is sorted: by path, byte order, so the tar is reproducible. */
export function compareLayerPaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Give every entry its parent directories (as a layer needs them), with the mode `modeOf` says. */
export function addParentDirectories(entries: Map<string, LayerEntry>, modeOf: (path: string) => number | undefined): void {
  for (const path of [...entries.keys()]) {
    for (let slash = path.lastIndexOf("/"); slash > 0; slash = path.lastIndexOf("/", slash - 1)) {
      const parent = path.slice(0, slash);
      if (entries.has(parent)) continue;
      entries.set(parent, { path: parent, type: "directory", mode: modeOf(parent) ?? 0o755, size: 0 });
    }
  }
}
