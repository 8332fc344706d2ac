import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/**
 * Password logins with the system ssh, which reads a password only from a terminal or from an
 * SSH_ASKPASS program (SSH_ASKPASS_REQUIRE=force, OpenSSH 8.4 and later). The password goes into
 * a file of a private folder (0700/0600), never into an argument or the environment; the askpass
 * script next to it prints it. The folder is removed when lade exits (on a signal, the CLI calls
 * removePasswordFiles: "exit" does not come then).
 */
const ASKPASS = "askpass";
/** The password file of each password written so far: hosts sharing a password share its file. */
const files = new Map<string, string>();

/** Write PASSWORD for ssh's askpass (once per password); returns the password file to put in an SshTarget. */
export function createPasswordFile(password: string): string {
  const known = files.get(password);
  if (known) return known;
  if (files.size === 0) process.once("exit", removePasswordFiles);
  const folder = mkdtempSync(join(tmpdir(), "lade-ssh-"));
  const file = join(folder, "password");
  files.set(password, file);
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  writeFileSync(join(folder, ASKPASS), '#!/bin/sh\nexec cat "$LADE_SSH_PASSWORD_FILE"\n', { mode: 0o700 });
  return file;
}

export function removePasswordFiles(): void {
  for (const file of files.values()) rmSync(dirname(file), { recursive: true, force: true });
  files.clear();
}

/** `env SSH_ASKPASS=… SSH_ASKPASS_REQUIRE=force LADE_SSH_PASSWORD_FILE=…` before ssh, or nothing. */
export function askpassEnv(target: { readonly passwordFile?: string }): string[] {
  if (!target.passwordFile) return [];
  return ["env", `SSH_ASKPASS=${join(dirname(target.passwordFile), ASKPASS)}`, "SSH_ASKPASS_REQUIRE=force", `LADE_SSH_PASSWORD_FILE=${target.passwordFile}`];
}
