import { removePasswordFiles } from "../run/ssh-password.ts";

/**
 * Ctrl-C, SIGTERM or SIGHUP during lade run/delete: the SSH password files go first, then lade
 * ends as the signal would have ended it ("exit" handlers do not run on a signal).
 */
export function removePasswordsOnSignals(): void {
  for (const [signal, number] of [["SIGINT", 2], ["SIGTERM", 15], ["SIGHUP", 1]] as const) {
    process.once(signal, () => {
      removePasswordFiles();
      process.exit(128 + number);
    });
  }
}
