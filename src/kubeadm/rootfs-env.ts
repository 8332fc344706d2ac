import type { RegistryConfig } from "./cluster.ts";

/** The values `lade rootfs` made a base rootfs with (the node scripts source it). */
export const ROOTFS_ENV_FILE = "etc/lade-rootfs.env";

/** KEY's value in the text of etc/lade-rootfs.env (KEY=VALUE lines, the value maybe in double quotes). */
export function rootfsEnvValue(envText: string | undefined, key: string): string | undefined {
  return envText ? new RegExp(`^${key}="?([^"\\n]*)"?$`, "m").exec(envText)?.[1] : undefined;
}

/**
 * The registry the rootfs's nodes were made for (`lade rootfs --registry-domain/--registry-port`):
 * their container runtime's mirror config and the pause image name it.
 */
export function rootfsRegistry(envText: string | undefined): RegistryConfig | undefined {
  const domain = rootfsEnvValue(envText, "LADE_REGISTRY_DOMAIN");
  const port = Number(rootfsEnvValue(envText, "LADE_REGISTRY_PORT"));
  return domain && Number.isInteger(port) && port > 0 ? { domain, port } : undefined;
}

/** The registry's accounts in a base rootfs (`lade rootfs --registry-user`): bcrypt htpasswd lines. */
export const REGISTRY_HTPASSWD_FILE = "etc/registry/htpasswd";
