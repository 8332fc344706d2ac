#!/usr/bin/env bash
# Docker as the container runtime: `docker.sh install`, `docker.sh images` (both from init.sh)
# or `docker.sh uninstall` (from clean.sh).
#   install: docker's static binaries (dockerd, docker, containerd, runc, …) from the rootfs's
#            cri/bin into /usr/bin, the CNI plugins into /opt/cni/bin, /etc/docker/daemon.json,
#            the registry's CA for docker, docker.service — and from Kubernetes 1.24, where the
#            kubelet has no dockershim any more, cri-dockerd with cri-docker.service and
#            cri-docker.socket (/run/cri-dockerd.sock).
#   images: docker's registry-mirrors only cover Docker Hub, so every image named in the rootfs's
#            manifests/imageList and manifests/*.imagelist is pulled from the cluster's registry
#            and tagged with its upstream name (quay.io/…, registry.k8s.io/…), so pods that name
#            it start without a pull. Images already there are skipped; images named by digest
#            only are left to the registry mirror.
#   uninstall: stops docker and removes all of it, /var/lib/docker and /opt/containerd included
#            when install created them, the docker0 bridge and the iptables chains and rules dockerd added.
# With LADE_REGISTRY_USER and LADE_REGISTRY_PASSWORD docker logs in to the cluster's registry.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly COMPONENT=docker
readonly WAIT_SECONDS=60

install_docker() {
  require_root
  [[ -x "$ROOTFS/cri/bin/dockerd" ]] || die "$ROOTFS/cri/bin/dockerd is missing: the rootfs was generated without binaries"
  step "docker $LADE_CRI_VERSION: binaries"
  install_dir "$COMPONENT" "$ROOTFS/cri/bin" "$ROOT/usr/bin" 0755
  claim_data_dir "$COMPONENT" "$ROOT/opt/cni"
  install_dir "$COMPONENT" "$ROOTFS/cni/bin" "$ROOT/opt/cni/bin" 0755
  step "docker: configuration (registry mirror $(registry_host))"
  install_file "$COMPONENT" "$ROOTFS/etc/docker/daemon.json" "$ROOT/etc/docker/daemon.json"
  if [[ -f "$REGISTRY_CONFIG_DIR/ca.crt" ]]; then
    install_file "$COMPONENT" "$REGISTRY_CONFIG_DIR/ca.crt" "$ROOT/etc/docker/certs.d/$(registry_host)/ca.crt"
  else
    warn "$REGISTRY_CONFIG_DIR/ca.crt is missing: docker cannot pull from $(registry_host) until it is in /etc/docker/certs.d/$(registry_host)/"
  fi
  install_file "$COMPONENT" "$ROOTFS/etc/systemd/docker.service" "$ROOT/etc/systemd/system/docker.service"
  claim_data_dir "$COMPONENT" "$ROOT/var/lib/docker"
  # the containerd dockerd starts keeps its plugins' files there
  claim_data_dir "$COMPONENT" "$ROOT/opt/containerd"
  if [[ "$LADE_CRI_DOCKERD" == 1 ]]; then
    step "docker: cri-dockerd (pod sandbox image $LADE_PAUSE_IMAGE)"
    install_file "$COMPONENT" "$ROOTFS/etc/systemd/cri-docker.service" "$ROOT/etc/systemd/system/cri-docker.service"
    install_file "$COMPONENT" "$ROOTFS/etc/systemd/cri-docker.socket" "$ROOT/etc/systemd/system/cri-docker.socket"
    claim_data_dir "$COMPONENT" "$ROOT/var/lib/cri-dockerd"
  else
    claim_data_dir "$COMPONENT" "$ROOT/var/lib/dockershim"
  fi
  daemon_reload
  enable_unit "$COMPONENT" docker.service
  # dockerd turns FORWARD's policy to DROP when it finds forwarding off: uninstall puts it back
  if live && command -v iptables >/dev/null 2>&1; then
    save_once docker-forward-policy "$(iptables -S FORWARD 2>/dev/null | sed -n 's/^-P FORWARD //p')"
  fi
  # dockerd 20.10 writes its trust key at its first start: uninstall removes it when it was not there before
  [[ -e "$ROOT/etc/docker/key.json" ]] || record "$COMPONENT" f "$ROOT/etc/docker/key.json"
  start_unit docker.service
  if [[ "$LADE_CRI_DOCKERD" == 1 ]]; then
    enable_unit "$COMPONENT" cri-docker.socket
    enable_unit "$COMPONENT" cri-docker.service
    start_unit cri-docker.socket
    start_unit cri-docker.service
  fi
  if live; then
    wait_for_docker
    login
  fi
  return 0
}

wait_for_docker() {
  local deadline=$((SECONDS + WAIT_SECONDS))
  until docker info >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "docker does not answer: see journalctl -u docker"
    sleep 1
  done
  log "docker: running"
}

login() {
  [[ -n "${LADE_REGISTRY_USER:-}" ]] || return 0
  [[ -n "${LADE_REGISTRY_PASSWORD:-}" ]] || die "LADE_REGISTRY_USER is set but LADE_REGISTRY_PASSWORD is not"
  if [[ ! -e /root/.docker ]]; then
    claim_data_dir "$COMPONENT" /root/.docker
  elif [[ ! -e /root/.docker/config.json ]]; then
    record "$COMPONENT" f /root/.docker/config.json
  fi
  step "docker: logging in to $(registry_host) as $LADE_REGISTRY_USER"
  printf '%s' "$LADE_REGISTRY_PASSWORD" | docker login "$(registry_host)" -u "$LADE_REGISTRY_USER" --password-stdin >/dev/null ||
    die "docker login $(registry_host) failed"
  save_once docker-login "$(registry_host)"
}

# upstream_name REF: the normalized name of an image reference (docker's rules), or nothing for a
# reference by digest.
upstream_name() {
  local ref=$1 name tag last first
  [[ "$ref" == *@* ]] && return 0
  last="${ref##*/}"
  if [[ "$last" == *:* ]]; then
    tag="${last##*:}"
    name="${ref%:*}"
  else
    tag=latest
    name="$ref"
  fi
  first="${name%%/*}"
  if [[ "$name" != */* ]]; then
    name="docker.io/library/$name"
  elif [[ "$first" != *.* && "$first" != *:* && "$first" != localhost ]]; then
    name="docker.io/$name"
  elif [[ "$first" == index.docker.io ]]; then
    name="docker.io/${name#*/}"
  fi
  printf '%s:%s' "$name" "$tag"
}

image_refs() {
  local file line
  for file in "$ROOTFS/manifests/imageList" "$ROOTFS"/manifests/*.imagelist; do
    [[ -f "$file" ]] || continue
    while IFS= read -r line || [[ -n "$line" ]]; do
      line="${line%%#*}"
      line="${line//[\"\']/}"
      line="$(printf '%s' "$line" | tr -d '[:space:]')"
      [[ -n "$line" ]] && printf '%s\n' "$line"
    done <"$file"
  done | sort -u
}

pull_images() {
  local ref upstream path local_name count=0 pulled=0
  require_root
  if ! live; then
    log "not pulling images (LADE_NODE_ROOT is set)"
    return 0
  fi
  step "images: pulling the image list from $(registry_host) under the upstream names"
  while IFS= read -r ref; do
    upstream="$(upstream_name "$ref")"
    if [[ -z "$upstream" ]]; then
      log "images: $ref is by digest only: left to the registry mirror"
      continue
    fi
    count=$((count + 1))
    if docker image inspect "$upstream" >/dev/null 2>&1; then continue; fi
    path="${upstream#*/}"
    local_name="$(registry_host)/$path"
    log "images: $upstream ← $local_name"
    docker pull -q "$local_name" >/dev/null || die "docker pull $local_name failed: is the registry running and trusted?"
    docker tag "$local_name" "$upstream"
    pulled=$((pulled + 1))
  done < <(image_refs)
  log "images: $count listed, $pulled pulled, $((count - pulled)) present already"
}

# The chains dockerd made and its rules in the built-in chains (dockerd leaves them when it
# stops), and FORWARD's policy as it was before docker started.
readonly DOCKER_CHAINS=(DOCKER DOCKER-ISOLATION-STAGE-1 DOCKER-ISOLATION-STAGE-2 DOCKER-USER)
remove_docker_iptables() {
  command -v iptables >/dev/null 2>&1 || return 0
  local table chain rule policy
  local -a words
  for table in filter nat; do
    while IFS= read -r rule; do
      read -ra words <<<"$rule"
      words[0]=-D
      iptables -t "$table" "${words[@]}" || warn "cannot delete docker's iptables rule: $rule (table $table)"
    done < <(iptables -t "$table" -S 2>/dev/null | grep -E '^-A (INPUT|FORWARD|OUTPUT|PREROUTING|POSTROUTING) ' | grep -E -- '-j DOCKER|docker0' || true)
    # flushed first: the chains jump to each other
    local -a present=()
    for chain in "${DOCKER_CHAINS[@]}"; do
      if iptables -t "$table" -S "$chain" >/dev/null 2>&1; then present+=("$chain"); fi
    done
    for chain in "${present[@]}"; do iptables -t "$table" -F "$chain" || warn "cannot flush docker's iptables chain $chain (table $table)"; done
    for chain in "${present[@]}"; do iptables -t "$table" -X "$chain" || warn "cannot delete docker's iptables chain $chain (table $table)"; done
  done
  policy="$(saved docker-forward-policy)"
  if [[ "$policy" == ACCEPT || "$policy" == DROP ]]; then iptables -P FORWARD "$policy" || warn "cannot set FORWARD's policy back to $policy"; fi
  forget docker-forward-policy
}

uninstall_docker() {
  require_root
  step "docker: stopping and removing"
  if live && [[ -n "$(saved docker-login)" ]] && command -v docker >/dev/null 2>&1; then
    docker logout "$(saved docker-login)" >/dev/null 2>&1 || true
  fi
  forget docker-login
  stop_units "$COMPONENT"
  if live && ip link show docker0 >/dev/null 2>&1; then ip link delete docker0 || warn "cannot delete the docker0 bridge"; fi
  if live; then remove_docker_iptables; fi
  unmount_under "$ROOT/run/docker"
  revert "$COMPONENT"
  daemon_reload
  restore_units "$COMPONENT"
}

case "${1:-install}" in
  install) install_docker ;;
  images) pull_images ;;
  uninstall) uninstall_docker ;;
  *) die "usage: docker.sh install|images|uninstall" ;;
esac
