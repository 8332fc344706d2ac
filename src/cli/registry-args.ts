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
  deadline: {
    type: "string",
    description: "Stop the whole command after SECONDS (exit 1), keeping what is complete: the same command run again goes on where it stopped",
  },
} as const;

/** The registry options of the command line; also arms --deadline, which counts from here. */
export function registryAccess(args: Record<string, unknown>, rawArgs: readonly string[]): RegistryAccessOptions {
  if (typeof args.deadline === "string") armDeadline(seconds("--deadline", args.deadline));
  return {
    ...(typeof args.authfile === "string" ? { authFile: args.authfile } : {}),
    ...(typeof args["ca-file"] === "string" ? { caFile: args["ca-file"] } : {}),
    insecureRegistries: repeatedOption(rawArgs, "insecure-registry"),
    mirrors: registryMirrors(rawArgs),
    ...(typeof args.timeout === "string" ? { client: { idleTimeoutMilliseconds: idleTimeout(args.timeout) } } : {}),
  };
}

function idleTimeout(text: string): number {
  return seconds("--timeout", text) * 1000;
}

function seconds(option: string, text: string): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(value > 0)) throw new UsageError(`Option "${option}" needs a number of seconds above 0: got "${text}"`);
  return value;
}

let deadline: ReturnType<typeof setTimeout> | undefined;

/**
 * --deadline: the process ends when it passes. Ending anywhere is safe, as a kill is: blobs become
 * visible only once verified, archives only once whole, and names only on complete images.
 */
function armDeadline(limit: number): void {
  if (deadline) return;
  deadline = setTimeout(() => {
    process.stderr.write(`lade: error: stopped at the --deadline of ${limit} s; what was complete is kept\nhint: run the same command again to go on where it stopped\n`);
    process.exit(1);
  }, limit * 1000);
  deadline.unref();
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
