import { latestKnownPatch } from "../kubeadm/kubernetes-version.ts";

/**
 * Whether kubeadm can take a cluster from INSTALLED to TARGET in one upgrade: forward, within the
 * same minor or to the next one (kubeadm upgrades one minor at a time). Pure: the reason it
 * cannot, with the way to get there, or undefined when it can.
 */
export function upgradePathProblem(installed: string, target: string): string | undefined {
  const from = parseVersion(installed);
  const to = parseVersion(target);
  if (!from) return `the installed Kubernetes version "${installed}" is not vMAJOR.MINOR.PATCH`;
  if (!to) return `the image's Kubernetes version "${target}" is not vMAJOR.MINOR.PATCH`;
  const order = compare(to, from);
  if (order === 0) return `the cluster runs ${format(from)} already: nothing to upgrade`;
  if (order < 0) return `the image holds ${format(to)}, older than the installed ${format(from)}: kubeadm upgrades forward only`;
  if (to.major !== from.major) return `${format(from)} → ${format(to)} changes the major version: kubeadm cannot do that`;
  if (to.minor - from.minor > 1) {
    const path = [];
    for (let minor = from.minor + 1; minor < to.minor; minor++) {
      const name = `v${from.major}.${minor}`;
      path.push(latestKnownPatch(name) ?? `${name}.x`);
    }
    return (
      `${format(from)} → ${format(to)} skips ${path.map((version) => version.replace(/\.\d+$/, "")).join(", ")}: kubeadm upgrades one minor at a time. ` +
      `Upgrade to an image of ${path.join(", then ")} first (lade rootfs --k8s-version ${path[0]}, lade build, lade upgrade), then to ${format(to)}`
    );
  }
  return undefined;
}

interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

function parseVersion(text: string): Version | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(text.trim());
  return match ? { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) } : undefined;
}

function compare(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

function format(version: Version): string {
  return `v${version.major}.${version.minor}.${version.patch}`;
}
