import data from "./data/kubeadm-feature-gates.json" with { type: "json" };

interface GateRecord {
  readonly since: number;
  readonly seen: readonly string[];
  readonly goneBy?: number;
}

const GATES: Readonly<Record<string, GateRecord>> = data.gates;

/**
 * What is wrong with a feature gate in a ClusterConfiguration for Kubernetes 1.MINOR, as far as the
 * documented releases tell (src/kubeadm/data/kubeadm-feature-gates.json): a name no kubeadm
 * release has, one that comes in a later release, or one a release at or before MINOR no longer
 * has. Undefined when it is fine, or when nothing documented says otherwise.
 */
export function featureGateProblem(name: string, minor: number | undefined): string | undefined {
  const gate = GATES[name];
  if (!gate) {
    const known = Object.keys(GATES).filter((other) => minor === undefined || gateMayExist(GATES[other]!, minor));
    return `"${name}" is not a kubeadm feature gate (${minor === undefined ? "kubeadm has" : `kubeadm v1.${minor} can have`} ${known.join(", ")})`;
  }
  if (minor === undefined) return undefined;
  if (minor < gate.since) return `the kubeadm feature gate ${name} comes in v1.${gate.since}: kubeadm v1.${minor} refuses it`;
  if (gate.goneBy !== undefined && minor >= gate.goneBy) {
    return `kubeadm v1.${gate.goneBy} no longer has the feature gate ${name} (v${gate.seen.at(-1)} had it): remove it for v1.${minor}`;
  }
  return undefined;
}

function gateMayExist(gate: GateRecord, minor: number): boolean {
  return minor >= gate.since && (gate.goneBy === undefined || minor < gate.goneBy);
}
