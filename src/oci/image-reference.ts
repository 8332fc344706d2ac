/**
 * Image references ("nginx", "quay.io/calico/node:v3@sha256:…") parsed and normalized the way
 * docker does it: `reference.ParseNormalizedNamed`, then `TagNameOnly` for the normalized form.
 */

/** A parsed, normalized image reference. `registry` is always set ("docker.io" for Docker Hub). */
export interface ImageReference {
  registry: string;
  /** The path inside the registry, e.g. "library/nginx" or "calico/node". */
  repository: string;
  tag?: string;
  digest?: string;
}

const DEFAULT_REGISTRY = "docker.io";
const LEGACY_DEFAULT_REGISTRY = "index.docker.io";
const OFFICIAL_PREFIX = "library/";
const DEFAULT_TAG = "latest";
const MAX_REPOSITORY_LENGTH = 255;

// The grammar of distribution/reference. Every repetition is separated by a required character,
// so the backtracking engine cannot blow up on long invalid input.
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const REPOSITORY = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const REGISTRY = `${HOST}(?::[0-9]+)?`;
const TAG = "\\w[\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";

const REFERENCE_PATTERN = new RegExp(`^((?:${REGISTRY}/)?${REPOSITORY})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const NAME_PATTERN = new RegExp(`^(?:(${REGISTRY})/)?(${REPOSITORY})$`);
const IDENTIFIER_PATTERN = /^[a-f0-9]{64}$/;
const HEX_LENGTHS = new Map([
  ["sha256", 64],
  ["sha384", 96],
  ["sha512", 128],
]);

/**
 * Parse an image reference as docker does, filling in Docker Hub defaults: "nginx" becomes
 * registry "docker.io", repository "library/nginx". No tag is added; see {@link normalizeImageReference}.
 *
 * @throws {TypeError} when the text is not a valid reference, with docker's reason after the colon
 * @example parseImageReference("localhost:5000/a:1") // { registry: "localhost:5000", repository: "a", tag: "1" }
 */
export function parseImageReference(text: string): ImageReference {
  const result = parse(text);
  if (typeof result === "string") {
    throw new TypeError(`Cannot parse image reference ${JSON.stringify(text)}: ${result}`);
  }
  return result;
}

/** Like {@link parseImageReference}, but returns `undefined` instead of throwing. */
export function tryParseImageReference(text: string): ImageReference | undefined {
  const result = parse(text);
  return typeof result === "string" ? undefined : result;
}

/**
 * The full form `registry/repository[:tag][@digest]`, without adding a default tag.
 *
 * @example formatImageReference({ registry: "docker.io", repository: "library/nginx", tag: "1" }) // "docker.io/library/nginx:1"
 */
export function formatImageReference(reference: ImageReference): string {
  const name = reference.registry ? `${reference.registry}/${reference.repository}` : reference.repository;
  return withTagAndDigest(name, reference);
}

/**
 * The canonical full name docker uses: Docker Hub defaults filled in, and the tag "latest" added
 * when the reference has neither a tag nor a digest.
 *
 * @throws {TypeError} when the text is not a valid reference
 * @example normalizeImageReference("nginx") // "docker.io/library/nginx:latest"
 */
export function normalizeImageReference(text: string): string {
  const reference = parseImageReference(text);
  if (reference.tag === undefined && reference.digest === undefined) {
    return formatImageReference({ ...reference, tag: DEFAULT_TAG });
  }
  return formatImageReference(reference);
}

/**
 * The short form docker prints: "docker.io/" dropped, and "library/" too for official images.
 * Tag and digest are kept as they are (a string is parsed, not tagged "latest").
 *
 * @throws {TypeError} when given text that is not a valid reference
 * @example familiarName("docker.io/library/nginx:latest") // "nginx:latest"
 */
export function familiarName(reference: ImageReference | string): string {
  const parsed = typeof reference === "string" ? parseImageReference(reference) : reference;
  if (parsed.registry !== DEFAULT_REGISTRY && parsed.registry !== "") return formatImageReference(parsed);
  let path = parsed.repository;
  if (path.startsWith(OFFICIAL_PREFIX) && !path.slice(OFFICIAL_PREFIX.length).includes("/")) {
    path = path.slice(OFFICIAL_PREFIX.length);
  }
  return withTagAndDigest(path, parsed);
}

function withTagAndDigest(name: string, reference: ImageReference): string {
  const tag = reference.tag === undefined ? "" : `:${reference.tag}`;
  const digest = reference.digest === undefined ? "" : `@${reference.digest}`;
  return `${name}${tag}${digest}`;
}

/** The reference, or the reason it is invalid. */
function parse(text: string): ImageReference | string {
  if (text === "") return "repository name must have at least one component";
  if (IDENTIFIER_PATTERN.test(text)) {
    return "a 64-character hexadecimal string is an image ID, not a repository name";
  }
  const [registry, remainder] = splitRegistry(text);
  const colon = remainder.indexOf(":");
  const repository = colon === -1 ? remainder : remainder.slice(0, colon);
  if (repository.toLowerCase() !== repository) {
    return `repository name ${JSON.stringify(repository)} must be lowercase`;
  }
  const full = `${registry}/${remainder}`;
  const match = REFERENCE_PATTERN.exec(full);
  if (!match) {
    const lower = full.toLowerCase();
    if (lower !== full && REFERENCE_PATTERN.test(lower)) return "repository name must be lowercase";
    return "invalid reference format";
  }
  const [, name = "", tag, digest] = match;
  const [, host, path = name] = NAME_PATTERN.exec(name) ?? [];
  // docker accepts "a.b_c/x" as a repository with an empty registry, which nothing can pull.
  if (host === undefined) return `registry ${JSON.stringify(registry)} is not a valid host name`;
  if (path.length > MAX_REPOSITORY_LENGTH) {
    return `repository name must not be more than ${MAX_REPOSITORY_LENGTH} characters`;
  }
  if (digest !== undefined) {
    const problem = digestProblem(digest);
    if (problem) return problem;
  }
  const result: ImageReference = { registry: host, repository: path };
  if (tag !== undefined) result.tag = tag;
  if (digest !== undefined) result.digest = digest;
  return result;
}

/**
 * docker's splitDockerDomain: the first component is a registry when it contains "." or ":", is
 * "localhost", or has uppercase letters (repositories cannot). A single component is never one.
 */
function splitRegistry(text: string): [registry: string, remainder: string] {
  const slash = text.indexOf("/");
  let registry = DEFAULT_REGISTRY;
  let remainder = text;
  if (slash !== -1) {
    const first = text.slice(0, slash);
    if (first === "localhost" || /[.:]/.test(first) || first.toLowerCase() !== first) {
      registry = first === LEGACY_DEFAULT_REGISTRY ? DEFAULT_REGISTRY : first;
      remainder = text.slice(slash + 1);
    }
  }
  if (registry === DEFAULT_REGISTRY && !remainder.includes("/")) remainder = `${OFFICIAL_PREFIX}${remainder}`;
  return [registry, remainder];
}

/** go-digest's Digest.Validate for the algorithms docker registers. */
function digestProblem(digest: string): string | undefined {
  const colon = digest.indexOf(":");
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const length = HEX_LENGTHS.get(algorithm);
  if (length === undefined) return `unsupported digest algorithm ${JSON.stringify(algorithm)}`;
  if (hex.length !== length) {
    return `invalid checksum digest length: ${algorithm} needs ${length} hexadecimal characters, got ${hex.length}`;
  }
  if (!/^[a-f0-9]+$/.test(hex)) return "invalid checksum digest format: hexadecimal digits must be lowercase";
  return undefined;
}
