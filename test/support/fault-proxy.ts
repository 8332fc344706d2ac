/**
 * A reverse proxy on 127.0.0.1 in front of a real registry that injects the faults a real registry
 * cannot produce on demand: error statuses (with Retry-After), connections dropped mid-body,
 * corrupt bytes, stalls and slow links. It can also act as a bearer-token front (`/token` + challenges),
 * and it counts what it saw: requests, Range headers and body bytes per path, token requests.
 *
 * Bodies are streamed piece by piece, never buffered whole. Bun.serve re-frames streamed bodies
 * with chunked transfer encoding, so the upstream Content-Length is not passed on.
 */

/** What to do to one request. Fields combine: e.g. `{ throttle, dropAfter }`. */
export interface Fault {
  /** Answer with this status (500, 503, 429…) and an OCI error body, without asking upstream. */
  readonly status?: number;
  /** The Retry-After header of a `status` answer (seconds or an HTTP date). */
  readonly retryAfter?: string;
  /** Send this many bytes of the body, then reset the connection. */
  readonly dropAfter?: number;
  /** Invert the byte at this offset of the blob (an offset in the whole blob, also in a 206 answer). */
  readonly flipByte?: number;
  /** Send the body at this many bytes per second. */
  readonly throttle?: number;
  /** After this many bytes of the body, send nothing for `stallMilliseconds` (a link that hangs). */
  readonly stallAfter?: number;
  readonly stallMilliseconds?: number;
}

/** A rule of the fault queue: the first rule that matches a request (and has uses left) applies. */
export interface FaultRule {
  /** HTTP method; default any. */
  readonly method?: string;
  /** Matched against the URL's path: a string must be equal, a RegExp must match. */
  readonly path: string | RegExp;
  /** How many matching requests get the fault (default 1; `Infinity` for every one). */
  times?: number;
  readonly fault: Fault;
}

/** Decides a fault from the request and how many requests with its method and path came so far (1 for the first). */
export type FaultPlan = (request: Request, count: number) => Fault | undefined;

export interface FaultProxyOptions {
  /** The registry to forward to, e.g. `http://127.0.0.1:5000`. */
  readonly upstream: string;
  /** CA (PEM) to trust for an HTTPS upstream. */
  readonly upstreamCa?: string;
  readonly rules?: readonly FaultRule[];
  readonly plan?: FaultPlan;
  /**
   * Require `Authorization: Bearer TOKEN` on `/v2/…` and serve `GET /token`, which hands out tokens
   * for the requested scopes to this user (or to anyone with `anonymous`). The upstream then needs
   * no credentials: the client's Authorization header is not forwarded.
   */
  readonly bearer?: { readonly user: string; readonly password: string; readonly anonymous?: boolean };
}

/** One request the proxy answered. `bytes` grows while the body streams. */
export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly range?: string;
  readonly authorization?: string;
  /** `performance.now()` when the request arrived. */
  readonly receivedAt: number;
  status: number;
  bytes: number;
  readonly fault?: Fault;
}

/** One call of the `/token` endpoint. */
export interface TokenRequest {
  readonly scopes: readonly string[];
  readonly service?: string;
  readonly account?: string;
  readonly granted: boolean;
}

export interface FaultProxy {
  /** `127.0.0.1:PORT`, for image references (loopback, so lade uses plain HTTP). */
  readonly host: string;
  readonly url: string;
  readonly port: number;
  /** Every request to the registry API, in order of arrival (not `/token`). */
  readonly requests: readonly ProxiedRequest[];
  readonly tokenRequests: readonly TokenRequest[];
  /** Append a rule to the fault queue. */
  addRule(rule: FaultRule): void;
  /** Replace the plan function (undefined: rules only). */
  setPlan(plan: FaultPlan | undefined): void;
  /** Forget rules, the plan and every counter. */
  reset(): void;
  /** Requests whose path matches (and method, when given). */
  requestCount(path: string | RegExp, method?: string): number;
  /** Body bytes sent for the matching paths, over all requests so far. */
  bytesSent(path: string | RegExp): number;
  /** Range headers seen on the matching paths, in order. */
  ranges(path: string | RegExp): string[];
  stop(): Promise<void>;
}

const PIECE_BYTES = 64 * 1024;
/** Time for the bytes already written to reach the client before the connection is reset. */
const DROP_FLUSH_MILLISECONDS = 250;
const SERVICE = "fault-proxy";

export function blobPath(repository: string, digest: string): string {
  return `/v2/${repository}/blobs/${digest}`;
}

/** Start the proxy on a random port of 127.0.0.1. */
export function startFaultProxy(options: FaultProxyOptions): FaultProxy {
  const upstream = new URL(options.upstream);
  let rules: FaultRule[] = [...(options.rules ?? [])];
  let plan = options.plan;
  const requests: ProxiedRequest[] = [];
  const tokenRequests: TokenRequest[] = [];
  const counts = new Map<string, number>();
  const tokens = new Map<string, Set<string>>();
  const active = new Set<{ cancel(reason?: unknown): Promise<void> }>();

  const matches = (pattern: string | RegExp, path: string) => (typeof pattern === "string" ? pattern === path : pattern.test(path));

  const chooseFault = (request: Request, path: string): Fault | undefined => {
    const key = `${request.method} ${path}`;
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    const planned = plan?.(request, count);
    if (planned) return planned;
    const rule = rules.find((candidate) => (candidate.times ?? 1) > 0 && (!candidate.method || candidate.method === request.method) && matches(candidate.path, path));
    if (!rule) return undefined;
    rule.times = (rule.times ?? 1) - 1;
    return rule.fault;
  };

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 60,
    async fetch(request) {
      const url = new URL(request.url);
      if (options.bearer && url.pathname === "/token") return answerToken(url, request);
      const record: ProxiedRequest = {
        method: request.method,
        path: url.pathname,
        receivedAt: performance.now(),
        status: 0,
        bytes: 0,
        ...(request.headers.get("range") ? { range: request.headers.get("range")! } : {}),
        ...(request.headers.get("authorization") ? { authorization: request.headers.get("authorization")! } : {}),
      };
      requests.push(record);
      if (options.bearer && url.pathname.startsWith("/v2/")) {
        const refusal = checkBearer(request, url.pathname);
        if (refusal) {
          record.status = refusal.status;
          return refusal;
        }
      }
      const fault = chooseFault(request, url.pathname);
      if (fault) (record as { fault?: Fault }).fault = fault;
      if (fault?.status) {
        record.status = fault.status;
        return errorAnswer(fault.status, fault.retryAfter);
      }
      return forward(request, url, record, fault);
    },
  });
  const origin = `http://127.0.0.1:${server.port}`;

  async function forward(request: Request, url: URL, record: ProxiedRequest, fault: Fault | undefined): Promise<Response> {
    const headers = new Headers(request.headers);
    headers.delete("host");
    if (options.bearer) headers.delete("authorization");
    const answer = await fetch(new URL(url.pathname + url.search, upstream), {
      method: request.method,
      headers,
      body: request.body,
      redirect: "manual",
      decompress: false,
      ...(options.upstreamCa ? { tls: { ca: options.upstreamCa } } : {}),
    } as RequestInit);
    record.status = answer.status;
    const responseHeaders = new Headers(answer.headers);
    const location = responseHeaders.get("location");
    if (location?.startsWith(upstream.origin)) responseHeaders.set("location", origin + location.slice(upstream.origin.length));
    if (!answer.body || request.method === "HEAD") return new Response(null, { status: answer.status, headers: responseHeaders });
    responseHeaders.delete("content-length");
    responseHeaders.delete("transfer-encoding");
    const blobOffset = answer.status === 206 ? Number(/bytes (\d+)-/.exec(answer.headers.get("content-range") ?? "")?.[1] ?? 0) : 0;
    return new Response(faultyBody(answer.body, record, fault ?? {}, blobOffset), { status: answer.status, headers: responseHeaders });
  }

  /** The upstream body, sent piece by piece with the fault's throttle, corruption and drop. */
  function faultyBody(source: ReadableStream<Uint8Array>, record: ProxiedRequest, fault: Fault, blobOffset: number): ReadableStream<Uint8Array> {
    const reader = source.getReader();
    active.add(reader);
    const pieceBytes = fault.throttle ? Math.max(1024, Math.min(PIECE_BYTES, Math.floor(fault.throttle / 20))) : PIECE_BYTES;
    let pending: Uint8Array | undefined;
    let started = 0;
    let stalled = false;
    const finish = () => {
      active.delete(reader);
      reader.cancel().catch(() => {});
    };
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (fault.dropAfter !== undefined && record.bytes >= fault.dropAfter) {
          await Bun.sleep(DROP_FLUSH_MILLISECONDS);
          finish();
          controller.error(undefined); // resets the connection without printing anything
          return;
        }
        if (!pending || pending.length === 0) {
          const { done, value } = await reader.read().catch(() => ({ done: true as const, value: undefined }));
          if (done) {
            active.delete(reader);
            controller.close();
            return;
          }
          pending = value;
        }
        if (fault.stallAfter !== undefined && !stalled && record.bytes >= fault.stallAfter) {
          stalled = true;
          await Bun.sleep(fault.stallMilliseconds ?? 60_000);
        }
        let size = Math.min(pending.length, pieceBytes);
        if (fault.dropAfter !== undefined) size = Math.min(size, fault.dropAfter - record.bytes);
        if (fault.stallAfter !== undefined && !stalled && record.bytes < fault.stallAfter) size = Math.min(size, fault.stallAfter - record.bytes);
        let piece = pending.subarray(0, size);
        pending = pending.subarray(size);
        const position = blobOffset + record.bytes;
        if (fault.flipByte !== undefined && fault.flipByte >= position && fault.flipByte < position + piece.length) {
          piece = piece.slice();
          piece[fault.flipByte - position]! ^= 0xff;
        }
        if (fault.throttle) {
          started ||= performance.now();
          const due = started + ((record.bytes + piece.length) / fault.throttle) * 1000;
          const wait = due - performance.now();
          if (wait > 0) await Bun.sleep(wait);
        }
        record.bytes += piece.length;
        controller.enqueue(piece);
      },
      cancel() {
        finish();
      },
    });
  }

  /** The bearer front's gate: a token that covers the path's repository, else 401 with a challenge. */
  function checkBearer(request: Request, path: string): Response | undefined {
    const scope = scopeOf(path, request.method);
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
    const granted = token ? tokens.get(token) : undefined;
    if (granted && (!scope || covers(granted, scope))) return undefined;
    const challenge = [`Bearer realm="${origin}/token"`, `service="${SERVICE}"`];
    if (scope) challenge.push(`scope="${scope}"`);
    if (granted) challenge.push('error="insufficient_scope"');
    return Response.json(
      { errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] },
      { status: 401, headers: { "WWW-Authenticate": challenge.join(",") } },
    );
  }

  function answerToken(url: URL, request: Request): Response {
    const bearer = options.bearer!;
    const scopes = url.searchParams.getAll("scope").flatMap((scope) => scope.split(" ")).filter(Boolean);
    const basic = /^Basic\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
    const decoded = basic ? Buffer.from(basic, "base64").toString("utf8") : undefined;
    const granted = decoded === undefined ? Boolean(bearer.anonymous) : decoded === `${bearer.user}:${bearer.password}`;
    tokenRequests.push({
      scopes,
      granted,
      ...(url.searchParams.get("service") ? { service: url.searchParams.get("service")! } : {}),
      ...(url.searchParams.get("account") ? { account: url.searchParams.get("account")! } : {}),
    });
    if (!granted) {
      return Response.json({ errors: [{ code: "UNAUTHORIZED", message: "invalid username or password" }] }, { status: 401 });
    }
    const token = `token-${crypto.randomUUID()}`;
    tokens.set(token, new Set(scopes));
    return Response.json({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() });
  }

  return {
    host: `127.0.0.1:${server.port}`,
    url: origin,
    port: server.port!,
    requests,
    tokenRequests,
    addRule(rule) {
      rules.push(rule);
    },
    setPlan(next) {
      plan = next;
    },
    reset() {
      rules = [];
      plan = undefined;
      requests.length = 0;
      tokenRequests.length = 0;
      counts.clear();
    },
    requestCount(path, method) {
      return requests.filter((request) => matches(path, request.path) && (!method || request.method === method)).length;
    },
    bytesSent(path) {
      return requests.filter((request) => matches(path, request.path)).reduce((sum, request) => sum + request.bytes, 0);
    },
    ranges(path) {
      return requests.filter((request) => matches(path, request.path) && request.range).map((request) => request.range!);
    },
    async stop() {
      for (const reader of active) reader.cancel().catch(() => {});
      active.clear();
      await server.stop(true);
    },
  };
}

/** `repository:NAME:pull` (or `pull,push` for writes) for a repository path of the API; undefined for `/v2/`. */
function scopeOf(path: string, method: string): string | undefined {
  const match = /^\/v2\/(.+?)\/(?:manifests|blobs|tags|referrers)\//.exec(path);
  if (!match) return undefined;
  return `repository:${match[1]}:${method === "GET" || method === "HEAD" ? "pull" : "pull,push"}`;
}

/** Whether granted scopes (`repository:NAME:ACTIONS`) include every action of the wanted one. */
function covers(granted: ReadonlySet<string>, wanted: string): boolean {
  const [type, name, actions] = splitScope(wanted);
  return actions.every((action) =>
    [...granted].some((scope) => {
      const [grantedType, grantedName, grantedActions] = splitScope(scope);
      return grantedType === type && grantedName === name && (grantedActions.includes(action) || grantedActions.includes("*"));
    }),
  );
}

function splitScope(scope: string): [string, string, string[]] {
  const first = scope.indexOf(":");
  const last = scope.lastIndexOf(":");
  return [scope.slice(0, first), scope.slice(first + 1, last), scope.slice(last + 1).split(",")];
}

function errorAnswer(status: number, retryAfter: string | undefined): Response {
  const code = status === 429 ? "TOOMANYREQUESTS" : status === 503 ? "UNAVAILABLE" : status === 404 ? "NAME_UNKNOWN" : "UNKNOWN";
  return Response.json(
    { errors: [{ code, message: `fault-proxy answered ${status}` }] },
    { status, headers: retryAfter === undefined ? {} : { "Retry-After": retryAfter } },
  );
}
