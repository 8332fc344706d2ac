import { basename } from "node:path";
import { repositoryOf } from "../oci/attachment-tag.ts";
import type { ImageInventory, InventoryBinary, InventoryChart, InventoryContainerImage, InventoryFile, PlatformInventory } from "./image-inventory.ts";

/**
 * The SBOM of a cluster image as CycloneDX 1.5 JSON. Pure, and reproducible: the same image gives
 * the same bytes (timestamp from the image's `created`, serial number from its name and digest).
 * CycloneDX rather than SPDX: it has component types for what a cluster image holds (container
 * images, applications, files) and nests them per platform, and its maintained npm library
 * validates it.
 */
export const CYCLONEDX_MEDIA_TYPE = "application/vnd.cyclonedx+json";

export interface CycloneDxComponent {
  readonly type: "container" | "application" | "file";
  readonly "bom-ref": string;
  readonly name: string;
  readonly version?: string;
  readonly purl?: string;
  readonly hashes?: readonly { readonly alg: "SHA-256"; readonly content: string }[];
  readonly externalReferences?: readonly { readonly type: "distribution"; readonly url: string; readonly hashes?: readonly { alg: "SHA-256"; content: string }[] }[];
  readonly properties?: readonly { readonly name: string; readonly value: string }[];
  readonly components?: readonly CycloneDxComponent[];
}

export interface CycloneDxBom {
  readonly bomFormat: "CycloneDX";
  readonly specVersion: "1.5";
  readonly serialNumber: string;
  readonly version: 1;
  readonly metadata: {
    readonly timestamp?: string;
    readonly tools: { readonly components: readonly { readonly type: "application"; readonly name: string; readonly version: string }[] };
    readonly component: CycloneDxComponent;
  };
  readonly components: readonly CycloneDxComponent[];
}

export interface BomOptions {
  /** The image's name (`registry/repo:tag`): what the SBOM is of. */
  readonly name: string;
  /** lade's version, named as the tool that wrote it. */
  readonly toolVersion: string;
}

export function cycloneDxBom(inventory: ImageInventory, options: BomOptions): CycloneDxBom {
  return {
    bomFormat: "CycloneDX",
    specVersion: "1.5",
    serialNumber: serialNumber(`${options.name}@${inventory.digest}`),
    version: 1,
    metadata: {
      ...(inventory.created ? { timestamp: inventory.created } : {}),
      tools: { components: [{ type: "application", name: "lade", version: options.toolVersion }] },
      component: {
        type: "container",
        "bom-ref": "image",
        name: repositoryOf(options.name),
        version: tagOf(options.name),
        hashes: [sha256(inventory.digest)],
        purl: ociPurl(repositoryOf(options.name), inventory.digest, tagOf(options.name)),
      },
    },
    components: inventory.platforms.map(platformComponent),
  };
}

/** Every component of a BOM with its platform and nesting flattened: reference → what it says (for comparing two). */
export function flattenComponents(components: readonly CycloneDxComponent[]): Map<string, CycloneDxComponent> {
  const flat = new Map<string, CycloneDxComponent>();
  const visit = (list: readonly CycloneDxComponent[]) => {
    for (const component of list) {
      const { components: children, ...own } = component;
      flat.set(component["bom-ref"], own);
      if (children) visit(children);
    }
  };
  visit(components);
  return flat;
}

function platformComponent(platform: PlatformInventory): CycloneDxComponent {
  const ref = (kind: string, id: string) => `${platform.platform}/${kind}/${id}`;
  const binaryPaths = new Set(platform.binaries.map((binary) => binary.path));
  return {
    type: "container",
    "bom-ref": platform.platform,
    name: `cluster image for ${platform.platform}`,
    version: platform.digest,
    hashes: [sha256(platform.digest)],
    properties: [{ name: "lade:platform", value: platform.platform }],
    components: [
      ...platform.binaries.map((binary) => binaryComponent(binary, ref("binary", binary.path))),
      ...platform.containerImages.map((image) => containerImageComponent(image, ref("image", image.reference))),
      ...platform.charts.map((chart) => chartComponent(chart, ref("chart", chart.path))),
      ...platform.files.filter((file) => !binaryPaths.has(file.path)).map((file) => fileComponent(file, ref("file", file.path))),
    ],
  };
}

function binaryComponent(binary: InventoryBinary, ref: string): CycloneDxComponent {
  const { provenance } = binary;
  return {
    type: "application",
    "bom-ref": ref,
    name: basename(binary.path),
    ...(provenance.version ? { version: provenance.version } : {}),
    hashes: [sha256(binary.sha256)],
    ...(provenance.url ? { externalReferences: [{ type: "distribution", url: provenance.url, hashes: [sha256(provenance.downloadSha256)] }] } : {}),
    properties: [
      { name: "lade:path", value: binary.path },
      { name: "lade:download", value: provenance.name },
      { name: "lade:download-checked", value: provenance.checked },
    ],
  };
}

function containerImageComponent(image: InventoryContainerImage, ref: string): CycloneDxComponent {
  return {
    type: "container",
    "bom-ref": ref,
    name: image.repository,
    version: image.tag,
    hashes: [sha256(image.digest)],
    purl: ociPurl(image.repository, image.digest, image.tag),
    properties: image.platforms.map((platform) => ({ name: "lade:platform", value: platform })),
  };
}

function chartComponent(chart: InventoryChart, ref: string): CycloneDxComponent {
  return { type: "application", "bom-ref": ref, name: chart.name, version: chart.version, properties: [{ name: "lade:kind", value: "helm-chart" }, { name: "lade:path", value: chart.path }] };
}

function fileComponent(file: InventoryFile, ref: string): CycloneDxComponent {
  return { type: "file", "bom-ref": ref, name: file.path, hashes: [sha256(file.sha256)], properties: [{ name: "lade:size", value: String(file.size) }] };
}

function sha256(hexOrDigest: string): { alg: "SHA-256"; content: string } {
  return { alg: "SHA-256", content: hexOrDigest.replace(/^sha256:/, "") };
}

/** The tag of a store name (`registry/repo:tag`), "latest" when it has none. */
function tagOf(name: string): string {
  const repository = repositoryOf(name);
  return name.length > repository.length && name[repository.length] === ":" ? name.slice(repository.length + 1) : "latest";
}

/** The package URL of an OCI image (purl-spec's `oci` type): its last path segment, digest, repository and tag. */
function ociPurl(repository: string, digest: string, tag: string): string {
  return `pkg:oci/${encodeURIComponent(basename(repository))}@${encodeURIComponent(digest)}?repository_url=${encodeURIComponent(repository)}&tag=${encodeURIComponent(tag)}`;
}

/** A UUID (RFC 9562 version 8, "custom") from the sha256 of TEXT: the same image, the same serial number. */
function serialNumber(text: string): string {
  const hex = new Bun.CryptoHasher("sha256").update(text).digest("hex").slice(0, 32).split("");
  hex[12] = "8";
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const joined = hex.join("");
  return `urn:uuid:${joined.slice(0, 8)}-${joined.slice(8, 12)}-${joined.slice(12, 16)}-${joined.slice(16, 20)}-${joined.slice(20)}`;
}
