/**
 * The application and launch metadata of a cluster image, shaped like sealer's
 * `sealer.image.extension` annotation so sealer-era tooling can read lade images.
 */
export const EXTENSION_ANNOTATION = "sealer.image.extension";
export const CONTAINER_IMAGES_ANNOTATION = "sealer.image.container.images";

export type ApplicationType = "helm" | "kube" | "shell" | "";

export interface Application {
  readonly name: string;
  readonly type: ApplicationType;
  /** Files relative to the app folder that the default launch uses (kube and shell apps). */
  readonly files: readonly string[];
  readonly version: "v1";
  readonly env?: Readonly<Record<string, string>>;
  readonly cmds?: readonly string[];
}

export interface Launch {
  readonly cmds?: readonly string[];
  readonly app_names?: readonly string[];
}

export interface ImageExtension {
  readonly schemaVersion: "v1alpha1";
  readonly type: "kube-installer" | "app-installer";
  readonly applications?: readonly Application[];
  readonly launch?: Launch;
  readonly env?: Readonly<Record<string, string>>;
}

export interface ContainerImage {
  readonly image: string;
  readonly appName?: string;
  readonly platform?: { readonly architecture: string; readonly os: string; readonly variant?: string };
}

/** Read the extension of a manifest, or undefined when it has none (a plain OCI image). */
export function parseImageExtension(annotations: Readonly<Record<string, string>> | undefined): ImageExtension | undefined {
  type Stored = Omit<Application, "files"> & { readonly files?: readonly string[]; readonly launchfiles?: readonly string[] };
  const extension = parseJsonAnnotation<Omit<ImageExtension, "applications"> & { readonly applications?: readonly Stored[] }>(annotations, EXTENSION_ANNOTATION);
  if (!extension?.applications) return extension as ImageExtension | undefined;
  // sealer v0.9.0 named an app's files "launchfiles"
  const applications = extension.applications.map(({ launchfiles, ...app }): Application => ({ ...app, type: app.type ?? "", files: app.files ?? launchfiles ?? [] }));
  return { ...extension, applications };
}

export function parseContainerImages(annotations: Readonly<Record<string, string>> | undefined): ContainerImage[] {
  return parseJsonAnnotation<ContainerImage[]>(annotations, CONTAINER_IMAGES_ANNOTATION) ?? [];
}

/** A manifest annotation that holds JSON, or undefined when the manifest has none. */
export function parseJsonAnnotation<T>(annotations: Readonly<Record<string, string>> | undefined, key: string): T | undefined {
  const text = annotations?.[key];
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new TypeError(`Cannot parse the "${key}" annotation: it is not JSON`, { cause: error });
  }
}
