import { describe, expect, test } from "bun:test";
import { hostLine, runProgress } from "../../src/cli/run-progress.ts";

/** A stream that records what is written, a terminal or not. */
function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  return { stream: { isTTY, columns: 120, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream, written };
}

const MiB = 1024 * 1024;

describe("lade run's live view", () => {
  test("a host's line: waiting, its step, a copy's bytes with rate and ETA, done", () => {
    expect(hostLine("10.0.0.2", undefined, 0)).toBe("[10.0.0.2] waiting");
    const step = { id: "copy-rootfs", index: 2, total: 6, status: "start" };
    expect(hostLine("10.0.0.2", { step }, 0)).toBe("[10.0.0.2] 2/6 copy-rootfs");
    // 40 MiB in 2 s from the start of the copy: 20 MiB/s, 60 MiB left
    expect(hostLine("10.0.0.2", { step, copy: { done: 40 * MiB, total: 100 * MiB, started: 0, from: 0 } }, 2000)).toBe("[10.0.0.2] 2/6 copy-rootfs  41.9 MB of 104.9 MB  21.0 MB/s  ETA 3s");
    expect(hostLine("10.0.0.2", { step: { ...step, status: "failed" } }, 0)).toBe("[10.0.0.2] 2/6 copy-rootfs: failed");
    expect(hostLine("10.0.0.2", { step: { ...step, index: 6, status: "done" } }, 0)).toBe("[10.0.0.2] done");
  });

  test("on a terminal: a live line per host of the phase under the scrolling lines, erased at the end", () => {
    const out = fakeStream(true);
    const err = fakeStream(true);
    const progress = runProgress(out.stream, err.stream);
    progress.events({ event: "phase", name: "prepare every host", hosts: ["10.0.0.2", "10.0.0.3"], parallel: true });
    progress.events({ event: "step", host: "10.0.0.2", id: "check-host", description: "Check", status: "start", index: 1, total: 3 });
    expect(err.written.join("")).toContain("\x1b[2K[10.0.0.2] 1/3 check-host\n\x1b[2K[10.0.0.3] waiting\n");
    err.written.length = 0;
    progress.output("[10.0.0.2] check-host: Check", "stdout");
    // the two live lines are erased, the line printed, the live lines drawn again
    expect(err.written[0]).toBe("\x1b[2A\x1b[J");
    expect(out.written).toEqual(["[10.0.0.2] check-host: Check\n"]);
    expect(err.written.slice(1).join("")).toContain("[10.0.0.3] waiting");
    err.written.length = 0;
    progress.finish();
    expect(err.written).toEqual(["\x1b[2A\x1b[J"]);
  });

  test("off a terminal only the lines are written: no escape codes, nothing for events", () => {
    const out = fakeStream(false);
    const err = fakeStream(false);
    const progress = runProgress(out.stream, err.stream);
    progress.events({ event: "phase", name: "prepare", hosts: ["10.0.0.2"], parallel: false });
    progress.events({ event: "copy", host: "10.0.0.2", done: 5, total: 10 });
    progress.output("[10.0.0.2] copy-rootfs: Copy", "stdout");
    progress.output("warning: something", "stderr");
    progress.finish();
    expect(out.written).toEqual(["[10.0.0.2] copy-rootfs: Copy\n"]);
    expect(err.written).toEqual(["warning: something\n"]);
  });
});
