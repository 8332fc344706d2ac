import { createRegistryHandler, responseNote, type RegistryHandlerOptions } from "./registry-handler.ts";
import type { RegistryStorage } from "./registry-storage.ts";
import { createRegistryMetrics } from "./registry-metrics.ts";

export interface ServeRegistryOptions extends RegistryHandlerOptions {
  readonly hostname: string;
  readonly port: number;
  readonly tls?: { readonly cert: string; readonly key: string };
  /** One line per request, e.g. for the access log. */
  readonly onRequest?: (line: string) => void;
  /** Added to every response (a distribution config's http.headers). */
  readonly headers?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Start the registry; `stop()` lets requests in flight finish. `/metrics` gives what it did
 * (Prometheus's text format), to whoever may pull from it.
 */
export function serveRegistry(storage: RegistryStorage, options: ServeRegistryOptions) {
  const handle = createRegistryHandler(storage, options);
  const metrics = createRegistryMetrics();
  return Bun.serve({
    hostname: options.hostname,
    port: options.port,
    ...(options.tls ? { tls: { cert: options.tls.cert, key: options.tls.key } } : {}),
    idleTimeout: 60,
    // blobs are streamed to disk: no limit here (Bun's default is 128 MiB); --max-blob-size is checked by the push routes
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    async fetch(request, server) {
      const started = performance.now();
      let response: Response;
      const { pathname } = new URL(request.url);
      try {
        response = pathname === "/metrics" ? await metricsResponse(request, options, metrics.render) : await handle(request);
      } catch (error) {
        response = Response.json({ errors: [{ code: "UNKNOWN", message: (error as Error).message }] }, { status: 500 });
      }
      for (const [name, values] of Object.entries(options.headers ?? {})) for (const value of values) response.headers.append(name, value);
      const size = response.headers.get("content-length") ?? "-";
      const elapsed = performance.now() - started;
      if (pathname !== "/metrics") metrics.record(request.method, pathname, response.status, request.method === "HEAD" ? 0 : Number(size) || 0, elapsed / 1000);
      if (options.onRequest) {
        const address = server.requestIP(request)?.address ?? "-";
        const note = responseNote(response);
        options.onRequest(`${address} ${request.method} ${pathname} ${response.status} ${size} ${elapsed.toFixed(1)}ms${note ? ` (${note})` : ""}`);
      }
      return response;
    },
  });
}

/** /metrics, for those the registry lets pull (a login, unless reads are anonymous). */
async function metricsResponse(request: Request, options: ServeRegistryOptions, render: () => string): Promise<Response> {
  if (options.authorize && !options.anonymousRead && !(await options.authorize(request.headers.get("authorization")))) {
    return new Response(null, { status: 401, headers: { "WWW-Authenticate": `Basic realm="${options.realm ?? "lade"}"` } });
  }
  return new Response(render(), { headers: { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" } });
}
