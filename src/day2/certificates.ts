/**
 * `lade cert`: the scripts run on each master for kubeadm's certificates. kubeadm has had
 * `kubeadm certs` since v1.20 (`kubeadm alpha certs` before), so the script asks which it has.
 */
const CERTS = 'if kubeadm certs --help >/dev/null 2>&1; then certs="kubeadm certs"; else certs="kubeadm alpha certs"; fi';

/** The expiry of every kubeadm certificate and CA on this master. */
export const CERT_CHECK_SCRIPT = `${CERTS}; $certs check-expiration`;

/**
 * Renew every certificate kubeadm made (admin.conf and the other kubeconfigs too), then restart
 * the control plane so it loads them: its containers are removed and the kubelet starts them again
 * from their static pod manifests.
 */
export const CERT_RENEW_SCRIPT = [
  "set -e",
  CERTS,
  "$certs renew all",
  "command -v crictl >/dev/null || { echo 'crictl is missing: restart kube-apiserver, kube-controller-manager, kube-scheduler and etcd yourself' >&2; exit 1; }",
  "for name in kube-apiserver kube-controller-manager kube-scheduler etcd; do for id in $(crictl ps -q --name \"^$name\\$\"); do crictl rm -f \"$id\" >/dev/null; done; done",
  'echo "renewed; the control plane restarts with the new certificates"',
].join("; ");
