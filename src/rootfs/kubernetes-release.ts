// One version table for the whole project: the kubeadm module owns it.
import versionTable from "../kubeadm/data/k8s-versions.json" with { type: "json" };

/** What kubeadm of one patch release uses: images, config API, CRI sockets. */
export interface KubernetesRelease {
  /** "v1.27.3" */
  readonly version: string;
  /** "v1.27" */
  readonly minor: string;
  readonly minorNumber: number;
  readonly patchNumber: number;
  /** The registry host `kubeadm config images list` prints: "k8s.gcr.io" or "registry.k8s.io". */
  readonly repo: string;
  readonly pause: string;
  readonly etcd: string;
  readonly coredns: string;
  /** "coredns" (≤1.20) or "coredns/coredns" (≥1.21). */
  readonly corednsPath: string;
  /** The newest kubeadm config API this version accepts, e.g. "kubeadm.k8s.io/v1beta3". */
  readonly kubeadmApi: string;
  readonly kubeadmApisAccepted: readonly string[];
  /** The kubelet still has dockershim (≤1.23); from 1.24 docker needs cri-dockerd. */
  readonly dockershim: boolean;
  readonly dockerCriSocket: string;
  readonly containerdCriSocket: string;
}

interface MinorEntry {
  readonly kubeadmAPI: string;
  readonly kubeadmAPIsAccepted: readonly string[];
  readonly dockershim: boolean;
  readonly dockerCriSocket: string;
  readonly containerdCriSocket: string;
  readonly latestPatchSeen: string;
  readonly patches: readonly {
    readonly from: string;
    readonly to: string;
    readonly pause: string;
    readonly etcd: string;
    readonly coredns: string;
    readonly corednsPath: string;
    readonly repo: string;
  }[];
}

const TABLE = versionTable as unknown as Record<string, MinorEntry>;
const VERSION_PATTERN = /^v?(\d+)\.(\d+)\.(\d+)$/;

/** A Kubernetes version lade has no data for (not a release, or outside v1.16 … the newest known patch). */
export class UnsupportedKubernetesVersionError extends RangeError {
  override name = "UnsupportedKubernetesVersionError";
}

/** Every minor lade knows, oldest first ("v1.16", …). */
export function supportedKubernetesMinors(): string[] {
  return Object.keys(TABLE).sort((a, b) => minorOf(a) - minorOf(b));
}

/** The newest patch known for a minor ("v1.27" → "v1.27.16"). */
export function latestKnownPatch(minor: string): string | undefined {
  return TABLE[minor]?.latestPatchSeen;
}

/**
 * The facts of one Kubernetes release from the compiled-in version table (what kubeadm of that
 * very patch prints and accepts). "1.27.3" and "v1.27.3" are the same; pre-releases, unknown
 * minors and patches newer than the table are refused with the supported range in the message.
 */
export function resolveKubernetesRelease(text: string): KubernetesRelease {
  const match = VERSION_PATTERN.exec(text.trim());
  const minors = supportedKubernetesMinors();
  const range = `${minors[0]}.0 … ${latestKnownPatch(minors.at(-1)!)}`;
  if (!match) {
    throw new UnsupportedKubernetesVersionError(
      `Kubernetes version "${text}" is not a release version like v1.27.3 (pre-releases are not supported); lade knows ${range}`,
    );
  }
  const [major, minorNumber, patchNumber] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const minor = `v${major}.${minorNumber}`;
  const version = `${minor}.${patchNumber}`;
  const entry = TABLE[minor];
  if (!entry) throw new UnsupportedKubernetesVersionError(`Kubernetes ${version} is not supported: lade knows ${range}`);
  const patch = entry.patches.find((range) => patchOf(range.from) <= patchNumber && patchNumber <= patchOf(range.to));
  if (!patch) {
    throw new UnsupportedKubernetesVersionError(
      `Kubernetes ${version} is unknown: the newest ${minor} patch lade knows is ${entry.latestPatchSeen} (supported: ${range})`,
    );
  }
  return {
    version,
    minor,
    minorNumber,
    patchNumber,
    repo: patch.repo,
    pause: patch.pause,
    etcd: patch.etcd,
    coredns: patch.coredns,
    corednsPath: patch.corednsPath,
    kubeadmApi: entry.kubeadmAPI,
    kubeadmApisAccepted: entry.kubeadmAPIsAccepted,
    dockershim: entry.dockershim,
    dockerCriSocket: entry.dockerCriSocket,
    containerdCriSocket: entry.containerdCriSocket,
  };
}

function minorOf(minor: string): number {
  return Number(minor.split(".")[1]);
}

function patchOf(version: string): number {
  return Number(version.split(".")[2]);
}
