import type { GoValue } from "../template/go-value.ts";
import { createHelmTemplateSet } from "./create-helm-template-set.ts";

/**
 * Render one Go template with sprig's and Helm's functions (include and tpl see its defines), with
 * Go's defaults: a missing map key prints "<no value>" (with `missingKey: "error"` it fails, naming the key).
 *
 * @throws {TemplateError} `template: NAME:LINE:COL: …` when it cannot be parsed or executed
 */
export function renderHelmTemplate(name: string, text: string, data: GoValue, options: { missingKey?: "default" | "error" } = {}): string {
  const set = createHelmTemplateSet({ helm: false, ...(options.missingKey ? { missingKey: options.missingKey } : {}) });
  set.parse(name, text);
  return set.execute(name, data);
}
