import type { Digest } from "../oci/digest.ts";
import type { HistoryEntry } from "../oci/image-manifest.ts";
import type { Platform } from "../oci/platform.ts";
import type { SourceLocation } from "../util/source-location.ts";
import type { CachedLayer } from "../store/build-cache.ts";
import type { Application, ContainerImage, Launch } from "./image-extension.ts";
import type { NodeFileRecord } from "./node-files-annotation.ts";
import type { ImagePlatformGap } from "./platform-gaps.ts";
import type { RootfsIndex } from "./rootfs-index.ts";
import type { WorkingCopy } from "./working-copy.ts";

/** Everything one platform's build has accumulated so far. */
export interface PlatformBuildState {
  readonly platform: Platform;
  readonly layers: CachedLayer[];
  readonly history: HistoryEntry[];
  /** Image ENV, in definition order; also the cluster's global env. */
  readonly env: Map<string, string>;
  /** ARG values in scope, for RUN's environment. */
  readonly args: Map<string, string>;
  readonly labels: Map<string, string>;
  readonly applications: Map<string, Application>;
  /** Where each app of this Kubefile was declared, for errors found at the end. */
  readonly appLocations: Map<string, SourceLocation>;
  launch: Launch | undefined;
  /** Deprecated CMD lines of this Kubefile, which together replace the base's launch. */
  readonly cmdLines: string[];
  author: string | undefined;
  readonly rootfs: RootfsIndex;
  /** Cache key of the layers so far: each layer's key chains the one before. */
  chainKey: Digest;
  workingCopy: WorkingCopy | undefined;
  readonly baseAnnotations: Record<string, string>;
  /** Container images in the registry folder, for the `sealer.image.container.images` annotation. */
  readonly containerImages: ContainerImage[];
  /** Images of the registry folder that lack some platforms (the base's and this build's). */
  platformGaps: ImagePlatformGap[];
  /** What each node file is made from (set once the instructions are done). */
  nodeFiles: NodeFileRecord[];
  /** Templates whose rendered file the image holds in a newer layer (not rendered at install). */
  shadowedTemplates: string[];
}
