import type { RegistryConfig } from "../kubeadm/cluster.ts";
import { isConfigObject } from "../kubeadm/config-value.ts";
import { parseConfigYaml } from "../kubeadm/parse-config-yaml.ts";
import { UserInputError, type SourceLocation } from "../util/source-location.ts";

/** sealer v0.8's `etc/registry.yml`: the cluster registry's address and its account. */
export const REGISTRY_YML = "etc/registry.yml";

export interface RegistryYml {
  readonly domain?: string;
  readonly port?: number;
  readonly username?: string;
  readonly password?: string;
  /** Where each field is written. */
  readonly locate: (field: "domain" | "port" | "username" | "password") => SourceLocation;
}

const FIELDS = ["domain", "port", "username", "password"] as const;

/**
 * The file as sealer reads it (`domain: sea.hub`, `port: "5000"`, `username: ""`, `password: ""`);
 * empty values are left out. An unknown field, a port that is not one, or a username without a
 * password (or the other way round) is an error at its line.
 */
export function parseRegistryYml(text: string, file: string): RegistryYml {
  const [document, ...more] = parseConfigYaml(text, file);
  if (!document || document.value === undefined) return { locate: () => ({ file, line: 1, column: 1 }) };
  if (more.some((other) => other.value !== undefined)) throw new UserInputError(more[0]!.location, `${file} holds one YAML document`);
  const value = document.value;
  if (!isConfigObject(value)) throw new UserInputError(document.location, `${file} is a map of ${FIELDS.join(", ")}`);
  const locate = (field: string) => document.locate([field]);
  for (const key of Object.keys(value)) {
    if (!(FIELDS as readonly string[]).includes(key)) throw new UserInputError(document.locate([key], "key"), `${file}: unknown field "${key}": sealer's registry.yml has ${FIELDS.join(", ")}`);
  }
  const text_ = (field: string): string | undefined => {
    const item = value[field];
    if (item === undefined || item === null || item === "") return undefined;
    if (typeof item !== "string" && typeof item !== "number") throw new UserInputError(locate(field), `${file}: ${field} is a string`);
    return String(item);
  };
  const portText = text_("port");
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new UserInputError(locate("port"), `${file}: port must be a port from 1 to 65535, not "${portText}"`);
  const domain = text_("domain");
  const username = text_("username");
  const password = text_("password");
  if ((username === undefined) !== (password === undefined)) {
    throw new UserInputError(locate(username === undefined ? "password" : "username"), `${file}: username and password go together (an account needs both)`);
  }
  return { ...(domain ? { domain } : {}), ...(port !== undefined ? { port } : {}), ...(username ? { username } : {}), ...(password ? { password } : {}), locate };
}

/** Where registry.yml's address differs from the registry the base's nodes were made for, or undefined. */
export function registryYmlMismatch(yml: RegistryYml, madeFor: RegistryConfig): { field: "domain" | "port"; message: string } | undefined {
  const domain = yml.domain ?? madeFor.domain;
  const port = yml.port ?? madeFor.port;
  if (domain === madeFor.domain && port === madeFor.port) return undefined;
  return {
    field: domain !== madeFor.domain ? "domain" : "port",
    message: `${REGISTRY_YML} puts the registry at ${domain}:${port}, but this image's nodes were made for ${madeFor.domain}:${madeFor.port} (their container runtime's mirror config and pause image name it): make the base with lade rootfs --registry-domain ${domain} --registry-port ${port}, or leave domain and port out`,
  };
}
