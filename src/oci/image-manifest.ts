import type { Descriptor } from "./descriptor.ts";
import type { Digest } from "./digest.ts";

export interface ImageManifest {
  readonly schemaVersion: 2;
  readonly mediaType: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface ImageIndex {
  readonly schemaVersion: 2;
  readonly mediaType: string;
  readonly manifests: readonly Descriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface HistoryEntry {
  readonly created?: string;
  readonly created_by?: string;
  readonly comment?: string;
  readonly empty_layer?: boolean;
}

/** The OCI image configuration; `config` holds what a Kubefile's ENV and LABEL set. */
export interface ImageConfig {
  readonly created?: string;
  readonly architecture: string;
  readonly os: string;
  readonly variant?: string;
  readonly config: {
    readonly Env?: readonly string[];
    readonly Labels?: Readonly<Record<string, string>>;
  };
  readonly rootfs: { readonly type: "layers"; readonly diff_ids: readonly Digest[] };
  readonly history?: readonly HistoryEntry[];
}

/** Serialize a manifest, index or config the one way lade does: compact JSON, keys in insertion order. */
export function serializeJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}
