import type { GoValue } from "./go-value.ts";
import { TemplateSet, type TemplateSetOptions } from "./template-set.ts";

/**
 * Parses and executes one template text (with the defines it contains) — Go's
 * `template.Must(template.New(name).Funcs(f).Parse(text)).Execute(w, data)`.
 * `options.name` names the template in messages (default "template").
 * @throws {TemplateError} when the text does not parse or does not execute
 */
export function renderTemplate(text: string, data: GoValue, options: TemplateSetOptions = {}): string {
  const name = options.name ?? "template";
  const set = new TemplateSet({ ...options, name });
  set.parse(name, text);
  return set.execute(name, data);
}
