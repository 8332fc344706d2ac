import { UserInputError, type SourceLocation } from "../util/source-location.ts";

/**
 * A template that cannot be parsed or executed. The message is Go's text/template message,
 * unchanged, so users see what Helm and kubeadm show them:
 * `template: NAME:LINE: unexpected "}" in operand` (parse) or
 * `template: NAME:LINE:COL: executing "NAME" at <.Values.x>: …` (exec, COL counted in bytes from 0).
 * `location` is the same place, 1-based (file = the name the text was parsed under).
 */
export class TemplateError extends UserInputError {
  override name = "TemplateError";
  /** Which template was executing (exec errors), or was being parsed. */
  readonly templateName: string;
  readonly phase: "parse" | "exec";

  constructor(
    message: string,
    details: { location: SourceLocation; templateName: string; phase: "parse" | "exec" },
    options?: ErrorOptions,
  ) {
    super(details.location, message, options);
    this.message = message;
    this.templateName = details.templateName;
    this.phase = details.phase;
  }
}
