/** A path to a value in a parsed document: keys and list indexes. */
export type FieldPath = readonly (string | number)[];

/** `spec.containers[0].image` */
export function formatFieldPath(path: FieldPath): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else text += text ? `.${part}` : part;
  }
  return text;
}

/**
 * Every value a simple path (`a.b[*].c`, `.a.b`, `{.a.b}`) reaches in `root`, with its concrete
 * path. `[*]` walks each item of a list; `[N]` takes one.
 */
export function selectPath(root: unknown, expression: string, base: FieldPath = []): { value: unknown; path: FieldPath }[] {
  const steps = parsePathExpression(expression);
  let current: { value: unknown; path: FieldPath }[] = [{ value: root, path: base }];
  for (const step of steps) {
    const next: { value: unknown; path: FieldPath }[] = [];
    for (const { value, path } of current) {
      if (step === "*") {
        if (Array.isArray(value)) value.forEach((item, index) => next.push({ value: item, path: [...path, index] }));
      } else if (typeof step === "number") {
        if (Array.isArray(value) && step < value.length) next.push({ value: value[step], path: [...path, step] });
      } else if (isRecord(value) && step in value) {
        next.push({ value: value[step], path: [...path, step] });
      }
    }
    current = next;
  }
  return current;
}

export function parsePathExpression(expression: string): (string | number | "*")[] {
  const text = expression.trim().replace(/^\{(.*)\}$/, "$1").replace(/^\$?\./, "");
  const steps: (string | number | "*")[] = [];
  for (const match of text.matchAll(/([^.[\]]+)|\[(\*|\d+)\]/g)) {
    if (match[1] !== undefined) steps.push(match[1]);
    else steps.push(match[2] === "*" ? "*" : Number(match[2]));
  }
  if (steps.length === 0) throw new TypeError(`Cannot parse field path "${expression}": it is empty`);
  return steps;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
