import { UsageError } from "./global-options.ts";

/** The password on stdin: its first line (a trailing newline is not part of it). */
export async function readPasswordFromStdin(): Promise<string> {
  const text = await Bun.stdin.text();
  const password = text.split(/\r?\n/)[0] ?? "";
  if (!password) throw new UsageError("--ssh-password-stdin: stdin holds no password");
  return password;
}
