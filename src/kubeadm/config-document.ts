import type { SourceLocation } from "../util/source-location.ts";
import type { ConfigObject, ConfigPath } from "./config-value.ts";
import type { ConfigKind } from "./kubeadm-api.ts";

/** Where a document was written, to point errors and warnings at the field. */
export interface DocumentSource {
  readonly location: SourceLocation;
  locate(path: ConfigPath, part?: "key" | "value"): SourceLocation;
}

/**
 * One document of a kubeadm config (InitConfiguration, ClusterConfiguration, …): its apiVersion
 * and kind, and every other field in `body`. Layers (defaults, image, Clusterfile) are lists of these.
 */
export interface ConfigDocument {
  readonly kind: ConfigKind;
  readonly apiVersion: string;
  readonly body: ConfigObject;
  readonly source?: DocumentSource;
}
