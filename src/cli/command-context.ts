import { OciStore } from "../store/oci-store.ts";
import { defaultStoreRoot } from "../store/default-store-root.ts";
import type { GlobalOptions } from "./global-options.ts";

// citty does not hand `data` down to sub-commands (`lade serve registry`), so the global options
// of the running command line are kept here, set once by run-cli before the command runs.
let current: GlobalOptions = { debug: false };

export function setGlobalOptions(options: GlobalOptions): void {
  current = options;
}

export function globalOptions(): GlobalOptions {
  return current;
}

/** The store chosen by --root, LADE_ROOT or the default. */
export async function openStore(): Promise<OciStore> {
  return OciStore.open(current.root ?? defaultStoreRoot());
}
