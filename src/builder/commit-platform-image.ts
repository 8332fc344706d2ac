import type { Descriptor } from "../oci/descriptor.ts";
import type { ImageConfig, ImageManifest } from "../oci/image-manifest.ts";
import { serializeJson } from "../oci/image-manifest.ts";
import { MediaTypes } from "../oci/media-types.ts";
import type { OciStore } from "../store/oci-store.ts";
import { BuildError } from "./build-error.ts";
import {
  CONTAINER_IMAGES_ANNOTATION,
  EXTENSION_ANNOTATION,
  type ImageExtension,
} from "./image-extension.ts";
import type { PlatformBuildState } from "./platform-build-state.ts";
import { NODE_FILES_ANNOTATION, SHADOWED_TEMPLATES_ANNOTATION } from "./node-files-annotation.ts";
import { PLATFORM_GAPS_ANNOTATION } from "./platform-gaps.ts";

export interface CommitOptions {
  readonly created: string;
  readonly extraLabels: Readonly<Record<string, string>>;
  readonly imageType: ImageExtension["type"];
}

/** Write the config and manifest of one platform; the layers are already in the store. */
export async function commitPlatformImage(
  store: OciStore,
  state: PlatformBuildState,
  options: CommitOptions,
): Promise<Descriptor> {
  checkApplicationsCanLaunch(state);
  const labels = sortedRecord(new Map([...state.labels, ...Object.entries(options.extraLabels)]));
  const config: ImageConfig & { author?: string } = {
    created: options.created,
    ...(state.author ? { author: state.author } : {}),
    architecture: state.platform.architecture,
    os: state.platform.os,
    ...(state.platform.variant ? { variant: state.platform.variant } : {}),
    config: {
      ...(state.env.size > 0 ? { Env: [...state.env].map(([key, value]) => `${key}=${value}`) } : {}),
      ...(Object.keys(labels).length > 0 ? { Labels: labels } : {}),
    },
    rootfs: { type: "layers", diff_ids: state.layers.map((layer) => layer.diffId) },
    history: state.history.map((entry) => ({ created: options.created, ...entry })),
  };
  const configDescriptor = await store.writeBlob(serializeJson(config), MediaTypes.ociConfig);
  const extension: ImageExtension = {
    schemaVersion: "v1alpha1",
    type: options.imageType,
    ...(state.applications.size > 0 ? { applications: [...state.applications.values()] } : {}),
    ...(state.launch ? { launch: state.launch } : {}),
    ...(state.env.size > 0 ? { env: Object.fromEntries(state.env) } : {}),
  };
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    config: configDescriptor,
    layers: state.layers.map((layer) => layer.descriptor),
    annotations: {
      ...state.baseAnnotations,
      [CONTAINER_IMAGES_ANNOTATION]: JSON.stringify(state.containerImages),
      [EXTENSION_ANNOTATION]: JSON.stringify(extension),
      ...(state.platformGaps.length > 0 ? { [PLATFORM_GAPS_ANNOTATION]: JSON.stringify(state.platformGaps) } : {}),
      ...(state.nodeFiles.length > 0 ? { [NODE_FILES_ANNOTATION]: JSON.stringify(state.nodeFiles) } : {}),
      ...(state.shadowedTemplates.length > 0 ? { [SHADOWED_TEMPLATES_ANNOTATION]: JSON.stringify(state.shadowedTemplates) } : {}),
    },
  };
  const descriptor = await store.writeBlob(serializeJson(manifest), MediaTypes.ociManifest);
  return { ...descriptor, platform: state.platform };
}

/** An app lade cannot classify must say how it is launched. */
function checkApplicationsCanLaunch(state: PlatformBuildState): void {
  for (const [name, location] of state.appLocations) {
    const application = state.applications.get(name);
    if (application && application.type === "" && !application.cmds?.length) {
      throw new BuildError(location, `Cannot tell how to launch app "${name}": it is neither a Helm chart, nor only YAML files, nor only shell scripts; add "APPCMDS ${name} [...]"`);
    }
  }
}

function sortedRecord(map: Map<string, string>): Record<string, string> {
  return Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
