import type { Digest } from "../oci/digest.ts";
import { sha256Digest } from "../oci/digest.ts";
import { DigestMismatchError } from "../oci/digest-mismatch-error.ts";
import { MediaTypes } from "../oci/media-types.ts";
import { parseWwwAuthenticate, type AuthChallenge } from "./parse-www-authenticate.ts";
import { readErrorDetails, RegistryError } from "./registry-error.ts";
import { describeNetworkError, fetchWithIdleTimeout } from "../util/network-fetch.ts";
import { isCertificateError, type RegistryEndpoint } from "./registry-endpoint.ts";

/** What a registry needs to let us in: a password, or an identity token (OAuth refresh token). */
export type Credential = { readonly username: string; readonly password: string } | { readonly identityToken: string };

export interface RegistryClientOptions {
  /** Looks up the credential for a registry name (e.g. from docker's config.json). */
  readonly credentials?: (registry: string) => Promise<Credential | undefined>;
  /** Attempts for a request that fails temporarily (network, 429, 5xx). Default 5. */
  readonly attempts?: number;
  /** First backoff delay; doubles each attempt. Default 250 ms. */
  readonly backoffMilliseconds?: number;
  /** Longest wait lade accepts from a Retry-After header. Default 60 s. */
  readonly maxRetryAfterMilliseconds?: number;
  /** A transfer that gets no byte for this long is dropped and retried (resumed, for blobs). Default 30 s. */
  readonly idleTimeoutMilliseconds?: number;
}

export interface RequestOptions {
  /** The auth scope, e.g. "repository:team/app:pull" (several separated by spaces). */
  readonly scope?: string;
  readonly headers?: Record<string, string>;
  /** What the request is about, for error messages. */
  readonly what: string;
  readonly followRedirectsWithoutAuth?: boolean;
  /** A body, or a function giving a fresh one for each attempt (a stream can be sent only once). */
  readonly body?: RequestInit["body"] | (() => RequestInit["body"]);
  /** Statuses besides 2xx that are answers, not errors (404 for a HEAD that checks existence). */
  readonly accept?: readonly number[];
  /** `path` is a full URL (an upload location). */
  readonly absolute?: boolean;
}

export interface FetchedManifest {
  readonly bytes: Uint8Array;
  readonly mediaType: string;
  readonly digest: Digest;
}

export const MANIFEST_ACCEPT = [
  MediaTypes.ociIndex,
  MediaTypes.ociManifest,
  MediaTypes.dockerManifestList,
  MediaTypes.dockerManifest,
].join(", ");

const SCHEMA1_TYPES = new Set([
  "application/vnd.docker.distribution.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v1+prettyjws",
]);

const USER_AGENT = "lade";
const SMALL_BLOB_LIMIT = 16 * 1024 * 1024;

/**
 * A client for one registry's distribution API: ping, manifests and blobs, with basic and
 * bearer-token auth (tokens cached per scope), TLS from the endpoint, and retries with backoff for
 * throttling, server errors and dropped connections. Credentials never appear in errors.
 */
export class RegistryClient {
  readonly endpoint: RegistryEndpoint;
  readonly #options: Required<Omit<RegistryClientOptions, "credentials">> & Pick<RegistryClientOptions, "credentials">;
  /** Bearer tokens per scope, shared while they are being fetched, so each scope costs one token request. */
  readonly #tokens = new Map<string, Promise<string>>();
  #challenge: AuthChallenge | undefined;
  #credential: Promise<Credential | undefined> | undefined;

  constructor(endpoint: RegistryEndpoint, options: RegistryClientOptions = {}) {
    this.endpoint = endpoint;
    this.#options = {
      attempts: 5,
      backoffMilliseconds: 250,
      maxRetryAfterMilliseconds: 60_000,
      idleTimeoutMilliseconds: 30_000,
      ...options,
    };
  }

  /** GET a manifest by tag or digest; a digest reference is verified against the bytes. */
  async getManifest(repository: string, reference: string): Promise<FetchedManifest> {
    const byDigest = reference.includes(":");
    const { response, bytes } = await this.readWhole(
      "GET",
      `/v2/${repository}/manifests/${reference}`,
      { scope: `repository:${repository}:pull`, headers: { Accept: MANIFEST_ACCEPT }, what: `manifest ${repository}:${reference}` },
      byDigest ? { digest: reference as Digest, name: `${this.endpoint.registry}/${repository}@${reference}` } : undefined,
    );
    const mediaType = manifestMediaType(response.headers.get("content-type"), bytes);
    if (SCHEMA1_TYPES.has(mediaType)) {
      throw new RegistryError(`Cannot use ${this.endpoint.registry}/${repository}:${reference}: Docker schema 1 manifests are unsupported (push the image again with a current client)`, 415);
    }
    return { bytes, mediaType, digest: sha256Digest(bytes) };
  }

  /**
   * GET a blob's content from `offset` on (HTTP Range, for resuming). The answer says whether the
   * registry honoured the range (206) or sent the whole blob (200).
   */
  async getBlob(repository: string, digest: Digest, offset = 0): Promise<{ body: ReadableStream<Uint8Array>; partial: boolean; size?: number }> {
    const response = await this.request("GET", `/v2/${repository}/blobs/${digest}`, {
      scope: `repository:${repository}:pull`,
      headers: offset > 0 ? { Range: `bytes=${offset}-` } : {},
      what: `blob ${digest} of ${repository}`,
      followRedirectsWithoutAuth: true,
    });
    if (!response.body) throw new RegistryError(`Cannot read blob ${digest} of ${repository}: the answer has no body`, response.status);
    const length = response.headers.get("content-length");
    return { body: response.body, partial: response.status === 206, ...(length ? { size: Number(length) } : {}) };
  }

  /** GET a small blob (a config) whole, verified against its digest. */
  async getSmallBlob(repository: string, descriptor: { readonly digest: Digest; readonly size: number }): Promise<Uint8Array> {
    if (descriptor.size > SMALL_BLOB_LIMIT) {
      throw new RegistryError(`Cannot read blob ${descriptor.digest} of ${repository} in memory: it has ${descriptor.size} bytes`, 0);
    }
    const { bytes } = await this.readWhole(
      "GET",
      `/v2/${repository}/blobs/${descriptor.digest}`,
      { scope: `repository:${repository}:pull`, what: `blob ${descriptor.digest} of ${repository}`, followRedirectsWithoutAuth: true },
      { digest: descriptor.digest, name: `${this.endpoint.registry}/${repository}@${descriptor.digest}` },
    );
    return bytes;
  }

  /**
   * A request whose body is read whole (manifests, configs): a connection that drops or stalls
   * while the body comes is retried like one that fails before, and a body that does not match
   * `expected` is fetched once more from the start before DigestMismatchError names both digests.
   */
  private async readWhole(
    method: string,
    path: string,
    options: RequestOptions,
    expected?: { readonly digest: Digest; readonly name: string },
  ): Promise<{ response: Response; bytes: Uint8Array }> {
    let mismatches = 0;
    for (let attempt = 1; ; attempt++) {
      const response = await this.request(method, path, options);
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        if (attempt >= this.#options.attempts) {
          throw new RegistryError(`Cannot get ${options.what} from ${this.endpoint.registry}: ${describeNetworkError(error)} while it was sent (${attempt} attempts)`, 0, [], { cause: error });
        }
        await Bun.sleep(this.backoff(attempt));
        continue;
      }
      if (!expected) return { response, bytes };
      const actual = sha256Digest(bytes);
      if (actual === expected.digest) return { response, bytes };
      if (++mismatches >= 2) throw new DigestMismatchError(expected.digest, actual, expected.name);
    }
  }

  /** Check that the registry answers the API (and that we may use it). */
  async ping(): Promise<void> {
    await this.request("GET", "/v2/", { what: "the registry API" });
  }

  /**
   * Send a request, answering auth challenges and retrying temporary failures. Failures after the
   * last attempt, and non-temporary errors, throw RegistryError.
   */
  async request(
    method: string,
    path: string,
    options: RequestOptions,
  ): Promise<Response> {
    const url = options.absolute ? path : `${this.endpoint.baseUrl}${path}`;
    let authRetried = false;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      let token: Promise<string> | undefined;
      try {
        ({ response, token } = await this.send(method, url, options));
      } catch (error) {
        // The token server's refusal is final; an untrusted certificate stays untrusted.
        const final = attempt >= this.#options.attempts || isCertificateError(error) || (error instanceof RegistryError && !error.temporary);
        if (final && error instanceof RegistryError) throw error;
        if (isCertificateError(error)) {
          const where = `/etc/docker/certs.d/${this.endpoint.registry}/ca.crt`;
          throw new RegistryError(`Cannot trust the certificate of ${this.endpoint.registry} for ${options.what}: ${(error as Error).message} (trust its CA with --ca-file or ${where})`, 0, [], { cause: error });
        }
        if (final) {
          const tries = attempt > 1 ? ` (${attempt} attempts)` : "";
          throw new RegistryError(`Cannot reach ${this.endpoint.registry} for ${options.what}: ${describeNetworkError(error)}${tries}`, 0, [], { cause: error });
        }
        await Bun.sleep(this.backoff(attempt));
        continue;
      }
      if (response.status === 401 && !authRetried) {
        authRetried = true;
        const challenges = parseWwwAuthenticate(response.headers.get("www-authenticate") ?? "");
        await response.body?.cancel();
        this.#challenge = challenges.find((c) => c.scheme === "bearer") ?? challenges.find((c) => c.scheme === "basic");
        // Forget the token only if it is the one the registry just refused (others may have replaced it).
        const key = options.scope ?? "";
        if (token && this.#tokens.get(key) === token) this.#tokens.delete(key);
        if (this.#challenge) {
          attempt -= 1; // answering a challenge is not a failed attempt
          continue;
        }
      }
      if (response.ok || options.accept?.includes(response.status)) return response;
      const details = await readErrorDetails(response);
      const reading = method === "GET" || method === "HEAD";
      const error = new RegistryError(`Cannot ${reading ? "get" : "send"} ${options.what} ${reading ? "from" : "to"} ${this.endpoint.registry}: the registry answered ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`, response.status, details);
      if (!error.temporary || attempt >= this.#options.attempts) throw error;
      await Bun.sleep(this.retryDelay(response, attempt));
    }
  }

  private async send(
    method: string,
    url: string,
    options: RequestOptions,
  ): Promise<{ response: Response; token?: Promise<string> }> {
    const headers: Record<string, string> = { "User-Agent": USER_AGENT, ...options.headers };
    const { authorization, token } = await this.authorization(options.scope);
    if (authorization) headers.Authorization = authorization;
    const init = {
      method,
      headers,
      body: typeof options.body === "function" ? options.body() : options.body,
      redirect: options.followRedirectsWithoutAuth ? ("manual" as const) : ("follow" as const),
      ...(this.endpoint.ca ? { tls: { ca: [...this.endpoint.ca] } } : {}),
    };
    const idle = this.#options.idleTimeoutMilliseconds;
    const response = await fetchWithIdleTimeout(url, init, idle);
    const location = response.headers.get("location");
    if (options.followRedirectsWithoutAuth && response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      // Blob storage behind a redirect (S3, a CDN) must not see the registry's credentials.
      const target = new URL(location, url);
      const sameOrigin = target.origin === new URL(url).origin;
      const redirected = { ...headers };
      if (!sameOrigin) delete redirected.Authorization;
      return { response: await fetchWithIdleTimeout(target, { ...init, headers: redirected, redirect: "follow" }, idle), ...(token ? { token } : {}) };
    }
    return { response, ...(token ? { token } : {}) };
  }

  private async authorization(scope: string | undefined): Promise<{ authorization?: string; token?: Promise<string> }> {
    const challenge = this.#challenge;
    if (!challenge) return {};
    if (challenge.scheme === "basic") {
      const credential = await this.credential();
      if (!credential || !("password" in credential)) return {};
      return { authorization: `Basic ${btoa(`${credential.username}:${credential.password}`)}` };
    }
    const key = scope ?? "";
    let token = this.#tokens.get(key);
    if (!token) {
      const fetching = this.fetchToken(challenge, scope);
      fetching.catch(() => {
        if (this.#tokens.get(key) === fetching) this.#tokens.delete(key);
      });
      this.#tokens.set(key, fetching);
      token = fetching;
    }
    return { authorization: `Bearer ${await token}`, token };
  }

  private credential(): Promise<Credential | undefined> {
    this.#credential ??= this.#options.credentials?.(this.endpoint.registry) ?? Promise.resolve(undefined);
    return this.#credential;
  }

  /** The token flow: anonymous, with basic credentials, or an OAuth refresh-token grant. */
  private async fetchToken(challenge: AuthChallenge, scope: string | undefined): Promise<string> {
    const realm = challenge.parameters.realm;
    if (!realm) throw new RegistryError(`Cannot log in to ${this.endpoint.registry}: its bearer challenge names no realm`, 401);
    const service = challenge.parameters.service;
    const wantedScope = scope ?? challenge.parameters.scope;
    const credential = await this.credential();
    const tls = this.endpoint.ca ? { tls: { ca: [...this.endpoint.ca] } } : {};
    let response: Response;
    if (credential && "identityToken" in credential) {
      const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: credential.identityToken, client_id: USER_AGENT });
      if (service) form.set("service", service);
      for (const part of wantedScope?.split(" ").filter(Boolean) ?? []) form.append("scope", part);
      response = await fetchWithIdleTimeout(realm, { method: "POST", body: form, headers: { "User-Agent": USER_AGENT }, ...tls }, this.#options.idleTimeoutMilliseconds);
    } else {
      const url = new URL(realm);
      if (service) url.searchParams.set("service", service);
      for (const part of wantedScope?.split(" ").filter(Boolean) ?? []) url.searchParams.append("scope", part);
      const headers: Record<string, string> = { "User-Agent": USER_AGENT };
      if (credential) {
        url.searchParams.set("account", credential.username);
        headers.Authorization = `Basic ${btoa(`${credential.username}:${credential.password}`)}`;
      }
      response = await fetchWithIdleTimeout(url, { headers, ...tls }, this.#options.idleTimeoutMilliseconds);
    }
    if (!response.ok) {
      await response.body?.cancel();
      const refused = credential ? "the registry refused the credentials" : "the registry wants credentials and none are stored for it";
      const reason = response.status === 401 || response.status === 403 ? refused : `the token server answered ${response.status}`;
      throw new RegistryError(`Cannot log in to ${this.endpoint.registry}: ${reason}`, response.status, [{ code: "UNAUTHORIZED" }]);
    }
    const body = (await response.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(`Cannot log in to ${this.endpoint.registry}: the token server sent no token`, response.status);
    return token;
  }

  private backoff(attempt: number): number {
    return this.#options.backoffMilliseconds * 2 ** (attempt - 1);
  }

  /** Retry-After in seconds or as an HTTP date wins over our own backoff, within a limit. */
  private retryDelay(response: Response, attempt: number): number {
    const header = response.headers.get("retry-after");
    if (header) {
      const seconds = /^\d+$/.test(header.trim()) ? Number(header) * 1000 : Date.parse(header) - Date.now();
      if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, this.#options.maxRetryAfterMilliseconds);
    }
    return this.backoff(attempt);
  }
}

/** Content-Type from the registry, else the mediaType the manifest declares itself. */
function manifestMediaType(contentType: string | null, bytes: Uint8Array): string {
  const declared = contentType?.split(";")[0]?.trim();
  if (declared && declared !== "application/json" && declared !== "text/plain") return declared;
  try {
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as { mediaType?: string; manifests?: unknown; schemaVersion?: number };
    if (parsed.mediaType) return parsed.mediaType;
    if (parsed.schemaVersion === 1) return "application/vnd.docker.distribution.manifest.v1+json";
    return parsed.manifests ? MediaTypes.ociIndex : MediaTypes.ociManifest;
  } catch {
    return declared ?? MediaTypes.ociManifest;
  }
}
