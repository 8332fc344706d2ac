import type { MirrorReporter } from "../mirror/mirror-reporter.ts";

/** At most one progress event per image this often, besides its first and last. */
const PROGRESS_MILLISECONDS = 500;

/**
 * --json on long commands: newline-delimited JSON events on stdout, for scripts. Each line is one
 * object with an `event`: `image` (an image's bytes to transfer are known), `progress` (bytes done
 * of the total, throttled), `image-done`, `log`, and the command's own last event (`pulled`,
 * `pushed`, `built`, `saved`, `loaded`) with its result.
 */
export function jsonProgress(write: (line: string) => void = (line) => process.stdout.write(line)): MirrorReporter & {
  event(event: string, fields: Record<string, unknown>): void;
  /** One stream of bytes (an archive saved or loaded): `{"event":"progress","done","total"}`, throttled. */
  bytes(done: number, total: number): void;
} {
  const images = new Map<string, { total: number; done: number; sent: number }>();
  let bytesSent = 0;
  const emit = (event: string, fields: Record<string, unknown>) => write(`${JSON.stringify({ event, ...fields })}\n`);
  return {
    imageResolved(image, bytes) {
      images.set(image, { total: bytes, done: 0, sent: 0 });
      emit("image", { image, bytes });
    },
    progress(image, bytes) {
      const entry = images.get(image);
      if (!entry) return;
      entry.done += bytes;
      const now = Date.now();
      if (now - entry.sent < PROGRESS_MILLISECONDS && entry.done < entry.total) return;
      entry.sent = now;
      emit("progress", { image, done: entry.done, total: entry.total });
    },
    imageDone(image) {
      emit("image-done", { image });
    },
    log(message) {
      emit("log", { message });
    },
    event: emit,
    bytes(done, total) {
      const now = Date.now();
      if (now - bytesSent < PROGRESS_MILLISECONDS && done < total) return;
      bytesSent = now;
      emit("progress", { done, total });
    },
  };
}
