import type { RegistryAccessOptions } from "../registry/registry-clients.ts";
import { repeatedOption } from "./repeated-option.ts";

/** Options of every command that talks to registries. */
export const registryArgs = {
  authfile: { type: "string", description: "Credentials file (default: REGISTRY_AUTH_FILE, else ~/.docker/config.json)" },
  "ca-file": { type: "string", description: "Extra CA certificate (PEM) to trust for registries" },
  "insecure-registry": { type: "string", description: "Registry HOST[:PORT] that may be reached over plain HTTP (repeatable; loopback always may)" },
} as const;

export function registryAccess(args: Record<string, unknown>, rawArgs: readonly string[]): RegistryAccessOptions {
  return {
    ...(typeof args.authfile === "string" ? { authFile: args.authfile } : {}),
    ...(typeof args["ca-file"] === "string" ? { caFile: args["ca-file"] } : {}),
    insecureRegistries: repeatedOption(rawArgs, "insecure-registry"),
  };
}
