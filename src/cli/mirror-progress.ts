import type { MirrorReporter } from "../mirror/mirror-reporter.ts";
import { formatBytes } from "./output.ts";

interface ImageProgress {
  total: number;
  done: number;
  started: number;
  finished: boolean;
}

const REDRAW_MILLISECONDS = 100;
const BAR_WIDTH = 24;

/**
 * Progress of a mirror on stderr: on a terminal one live bar per image (bytes, rate, ETA),
 * redrawn in place; otherwise plain lines when an image starts and ends.
 */
export function mirrorProgress(
  words: { readonly start: string; readonly done: string; readonly none: string } = { start: "Fetching", done: "Fetched", none: "Cached" },
  stream: NodeJS.WriteStream = process.stderr,
): MirrorReporter & { finish(): void } {
  const images = new Map<string, ImageProgress>();
  const tty = Boolean(stream.isTTY);
  let drawnLines = 0;
  let lastDraw = 0;

  const draw = (force = false) => {
    if (!tty) return;
    const now = Date.now();
    if (!force && now - lastDraw < REDRAW_MILLISECONDS) return;
    lastDraw = now;
    const lines = [...images].filter(([, p]) => p.total > 0).map(([name, p]) => progressLine(name, p, now));
    const width = stream.columns ?? 100;
    let text = drawnLines > 0 ? `\x1b[${drawnLines}A` : "";
    text += lines.map((line) => `\x1b[2K${line.slice(0, width - 1)}\n`).join("");
    stream.write(text);
    drawnLines = lines.length;
  };

  return {
    imageResolved(image, bytes) {
      images.set(image, { total: bytes, done: 0, started: Date.now(), finished: bytes === 0 });
      if (!tty && bytes > 0) stream.write(`${words.start} ${image} (${formatBytes(bytes)})\n`);
      if (!tty && bytes === 0) stream.write(`${words.none} ${image}\n`);
      draw();
    },
    progress(image, bytes) {
      const entry = images.get(image);
      if (entry) entry.done += bytes;
      draw();
    },
    imageDone(image) {
      const entry = images.get(image);
      if (entry && !entry.finished) {
        entry.finished = true;
        if (!tty && entry.total > 0) stream.write(`${words.done} ${image}\n`);
      }
      draw(true);
    },
    log(message) {
      stream.write(`${message}\n`);
    },
    finish() {
      draw(true);
    },
  };
}

function progressLine(name: string, progress: ImageProgress, now: number): string {
  const fraction = progress.total > 0 ? Math.min(1, progress.done / progress.total) : 1;
  const filled = Math.round(fraction * BAR_WIDTH);
  const seconds = Math.max((now - progress.started) / 1000, 0.001);
  const rate = progress.done / seconds;
  const eta = progress.finished ? "done" : rate > 0 ? `ETA ${Math.ceil((progress.total - progress.done) / rate)}s` : "";
  return `${name}  [${"#".repeat(filled)}${" ".repeat(BAR_WIDTH - filled)}] ${formatBytes(progress.done)} / ${formatBytes(progress.total)}  ${formatBytes(rate)}/s  ${eta}`;
}
