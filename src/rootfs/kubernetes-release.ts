// One version table for the whole project: the kubeadm module owns it and looks versions up.
import { KUBEADM_GROUP } from "../kubeadm/kubeadm-api.ts";
import { knownMinors, latestKnownPatch, lookupKubernetesVersion } from "../kubeadm/kubernetes-version.ts";

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

const VERSION_PATTERN = /^v?(\d+)\.(\d+)\.(\d+)$/;

/** A Kubernetes version lade has no data for (not a release, or outside v1.16 … the newest known patch). */
export class UnsupportedKubernetesVersionError extends RangeError {
  override name = "UnsupportedKubernetesVersionError";
}

/** Every minor lade knows, oldest first ("v1.16", …). */
export function supportedKubernetesMinors(): string[] {
  return knownMinors();
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
  const latest = latestKnownPatch(minor);
  if (!latest) throw new UnsupportedKubernetesVersionError(`Kubernetes ${version} is not supported: lade knows ${range}`);
  // The kubeadm table takes a newer patch for the last one it knows; a base image must not guess.
  if (patchNumber > Number(latest.split(".")[2])) {
    throw new UnsupportedKubernetesVersionError(
      `Kubernetes ${version} is unknown: the newest ${minor} patch lade knows is ${latest} (supported: ${range})`,
    );
  }
  const facts = lookupKubernetesVersion(version);
  return {
    version,
    minor,
    minorNumber,
    patchNumber,
    repo: facts.defaultImageRepository,
    pause: facts.pause,
    etcd: facts.etcd,
    coredns: facts.coredns,
    corednsPath: facts.corednsPath,
    kubeadmApi: `${KUBEADM_GROUP}/${facts.kubeadmApi}`,
    kubeadmApisAccepted: facts.acceptedApis.map((api) => `${KUBEADM_GROUP}/${api}`),
    dockershim: facts.dockershim,
    dockerCriSocket: facts.dockerCriSocket,
    containerdCriSocket: facts.containerdCriSocket,
  };
}
