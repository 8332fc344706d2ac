import { parse, stringify } from "yaml";
import { isConfigObject, type ConfigValue } from "../kubeadm/config-value.ts";

/** The steps of a Config's `spec.process` (joined by `|`), as sealer's config processors define them. */
export const PROCESS_STEPS = ["value", "toJson", "toBase64", "toSecret"] as const;
export type ProcessStep = (typeof PROCESS_STEPS)[number];

/** Why a step of spec.process is not one, or the steps. */
export function parseProcess(process: string): ProcessStep[] | string {
  const steps = process.split("|").map((step) => step.trim()).filter(Boolean);
  const unknown = steps.find((step) => !(PROCESS_STEPS as readonly string[]).includes(step));
  return unknown === undefined ? (steps as ProcessStep[]) : `spec.process step "${unknown}" is not one of ${PROCESS_STEPS.join(", ")}`;
}

/**
 * spec.data after the process steps, as sealer runs them in order: `value` makes the later steps
 * work on each value of the data's top-level map instead of the whole text; `toJson` turns YAML
 * into JSON (keys sorted, compact, as Go's encoding/json writes it); `toBase64` encodes. `toSecret`
 * does nothing here: it changes how the data goes into the file (see intoSecret).
 *
 * @throws {Error} with why, when the data is not what a step needs
 */
export function processConfigData(data: string, steps: readonly ProcessStep[]): string {
  const perValue = steps.includes("value");
  let current = data;
  for (const step of steps) {
    if (step === "toJson") current = perValue ? mapValues(current, (value) => goJson(value)) : goJson(parse(current) as ConfigValue);
    if (step === "toBase64") current = perValue ? mapValues(current, (value) => base64(scalarText(value))) : base64(current);
  }
  return current;
}

/**
 * sealer's toSecret into a file that exists: the file is a Secret, and each key of the data's map
 * becomes an entry of its `data`, base64-encoded (the Secret's other fields stay).
 */
export function intoSecret(existing: string, data: string): string {
  const secret = parse(existing) as ConfigValue;
  if (!isConfigObject(secret)) throw new Error("toSecret needs the file to be a Secret manifest (a YAML map)");
  const entries = parse(data) as ConfigValue;
  if (!isConfigObject(entries)) throw new Error("toSecret needs spec.data to be a map of keys to values");
  const current = isConfigObject(secret.data) ? secret.data : {};
  const added = Object.fromEntries(Object.entries(entries).map(([key, value]) => [key, base64(scalarText(value))]));
  return stringify({ ...secret, data: { ...current, ...added } }, { lineWidth: 0 });
}

function mapValues(text: string, change: (value: ConfigValue) => string): string {
  const map = parse(text) as ConfigValue;
  if (!isConfigObject(map)) throw new Error('with "value", spec.data must be a map: each of its values is processed');
  const entries = Object.keys(map).sort().map((key) => [key, change(map[key] as ConfigValue)]);
  return stringify(Object.fromEntries(entries), { lineWidth: 0 });
}

function scalarText(value: ConfigValue): string {
  if (value === null || typeof value === "object") throw new Error("toBase64 and toSecret need text values, not maps or lists");
  return String(value);
}

function base64(text: string): string {
  return Buffer.from(text).toString("base64");
}

/** JSON as Go's encoding/json writes a decoded YAML value: map keys sorted, no spaces. */
function goJson(value: ConfigValue): string {
  if (Array.isArray(value)) return `[${value.map(goJson).join(",")}]`;
  if (isConfigObject(value)) return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${goJson(value[key] as ConfigValue)}`).join(",")}}`;
  // Go escapes these in strings; the rest of the text is as it is
  return JSON.stringify(value ?? null).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
