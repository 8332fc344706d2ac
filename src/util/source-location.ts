/** A position in a user's file, 1-based, printed compiler-style as `file:line:column`. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

/** An error in user input that points at the place in the file that caused it. */
export class UserInputError extends SyntaxError {
  override name = "UserInputError";
  readonly location: SourceLocation;

  constructor(location: SourceLocation, message: string, options?: ErrorOptions) {
    super(`${formatLocation(location)}: ${message}`, options);
    this.location = location;
  }
}
