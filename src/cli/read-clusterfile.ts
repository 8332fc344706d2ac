import { UsageError } from "./global-options.ts";

/** The Clusterfile named by `-f`, with its path (for file:line errors), or a usage error. */
export async function readClusterfile(path: string): Promise<{ text: string; file: string }> {
  const file = Bun.file(path);
  if (!(await file.exists())) throw new UsageError(`Cannot read the Clusterfile "${path}": no such file`);
  return { text: await file.text(), file: path };
}
