import type { RegistryAccessOptions } from "../registry/registry-clients.ts";
import { UsageError } from "./global-options.ts";
import { repeatedOption } from "./repeated-option.ts";

/** Options of every command that talks to registries. */
export const registryArgs = {
  authfile: { type: "string", description: "Credentials file (default: REGISTRY_AUTH_FILE, else ~/.docker/config.json)" },
  "ca-file": { type: "string", description: "Extra CA certificate (PEM) to trust for registries" },
  "insecure-registry": { type: "string", description: "Registry HOST[:PORT] that may be reached over plain HTTP (repeatable; loopback always may)" },
  "registry-mirror": { type: "string", description: "Fetch REGISTRY's images from MIRROR instead (same paths), REGISTRY=MIRROR, e.g. docker.io=mirror.local:5000 (repeatable)" },
  timeout: { type: "string", description: "Drop a transfer that gets no byte for SECONDS and retry it (blobs resume where they stopped); default 30" },
} as const;

export function registryAccess(args: Record<string, unknown>, rawArgs: readonly string[]): RegistryAccessOptions {
  return {
    ...(typeof args.authfile === "string" ? { authFile: args.authfile } : {}),
    ...(typeof args["ca-file"] === "string" ? { caFile: args["ca-file"] } : {}),
    insecureRegistries: repeatedOption(rawArgs, "insecure-registry"),
    mirrors: registryMirrors(rawArgs),
    ...(typeof args.timeout === "string" ? { client: { idleTimeoutMilliseconds: idleTimeout(args.timeout) } } : {}),
  };
}

function idleTimeout(text: string): number {
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(seconds > 0)) throw new UsageError(`Option "--timeout" needs a number of seconds above 0: got "${text}"`);
  return seconds * 1000;
}

function registryMirrors(rawArgs: readonly string[]): Record<string, string> {
  const mirrors: Record<string, string> = {};
  for (const value of repeatedOption(rawArgs, "registry-mirror")) {
    const [registry, mirror, ...rest] = value.split("=");
    if (!registry || !mirror || rest.length > 0) throw new UsageError(`Option "--registry-mirror" needs REGISTRY=MIRROR: got "${value}"`);
    mirrors[registry] = mirror;
  }
  return mirrors;
}
