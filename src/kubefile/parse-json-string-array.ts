/** One decoded element and where its token starts and ends, so errors can point at it. */
export interface JsonString {
  readonly value: string;
  readonly offset: number;
  readonly end: number;
}

export interface JsonSyntaxFailure {
  readonly ok: false;
  readonly offset: number;
  readonly message: string;
}

export type JsonStringArrayResult = { readonly ok: true; readonly elements: readonly JsonString[] } | JsonSyntaxFailure;

/**
 * Parses text that must be exactly one JSON array of strings (Docker's exec form).
 * Returns a result rather than throwing because RUN falls back to the shell form.
 */
export function parseJsonStringArray(text: string): JsonStringArrayResult {
  let position = skipWhitespace(text, 0);
  if (text[position] !== "[") return failure(position, 'Expected "[" to start a JSON array');
  position = skipWhitespace(text, position + 1);

  const elements: JsonString[] = [];
  if (text[position] === "]") return finish(text, position + 1, elements);
  for (;;) {
    const element = readString(text, position);
    if ("ok" in element) return element;
    elements.push(element);
    position = skipWhitespace(text, element.end);
    if (text[position] === "]") return finish(text, position + 1, elements);
    if (text[position] !== ",") return unexpected(text, position, 'Expected "," or "]" in the JSON array');
    position = skipWhitespace(text, position + 1);
  }
}

function readString(text: string, start: number): JsonString | JsonSyntaxFailure {
  if (text[start] !== '"') return unexpected(text, start, "Expected a string in the JSON array");
  const end = findClosingQuote(text, start);
  if (end < 0) return failure(start, "Unterminated string in the JSON array");
  const token = text.slice(start, end + 1);
  try {
    return { value: JSON.parse(token) as string, offset: start, end: end + 1 };
  } catch {
    return failure(start, `Invalid JSON string ${token}`);
  }
}

function findClosingQuote(text: string, start: number): number {
  for (let index = start + 1; index < text.length; index++) {
    if (text[index] === "\\") index++;
    else if (text[index] === '"') return index;
  }
  return -1;
}

function finish(text: string, position: number, elements: readonly JsonString[]): JsonStringArrayResult {
  const end = skipWhitespace(text, position);
  if (end < text.length) return failure(end, "Unexpected text after the JSON array");
  return { ok: true, elements };
}

/** Running out of text is the more useful thing to report than the missing character. */
function unexpected(text: string, position: number, message: string): JsonSyntaxFailure {
  if (position >= text.length) return failure(position, 'Unterminated JSON array: missing "]"');
  return failure(position, message);
}

function failure(offset: number, message: string): JsonSyntaxFailure {
  return { ok: false, offset, message };
}

function skipWhitespace(text: string, position: number): number {
  while (position < text.length && " \t\r\n".includes(text.charAt(position))) position++;
  return position;
}
