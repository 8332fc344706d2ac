import { UsageError } from "./global-options.ts";

/** The options that give a key's passphrase: never on the command line itself. */
export const passphraseArgs = {
  "passphrase-file": { type: "string", description: "Read the key's passphrase from this file (its first line)" },
  "passphrase-stdin": { type: "boolean", description: "Read the key's passphrase from stdin (its first line)" },
} as const;

/** The passphrase of --passphrase-file or --passphrase-stdin (one of them is needed; an empty passphrase is allowed, as cosign allows it). */
export async function readPassphrase(args: { "passphrase-file"?: string; "passphrase-stdin"?: boolean }): Promise<string> {
  if (args["passphrase-file"] && args["passphrase-stdin"]) throw new UsageError("Give --passphrase-file or --passphrase-stdin, not both");
  if (args["passphrase-file"]) {
    const file = Bun.file(args["passphrase-file"]);
    if (!(await file.exists())) throw new UsageError(`--passphrase-file ${args["passphrase-file"]} does not exist`);
    return firstLine(await file.text());
  }
  if (args["passphrase-stdin"]) return firstLine(await Bun.stdin.text());
  throw new UsageError("The key's passphrase: give --passphrase-file FILE or --passphrase-stdin (never on the command line)");
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0] ?? "";
}
