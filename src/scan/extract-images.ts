import { parse as parseYaml } from "yaml";
import { composeReference } from "./compose-reference.ts";
import { formatFieldPath, isRecord, selectPath, type FieldPath } from "./field-path.ts";
import type { ImageSource, ScanFindings } from "./image-source.ts";
import { asImageReference, asLikelyImageReference, asPlausibleImageReference } from "./reference-like.ts";
import type { UserRule } from "./user-rule.ts";
import { apiGroup, FIELD_RULES, POD_SPEC_RULES } from "./workload-rules.ts";

export interface ExtractContext {
  readonly file: string;
  readonly document: number;
  /** Line of a field path in the file, when the parser kept positions. */
  readonly lineOf?: (path: FieldPath) => number | undefined;
  readonly userRules?: readonly UserRule[];
  /** Findings go to candidates only (documents embedded in ConfigMaps, disabled chart parts). */
  readonly candidatesOnly?: boolean;
}

const CONTAINER_GROUPS = ["initContainers", "containers", "ephemeralContainers"] as const;
const FLAG_WITH_VALUE = /^--?[\w.-]+=(.+)$/;
const IMAGE_FLAG = /^--?[\w.-]*image[\w.-]*$/i;

/**
 * Find the images of one Kubernetes object (kind-aware), recursing into List kinds. Known workload
 * kinds and custom resources are read at their image fields only; an object of an unknown kind
 * contributes every string field named `image` or ending in `Image` that parses as a reference.
 */
export function extractImages(object: unknown, context: ExtractContext, findings: ScanFindings, base: FieldPath = []): void {
  if (!isRecord(object)) return;
  const kind = typeof object.kind === "string" ? object.kind : undefined;
  const group = apiGroup(object.apiVersion);
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const name = typeof metadata.name === "string" ? metadata.name : undefined;
  const emit = (image: string, path: FieldPath, rule: string, candidate = false) => {
    const source: ImageSource = {
      file: context.file,
      document: context.document,
      ...(kind ? { kind } : {}),
      ...(name ? { name } : {}),
      path: formatFieldPath(path),
      ...lineField(context, path),
      rule,
    };
    (candidate || context.candidatesOnly ? findings.candidates : findings.images).push({ image, source });
  };

  if (kind && Array.isArray(object.items) && (kind === "List" || kind.endsWith("List"))) {
    object.items.forEach((item, index) => extractImages(item, context, findings, [...base, "items", index]));
    return;
  }
  for (const rule of context.userRules ?? []) {
    if (rule.kind !== kind) continue;
    for (const { value, path } of selectPath(object, rule.path, base)) {
      const image = asImageReference(value) ?? composeReference(value, rule.fields);
      if (image) emit(image, path, "user-rule");
    }
  }
  const podRule = POD_SPEC_RULES.find((rule) => rule.kind === kind && (rule.group === undefined || rule.group === group));
  if (podRule) {
    for (const specPath of podRule.podSpecPaths) {
      for (const { value, path } of selectPath(object, specPath.join("."), base)) podSpecImages(value, path, podRule.rule, emit);
    }
    return;
  }
  const fieldRule = FIELD_RULES.find((rule) => rule.kind === kind && rule.group === group);
  if (fieldRule) {
    for (const expression of fieldRule.paths) {
      for (const { value, path } of selectPath(object, expression, base)) {
        const image = asImageReference(value);
        if (image) emit(image, path, fieldRule.rule);
      }
    }
    for (const expression of fieldRule.containerLists ?? []) {
      for (const { value, path } of selectPath(object, expression, base)) containerListImages(value, path, fieldRule.rule, emit);
    }
    return;
  }
  if (kind === "ConfigMap" && group === "") {
    embeddedDocuments(object, context, findings, base);
    return;
  }
  if (kind === "CustomResourceDefinition") return; // schemas describe images, they hold none
  fieldsNamedImage(object, base, emit);
}

type Emit = (image: string, path: FieldPath, rule: string, candidate?: boolean) => void;

function podSpecImages(spec: unknown, base: FieldPath, rule: string, emit: Emit): void {
  if (!isRecord(spec)) return;
  for (const group of CONTAINER_GROUPS) containerListImages(spec[group], [...base, group], rule, emit);
  if (Array.isArray(spec.volumes)) {
    spec.volumes.forEach((volume, index) => {
      const reference = isRecord(volume) && isRecord(volume.image) ? volume.image.reference : undefined;
      const image = asImageReference(reference);
      if (image) emit(image, [...base, "volumes", index, "image", "reference"], "image-volume");
    });
  }
}

/** Containers: `image` is an image; image-looking `--*image*=` flags and env values are candidates. */
function containerListImages(list: unknown, base: FieldPath, rule: string, emit: Emit): void {
  if (!Array.isArray(list)) return;
  list.forEach((container, index) => {
    if (!isRecord(container)) return;
    const path = [...base, index];
    const image = asImageReference(container.image);
    if (image) emit(image, [...path, "image"], rule);
    for (const field of ["command", "args"] as const) {
      const values = container[field];
      if (!Array.isArray(values)) continue;
      values.forEach((argument, argumentIndex) => {
        if (typeof argument !== "string") return;
        // `--any-flag=quay.io/x/y:1`, or `--image` followed by its value as the next argument
        const inline = FLAG_WITH_VALUE.exec(argument)?.[1];
        const previous = values[argumentIndex - 1];
        const value = inline ?? (typeof previous === "string" && IMAGE_FLAG.test(previous) ? argument : undefined);
        const candidate = value ? asLikelyImageReference(value) : undefined;
        if (candidate) emit(candidate, [...path, field, argumentIndex], "container-flag", true);
      });
    }
    if (Array.isArray(container.env)) {
      container.env.forEach((variable, variableIndex) => {
        const candidate = isRecord(variable) ? asLikelyImageReference(variable.value) : undefined;
        if (candidate) emit(candidate, [...path, "env", variableIndex, "value"], "container-env", true);
      });
    }
  });
}

/** Unknown kinds: fields named `image`/`*Image` holding a reference; split forms are candidates. */
function fieldsNamedImage(value: unknown, path: FieldPath, emit: Emit): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => fieldsNamedImage(item, [...path, index], emit));
    return;
  }
  if (!isRecord(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const childPath = [...path, key];
    if (key === "image" || /[a-z0-9]Image$/.test(key)) {
      const image = asPlausibleImageReference(child);
      if (image) {
        emit(image, childPath, "field-named-image");
        continue;
      }
      const composed = composeReference(child);
      if (composed) {
        emit(composed, childPath, "split-image-fields", true);
        continue;
      }
    }
    fieldsNamedImage(child, childPath, emit);
  }
}

/** A ConfigMap may carry manifests (templates an operator applies): their images are candidates. */
function embeddedDocuments(object: Record<string, unknown>, context: ExtractContext, findings: ScanFindings, base: FieldPath): void {
  if (!isRecord(object.data)) return;
  for (const [key, text] of Object.entries(object.data)) {
    if (typeof text !== "string" || !/\bkind:/.test(text)) continue;
    let documents: unknown[];
    try {
      documents = text.split(/^---\s*$/m).map((part) => parseYaml(part) as unknown);
    } catch {
      continue; // not YAML after all
    }
    for (const document of documents) {
      extractImages(document, { ...context, candidatesOnly: true, lineOf: undefined }, findings, [...base, "data", key]);
    }
  }
}

function lineField(context: ExtractContext, path: FieldPath): { line?: number } {
  const line = context.lineOf?.(path);
  return line === undefined ? {} : { line };
}
