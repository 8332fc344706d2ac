import table from "./data/k8s-versions.json" with { type: "json" };
import { parseKubeadmApiVersion, type KubeadmApiVersion } from "./kubeadm-api.ts";

interface PatchRange {
  readonly from: string;
  readonly to: string;
  readonly pause: string;
  readonly etcd: string;
  readonly coredns: string;
  readonly corednsPath: string;
  readonly repo: string;
}

interface MinorEntry {
  readonly kubeadmAPI: string;
  readonly kubeadmAPIsAccepted: readonly string[];
  readonly dockershim: boolean;
  readonly dockerCriSocket: string;
  readonly containerdCriSocket: string;
  readonly latestPatchSeen: string;
  readonly patches: readonly PatchRange[];
}

const MINORS = table as unknown as Readonly<Record<string, MinorEntry>>;

/** What lade needs to know about one Kubernetes release to write its kubeadm config. */
export interface KubernetesVersionInfo {
  /** Normalized, with the "v": `v1.27.3`. */
  readonly version: string;
  readonly minor: number;
  readonly patch: number;
  /** The newest kubeadm API this release accepts: the one lade writes. */
  readonly kubeadmApi: KubeadmApiVersion;
  /** Every kubeadm API this release's kubeadm reads. */
  readonly acceptedApis: readonly KubeadmApiVersion[];
  /** kubeadm's compiled-in default image repository (`k8s.gcr.io` or `registry.k8s.io`). */
  readonly defaultImageRepository: string;
  /** `coredns` (≤ v1.20) or `coredns/coredns` (≥ v1.21), under the default repository. */
  readonly corednsPath: string;
  readonly pause: string;
  readonly etcd: string;
  readonly coredns: string;
  /** The kubelet still has dockershim (≤ v1.23); from v1.24 docker needs cri-dockerd. */
  readonly dockershim: boolean;
  readonly dockerCriSocket: string;
  readonly containerdCriSocket: string;
}

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** The minors lade has data for, oldest first (`v1.16` …). */
export function knownMinors(): string[] {
  return Object.keys(MINORS).sort((a, b) => Number(a.split(".")[1]) - Number(b.split(".")[1]));
}

/** The newest patch the table knows for a minor ("v1.27" → "v1.27.16"). */
export function latestKnownPatch(minor: string): string | undefined {
  return MINORS[minor]?.latestPatchSeen;
}

/**
 * Look a Kubernetes version up in the table compiled into lade (../shared/data/k8s-versions.json).
 * A patch newer than the last one the table has gets that last range's values.
 *
 * @throws {TypeError} when `text` is not `vMAJOR.MINOR.PATCH`
 * @throws {RangeError} when the minor is not in the table
 */
export function lookupKubernetesVersion(text: string): KubernetesVersionInfo {
  const match = VERSION.exec(text.trim());
  if (!match) throw new TypeError(`Cannot use Kubernetes version "${text}": expected vMAJOR.MINOR.PATCH, e.g. v1.27.3`);
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const entry = MINORS[`v${major}.${minor}`];
  const minors = knownMinors();
  if (!entry) {
    throw new RangeError(`Cannot use Kubernetes version ${text}: lade knows ${minors[0]} to ${minors[minors.length - 1]}`);
  }
  const range =
    entry.patches.find((candidate) => patchOf(candidate.from) <= patch && patch <= patchOf(candidate.to)) ??
    entry.patches[entry.patches.length - 1]!;
  return {
    version: `v${text.trim().replace(/^v/, "")}`,
    minor,
    patch,
    kubeadmApi: parseKubeadmApiVersion(entry.kubeadmAPI)!,
    acceptedApis: entry.kubeadmAPIsAccepted.map((api) => parseKubeadmApiVersion(api)!),
    defaultImageRepository: range.repo,
    corednsPath: range.corednsPath,
    pause: range.pause,
    etcd: range.etcd,
    coredns: range.coredns,
    dockershim: entry.dockershim,
    dockerCriSocket: entry.dockerCriSocket,
    containerdCriSocket: entry.containerdCriSocket,
  };
}

function patchOf(version: string): number {
  return Number(version.split(".")[2]);
}
