import { parseAllDocuments, stringify } from "yaml";
import { isConfigObject, type ConfigObject, type ConfigValue } from "../kubeadm/config-value.ts";
import type { YamlDocument } from "../kubeadm/parse-config-yaml.ts";
import { UserInputError, type SourceLocation } from "../util/source-location.ts";
import { intoSecret, parseProcess, processConfigData } from "./config-process.ts";

/**
 * A Clusterfile's `kind: Config` (sealer's way to change a file of the image before the install):
 * the text of `spec.data` written to `spec.path` of the rootfs (under application/apps/APP/ with
 * `spec.appName`), after its `spec.process` steps (config-process.ts), replacing the file
 * (`strategy: overwrite`, the default) or merged into each of its YAML documents (`strategy: merge`).
 */
export interface ClusterConfigFile {
  readonly name: string;
  /** The path in the rootfs, relative, with the app folder in front when an appName is given. */
  readonly path: string;
  readonly data: string;
  readonly strategy: "overwrite" | "merge";
  /** spec.process has toSecret: a file that exists is a Secret the data's entries go into. */
  readonly secret?: boolean;
  readonly location: SourceLocation;
}

type SealerDocument = YamlDocument & { readonly kind: string; readonly value: ConfigObject };

/** The Config documents among a Clusterfile's sealer documents, checked. @throws {UserInputError} */
export function decodeClusterConfigs(documents: readonly SealerDocument[]): ClusterConfigFile[] {
  return documents.filter((document) => document.kind === "Config").map(decodeConfig);
}

function decodeConfig(document: SealerDocument): ClusterConfigFile {
  const spec = isConfigObject(document.value.spec) ? document.value.spec : {};
  const metadata = isConfigObject(document.value.metadata) ? document.value.metadata : {};
  const name = typeof metadata.name === "string" ? metadata.name : "(unnamed)";
  const field = (key: string) => (typeof spec[key] === "string" ? (spec[key] as string) : undefined);
  const path = field("path");
  const data = field("data");
  if (!path) throw new UserInputError(document.locate(["spec", "path"]), `Config ${name} needs spec.path: the file in the rootfs it writes`);
  if (data === undefined || data === "") throw new UserInputError(document.locate(["spec", "data"]), `Config ${name} needs spec.data: the content it writes`);
  const clean = path.replace(/^\.\//, "");
  if (clean.startsWith("/") || clean.split("/").includes("..")) {
    throw new UserInputError(document.locate(["spec", "path"]), `Config ${name}: spec.path "${path}" must be a path inside the rootfs (relative, without "..")`);
  }
  const strategy = field("strategy") ?? "overwrite";
  if (strategy !== "overwrite" && strategy !== "merge") {
    throw new UserInputError(document.locate(["spec", "strategy"]), `Config ${name}: spec.strategy must be overwrite or merge, not "${strategy}"`);
  }
  const steps = parseProcess(field("process") ?? "");
  if (typeof steps === "string") throw new UserInputError(document.locate(["spec", "process"]), `Config ${name}: ${steps}`);
  let processed: string;
  try {
    processed = processConfigData(data, steps);
  } catch (error) {
    throw new UserInputError(document.locate(["spec", "process"]), `Config ${name}: spec.process ${steps.join("|")}: ${(error as Error).message}`);
  }
  const appName = field("appName");
  if (appName !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(appName)) {
    throw new UserInputError(document.locate(["spec", "appName"]), `Config ${name}: spec.appName "${appName}" is not an app name`);
  }
  return {
    name,
    path: appName ? `application/apps/${appName}/${clean}` : clean,
    data: processed,
    strategy,
    ...(steps.includes("toSecret") ? { secret: true } : {}),
    location: document.locate(["kind"]),
  };
}

/**
 * The file a Config leaves: its data, or (merge) each YAML document of the existing file with the
 * data's fields merged in, the data winning; maps merge key by key, anything else is replaced.
 *
 * @throws {UserInputError} when the file or the data is not YAML maps
 */
export function applyClusterConfig(config: ClusterConfigFile, existing: string | undefined): string {
  if (existing === undefined) return config.data;
  let data = config.data;
  if (config.secret) {
    try {
      data = intoSecret(existing, data);
    } catch (error) {
      throw new UserInputError(config.location, `Config ${config.name}: ${config.path}: ${(error as Error).message}`);
    }
  }
  if (config.strategy === "overwrite") return data;
  const patch = parseMaps(data, config, "spec.data");
  if (patch.length !== 1) throw new UserInputError(config.location, `Config ${config.name}: spec.data must be one YAML document to merge into ${config.path}`);
  const documents = parseMaps(existing, config, config.path);
  return documents.map((document) => stringify(mergeValues(document, patch[0]!), { lineWidth: 0 })).join("---\n");
}

function parseMaps(text: string, config: ClusterConfigFile, what: string): ConfigObject[] {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) return [];
  return documents.map((document) => {
    if (document.errors.length > 0) throw new UserInputError(config.location, `Config ${config.name}: ${what} is not YAML: ${document.errors[0]!.message}`);
    const value = document.toJS() as ConfigValue;
    if (!isConfigObject(value)) throw new UserInputError(config.location, `Config ${config.name}: strategy merge needs YAML maps, and ${what} is not one`);
    return value;
  });
}

function mergeValues(lower: ConfigObject, higher: ConfigObject): ConfigObject {
  const merged: Record<string, ConfigValue> = { ...lower };
  for (const [key, value] of Object.entries(higher)) {
    const below = merged[key];
    merged[key] = isConfigObject(below) && isConfigObject(value) ? mergeValues(below, value) : value;
  }
  return merged;
}
