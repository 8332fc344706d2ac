import { join } from "node:path";
import type { ContextFilter } from "./collect-copy-entries.ts";
import { createIgnoreMatcher, parseIgnoreFile } from "./ignore-matcher.ts";

export const IGNORE_FILE = ".kubeignore";

/** The context's `.kubeignore` (dockerignore syntax) as a filter; no file means nothing is left out. */
export async function loadContextFilter(contextDir: string): Promise<ContextFilter> {
  const file = Bun.file(join(contextDir, IGNORE_FILE));
  if (!(await file.exists())) return createIgnoreMatcher([]);
  return createIgnoreMatcher(parseIgnoreFile(await file.text(), { file: join(contextDir, IGNORE_FILE) }));
}
