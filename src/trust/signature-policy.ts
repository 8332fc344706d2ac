import { dirname, isAbsolute, resolve } from "node:path";
import { parseImageReference } from "../oci/image-reference.ts";

/**
 * Which images must be signed, and by whom: a policy file in the format of containers-policy.json(5)
 * (skopeo's, podman's), so one file serves both. lade reads its `docker` transport (image names are
 * registry references) and the requirements that fit offline keys; anything else it cannot honour
 * is refused when the file is read, never ignored.
 */
export type Requirement =
  | { readonly type: "insecureAcceptAnything" }
  | { readonly type: "reject" }
  | { readonly type: "sigstoreSigned"; readonly keys: readonly KeySource[]; readonly identity: SignedIdentity };

/** A public key named by a path (absolute, or relative to the policy file) or given inline as PEM. */
export type KeySource = { readonly path: string } | { readonly pem: string; readonly label: string };

/** How the name in a signature must match the image's: containers/image's two repository rules. */
export type SignedIdentity = "matchRepoDigestOrExact" | "matchRepository";

export interface SignaturePolicy {
  readonly file: string;
  readonly defaultRequirements: readonly Requirement[];
  /** transports.docker: scope → requirements. */
  readonly scopes: ReadonlyMap<string, readonly Requirement[]>;
}

export interface ScopedRequirements {
  /** The scope that matched, `default` for the policy's default. */
  readonly scope: string;
  readonly requirements: readonly Requirement[];
}

export class PolicyError extends Error {
  override name = "PolicyError";
}

const SIGSTORE_FIELDS = new Set(["type", "keyPath", "keyPaths", "keyData", "keyDatas", "signedIdentity"]);
const KEYLESS_FIELDS = ["fulcio", "pki", "rekorPublicKeyPath", "rekorPublicKeyPaths", "rekorPublicKeyData", "rekorPublicKeyDatas"];

export function parsePolicy(text: string, file: string): SignaturePolicy {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PolicyError(`${file}: not JSON (${(error as Error).message})`);
  }
  if (!isObject(json)) throw new PolicyError(`${file}: a policy is a JSON object with "default" and "transports"`);
  for (const key of Object.keys(json)) if (key !== "default" && key !== "transports") throw new PolicyError(`${file}: unknown field "${key}" (a policy has "default" and "transports")`);
  if (json.default === undefined) throw new PolicyError(`${file}: "default" is missing (containers-policy.json requires it; [{"type":"reject"}] trusts nothing unnamed)`);
  const base = dirname(resolve(file));
  const defaultRequirements = parseRequirements(json.default, `${file}: default`, base);
  const scopes = new Map<string, readonly Requirement[]>();
  if (json.transports !== undefined) {
    if (!isObject(json.transports)) throw new PolicyError(`${file}: "transports" must be an object of transport names`);
    for (const [transport, entries] of Object.entries(json.transports)) {
      if (!isObject(entries)) throw new PolicyError(`${file}: transports.${transport} must be an object of scopes`);
      for (const [scope, requirements] of Object.entries(entries)) {
        const parsed = parseRequirements(requirements, `${file}: transports.${transport}["${scope}"]`, base);
        // lade's images are registry references: only the docker transport can name them.
        if (transport === "docker") scopes.set(checkScope(scope, file), parsed);
      }
    }
  }
  return { file, defaultRequirements, scopes };
}

/** The requirements of the most specific scope naming NAME (registry/repository:tag), as containers/image picks them. */
export function requirementsFor(policy: SignaturePolicy, name: string): ScopedRequirements {
  for (const scope of candidateScopes(name)) {
    const requirements = policy.scopes.get(scope);
    if (requirements) return { scope: scope === "" ? "docker default" : scope, requirements };
  }
  return { scope: "default", requirements: policy.defaultRequirements };
}

/** From the exact reference to the registry, then the registry's parent domains as wildcards, then the transport default "". */
function candidateScopes(name: string): string[] {
  const reference = parseImageReference(name);
  const repository = `${reference.registry}/${reference.repository}`;
  const scopes: string[] = [];
  if (reference.digest) scopes.push(`${repository}@${reference.digest}`);
  if (reference.tag) scopes.push(`${repository}:${reference.tag}`);
  const parts = repository.split("/");
  for (let length = parts.length; length >= 1; length--) scopes.push(parts.slice(0, length).join("/"));
  const host = reference.registry.replace(/:\d+$/, "").split(".");
  for (let start = 1; start < host.length; start++) scopes.push(`*.${host.slice(start).join(".")}`);
  scopes.push("");
  return scopes;
}

function checkScope(scope: string, file: string): string {
  if (scope === "" || /^\*\.[^*/]+$/.test(scope)) return scope;
  if (scope.includes("*")) throw new PolicyError(`${file}: the scope "${scope}" has a "*" other than a leading "*." of a domain`);
  try {
    parseImageReference(scope);
  } catch {
    throw new PolicyError(`${file}: the scope "${scope}" is not registry/repository[:tag]`);
  }
  if (!scope.includes("/") && !scope.includes(".") && !scope.includes(":") && scope !== "localhost") {
    throw new PolicyError(`${file}: the scope "${scope}" must name a registry host first (docker.io/library/${scope}, not ${scope})`);
  }
  return scope;
}

function parseRequirements(value: unknown, where: string, base: string): Requirement[] {
  if (!Array.isArray(value) || value.length === 0) throw new PolicyError(`${where} must be a non-empty list of requirements`);
  return value.map((entry, position) => parseRequirement(entry, `${where}[${position}]`, base));
}

function parseRequirement(value: unknown, where: string, base: string): Requirement {
  if (!isObject(value) || typeof value.type !== "string") throw new PolicyError(`${where}: a requirement is an object with a "type"`);
  switch (value.type) {
    case "insecureAcceptAnything":
    case "reject":
      onlyFields(value, ["type"], where);
      return { type: value.type };
    case "sigstoreSigned":
      return parseSigstoreSigned(value, where, base);
    case "signedBy":
      throw new PolicyError(`${where}: "signedBy" (GPG signatures) is not something lade checks; sign with cosign-format keys and use "sigstoreSigned"`);
    default:
      throw new PolicyError(`${where}: unknown requirement type "${value.type}" (insecureAcceptAnything, reject or sigstoreSigned)`);
  }
}

function parseSigstoreSigned(value: Record<string, unknown>, where: string, base: string): Requirement {
  const keyless = KEYLESS_FIELDS.find((field) => field in value);
  if (keyless) throw new PolicyError(`${where}: "${keyless}" asks for keyless or Rekor-logged signatures, which cannot be checked offline; name public keys (keyPath, keyPaths, keyData)`);
  onlyFields(value, [...SIGSTORE_FIELDS], where);
  const keys: KeySource[] = [];
  const paths = [...stringList(value.keyPath, "keyPath", where, false), ...stringList(value.keyPaths, "keyPaths", where, true)];
  for (const path of paths) keys.push({ path: isAbsolute(path) ? path : resolve(base, path) });
  const datas = [...stringList(value.keyData, "keyData", where, false), ...stringList(value.keyDatas, "keyDatas", where, true)];
  datas.forEach((data, position) => keys.push({ pem: Buffer.from(data, "base64").toString("utf8"), label: `${where} keyData #${position + 1}` }));
  if (keys.length === 0) throw new PolicyError(`${where}: sigstoreSigned needs keyPath, keyPaths, keyData or keyDatas`);
  return { type: "sigstoreSigned", keys, identity: parseIdentity(value.signedIdentity, where) };
}

function parseIdentity(value: unknown, where: string): SignedIdentity {
  if (value === undefined) return "matchRepoDigestOrExact";
  if (!isObject(value) || typeof value.type !== "string") throw new PolicyError(`${where}: signedIdentity is an object with a "type"`);
  if (value.type === "matchRepoDigestOrExact" || value.type === "matchRepository") {
    onlyFields(value, ["type"], `${where}.signedIdentity`);
    return value.type;
  }
  throw new PolicyError(`${where}: signedIdentity "${value.type}" is not supported by lade (matchRepoDigestOrExact or matchRepository)`);
}

function stringList(value: unknown, field: string, where: string, list: boolean): string[] {
  if (value === undefined) return [];
  if (!list && typeof value === "string") return [value];
  if (list && Array.isArray(value) && value.every((item) => typeof item === "string")) return value as string[];
  throw new PolicyError(`${where}: ${field} must be ${list ? "a list of strings" : "a string"}`);
}

function onlyFields(value: Record<string, unknown>, allowed: readonly string[], where: string): void {
  const unknown = Object.keys(value).find((key) => !allowed.includes(key));
  if (unknown) throw new PolicyError(`${where}: unknown field "${unknown}" for type "${String(value.type)}"`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
