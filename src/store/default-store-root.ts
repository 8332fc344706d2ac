import { homedir } from "node:os";
import { join } from "node:path";

/** `--root` wins, then LADE_ROOT, then /var/lib/lade for root, else $XDG_DATA_HOME/lade. */
export function defaultStoreRoot(env: Record<string, string | undefined> = process.env): string {
  if (env.LADE_ROOT) return env.LADE_ROOT;
  if (process.getuid?.() === 0) return "/var/lib/lade";
  const dataHome = env.XDG_DATA_HOME || join(homedir(), ".local", "share");
  return join(dataHome, "lade");
}
