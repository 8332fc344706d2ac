import { OPAQUE_WHITEOUT, WHITEOUT_PREFIX, type LayerEntry } from "./layer-entry.ts";

export interface IndexedPath {
  readonly type: LayerEntry["type"];
  readonly mode: number;
  /** Which layer (0 = the first applied) last wrote the path: the newer of two files wins. */
  readonly layer: number;
}

/**
 * What the rootfs looks like after the layers so far: path → type and mode, whiteouts applied.
 * COPY needs it to know whether a destination is a directory and which mode a parent keeps.
 */
export class RootfsIndex {
  readonly #paths = new Map<string, IndexedPath>();
  #layers = 0;

  /** Apply one layer's entries. */
  apply(entries: Iterable<Pick<LayerEntry, "path" | "type" | "mode">>): void {
    const layer = this.#layers++;
    for (const entry of entries) {
      const slash = entry.path.lastIndexOf("/");
      const parent = slash < 0 ? "" : entry.path.slice(0, slash);
      const base = entry.path.slice(slash + 1);
      if (base === OPAQUE_WHITEOUT) {
        this.removeBelow(parent);
      } else if (base.startsWith(WHITEOUT_PREFIX)) {
        const removed = parent ? `${parent}/${base.slice(WHITEOUT_PREFIX.length)}` : base.slice(WHITEOUT_PREFIX.length);
        if (this.#paths.get(removed)?.type === "directory") this.removeBelow(removed);
        this.#paths.delete(removed);
      } else {
        const replaced = this.#paths.get(entry.path);
        if (replaced?.type === "directory" && entry.type !== "directory") this.removeBelow(entry.path);
        this.#paths.set(entry.path, { type: entry.type, mode: entry.mode, layer });
      }
    }
  }

  get(path: string): IndexedPath | undefined {
    return this.#paths.get(path);
  }

  isDirectory(path: string): boolean {
    return path === "" || this.#paths.get(path)?.type === "directory";
  }

  /** Paths below `directory`, relative to it; directories end with "/". */
  listBelow(directory: string): string[] {
    const prefix = `${directory}/`;
    const found: string[] = [];
    for (const [path, value] of this.#paths) {
      if (!path.startsWith(prefix)) continue;
      const relative = path.slice(prefix.length);
      found.push(value.type === "directory" ? `${relative}/` : relative);
    }
    return found.sort();
  }

  /** Every path at or below one of the folders, with what the index knows of it. */
  *entriesBelow(folders: readonly string[]): Generator<[string, IndexedPath]> {
    for (const [path, value] of this.#paths) {
      if (folders.some((folder) => path === folder || path.startsWith(`${folder}/`))) yield [path, value];
    }
  }

  clone(): RootfsIndex {
    const copy = new RootfsIndex();
    for (const [path, value] of this.#paths) copy.#paths.set(path, value);
    copy.#layers = this.#layers;
    return copy;
  }

  private removeBelow(directory: string): void {
    const prefix = directory ? `${directory}/` : "";
    for (const path of this.#paths.keys()) {
      if (path.startsWith(prefix)) this.#paths.delete(path);
    }
  }
}
