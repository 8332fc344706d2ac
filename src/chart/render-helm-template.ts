import type { GoValue } from "../template/go-value.ts";
import { createHelmTemplateSet } from "./create-helm-template-set.ts";

/**
 * Render one Go template with sprig's and Helm's functions (include and tpl see its defines), with
 * Go's defaults: a missing map key prints "<no value>".
 *
 * @throws {TemplateError} `template: NAME:LINE:COL: …` when it cannot be parsed or executed
 */
export function renderHelmTemplate(name: string, text: string, data: GoValue): string {
  const set = createHelmTemplateSet({ helm: false });
  set.parse(name, text);
  return set.execute(name, data);
}
