import { OciStore } from "../store/oci-store.ts";
import { defaultStoreRoot } from "../store/default-store-root.ts";
import type { GlobalOptions } from "./global-options.ts";

/** What run-cli hands every command through citty's `data`. */
export interface CommandData {
  readonly global: GlobalOptions;
}

export async function openStore(data: CommandData): Promise<OciStore> {
  return OciStore.open(data.global.root ?? defaultStoreRoot());
}
