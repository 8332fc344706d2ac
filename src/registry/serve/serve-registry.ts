import { createRegistryHandler, responseNote, type RegistryHandlerOptions } from "./registry-handler.ts";
import type { RegistryStorage } from "./registry-storage.ts";

export interface ServeRegistryOptions extends RegistryHandlerOptions {
  readonly hostname: string;
  readonly port: number;
  readonly tls?: { readonly cert: string; readonly key: string };
  /** One line per request, e.g. for the access log. */
  readonly onRequest?: (line: string) => void;
  /** Added to every response (a distribution config's http.headers). */
  readonly headers?: Readonly<Record<string, readonly string[]>>;
}

/** Start the read-only registry; `stop()` lets requests in flight finish. */
export function serveRegistry(storage: RegistryStorage, options: ServeRegistryOptions) {
  const handle = createRegistryHandler(storage, options);
  return Bun.serve({
    hostname: options.hostname,
    port: options.port,
    ...(options.tls ? { tls: { cert: options.tls.cert, key: options.tls.key } } : {}),
    idleTimeout: 60,
    async fetch(request, server) {
      const started = performance.now();
      let response: Response;
      try {
        response = await handle(request);
      } catch (error) {
        response = Response.json({ errors: [{ code: "UNKNOWN", message: (error as Error).message }] }, { status: 500 });
      }
      for (const [name, values] of Object.entries(options.headers ?? {})) for (const value of values) response.headers.append(name, value);
      if (options.onRequest) {
        const address = server.requestIP(request)?.address ?? "-";
        const { pathname } = new URL(request.url);
        const size = response.headers.get("content-length") ?? "-";
        const note = responseNote(response);
        options.onRequest(`${address} ${request.method} ${pathname} ${response.status} ${size} ${(performance.now() - started).toFixed(1)}ms${note ? ` (${note})` : ""}`);
      }
      return response;
    },
  });
}
