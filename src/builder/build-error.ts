import { UserInputError, type SourceLocation } from "../util/source-location.ts";

/** A build step that cannot be carried out because of what the Kubefile or the context says. */
export class BuildError extends UserInputError {
  override name = "BuildError";

  constructor(location: SourceLocation, message: string, options?: ErrorOptions) {
    super(location, message, options);
  }
}
