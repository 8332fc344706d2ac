import { lstat, mkdir, readdir, readlink, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import * as tar from "tar";
import { OPAQUE_WHITEOUT, WHITEOUT_PREFIX, whiteoutEntry, type LayerEntry } from "./layer-entry.ts";

interface FileState {
  readonly type: LayerEntry["type"] | "other";
  readonly mode: number;
  readonly size: number;
  /** mtime, ctime and inode together: any write, chmod or replace changes one of them. */
  readonly stamp: string;
  readonly linkTarget?: string;
}

export type Snapshot = Map<string, FileState>;

/**
 * A real directory holding the rootfs so far, where RUN executes. Layers are applied lazily and
 * its changes are found by comparing snapshots taken before and after the command.
 */
export class WorkingCopy {
  readonly dir: string;
  appliedLayers = 0;

  constructor(dir: string) {
    this.dir = dir;
  }

  static async create(dir: string): Promise<WorkingCopy> {
    await mkdir(dir, { recursive: true, mode: 0o755 });
    return new WorkingCopy(dir);
  }

  /**
   * Apply one layer blob: its whiteouts first (they refer to lower layers), then its content.
   * `include` limits both to some paths (the build's image discovery needs only a few folders).
   */
  async applyLayer(blobPath: string, include: (path: string) => boolean = () => true): Promise<void> {
    const whiteouts: string[] = [];
    await tar.t({
      file: blobPath,
      maxDecompressionRatio: Number.POSITIVE_INFINITY,
      onReadEntry: (entry) => {
        if (isWhiteout(entry.path) && include(entry.path)) whiteouts.push(entry.path.replace(/\/$/, ""));
      },
    });
    for (const whiteout of whiteouts) await this.applyWhiteout(whiteout);
    await tar.x({
      file: blobPath,
      cwd: this.dir,
      chmod: true,
      processUmask: 0,
      maxDecompressionRatio: Number.POSITIVE_INFINITY,
      filter: (path) => !isWhiteout(path) && include(path),
    });
    this.appliedLayers += 1;
  }

  async snapshot(): Promise<Snapshot> {
    const states: Snapshot = new Map();
    await this.walk("", states);
    return states;
  }

  /** The layer entries that turn `before` into `after`: changed paths, their parents, and whiteouts. */
  diff(before: Snapshot, after: Snapshot): LayerEntry[] {
    const entries = new Map<string, LayerEntry>();
    for (const [path, state] of after) {
      const previous = before.get(path);
      if (state.type === "other") continue;
      const unchanged =
        previous &&
        previous.type === state.type &&
        previous.mode === state.mode &&
        (state.type === "directory" || (previous.stamp === state.stamp && previous.size === state.size && previous.linkTarget === state.linkTarget));
      if (unchanged) continue;
      entries.set(path, this.entry(path, state));
    }
    for (const path of before.keys()) {
      if (after.has(path)) continue;
      const parent = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
      if (parent && !after.has(parent)) continue; // the parent's whiteout covers it
      entries.set(`\0${path}`, whiteoutEntry(path));
    }
    for (const entry of [...entries.values()]) {
      for (let parent = dirname(entry.path); parent !== "."; parent = dirname(parent)) {
        const state = after.get(parent);
        if (entries.has(parent) || !state) continue;
        entries.set(parent, this.entry(parent, state));
      }
    }
    return [...entries.values()];
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  private entry(path: string, state: FileState): LayerEntry {
    const type = state.type as LayerEntry["type"];
    if (type === "file") return { path, type, mode: state.mode, size: state.size, source: join(this.dir, path) };
    if (type === "symlink") return { path, type, mode: state.mode, size: 0, linkTarget: state.linkTarget };
    return { path, type, mode: state.mode, size: 0 };
  }

  private async applyWhiteout(whiteoutPath: string): Promise<void> {
    const parent = dirname(whiteoutPath);
    const name = whiteoutPath.slice(whiteoutPath.lastIndexOf("/") + 1);
    const parentDir = join(this.dir, parent === "." ? "" : parent);
    if (name === OPAQUE_WHITEOUT) {
      const children = await readdir(parentDir).catch(() => [] as string[]);
      await Promise.all(children.map((child) => rm(join(parentDir, child), { recursive: true, force: true })));
    } else {
      await rm(join(parentDir, name.slice(WHITEOUT_PREFIX.length)), { recursive: true, force: true });
    }
  }

  private async walk(relative: string, states: Snapshot): Promise<void> {
    const names = await readdir(join(this.dir, relative));
    for (const name of names) {
      const path = relative ? `${relative}/${name}` : name;
      const absolute = join(this.dir, path);
      const info = await lstat(absolute, { bigint: true });
      const stamp = `${info.mtimeNs}/${info.ctimeNs}/${info.ino}`;
      const mode = Number(info.mode & 0o7777n);
      if (info.isDirectory()) {
        states.set(path, { type: "directory", mode, size: 0, stamp });
        await this.walk(path, states);
      } else if (info.isFile()) {
        states.set(path, { type: "file", mode, size: Number(info.size), stamp });
      } else if (info.isSymbolicLink()) {
        states.set(path, { type: "symlink", mode, size: 0, stamp, linkTarget: await readlink(absolute) });
      } else {
        states.set(path, { type: "other", mode, size: 0, stamp });
      }
    }
  }
}

function isWhiteout(path: string): boolean {
  const name = path.replace(/\/$/, "").split("/").pop() ?? "";
  return name.startsWith(WHITEOUT_PREFIX);
}
