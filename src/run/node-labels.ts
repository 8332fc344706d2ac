import { KUBECTL, nodeNameOf } from "./kubectl.ts";
import { shellQuote } from "./shell-quote.ts";
import { parseTaint, type NodeMarks } from "../sealer/node-marks.ts";

/**
 * A shell script, run where the admin kubeconfig is (master0), that labels and taints the node
 * whose InternalIP is IP, like sealer: labels merged over the node's (overwritten), taints added
 * or removed in their order. kubeadm names nodes after their hostname, so the node is found by
 * its address, waiting up to WAIT_SECONDS for it to register. Removing a taint the node does not
 * have is not an error (a rerun gets that far again).
 */
export function nodeMarksScript(ip: string, marks: NodeMarks, waitSeconds = 120): string {
  const lines = [
    "set -e",
    `name=""; waited=0; while :; do ${nodeNameOf(ip)}; if [ -n "$name" ] || [ "$waited" -ge ${waitSeconds} ]; then break; fi; sleep 2; waited=$((waited + 2)); done`,
    `if [ -z "$name" ]; then echo "no node of the cluster has the address ${ip} (kubectl get nodes): its kubelet did not register" >&2; exit 1; fi`,
  ];
  const labels = Object.entries(marks.labels).map(([key, value]) => shellQuote(`${key}=${value}`));
  if (labels.length > 0) lines.push(`${KUBECTL} label node "$name" --overwrite ${labels.join(" ")}`);
  for (const text of marks.taints) {
    const taint = parseTaint(text);
    if (typeof taint === "string") throw new Error(taint);
    const argument = shellQuote(taint.argument);
    lines.push(
      taint.remove
        ? `if ! out="$(${KUBECTL} taint node "$name" ${argument} 2>&1)"; then case "$out" in *"not found"*) echo "$out: nothing to remove" ;; *) echo "$out" >&2; exit 1 ;; esac; fi`
        : `${KUBECTL} taint node "$name" --overwrite ${argument}`,
    );
  }
  return lines.join("\n");
}

/** What the step does, for --dry-run and the progress lines. */
export function describeNodeMarks(ip: string, marks: NodeMarks): string {
  const labels = Object.entries(marks.labels).map(([key, value]) => `${key}=${value}`);
  const parts = [...(labels.length > 0 ? [`labels ${labels.join(", ")}`] : []), ...(marks.taints.length > 0 ? [`taints ${marks.taints.join(", ")}`] : [])];
  return `Label and taint the node ${ip} (the Clusterfile's labels and taints): ${parts.join("; ")}`;
}
