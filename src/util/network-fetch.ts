/**
 * fetch() for transfers over links that stall: the connection is dropped when no byte arrives for
 * `idleMilliseconds` (waiting for the headers of a request without a body, or between two pieces
 * of the answer's body), so the caller can retry or resume it like a reset, instead of waiting
 * forever.
 */
export class IdleTimeoutError extends Error {
  override name = "IdleTimeoutError";
}

export async function fetchWithIdleTimeout(url: string | URL, init: RequestInit, idleMilliseconds: number): Promise<Response> {
  const controller = new AbortController();
  const idle = new IdleTimeoutError(`no byte came for ${formatSeconds(idleMilliseconds)}`);
  // while a request body goes up (an upload), the answer may take long: only its body is watched
  const watchHeaders = init.body === undefined || init.body === null;
  let timer: ReturnType<typeof setTimeout> | undefined = watchHeaders ? setTimeout(() => controller.abort(idle), idleMilliseconds) : undefined;
  const stop = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: controller.signal });
  } catch (error) {
    throw controller.signal.aborted ? idle : error;
  } finally {
    stop();
  }
  if (!response.body) return response;
  // one coarse timer for the body, not one per piece: silence counts only while a read waits
  const reader = response.body.getReader();
  let waitingSince: number | undefined;
  const watch = setInterval(() => {
    if (waitingSince !== undefined && performance.now() - waitingSince >= idleMilliseconds) controller.abort(idle);
  }, Math.max(50, Math.floor(idleMilliseconds / 4)));
  // a body nobody reads to the end must not keep the process alive
  watch.unref();
  const body = new ReadableStream<Uint8Array>({
    async pull(stream) {
      waitingSince = performance.now();
      try {
        const { done, value } = await reader.read();
        waitingSince = undefined;
        if (done) {
          clearInterval(watch);
          stream.close();
        } else stream.enqueue(value);
      } catch (error) {
        clearInterval(watch);
        stream.error(controller.signal.aborted ? idle : error);
      }
    },
    cancel(reason) {
      clearInterval(watch);
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** What went wrong on the wire, in lade's words (no runtime hints such as "pass verbose: true"). */
export function describeNetworkError(error: unknown): string {
  if (error instanceof IdleTimeoutError) return error.message;
  const code = (error as { code?: string } | undefined)?.code;
  const known: Record<string, string> = {
    ECONNRESET: "the connection was reset",
    ConnectionClosed: "the connection was closed",
    ECONNREFUSED: "the connection was refused",
    ConnectionRefused: "the connection was refused",
    ENOTFOUND: "the name does not resolve",
    ETIMEDOUT: "the connection timed out",
    EPIPE: "the connection was closed",
    UND_ERR_SOCKET: "the connection was closed",
  };
  if (code && known[code]) return known[code];
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*For more information, pass `verbose: true`.*$/s, "").trim() || "the connection failed";
}

function formatSeconds(milliseconds: number): string {
  const seconds = milliseconds / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
