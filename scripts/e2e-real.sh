#!/usr/bin/env bash
# A real one-node cluster, end to end, on a fresh VM (root, Linux, amd64 or arm64): what the
# lab (test/run/netns-*.test.ts) cannot do here, with the real kubeadm, kubelet and CNI.
#   1. lade rootfs: a base image's context for the version (binaries from the internet, or
#      --bin-source for a mirror folder or server), 2. lade build, 3. lade run on this machine,
#   4. wait for the node Ready and CoreDNS Running, 5. run a pod from the image's registry,
#   6. lade delete, 7. check the host is clean.
# --dry-run does steps 1 and 2 for real and shows the rest (lade run --dry-run prints its plan):
# the tests run it so that only the real binaries differ.
#
#   scripts/e2e-real.sh [--k8s-version v1.27.3] [--cri containerd|docker] [--cni calico|none]
#                       [--bin-source DIR|URL] [--registry-mirror DOMAIN=HOST]… [--lade PATH]
#                       [--work DIR] [--timeout SECONDS] [--dry-run]
set -euo pipefail

version=v1.27.3 cri=containerd cni=calico bin_source="" lade="" work="" timeout=600 dry_run=false
mirrors=()
usage() {
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
while (($# > 0)); do
  case "$1" in
    --k8s-version) version=${2:?}; shift ;;
    --cri) cri=${2:?}; shift ;;
    --cni) cni=${2:?}; shift ;;
    --bin-source) bin_source=${2:?}; shift ;;
    --registry-mirror) mirrors+=(--registry-mirror "${2:?}"); shift ;;
    --lade) lade=${2:?}; shift ;;
    --work) work=${2:?}; shift ;;
    --timeout) timeout=${2:?}; shift ;;
    --dry-run) dry_run=true ;;
    -h | --help) usage ;;
    *) echo "e2e-real: unknown argument $1" >&2; usage ;;
  esac
  shift
done

log() { printf '==> %s\n' "$*" >&2; }
die() {
  printf 'e2e-real: FAILED: %s\n' "$*" >&2
  exit 1
}
# shown, and run unless --dry-run
act() {
  printf '+ %s\n' "$*"
  if [[ "$dry_run" == false ]]; then "$@"; fi
}

if [[ -z "$lade" ]]; then
  lade=$(command -v lade || true)
  [[ -n "$lade" ]] || die "no lade on PATH: give --lade PATH (dist/lade-linux-<arch> after bun run build)"
fi
[[ "$dry_run" == true || "$(id -u)" -eq 0 ]] || die "run me as root on the VM that becomes the cluster (or with --dry-run)"
work=${work:-$(mktemp -d /tmp/lade-e2e.XXXXXX)}
store="$work/store"
image="e2e/cluster:$version"
kubectl=(kubectl --kubeconfig /etc/kubernetes/admin.conf)

# wait_for WHAT COMMAND…: until COMMAND prints "ok" (at most --timeout seconds)
wait_for() {
  local what=$1 deadline=$((SECONDS + timeout))
  shift
  printf '+ wait until %s: %s\n' "$what" "$*"
  [[ "$dry_run" == false ]] || return 0
  until [[ "$("$@" 2>/dev/null || true)" == ok ]]; do
    ((SECONDS < deadline)) || die "$what: not after ${timeout}s"
    sleep 5
  done
  log "$what"
}

node_ready() { "${kubectl[@]}" get nodes -o 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -qx True && echo ok; }
coredns_running() {
  local phases
  phases=$("${kubectl[@]}" -n kube-system get pods -l k8s-app=kube-dns -o 'jsonpath={.items[*].status.phase}')
  [[ -n "$phases" ]] && ! tr ' ' '\n' <<<"$phases" | grep -qvx Running && echo ok
}
pod_running() { [[ "$("${kubectl[@]}" get pod lade-e2e -o 'jsonpath={.status.phase}')" == Running ]] && echo ok; }

log "1. lade rootfs $version ($cri, CNI $cni) into $work/context"
rootfs_args=(--root "$store" rootfs --k8s-version "$version" --cri "$cri" --cni "$cni" -o "$work/context")
[[ -z "$bin_source" ]] || rootfs_args+=(--bin-source "$bin_source")
"$lade" "${rootfs_args[@]}"

log "2. lade build -t $image"
"$lade" --root "$store" build -q -t "$image" "${mirrors[@]}" "$work/context"
# the image's pause image, pulled from its registry by the test pod
pause=$(grep -E '/pause:' "$work/context/imageList" | head -n 1)
[[ -n "$pause" ]] || die "no pause image in $work/context/imageList"

log "3. lade run $image on this machine"
if [[ "$dry_run" == true ]]; then
  "$lade" --root "$store" run "$image" --dry-run
else
  act "$lade" --root "$store" run "$image"
fi

log "4. the node Ready, CoreDNS Running"
wait_for "the node is Ready" node_ready
wait_for "CoreDNS is Running" coredns_running

log "5. a pod from the image's registry ($pause)"
act "${kubectl[@]}" run lade-e2e --image="$pause" --restart=Never
wait_for "the pod runs" pod_running
act "${kubectl[@]}" delete pod lade-e2e --wait=true

log "6. lade delete"
act "$lade" --root "$store" delete

log "7. the host is clean"
clean_checks=(
  "test ! -e /etc/kubernetes"
  "test ! -e /var/lib/kubelet"
  "test ! -e /etc/systemd/system/kubelet.service"
  "! pgrep -x kubelet"
  "! pgrep -x kube-apiserver"
  "! pgrep -f lade-registry"
  "! ip link show cni0"
  "! iptables -S | grep -q KUBE-"
)
for check in "${clean_checks[@]}"; do
  printf '+ %s\n' "$check"
  [[ "$dry_run" == true ]] || bash -c "$check" >/dev/null 2>&1 || die "not clean: $check"
done
log "e2e-real: passed ($version, $cri$([[ "$dry_run" == true ]] && echo ", dry run"))"
