import { dlopen, FFIType } from "bun:ffi";
import { closeSync, openSync } from "node:fs";

/**
 * Advisory locks on files with flock(2): the kernel drops them when a process dies, even by
 * kill -9, so a crashed lade never leaves the store locked.
 */
const LOCK_SH = 1;
const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;
const POLL_MILLISECONDS = 50;

let flock: ((fd: number, operation: number) => number) | undefined;

function loadFlock(): (fd: number, operation: number) => number {
  flock ??= dlopen("libc.so.6", { flock: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 } }).symbols
    .flock as (fd: number, operation: number) => number;
  return flock;
}

export type LockMode = "shared" | "exclusive";

export interface HeldLock {
  release(): void;
}

/** Wait (without blocking the event loop) until the lock on `path` is ours. */
export async function acquireLock(
  path: string,
  mode: LockMode,
  onWait?: () => void,
): Promise<HeldLock> {
  const fd = openSync(path, "a+", 0o600);
  const operation = (mode === "shared" ? LOCK_SH : LOCK_EX) | LOCK_NB;
  let waited = false;
  while (loadFlock()(fd, operation) !== 0) {
    if (!waited) onWait?.();
    waited = true;
    await Bun.sleep(POLL_MILLISECONDS);
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      loadFlock()(fd, LOCK_UN);
      closeSync(fd);
    },
  };
}

export async function withLock<T>(path: string, mode: LockMode, work: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(path, mode);
  try {
    return await work();
  } finally {
    lock.release();
  }
}
