/** kubeadm's admin kubeconfig on a master: what lade's kubectl calls there use. */
export const ADMIN_KUBECONFIG = "/etc/kubernetes/admin.conf";

export const KUBECTL = `kubectl --kubeconfig ${ADMIN_KUBECONFIG}`;

/**
 * A shell line setting $name to the node whose InternalIP is IP (empty when there is none):
 * kubeadm names nodes after their hostname, the Clusterfile knows their addresses.
 */
export function nodeNameOf(ip: string): string {
  const list = `${KUBECTL} get nodes -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.status.addresses[?(@.type=="InternalIP")].address}{"\\n"}{end}'`;
  return `name="$(${list} | awk -v ip=${ip} '$2 == ip { print $1 }')"`;
}
