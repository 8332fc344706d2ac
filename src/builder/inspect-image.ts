import type { Descriptor } from "../oci/descriptor.ts";
import type { HistoryEntry } from "../oci/image-manifest.ts";
import { formatPlatform } from "../oci/platform.ts";
import type { OciStore } from "../store/oci-store.ts";
import { readImage } from "../store/read-image.ts";
import {
  parseContainerImages,
  parseImageExtension,
  type Application,
  type ContainerImage,
  type Launch,
} from "./image-extension.ts";
import { parseNodeFiles, type NodeFileRecord } from "./node-files-annotation.ts";
import { parsePlatformGaps, type ImagePlatformGap } from "./platform-gaps.ts";

export interface InspectedLayer {
  readonly digest: string;
  readonly size: number;
  readonly mediaType: string;
  readonly createdBy?: string;
}

export interface InspectedPlatform {
  readonly platform: string;
  readonly digest: string;
  readonly configDigest: string;
  readonly created?: string;
  readonly env: Record<string, string>;
  readonly labels: Record<string, string>;
  readonly applications: readonly Application[];
  readonly launch?: Launch;
  readonly imageType?: string;
  readonly containerImages: readonly ContainerImage[];
  /** Container images of the registry that lack some of the image's platforms (the same on every platform). */
  readonly platformGaps: readonly ImagePlatformGap[];
  /** What each node file is made from (docker's daemon.json, units, containerd's config, kubeadm config). */
  readonly nodeFiles: readonly NodeFileRecord[];
  readonly layers: readonly InspectedLayer[];
  readonly size: number;
  readonly annotations: Record<string, string>;
}

/** What `lade inspect` shows; its JSON form is a stable contract. */
export interface InspectedImage {
  readonly name?: string;
  readonly digest: string;
  readonly mediaType: string;
  readonly platforms: readonly InspectedPlatform[];
}

export async function inspectImage(store: OciStore, descriptor: Descriptor, name?: string): Promise<InspectedImage> {
  const image = await readImage(store, descriptor);
  const platforms = image.platforms.map(({ descriptor: manifestDescriptor, manifest, config, platform }) => {
    const extension = parseImageExtension(manifest.annotations);
    const layerHistory = (config.history ?? []).filter((entry: HistoryEntry) => !entry.empty_layer);
    const env = Object.fromEntries(
      (config.config.Env ?? []).map((variable) => [variable.slice(0, variable.indexOf("=")), variable.slice(variable.indexOf("=") + 1)]),
    );
    const layers = manifest.layers.map((layer, index) => ({
      digest: layer.digest,
      size: layer.size,
      mediaType: layer.mediaType,
      ...(layerHistory[index]?.created_by ? { createdBy: layerHistory[index]!.created_by } : {}),
    }));
    return {
      platform: formatPlatform(platform),
      digest: manifestDescriptor.digest,
      configDigest: manifest.config.digest,
      ...(config.created ? { created: config.created } : {}),
      env,
      labels: { ...config.config.Labels },
      applications: extension?.applications ?? [],
      ...(extension?.launch ? { launch: extension.launch } : {}),
      ...(extension?.type ? { imageType: extension.type } : {}),
      containerImages: parseContainerImages(manifest.annotations),
      platformGaps: parsePlatformGaps(manifest.annotations),
      nodeFiles: parseNodeFiles(manifest.annotations) ?? [],
      layers,
      size: layers.reduce((sum, layer) => sum + layer.size, 0),
      annotations: { ...manifest.annotations },
    };
  });
  return { ...(name ? { name } : {}), digest: descriptor.digest, mediaType: descriptor.mediaType, platforms };
}
