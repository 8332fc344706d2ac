import type { OutputSink } from "../run/execute-steps.ts";
import type { RunEvent, RunEvents } from "../run/run-events.ts";
import { formatBytes } from "./output.ts";

const REDRAW_MILLISECONDS = 100;

interface HostView {
  step?: { readonly id: string; readonly index: number; readonly total: number; readonly status: string };
  copy?: { readonly done: number; readonly total: number; readonly started: number; readonly from: number };
}

/**
 * lade run's output on a terminal: its lines scroll as always, and below them one live line per
 * host of the current phase — the step it is on, the bytes of a rootfs copy with rate and ETA, or
 * "waiting" while the hosts before it go. Off a terminal the lines are all there is (a copy says
 * its bytes every 5 s).
 */
export function runProgress(stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr): { output: OutputSink; events: RunEvents; finish(): void } {
  const live = Boolean(stderr.isTTY);
  const hosts = new Map<string, HostView>();
  /** The hosts of the current phase, one live line each. */
  let shown: readonly string[] | undefined;
  let drawn = 0;
  let lastDraw = 0;

  const erase = () => {
    if (drawn > 0) stderr.write(`\x1b[${drawn}A\x1b[J`);
    drawn = 0;
  };
  const draw = (force = false) => {
    if (!live || !shown) return;
    const now = Date.now();
    if (!force && now - lastDraw < REDRAW_MILLISECONDS) return;
    lastDraw = now;
    const width = stderr.columns ?? 100;
    const lines = shown.map((host) => hostLine(host, hosts.get(host), now).slice(0, width - 1));
    erase();
    stderr.write(lines.map((line) => `\x1b[2K${line}\n`).join(""));
    drawn = lines.length;
  };

  return {
    output(line, stream) {
      const target = stream === "stdout" ? stdout : stderr;
      // a line on the terminal goes above the live lines
      if (live && target.isTTY) erase();
      target.write(`${line}\n`);
      if (live && target.isTTY) draw(true);
    },
    events(event: RunEvent) {
      if (event.event === "phase") {
        shown = event.hosts;
        for (const host of event.hosts) hosts.set(host, {});
      } else if (event.event === "step") {
        const view = hosts.get(event.host) ?? {};
        view.step = { id: event.id, index: event.index, total: event.total, status: event.status };
        if (event.status === "start") delete view.copy;
        hosts.set(event.host, view);
        shown ??= [...hosts.keys()];
      } else {
        const view = hosts.get(event.host) ?? {};
        view.copy = view.copy ? { ...view.copy, done: event.done } : { done: event.done, total: event.total, started: Date.now(), from: event.done };
        hosts.set(event.host, view);
      }
      draw(event.event !== "copy");
    },
    finish() {
      if (live) erase();
    },
  };
}

/** `[HOST] 3/9 copy-rootfs  120 MiB of 800 MiB  40 MiB/s  ETA 17s`, or `[HOST] waiting`. */
export function hostLine(host: string, view: HostView | undefined, now: number): string {
  const step = view?.step;
  if (!step) return `[${host}] waiting`;
  const where = `[${host}] ${step.index}/${step.total} ${step.id}`;
  if (step.status === "failed") return `${where}: failed`;
  if (step.status !== "start") return step.index === step.total ? `[${host}] done` : `${where}: ${step.status}`;
  const copy = view.copy;
  if (!copy) return where;
  const rate = (copy.done - copy.from) / Math.max((now - copy.started) / 1000, 0.001);
  const eta = rate > 0 && copy.done < copy.total ? `  ETA ${Math.ceil((copy.total - copy.done) / rate)}s` : "";
  return `${where}  ${formatBytes(copy.done)} of ${formatBytes(copy.total)}  ${formatBytes(rate)}/s${eta}`;
}
