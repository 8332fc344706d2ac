import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { KUBECTL } from "../run/kubectl.ts";

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

/** The ClusterConfiguration kubeadm keeps in the cluster (master0 prints it). */
export const READ_CLUSTER_CONFIGURATION_SCRIPT = `${KUBECTL} -n kube-system get configmap kubeadm-config -o jsonpath='{.data.ClusterConfiguration}'`;

/**
 * The ClusterConfiguration with NAMES added to apiServer.certSANs (those it has already are kept
 * once), and the config a master regenerates its API server certificate with: an
 * InitConfiguration naming that master's address, then the ClusterConfiguration.
 */
export function withAltNames(clusterConfiguration: string, names: readonly string[]): { readonly text: string; readonly api: string; readonly added: readonly string[] } {
  const parsed = parseYaml(clusterConfiguration) as Record<string, unknown> | null;
  if (!parsed || typeof parsed !== "object" || parsed.kind !== "ClusterConfiguration" || typeof parsed.apiVersion !== "string") {
    throw new Error("the cluster's kubeadm-config ConfigMap holds no ClusterConfiguration");
  }
  const apiServer = (parsed.apiServer ?? {}) as Record<string, unknown>;
  const existing = Array.isArray(apiServer.certSANs) ? (apiServer.certSANs as unknown[]).map(String) : [];
  const added = names.filter((name, index) => !existing.includes(name) && names.indexOf(name) === index);
  parsed.apiServer = { ...apiServer, certSANs: [...existing, ...added] };
  return { text: stringifyYaml(parsed), api: parsed.apiVersion, added };
}

export function masterCertConfig(clusterConfiguration: { readonly text: string; readonly api: string }, ip: string): string {
  return `${stringifyYaml({ apiVersion: clusterConfiguration.api, kind: "InitConfiguration", localAPIEndpoint: { advertiseAddress: ip } })}---\n${clusterConfiguration.text}`;
}

/**
 * On a master, with the config on stdin: a new API server certificate for the config's names (the
 * old one kept aside, and put back if kubeadm fails), then the API server restarted to load it.
 * On master0 the config is also uploaded, so later joins and upgrades keep the names.
 */
export function altNamesScript(upload: boolean): string {
  return [
    "set -e",
    // (LADE_NODE_ROOT: a test's stand-in for the host's root, as in lade's node scripts)
    'kubernetes="${LADE_NODE_ROOT:-}/etc/kubernetes"',
    'config=$(mktemp "$kubernetes/lade-cert-XXXXXX.yaml")',
    'trap \'rm -f "$config"\' EXIT',
    'cat > "$config"',
    'pki="$kubernetes/pki"',
    'aside=$(mktemp -d "$pki/lade-apiserver-XXXXXX")',
    'mv "$pki/apiserver.crt" "$pki/apiserver.key" "$aside/"',
    'if ! kubeadm init phase certs apiserver --config "$config"; then mv "$aside/apiserver.crt" "$aside/apiserver.key" "$pki/"; rmdir "$aside"; exit 1; fi',
    'rm -rf "$aside"',
    ...(upload ? ['kubeadm init phase upload-config kubeadm --config "$config"'] : []),
    'for id in $(crictl ps -q --name "^kube-apiserver$"); do crictl rm -f "$id" >/dev/null; done',
    'echo "a new API server certificate is in place; the API server restarts with it"',
  ].join("\n");
}
