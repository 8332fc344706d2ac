/**
 * A configuration value as read from YAML: what kubeadm, the kubelet and kube-proxy decode.
 * `null` is kept on purpose: in a higher layer it deletes the key below (see merge-config-values.ts).
 */
export type ConfigValue = null | string | number | boolean | ConfigValue[] | ConfigObject;

export interface ConfigObject {
  [key: string]: ConfigValue;
}

/** A field's place in a document: keys and list indexes from the top. */
export type ConfigPath = readonly (string | number)[];

export function isConfigObject(value: ConfigValue | undefined): value is ConfigObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function cloneConfigValue<T extends ConfigValue>(value: T): T {
  return structuredClone(value);
}

/** `apiServer.extraArgs[2].name`, the way errors and warnings name a field. */
export function formatConfigPath(path: ConfigPath): string {
  let text = "";
  for (const step of path) text += typeof step === "number" ? `[${step}]` : text ? `.${step}` : step;
  return text || "(document)";
}

/** The value at `path`, or undefined when some step is missing. */
export function getConfigValue(root: ConfigValue | undefined, path: ConfigPath): ConfigValue | undefined {
  let value: ConfigValue | undefined = root;
  for (const step of path) {
    if (typeof step === "number") value = Array.isArray(value) ? value[step] : undefined;
    else value = isConfigObject(value) ? value[step] : undefined;
    if (value === undefined) return undefined;
  }
  return value;
}

/** Set `path` in `root` (objects are created on the way; a non-object on the way is replaced). */
export function setConfigValue(root: ConfigObject, path: readonly string[], value: ConfigValue): void {
  let object = root;
  for (const step of path.slice(0, -1)) {
    const next = object[step];
    if (isConfigObject(next)) object = next;
    else object = object[step] = {};
  }
  object[path[path.length - 1]!] = value;
}

/** Remove the key at `path` and return its value; parents left empty are removed too. */
export function takeConfigValue(root: ConfigObject, path: readonly string[]): ConfigValue | undefined {
  const [first, ...rest] = path;
  if (first === undefined || !(first in root)) return undefined;
  if (rest.length === 0) {
    const value = root[first];
    delete root[first];
    return value;
  }
  const child = root[first];
  if (!isConfigObject(child)) return undefined;
  const value = takeConfigValue(child, rest);
  if (Object.keys(child).length === 0) delete root[first];
  return value;
}
