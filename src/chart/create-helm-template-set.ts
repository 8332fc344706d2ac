import type { GoValue } from "../template/go-value.ts";
import { allFunctions } from "../template/functions/helm-functions.ts";
import type { TemplateRuntime } from "../template/template-function.ts";
import { TemplateSet } from "../template/template-set.ts";

/** A template set configured as Helm's engine runs charts, and its toYaml for `.Files.AsConfig`. */
export interface HelmTemplateSet {
  parse(name: string, text: string): void;
  execute(name: string, data: GoValue): string;
  readonly toYaml: (value: GoValue) => string;
}

/**
 * A TemplateSet with sprig and Helm's functions (include, tpl, required, toYaml…) bound to it and
 * `missingkey=zero`, as Helm's engine renders charts (or Go's defaults, for a plain template).
 * With `helm`, "<no value>" is removed from what `execute` and `tpl` return but not from what
 * `include` returns — as in Helm, where `include "x" . | sha256sum` hashes the "<no value>".
 */
export function createHelmTemplateSet(options: { helm?: boolean; missingKey?: "default" | "zero" | "error" } = {}): HelmTemplateSet & { readonly set: TemplateSet } {
  const helm = options.helm ?? true;
  let runtime: TemplateRuntime | undefined;
  // include and tpl act on whichever set of this family is executing (tpl's copies included);
  // the set needs the functions first, so the runtime is looked up when they are called.
  const lateRuntime: TemplateRuntime = {
    include: (name, data) => runtime!.include(name, data),
    tpl: (text, data) => (helm ? stripNoValue(runtime!.tpl(text, data)) : runtime!.tpl(text, data)),
  };
  const functions = allFunctions(lateRuntime);
  const set = new TemplateSet({ functions, missingKey: options.missingKey ?? (helm ? "zero" : "default") });
  runtime = set.runtime();
  const toYaml = functions.toYaml!;
  return {
    set,
    parse: (name, text) => set.parse(name, text),
    execute: (name, data) => (helm ? stripNoValue(set.execute(name, data)) : set.execute(name, data)),
    toYaml: (value) => toYaml.fn(value) as string,
  };
}

function stripNoValue(text: string): string {
  return text.replaceAll("<no value>", "");
}
