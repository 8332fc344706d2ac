import { marshalToml } from "../template/functions/to-toml.ts";
import type { GoMap, GoValue } from "../template/go-value.ts";
import { UserInputError } from "../util/source-location.ts";
import type { TranslatedFile } from "./docker-daemon-json.ts";

const SEALER_REGISTRY = "sea.hub:5000";
const DEFAULT_CERTS_DIR = "/etc/containerd/certs.d";

/**
 * sealer's etc/dump-config.toml laid over lade's etc/containerd/config.toml, as sealer laid it over
 * containerd's full config (`containerd --config dump-config.toml config dump`): tables merge key
 * by key, the file's values win. `sea.hub:5000` is written as the image's registry when that
 * differs, as sealer's scripts did. A file of another config version than lade's containerd reads
 * is refused: its keys would mean nothing there.
 */
export function mergeContainerdConfig(
  sealerText: string,
  file: string,
  options: { readonly ladeText?: string; readonly ladeFile?: string; readonly registry?: string } = {},
): TranslatedFile {
  const infos: string[] = [];
  const own = parseToml(sealerText, file);
  const lade = options.ladeText !== undefined ? parseToml(options.ladeText, options.ladeFile ?? "etc/containerd/config.toml") : undefined;
  const registry = options.registry ?? SEALER_REGISTRY;
  const rewritten = rewriteStrings(own, (text) => (registry !== SEALER_REGISTRY ? text.replaceAll(SEALER_REGISTRY, registry) : text)) as Record<string, unknown>;
  if (lade) {
    const version = (config: Record<string, unknown>) => Number(config.version ?? 1);
    if (version(own) !== version(lade)) {
      throw new UserInputError(
        { file, line: lineOf(sealerText, /^[ \t]*version[ \t]*=/m), column: 1 },
        `containerd config version ${version(own)}, but this image's containerd reads version ${version(lade)}: write the file for version ${version(lade)} (containerd 2.x renamed the CRI plugins)`,
      );
    }
  }
  const merged = lade ? deepMerge(lade, rewritten) : rewritten;
  const certsDir = registryConfigPath(merged);
  if (certsDir && certsDir.replace(/\/+$/, "") !== DEFAULT_CERTS_DIR) {
    infos.push(`${file}: the registry config_path is ${certsDir}: the registry mirrors' hosts.toml files are installed there`);
  }
  const header = `# containerd's config, written by lade build: ${lade ? `${options.ladeFile ?? "etc/containerd/config.toml"} with ${file} laid over it` : file}\n`;
  return { text: header + marshalToml(toGoValue(merged)), warnings: [], infos };
}

/** `registry.config_path` of the CRI plugin (config version 2 or 3), if set. */
export function registryConfigPath(config: Record<string, unknown>): string | undefined {
  const plugins = config.plugins as Record<string, Record<string, unknown>> | undefined;
  const cri = plugins?.["io.containerd.grpc.v1.cri"] ?? plugins?.["io.containerd.cri.v1.images"];
  const value = (cri?.registry as Record<string, unknown> | undefined)?.config_path;
  return typeof value === "string" ? value : undefined;
}

function parseToml(text: string, file: string): Record<string, unknown> {
  try {
    return Bun.TOML.parse(text) as Record<string, unknown>;
  } catch (error) {
    const message = (error as Error).message.replace(/^TOML Parse error: /, "");
    throw new UserInputError({ file, line: failingLine(text, message), column: 1 }, `not valid TOML: ${message}`, { cause: error });
  }
}

/** The first line at which the text, cut there, fails the way the whole does (Bun gives no position). */
function failingLine(text: string, message: string): number {
  const lines = text.split("\n");
  for (let count = 1; count <= lines.length; count++) {
    try {
      Bun.TOML.parse(`${lines.slice(0, count).join("\n")}\n`);
    } catch (error) {
      if ((error as Error).message.endsWith(message)) return count;
    }
  }
  return 1;
}

function lineOf(text: string, pattern: RegExp): number {
  const match = pattern.exec(text);
  return match ? text.slice(0, match.index).split("\n").length : 1;
}

function deepMerge(below: Record<string, unknown>, above: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...below };
  for (const [key, value] of Object.entries(above)) {
    const under = out[key];
    out[key] = isTable(value) && isTable(under) ? deepMerge(under, value) : value;
  }
  return out;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function rewriteStrings(value: unknown, rewrite: (text: string) => string): unknown {
  if (typeof value === "string") return rewrite(value);
  if (Array.isArray(value)) return value.map((item) => rewriteStrings(item, rewrite));
  if (isTable(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, rewriteStrings(item, rewrite)]));
  return value;
}

/** TOML's integers stay integers (int64 for the encoder), tables maps. */
function toGoValue(value: unknown): GoValue {
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map(toGoValue);
  if (isTable(value)) {
    const out: GoMap = {};
    for (const [key, item] of Object.entries(value)) out[key] = toGoValue(item);
    return out;
  }
  return String(value);
}
