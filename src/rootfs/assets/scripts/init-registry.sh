#!/usr/bin/env bash
# The cluster's registry on this node: `lade serve registry` (the lade binary of this rootfs,
# installed as /usr/bin/lade) serving the rootfs's registry/ folder read-only over TLS as
# lade-registry.service. No container image is needed for it.
#   install (default): certificate, optional htpasswd, /etc/lade/registry.env, the unit; starts it.
#   uninstall: stops and removes all of it.
# The certificate: /etc/lade/registry/tls.crt and tls.key when they exist already, else the
# rootfs's etc/registry/tls.crt and tls.key when the image carries them, else a new self-signed
# one made with openssl for the registry's name, 127.0.0.1 and LADE_REGISTRY_IP. It is also
# written as /etc/lade/registry/ca.crt, the file every node's container runtime trusts: copy it to
# the other nodes (LADE_REGISTRY_CA=FILE for their init.sh).
# Basic auth: when the rootfs has etc/registry/htpasswd (`lade rootfs --registry-user`), clients
# need LADE_REGISTRY_USER and LADE_REGISTRY_PASSWORD (pulls need none with
# LADE_REGISTRY_ANONYMOUS_READ=1), and the registry takes pushes into LADE_REGISTRY_PUSH_DIR
# (default /var/lib/lade-registry/pushed), which uninstall keeps when something was pushed, and
# sends on to the other registry hosts (LADE_REGISTRY_PEERS: their IPs, joined by ",").
# Environment: LADE_REGISTRY_LISTEN (default 0.0.0.0:<port>), LADE_REGISTRY_IP, LADE_REGISTRY_SANS
# (more names for a new certificate, as DNS:name,IP:address: the Clusterfile's
# localRegistry.cert.subjectAltName), LADE_REGISTRY_CACHE_DIR and LADE_REGISTRY_CACHE_MAX_SIZE (the
# pull-through cache of etc/registry_config.yml's proxy: default /var/lib/lade-registry/cache, no limit).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly COMPONENT=registry
readonly UNIT=lade-registry.service
readonly ENV_FILE="$ROOT/etc/lade/registry.env"
readonly WAIT_SECONDS=30
# Where pushed images go; clean.sh keeps it when something was pushed.
readonly PUSH_DIR="${LADE_REGISTRY_PUSH_DIR:-/var/lib/lade-registry/pushed}"
# What a pull-through cache (etc/registry_config.yml's proxy) fetched; clean.sh removes it.
readonly CACHE_DIR="${LADE_REGISTRY_CACHE_DIR:-/var/lib/lade-registry/cache}"

install_registry() {
  require_root
  [[ -d "$ROOTFS/registry/docker/registry/v2" ]] ||
    die "$ROOTFS/registry holds no container images (docker/registry/v2): was the image built with lade build?"
  [[ -x "$ROOTFS/bin/lade" ]] || die "$ROOTFS/bin/lade is missing: the rootfs was generated without binaries"
  step "registry: lade binary"
  install_file "$COMPONENT" "$ROOTFS/bin/lade" "$ROOT/usr/bin/lade" 0755
  certificate
  local args=""
  if [[ -f "$ROOTFS/etc/registry/htpasswd" ]]; then
    install_file "$COMPONENT" "$ROOTFS/etc/registry/htpasswd" "$REGISTRY_CONFIG_DIR/htpasswd" 0600
    # with accounts the registry takes pushes (always with a login), kept apart from the image's content
    make_dir "$COMPONENT" "$ROOT$PUSH_DIR"
    args="--htpasswd /etc/lade/registry/htpasswd --push-dir $PUSH_DIR$(replicate_args)"
    if [[ "${LADE_REGISTRY_ANONYMOUS_READ:-0}" == 1 ]]; then
      args="$args --anonymous-read"
      step "registry: pulls without a login, pushes into $PUSH_DIR with one"
    else
      step "registry: pulls and pushes (into $PUSH_DIR) with a login"
    fi
  elif [[ "${LADE_REGISTRY_ANONYMOUS_READ:-0}" == 1 ]]; then
    warn "LADE_REGISTRY_ANONYMOUS_READ=1, but the image's registry has no accounts (etc/registry/htpasswd): every pull is anonymous anyway"
  fi
  local config
  for config in etc/registry_config.yml etc/registry_config.yaml; do
    if [[ -f "$ROOTFS/$config" ]]; then
      # sealer's docker-distribution config: its headers apply, lade's own address, TLS and accounts win
      args="${args:+$args }--config $(rootfs_path)/$config --config-only headers,proxy --cache-dir $CACHE_DIR"
      [[ -z "${LADE_REGISTRY_CACHE_MAX_SIZE:-}" ]] || args="$args --cache-max-size $LADE_REGISTRY_CACHE_MAX_SIZE"
      # a pull-through cache (the config's proxy) keeps what it fetched here; clean.sh removes it
      claim_data_dir "$COMPONENT" "$ROOT$CACHE_DIR"
      break
    fi
  done
  step "registry: $UNIT serving $(rootfs_path)/registry on ${LADE_REGISTRY_LISTEN:-0.0.0.0:$LADE_REGISTRY_PORT}"
  install_text "$COMPONENT" "$ENV_FILE" 0644 "# Written by the rootfs's scripts/init-registry.sh for $UNIT.
LADE_REGISTRY_DIR=$(rootfs_path)/registry
LADE_REGISTRY_ADDR=${LADE_REGISTRY_LISTEN:-0.0.0.0:$LADE_REGISTRY_PORT}
LADE_REGISTRY_ARGS=$args
"
  install_file "$COMPONENT" "$ROOTFS/etc/systemd/$UNIT" "$ROOT/etc/systemd/system/$UNIT"
  daemon_reload
  enable_unit "$COMPONENT" "$UNIT"
  start_unit "$UNIT"
  live && wait_for_port
  return 0
}

# The other registry hosts (LADE_REGISTRY_PEERS, IPs joined by ","), which every push here is sent on to.
replicate_args() {
  local ip any=""
  while read -r ip; do
    printf ' --replicate-to https://%s:%s' "$ip" "$LADE_REGISTRY_PORT"
    any=1
  done < <(host_list "${LADE_REGISTRY_PEERS:-}")
  [[ -z "$any" ]] || printf ' --replicate-ca-file /etc/lade/registry/ca.crt'
}

# The rootfs folder as the node sees it (without LADE_NODE_ROOT).
rootfs_path() {
  if [[ -n "$ROOT" && "$ROOTFS" == "$ROOT"/* ]]; then printf '%s' "${ROOTFS#"$ROOT"}"; else printf '%s' "$ROOTFS"; fi
}

certificate() {
  local crt="$REGISTRY_CONFIG_DIR/tls.crt" key="$REGISTRY_CONFIG_DIR/tls.key"
  if [[ -s "$crt" && -s "$key" ]]; then
    log "registry: keeping the certificate in $REGISTRY_CONFIG_DIR"
  elif [[ -f "$ROOTFS/etc/registry/tls.crt" && -f "$ROOTFS/etc/registry/tls.key" ]]; then
    step "registry: the image's certificate"
    install_file "$COMPONENT" "$ROOTFS/etc/registry/tls.crt" "$crt"
    install_file "$COMPONENT" "$ROOTFS/etc/registry/tls.key" "$key" 0600
  else
    step "registry: a self-signed certificate for $LADE_REGISTRY_DOMAIN"
    command -v openssl >/dev/null 2>&1 ||
      die "openssl is needed to make the registry's certificate: install it, or put tls.crt and tls.key in $REGISTRY_CONFIG_DIR"
    new_certificate "$crt" "$key"
  fi
  install_file "$COMPONENT" "$crt" "$REGISTRY_CONFIG_DIR/ca.crt"
}

new_certificate() {
  local crt=$1 key=$2 names config
  names="IP:127.0.0.1,DNS:localhost"
  if [[ "$LADE_REGISTRY_DOMAIN" =~ ^[0-9.]+$ ]]; then
    names="IP:$LADE_REGISTRY_DOMAIN,$names"
  else
    names="DNS:$LADE_REGISTRY_DOMAIN,$names"
  fi
  if [[ -n "${LADE_REGISTRY_IP:-}" && "$LADE_REGISTRY_IP" != 127.0.0.1 && "$LADE_REGISTRY_IP" != "$LADE_REGISTRY_DOMAIN" ]]; then
    names="$names,IP:$LADE_REGISTRY_IP"
  fi
  if [[ -n "${LADE_REGISTRY_SANS:-}" ]]; then
    [[ "$LADE_REGISTRY_SANS" =~ ^((DNS|IP):[^,[:space:]]+,?)+$ ]] || die "LADE_REGISTRY_SANS is not a list of DNS:name and IP:address: $LADE_REGISTRY_SANS"
    names="$names,${LADE_REGISTRY_SANS%,}"
  fi
  make_dir "$COMPONENT" "$REGISTRY_CONFIG_DIR"
  config="$(mktemp)"
  # A config file rather than -addext, which OpenSSL before 1.1.1 (CentOS 7) lacks.
  cat >"$config" <<CONFIG
[req]
distinguished_name = name
x509_extensions = extensions
prompt = no
[name]
CN = $LADE_REGISTRY_DOMAIN
[extensions]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature,keyEncipherment,keyCertSign
extendedKeyUsage = serverAuth
subjectAltName = $names
CONFIG
  (umask 077 && openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -config "$config" \
    -keyout "$key.lade-new" -out "$crt.lade-new" 2>/dev/null) || {
    rm -f "$config" "$key.lade-new" "$crt.lade-new"
    die "openssl could not make the registry's certificate"
  }
  rm -f "$config"
  mv -f "$key.lade-new" "$key"
  mv -f "$crt.lade-new" "$crt"
  chmod 0644 "$crt"
  record "$COMPONENT" f "$key"
  record "$COMPONENT" f "$crt"
}

wait_for_port() {
  local deadline=$((SECONDS + WAIT_SECONDS))
  until (exec 3<>"/dev/tcp/127.0.0.1/$LADE_REGISTRY_PORT") 2>/dev/null; do
    ((SECONDS < deadline)) || die "$UNIT does not answer on port $LADE_REGISTRY_PORT: see journalctl -u $UNIT"
    sleep 1
  done
  log "registry: answering on port $LADE_REGISTRY_PORT"
  check_api
}

# The registry API answers over TLS with the certificate the nodes trust: 200, or 401 asking for a login.
check_api() {
  local code
  if ! command -v curl >/dev/null 2>&1; then
    log "registry: curl is not installed, so only the port was checked"
    return 0
  fi
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$REGISTRY_CONFIG_DIR/ca.crt" "https://127.0.0.1:$LADE_REGISTRY_PORT/v2/" || true)"
  case "$code" in
    200 | 401) log "registry: the API answers ($code) with the certificate the nodes trust" ;;
    *) die "$UNIT answers on port $LADE_REGISTRY_PORT, but GET /v2/ over TLS gave ${code:-no answer}: see journalctl -u $UNIT" ;;
  esac
}

uninstall_registry() {
  require_root
  step "registry: stopping and removing $UNIT"
  stop_units "$COMPONENT"
  # the empty folders the registry made for pushes go; pushed images stay (they are the users')
  if [[ -d "$ROOT$PUSH_DIR" ]]; then
    find "$ROOT$PUSH_DIR" -depth -type d -empty -delete
    [[ -d "$ROOT$PUSH_DIR" ]] && warn "kept the images pushed to the registry in $PUSH_DIR: remove it when they are not needed"
  fi
  revert "$COMPONENT"
  daemon_reload
  restore_units "$COMPONENT"
}

case "${1:-install}" in
  install) install_registry ;;
  uninstall) uninstall_registry ;;
  *) die "usage: init-registry.sh install|uninstall" ;;
esac
