import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { rootCertificates } from "node:tls";

/** Where and how to reach a registry named in an image reference. */
export interface RegistryEndpoint {
  /** The name in references, e.g. "docker.io" or "127.0.0.1:5000". */
  readonly registry: string;
  /** Base URL of the API, e.g. "https://registry-1.docker.io". */
  readonly baseUrl: string;
  /** CA certificates (PEM) to trust besides the system's; undefined means the system's only. */
  readonly ca?: readonly string[];
}

export interface EndpointOptions {
  /** Extra CA file trusted for every registry (--ca-file). */
  readonly caFile?: string;
  /** Registries that may be reached over plain HTTP (--insecure-registry). */
  readonly insecureRegistries?: readonly string[];
  /** Folders holding `<host[:port]>/*.crt` (default /etc/docker/certs.d and /etc/containers/certs.d). */
  readonly certDirs?: readonly string[];
  /** Fetch a registry's images from another host with the same paths (--registry-mirror docker.io=HOST). */
  readonly mirrors?: Readonly<Record<string, string>>;
}

const DEFAULT_CERT_DIRS = ["/etc/docker/certs.d", "/etc/containers/certs.d"];
const PROBE_TIMEOUT_MILLISECONDS = 10_000;

/**
 * Docker Hub's API lives on registry-1.docker.io. Plain HTTP only for loopback registries and
 * those named with --insecure-registry, and only when they do not speak HTTPS, as docker does;
 * TLS trusts the system CAs plus certs.d/<host>/*.crt and --ca-file.
 */
export async function resolveEndpoint(registry: string, options: EndpointOptions = {}): Promise<RegistryEndpoint> {
  const mirror = options.mirrors?.[registry];
  if (mirror) return { ...(await resolveEndpoint(mirror, { ...options, mirrors: {} })), registry: mirror };
  const host = registry === "docker.io" ? "registry-1.docker.io" : registry;
  const plainAllowed = isLoopback(registry) || (options.insecureRegistries ?? []).includes(registry);
  const extraCas = await loadExtraCas(registry, options);
  const ca = extraCas.length > 0 ? [...rootCertificates, ...extraCas] : undefined;
  const secure = !plainAllowed || (await speaksTls(host, ca));
  return {
    registry,
    baseUrl: `${secure ? "https" : "http"}://${host}`,
    ...(ca ? { ca } : {}),
  };
}

/**
 * Whether a registry that may use plain HTTP speaks HTTPS (tried first, as docker and `lade login`
 * do): yes when `GET /v2/` over HTTPS answers, or fails on the certificate, so that the error names
 * the certificate rather than the 400 a TLS port gives to plain HTTP.
 */
async function speaksTls(host: string, ca: readonly string[] | undefined): Promise<boolean> {
  try {
    const response = await fetch(`https://${host}/v2/`, {
      redirect: "manual",
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MILLISECONDS),
      ...(ca ? { tls: { ca: [...ca] } } : {}),
    });
    await response.body?.cancel();
    return true;
  } catch (error) {
    return isCertificateError(error);
  }
}

/** A TLS failure that trying again will not fix: the certificate is not trusted or does not fit. */
export function isCertificateError(error: unknown): boolean {
  const code = String((error as { code?: unknown } | undefined)?.code ?? "");
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code) || /certificate/i.test(error instanceof Error ? error.message : "");
}

export function isLoopback(registry: string): boolean {
  const host = registry.startsWith("[") ? registry.slice(1, registry.indexOf("]")) : registry.split(":")[0]!;
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

async function loadExtraCas(registry: string, options: EndpointOptions): Promise<string[]> {
  const pems: string[] = [];
  if (options.caFile) {
    const file = Bun.file(options.caFile);
    if (!(await file.exists())) throw new Error(`Cannot read the CA file "${options.caFile}": it does not exist`);
    pems.push(await file.text());
  }
  for (const dir of options.certDirs ?? DEFAULT_CERT_DIRS) {
    const hostDir = join(dir, registry);
    const names = await readdir(hostDir).catch(() => [] as string[]);
    for (const name of names.sort()) {
      if (name.endsWith(".crt")) pems.push(await Bun.file(join(hostDir, name)).text());
    }
  }
  return pems;
}
