# shellcheck shell=bash
# Shared by every lade node script (sourced, never run). It finds the rootfs, reads the values the
# rootfs was generated with (etc/lade-rootfs.env), logs steps, and records everything the scripts
# change so that clean.sh can put the machine back as it was:
#   - files installed with install_file/install_text are listed in $STATE_DIR/<component>.installed
#     ("f PATH" for a file, "d PATH" for a directory the scripts created, "r PATH" for a data
#     directory removed with everything in it); a file that existed before with other content is
#     kept in $STATE_DIR/backup/PATH and put back;
#   - settings changed on the machine (firewall, SELinux, swap, sysctl values) are saved in
#     $STATE_DIR/saved/ before the first change.
# LADE_NODE_ROOT=DIR prefixes every path (preparing a machine image offline): live actions
# (services, kernel modules, sysctl, swap, docker) are then skipped, and units are enabled with
# `systemctl --root`.

ROOTFS="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOTFS
ROOT="${LADE_NODE_ROOT:-}"
ROOT="${ROOT%/}"
readonly ROOT
readonly STATE_DIR="$ROOT/var/lib/lade-node"
SCRIPT_NAME="$(basename "${BASH_SOURCE[1]:-$0}" .sh)"
readonly SCRIPT_NAME

# shellcheck source-path=SCRIPTDIR source=../etc/lade-rootfs.env
source "$ROOTFS/etc/lade-rootfs.env"

log() { printf '%s [%s] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$SCRIPT_NAME" "$*" >&2; }
step() { log "==> $*"; }
warn() { log "warning: $*"; }
die() {
  log "error: $*"
  exit 1
}

# Whether live actions on this machine are allowed (not when preparing LADE_NODE_ROOT).
live() { [[ -z "$ROOT" ]]; }

require_root() {
  if live && [[ "$(id -u)" -ne 0 ]]; then die "run me as root"; fi
}

# The distribution family: debian (Debian, Ubuntu, …), rhel (RHEL, CentOS, Rocky, Alma, Fedora,
# openEuler, Anolis, Kylin, …) or other.
distro_family() {
  local file="$ROOT/etc/os-release" id="" like=""
  [[ -r "$file" ]] || file=/etc/os-release
  if [[ -r "$file" ]]; then
    id="$(sed -n 's/^ID=//p' "$file" | tr -d '"' | head -n 1)"
    like="$(sed -n 's/^ID_LIKE=//p' "$file" | tr -d '"' | head -n 1)"
  fi
  case " $id $like " in
    *" debian "* | *" ubuntu "*) echo debian ;;
    *" rhel "* | *" centos "* | *" fedora "* | *" rocky "* | *" almalinux "* | *" ol "* | *" anolis "* | *" openEuler "* | *" kylin "*) echo rhel ;;
    *) echo other ;;
  esac
}

# The architecture of this machine in Go's names.
machine_arch() {
  case "$(uname -m)" in
    x86_64 | amd64) echo amd64 ;;
    aarch64 | arm64) echo arm64 ;;
    *) uname -m ;;
  esac
}

# The architecture this rootfs was built for, from its Metadata file.
rootfs_arch() {
  sed -n 's/.*"arch" *: *"\([^"]*\)".*/\1/p' "$ROOTFS/Metadata" 2>/dev/null || true
}

check_arch() {
  local want have
  want="$(rootfs_arch)"
  have="$(machine_arch)"
  [[ -n "$want" ]] || die "$ROOTFS/Metadata is missing: this is not a lade rootfs of one platform"
  if [[ "$want" != "$have" && -z "${LADE_SKIP_ARCH_CHECK:-}" ]]; then
    die "this rootfs is for $want but this machine is $have: use the $have platform of the cluster image"
  fi
}

# A path as the node sees it: without the LADE_NODE_ROOT prefix (how records and backups name it).
node_path() { printf '%s' "${1#"$ROOT"}"; }

# record COMPONENT KIND PATH: note something install did, for revert (PATH with the ROOT prefix,
# written without it, so a prepared machine image can be cleaned once it runs).
record() {
  local component=$1 kind=$2 path=$3 list
  [[ "$kind" == u ]] || path="$(node_path "$path")"
  list="$STATE_DIR/$component.installed"
  mkdir -p "$STATE_DIR"
  touch "$list"
  grep -qxF "$kind $path" "$list" || printf '%s %s\n' "$kind" "$path" >>"$list"
}

is_recorded() { grep -qxF "$2 $(node_path "$3")" "$STATE_DIR/$1.installed" 2>/dev/null; }

# make_dir COMPONENT DIR: create DIR and the parents that are missing, recording each one created.
make_dir() {
  local component=$1 dir=$2 missing=() parent
  parent="$dir"
  while [[ -n "$parent" && "$parent" != "/" && ! -d "$parent" ]]; do
    missing=("$parent" "${missing[@]}")
    parent="$(dirname "$parent")"
  done
  for parent in "${missing[@]}"; do
    mkdir "$parent"
    record "$component" d "$parent"
  done
}

# claim_data_dir COMPONENT DIR: DIR will hold data written by a service; if it does not exist yet,
# clean.sh removes it with everything in it.
claim_data_dir() {
  local component=$1 dir=$2
  [[ -e "$dir" ]] && return 0
  make_dir "$component" "$(dirname "$dir")"
  mkdir "$dir"
  record "$component" r "$dir"
}

# install_file COMPONENT SOURCE DEST [MODE]: copy SOURCE to DEST (nothing to do when equal).
install_file() {
  local component=$1 source=$2 dest=$3 mode=${4:-0644} backup
  [[ -f "$source" ]] || die "$source is missing from the rootfs"
  if [[ -f "$dest" ]] && cmp -s "$source" "$dest"; then
    chmod "$mode" "$dest"
    return 0
  fi
  if [[ -e "$dest" || -L "$dest" ]] && ! is_recorded "$component" f "$dest"; then
    backup="$STATE_DIR/backup$(node_path "$dest")"
    if [[ ! -e "$backup" ]]; then
      mkdir -p "$(dirname "$backup")"
      cp -a "$dest" "$backup"
    fi
  fi
  make_dir "$component" "$(dirname "$dest")"
  cp "$source" "$dest.lade-new"
  chmod "$mode" "$dest.lade-new"
  mv -f "$dest.lade-new" "$dest"
  record "$component" f "$dest"
}

# install_text COMPONENT DEST MODE TEXT: install_file with the given content.
install_text() {
  local component=$1 dest=$2 mode=$3 text=$4 tmp
  tmp="$(mktemp)"
  printf '%s' "$text" >"$tmp"
  install_file "$component" "$tmp" "$dest" "$mode"
  rm -f "$tmp"
}

# install_dir COMPONENT SOURCE_DIR DEST_DIR MODE: install_file for every file of SOURCE_DIR.
install_dir() {
  local component=$1 source=$2 dest=$3 mode=$4 file
  [[ -d "$source" ]] || die "$source is missing from the rootfs"
  while IFS= read -r -d '' file; do
    install_file "$component" "$file" "$dest/${file#"$source"/}" "$mode"
  done < <(find "$source" -type f -print0 | sort -z)
}

# revert COMPONENT: undo what the component recorded, newest first.
revert() {
  local component=$1 list kind path
  list="$STATE_DIR/$component.installed"
  [[ -f "$list" ]] || return 0
  while read -r kind path; do
    case "$kind" in
      f)
        rm -f "$ROOT$path"
        if [[ -e "$STATE_DIR/backup$path" || -L "$STATE_DIR/backup$path" ]]; then
          mv -f "$STATE_DIR/backup$path" "$ROOT$path"
          log "restored $path"
        fi
        ;;
      r)
        [[ "$path" == /?* ]] || continue
        unmount_under "$ROOT$path"
        # shellcheck disable=SC2115 # $path is checked above to be an absolute path below /
        rm -rf "$ROOT$path"
        ;;
      d)
        [[ -d "$ROOT$path" ]] || continue
        rmdir "$ROOT$path" 2>/dev/null || log "kept $path: something else put files in it"
        ;;
    esac
  done < <(tac "$list")
  rm -f "$list"
}

unmount_under() {
  local dir=$1 point
  live || return 0
  [[ -r /proc/mounts ]] || return 0
  while read -r point; do
    umount -l "$point" 2>/dev/null || true
  done < <(awk -v dir="$dir" 'index($2, dir "/") == 1 || $2 == dir { print $2 }' /proc/mounts | sort -r)
}

# save_once NAME VALUE: remember a setting's value from before the first change.
save_once() {
  mkdir -p "$STATE_DIR/saved"
  [[ -e "$STATE_DIR/saved/$1" ]] || printf '%s\n' "$2" >"$STATE_DIR/saved/$1"
}

saved() { cat "$STATE_DIR/saved/$1" 2>/dev/null || true; }

forget() { rm -f "$STATE_DIR/saved/$1"; }

# Units: enabled (and started when live) through these, so clean.sh can stop and disable them.
enable_unit() {
  local component=$1 unit=$2 target wants=()
  # a unit of the same name the machine had enabled (or running), e.g. the distribution's
  # containerd: clean.sh enables (and starts) it again once its own files are back
  if ! is_recorded "$component" u "$unit"; then
    if unit_enabled "$unit"; then save_once "enabled-$component-$unit" yes; fi
    if live && systemctl is-active --quiet "$unit" 2>/dev/null; then save_once "active-$component-$unit" yes; fi
  fi
  record "$component" u "$unit"
  # the <target>.wants folders systemctl creates, so that clean.sh removes them again (when empty)
  while read -r target; do
    [[ -n "$target" && ! -d "$ROOT/etc/systemd/system/$target.wants" ]] && wants+=("$ROOT/etc/systemd/system/$target.wants")
  done < <(sed -n 's/^WantedBy=//p' "$ROOT/etc/systemd/system/$unit" 2>/dev/null | tr ' ' '\n')
  if live; then
    systemctl enable "$unit" >/dev/null 2>&1 || die "systemctl enable $unit failed"
  else
    systemctl --root="$ROOT" enable "$unit" >/dev/null 2>&1 || die "systemctl --root=$ROOT enable $unit failed"
  fi
  for target in "${wants[@]}"; do
    if [[ -d "$target" ]]; then record "$component" d "$target"; fi
  done
}

unit_enabled() {
  if live; then
    systemctl is-enabled --quiet "$1" 2>/dev/null
  else
    systemctl --root="$ROOT" is-enabled --quiet "$1" 2>/dev/null
  fi
}

# restore_units COMPONENT: after revert and daemon-reload, enable (and start) again the units of
# the machine that enable_unit found enabled (running).
restore_units() {
  local component=$1 file unit
  for file in "$STATE_DIR/saved/enabled-$component-"* "$STATE_DIR/saved/active-$component-"*; do
    [[ -e "$file" ]] || continue
    unit="${file##*/}"
    unit="${unit#*-"$component"-}"
    case "${file##*/}" in
      enabled-*)
        if live; then
          systemctl enable "$unit" >/dev/null 2>&1 || warn "cannot enable $unit again"
        else
          systemctl --root="$ROOT" enable "$unit" >/dev/null 2>&1 || warn "cannot enable $unit again"
        fi
        log "enabled $unit again"
        ;;
      active-*)
        live && { systemctl start "$unit" || warn "cannot start $unit again"; }
        log "started $unit again"
        ;;
    esac
    rm -f "$file"
  done
}

start_unit() {
  if live; then
    systemctl restart "$1" || die "$1 did not start: see journalctl -u $1"
  else
    log "not starting $1 (LADE_NODE_ROOT is set)"
  fi
}

# stop_units COMPONENT: stop and disable the units the component enabled.
stop_units() {
  local component=$1 kind unit
  [[ -f "$STATE_DIR/$component.installed" ]] || return 0
  while read -r kind unit; do
    [[ "$kind" == u ]] || continue
    if live; then
      systemctl stop "$unit" >/dev/null 2>&1 || true
      systemctl disable "$unit" >/dev/null 2>&1 || true
    else
      systemctl --root="$ROOT" disable "$unit" >/dev/null 2>&1 || true
    fi
  done < <(tac "$STATE_DIR/$component.installed")
}

daemon_reload() {
  if live; then systemctl daemon-reload; fi
}

# The registry as clients name it: DOMAIN:PORT.
registry_host() { printf '%s:%s' "$LADE_REGISTRY_DOMAIN" "$LADE_REGISTRY_PORT"; }

# host_list LIST: the IPs of LIST (joined by ","), one per line, an IPv6 one in brackets (for URLs).
host_list() {
  local ip
  local -a ips
  IFS=, read -r -a ips <<<"$1"
  for ip in "${ips[@]}"; do
    [[ -n "$ip" ]] || continue
    [[ "$ip" == *:* ]] && ip="[$ip]"
    printf '%s\n' "$ip"
  done
}

# Where the registry's certificate (its own CA) lives on every node.
# shellcheck disable=SC2034 # used by the scripts that source this file
readonly REGISTRY_CONFIG_DIR="$ROOT/etc/lade/registry"
