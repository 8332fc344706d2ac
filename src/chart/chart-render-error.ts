import type { SourceLocation } from "../util/source-location.ts";

/**
 * A chart that cannot be rendered. The message is Helm's (`execution error at
 * (app/templates/x.yaml:3:7): database.host is required`, `parse error at (…)`, or Go's
 * `template: app/templates/x.yaml:3:7: executing …`); `location` points at the template.
 */
export class ChartRenderError extends Error {
  override name = "ChartRenderError";
  readonly location: SourceLocation | undefined;

  constructor(message: string, options: ErrorOptions & { location?: SourceLocation } = {}) {
    super(message, options);
    this.location = options.location;
  }
}
