import { GoStruct, withGoType, type GoSignature } from "../template/go-value.ts";

/** The Kubernetes version `helm template` assumes when none is given (`--kube-version`). */
export const DEFAULT_KUBE_VERSION = "v1.33.0";

/**
 * The group/versions `.Capabilities.APIVersions.Has` knows without a cluster: what client-go's
 * scheme and apiextensions register (Helm's allKnownVersions, as the oracle lists them).
 */
export const DEFAULT_API_VERSIONS: readonly string[] = [
  "v1",
  "admissionregistration.k8s.io/v1", "admissionregistration.k8s.io/v1alpha1", "admissionregistration.k8s.io/v1beta1",
  "internal.apiserver.k8s.io/v1alpha1",
  "apps/v1", "apps/v1beta1", "apps/v1beta2",
  "authentication.k8s.io/v1", "authentication.k8s.io/v1alpha1", "authentication.k8s.io/v1beta1",
  "authorization.k8s.io/v1", "authorization.k8s.io/v1beta1",
  "autoscaling/v1", "autoscaling/v2", "autoscaling/v2beta1", "autoscaling/v2beta2",
  "batch/v1", "batch/v1beta1",
  "certificates.k8s.io/v1", "certificates.k8s.io/v1alpha1", "certificates.k8s.io/v1beta1",
  "coordination.k8s.io/v1", "coordination.k8s.io/v1alpha2", "coordination.k8s.io/v1beta1",
  "discovery.k8s.io/v1", "discovery.k8s.io/v1beta1",
  "events.k8s.io/v1", "events.k8s.io/v1beta1",
  "extensions/v1beta1",
  "flowcontrol.apiserver.k8s.io/v1", "flowcontrol.apiserver.k8s.io/v1beta1", "flowcontrol.apiserver.k8s.io/v1beta2", "flowcontrol.apiserver.k8s.io/v1beta3",
  "networking.k8s.io/v1", "networking.k8s.io/v1alpha1", "networking.k8s.io/v1beta1",
  "node.k8s.io/v1", "node.k8s.io/v1alpha1", "node.k8s.io/v1beta1",
  "policy/v1", "policy/v1beta1",
  "rbac.authorization.k8s.io/v1", "rbac.authorization.k8s.io/v1alpha1", "rbac.authorization.k8s.io/v1beta1",
  "resource.k8s.io/v1alpha3", "resource.k8s.io/v1beta1", "resource.k8s.io/v1beta2",
  "scheduling.k8s.io/v1", "scheduling.k8s.io/v1alpha1", "scheduling.k8s.io/v1beta1",
  "storage.k8s.io/v1", "storage.k8s.io/v1alpha1", "storage.k8s.io/v1beta1",
  "storagemigration.k8s.io/v1alpha1",
  "apiextensions.k8s.io/v1", "apiextensions.k8s.io/v1beta1",
];

/** `.Capabilities.KubeVersion`: Version "v1.33.0", Major "1", Minor "33", GitVersion and String methods. */
export class KubeVersion extends GoStruct {
  readonly goTypeName = "chartutil.KubeVersion";
  readonly Version: string;
  readonly Major: string;
  readonly Minor: string;

  constructor(version: string, major: string, minor: string) {
    super();
    this.Version = version;
    this.Major = major;
    this.Minor = minor;
  }

  GitVersion(): string {
    return this.Version;
  }

  String(): string {
    return this.Version;
  }
}

/** `.Capabilities.APIVersions` (a `[]string` with a `Has` method). */
export class VersionSet extends GoStruct {
  readonly goTypeName = "chartutil.VersionSet";
  /** On the prototype, so that printing the struct does not list it as a field. */
  declare readonly goMethodTypes: Readonly<Record<string, GoSignature>>;
  readonly #versions: readonly string[];

  constructor(versions: readonly string[]) {
    super();
    this.#versions = versions;
  }

  /** The versions as a Go `[]string`, for `range` and printing. */
  override goUnderlying(): string[] {
    return withGoType([...this.#versions], "[]string");
  }

  Has(apiVersion: string): boolean {
    return this.#versions.includes(apiVersion);
  }

  String(): string {
    return `[${this.#versions.join(" ")}]`;
  }
}

Object.defineProperty(VersionSet.prototype, "goMethodTypes", { value: { Has: { params: ["string"] } } });

/** `.Capabilities.HelmVersion`, as the oracle reports it. */
export class BuildInfo extends GoStruct {
  readonly goTypeName = "version.BuildInfo";
  readonly Version = "v3.19.0";
  readonly GitCommit = "tplrender";
  readonly GitTreeState = "clean";
  readonly GoVersion = "go1.19";
}

/** `.Capabilities`. */
export class Capabilities extends GoStruct {
  readonly goTypeName = "chartutil.Capabilities";
  readonly KubeVersion: KubeVersion;
  readonly APIVersions: VersionSet;
  readonly HelmVersion = new BuildInfo();

  constructor(kubeVersion: KubeVersion, apiVersions: VersionSet) {
    super();
    this.KubeVersion = kubeVersion;
    this.APIVersions = apiVersions;
  }
}

/**
 * Capabilities for a Kubernetes version such as "v1.33.0" or "1.29" (the "v" is optional; the
 * minor defaults to "0"), with the default API versions plus `extraApiVersions`.
 *
 * @throws {RangeError} when the version does not start with a number
 */
export function makeCapabilities(kubeVersion = DEFAULT_KUBE_VERSION, extraApiVersions: readonly string[] = []): Capabilities {
  const version = kubeVersion.replace(/^v/, "");
  const parts = version.split(".");
  const major = parts[0] ?? "";
  const minor = parts.length > 1 ? parts[1]! : "0";
  if (!/^[+-]?\d+$/.test(major)) throw new RangeError(`Cannot use Kubernetes version "${kubeVersion}": it must look like v1.33.0`);
  return new Capabilities(new KubeVersion(`v${version}`, major, minor), new VersionSet([...DEFAULT_API_VERSIONS, ...extraApiVersions]));
}
