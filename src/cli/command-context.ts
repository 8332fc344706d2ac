import { OciStore } from "../store/oci-store.ts";
import { defaultStoreRoot } from "../store/default-store-root.ts";
import type { CommandTable } from "./command-tree.ts";
import type { GlobalOptions } from "./global-options.ts";

// citty does not hand `data` down to sub-commands (`lade serve registry`), so the global options
// of the running command line are kept here, set once by run-cli before the command runs.
let current: GlobalOptions = { debug: false };

export function setGlobalOptions(options: GlobalOptions): void {
  current = options;
}

// The command table, for the commands that describe all the others (lade completion): set by
// run-cli, so that no command imports the table that imports it.
let table: CommandTable | undefined;

export function setCommandTable(commands: CommandTable): void {
  table = commands;
}

export function commandTable(): CommandTable {
  if (!table) throw new Error("The command table is set by run-cli before a command runs");
  return table;
}

export function globalOptions(): GlobalOptions {
  return current;
}

/** The store chosen by --root, LADE_ROOT or the default. */
export async function openStore(): Promise<OciStore> {
  return OciStore.open(current.root ?? defaultStoreRoot());
}
