import { formatBytes } from "../util/format-bytes.ts";

const REDRAW_MILLISECONDS = 100;
const PLAIN_EVERY_MILLISECONDS = 5000;

/**
 * Progress of one long stream of bytes (lade save writing an archive, lade load reading one) on
 * stderr: on a terminal one line redrawn in place (percent, bytes, rate, ETA); otherwise a plain
 * line every 5 s, so a log shows it is alive without filling up.
 */
export function byteProgress(label: string, stream: NodeJS.WriteStream = process.stderr): { update(done: number, total: number): void; finish(): void } {
  const started = Date.now();
  const tty = Boolean(stream.isTTY);
  let last = 0;
  let drawn = false;
  let latest = { done: 0, total: 0 };
  const line = (now: number) => {
    const { done, total } = latest;
    const rate = done / Math.max((now - started) / 1000, 0.001);
    const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
    const eta = rate > 0 && done < total ? `  ETA ${Math.ceil((total - done) / rate)}s` : "";
    return `${label}: ${percent}% (${formatBytes(done)} of ${formatBytes(total)}, ${formatBytes(rate)}/s)${eta}`;
  };
  return {
    update(done, total) {
      latest = { done, total };
      const now = Date.now();
      if (now - last < (tty ? REDRAW_MILLISECONDS : PLAIN_EVERY_MILLISECONDS) || (!tty && now - started < PLAIN_EVERY_MILLISECONDS)) return;
      last = now;
      stream.write(tty ? `\r\x1b[2K${line(now).slice(0, (stream.columns ?? 100) - 1)}` : `${line(now)}\n`);
      drawn = tty;
    },
    finish() {
      if (drawn) stream.write("\r\x1b[2K");
    },
  };
}
