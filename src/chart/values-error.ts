import { UserInputError, type SourceLocation } from "../util/source-location.ts";

/** A values, Chart.yaml or --set input lade cannot read; prints as `file:line:column: message`. */
export class ValuesError extends UserInputError {
  override name = "ValuesError";

  constructor(location: SourceLocation, message: string, options?: ErrorOptions) {
    super(location, message, options);
  }
}
