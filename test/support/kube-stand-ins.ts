/**
 * Stand-ins for the Kubernetes programs on lab hosts (test/support/netns-lab.ts), the only programs
 * the lab cannot run for real: they log every call to $LADE_FAKE_KUBE/calls (a folder outside the
 * host's tree), keep the configs kubeadm was given, and answer what lade reads back (join
 * commands, certificate keys, node names by InternalIP).
 */
export const FAKE_KUBEADM = `#!/bin/sh
log="\${LADE_FAKE_KUBE:?}"
echo "kubeadm $*" >> "$log/calls"
case "$1 $2" in
  "init phase") echo "[upload-certs] Using certificate key:"; echo "${"b".repeat(64)}" ;;
  init*) cp "$3" "$log/init-config.yaml"; mkdir -p /etc/kubernetes; echo "apiVersion: v1" > /etc/kubernetes/admin.conf ;;
  join*) if [ -e "$log/fail-join" ]; then echo "kubeadm join broke" >&2; exit 4; fi; cp "$3" "$log/join-config.yaml"; echo "apiVersion: v1" > /etc/kubernetes/kubelet.conf ;;
  token*) t="abcdef.$(printf '%016d' "$(wc -l < "$log/calls")")"; echo "$t" >> "$log/tokens"
    echo "kubeadm join 127.77.0.11:6443 --token $t --discovery-token-ca-cert-hash sha256:${"a".repeat(64)}" ;;
  reset*) rm -f /etc/kubernetes/admin.conf /etc/kubernetes/kubelet.conf ;;
esac
`;
export const FAKE_KUBECTL = `#!/bin/sh
echo "kubectl $*" | tr '\\n' ' ' >> "\${LADE_FAKE_KUBE:?}/calls"; echo >> "$LADE_FAKE_KUBE/calls"
case "$*" in
  *"get nodes"*) printf 'master-a 127.77.0.11\\nmaster-b 127.77.0.12\\nnode-c 127.77.0.13\\n' ;;
  *"-f -"*) cat > "$LADE_FAKE_KUBE/applied.yaml" ;;
esac
`;

