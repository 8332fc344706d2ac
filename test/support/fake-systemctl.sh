#!/usr/bin/env bash
# systemctl for the hosts of test/support/netns-lab.ts, where no systemd runs. Installed as
# /usr/local/sbin/systemctl (ahead of /usr/bin on PATH) in each host only.
#   enable/disable     the real systemctl offline (--root=/): it writes the [Install] symlinks
#   is-enabled         looks for those symlinks
#   start/restart/stop runs ExecStartPre= and ExecStart= of the unit (and its drop-ins) detached,
#                      with its Environment=/EnvironmentFile=; output in /run/fake-systemd/UNIT.log
#   is-active          whether that process is alive
#   daemon-reload      nothing to do
# Every call is appended to /run/fake-systemd/calls, for tests to check.
set -uo pipefail

readonly STATE=/run/fake-systemd
readonly SERVICE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
readonly UNIT_DIRS=(/etc/systemd/system /run/systemd/system /lib/systemd/system /usr/lib/systemd/system)
readonly STOP_TIMEOUT_TENTHS=100
# The environment of the unit being started (its Environment= and EnvironmentFile= values).
declare -A ENV=()

mkdir -p "$STATE"
printf '%s\n' "$*" >>"$STATE/calls"

fail() {
  echo "systemctl (lab stand-in): $*" >&2
  exit 1
}

# `systemctl --root=DIR …` edits an offline tree: that is the real systemctl's job.
for arg in "$@"; do
  [[ "$arg" == --root=* || "$arg" == --root ]] && exec /usr/bin/systemctl "$@"
done

now=false quiet=false command="" units=()
for arg in "$@"; do
  case "$arg" in
    --now) now=true ;;
    -q | --quiet) quiet=true ;;
    -*) ;; # --no-block, --no-pager, --force, …: nothing to do here
    *)
      if [[ -z "$command" ]]; then command=$arg; else units+=("$arg"); fi
      ;;
  esac
done
# Like systemctl, `foo` means foo.service.
for i in "${!units[@]}"; do
  [[ "${units[$i]}" == *.* ]] || units[i]="${units[$i]}.service"
done

unit_file() {
  local dir
  for dir in "${UNIT_DIRS[@]}"; do
    if [[ -f "$dir/$1" ]]; then
      printf '%s\n' "$dir/$1"
      return 0
    fi
  done
  return 1
}

# The unit file, then its drop-ins (UNIT.d/*.conf) ordered by name; /etc wins over /usr/lib.
unit_files() {
  local dir file name i
  local -A dropins=()
  unit_file "$1" || return 1
  for ((i = ${#UNIT_DIRS[@]} - 1; i >= 0; i--)); do
    dir="${UNIT_DIRS[$i]}/$1.d"
    [[ -d "$dir" ]] || continue
    for file in "$dir"/*.conf; do
      [[ -f "$file" ]] && dropins[${file##*/}]=$file
    done
  done
  while IFS= read -r name; do
    [[ -n "$name" ]] && printf '%s\n' "${dropins[$name]}"
  done < <(printf '%s\n' "${!dropins[@]}" | sort)
}

alive() {
  local state
  [[ -r "/proc/$1/stat" ]] || return 1
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

running_pid() {
  local pid
  pid=$(cat "$STATE/$1.pid" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" && printf '%s\n' "$pid"
}

# split_words TEXT: WORDS=(the words of TEXT), honouring "…" and '…' quotes and \ escapes.
split_words() {
  local text=$1 word="" quote="" started=false c i
  WORDS=()
  for ((i = 0; i < ${#text}; i++)); do
    c=${text:i:1}
    if [[ -n "$quote" ]]; then
      if [[ "$c" == "$quote" ]]; then
        quote=""
      elif [[ "$c" == \\ && "$quote" == '"' && $((i + 1)) -lt ${#text} ]]; then
        i=$((i + 1))
        word+=${text:i:1}
      else
        word+=$c
      fi
    elif [[ "$c" == '"' || "$c" == "'" ]]; then
      quote=$c
      started=true
    elif [[ "$c" == \\ && $((i + 1)) -lt ${#text} ]]; then
      i=$((i + 1))
      word+=${text:i:1}
      started=true
    elif [[ "$c" == [[:space:]] ]]; then
      if $started; then WORDS+=("$word"); fi
      word="" started=false
    else
      word+=$c
      started=true
    fi
  done
  if $started; then WORDS+=("$word"); fi
}

# expand_inline WORD: ${VAR} and $VAR replaced by their values from ENV ($$ is a $).
expand_inline() {
  local rest=$1 out="" name
  # shellcheck disable=SC2016 # the $ are the regex's, not expansions
  local pattern='^([^$]*)\$(\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*)|\$)(.*)$'
  while [[ "$rest" =~ $pattern ]]; do
    out+=${BASH_REMATCH[1]}
    if [[ "${BASH_REMATCH[2]}" == '$' ]]; then
      out+='$'
    else
      name=${BASH_REMATCH[3]:-${BASH_REMATCH[4]}}
      out+=${ENV[$name]:-}
    fi
    rest=${BASH_REMATCH[5]}
  done
  printf '%s' "$out$rest"
}

# expand_command LINE: ARGV=(the command), with systemd's rules: a word that is just $VAR becomes
# the value split at whitespace (no word when empty); ${VAR} elsewhere stays one word.
expand_command() {
  local word value parts
  split_words "$1"
  ARGV=()
  for word in "${WORDS[@]}"; do
    if [[ "$word" =~ ^\$([A-Za-z_][A-Za-z0-9_]*)$ ]]; then
      value=${ENV[${BASH_REMATCH[1]}]:-}
      read -r -a parts <<<"$value"
      ARGV+=("${parts[@]}")
    else
      ARGV+=("$(expand_inline "$word")")
    fi
  done
}

# read_env_file PATH: KEY=VALUE lines into ENV (values are not shell: they may hold spaces).
read_env_file() {
  local line key value
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line#"${line%%[![:space:]]*}"}"
    [[ -z "$line" || "$line" == \#* || "$line" == \;* ]] && continue
    [[ "$line" == *=* ]] || continue
    key="${line%%=*}"
    key="${key%"${key##*[![:space:]]}"}"
    key="${key#export }"
    value="${line#*=}"
    value="${value#"${value%%[![:space:]]*}"}"
    value="${value%"${value##*[![:space:]]}"}"
    if [[ ${#value} -ge 2 && ( "$value" == \"*\" || "$value" == \'*\' ) && "${value:0:1}" == "${value: -1}" ]]; then
      value=${value:1:${#value}-2}
    fi
    ENV[$key]=$value
  done <"$1"
}

# load_unit UNIT: the [Service] settings this stand-in uses, into ENV, PRE, EXEC and WORKDIR.
load_unit() {
  local file line section key value environments=() environment_files=() word
  local -a files
  mapfile -t files < <(unit_files "$1") || true
  [[ ${#files[@]} -gt 0 ]] || fail "Unit $1 not found."
  PRE=() EXEC="" WORKDIR=""
  for file in "${files[@]}"; do
    section=""
    local pending=""
    while IFS= read -r line || [[ -n "$line" ]]; do
      if [[ "$line" == *\\ ]]; then
        pending+="${line%\\} "
        continue
      fi
      line="$pending$line" pending=""
      line="${line#"${line%%[![:space:]]*}"}"
      [[ -z "$line" || "$line" == \#* || "$line" == \;* ]] && continue
      if [[ "$line" =~ ^\[(.*)\]$ ]]; then
        section=${BASH_REMATCH[1]}
        continue
      fi
      [[ "$section" == Service && "$line" == *=* ]] || continue
      key="${line%%=*}"
      key="${key%"${key##*[![:space:]]}"}"
      value="${line#*=}"
      value="${value#"${value%%[![:space:]]*}"}"
      case "$key" in
        Environment) if [[ -z "$value" ]]; then environments=(); else environments+=("$value"); fi ;;
        EnvironmentFile) if [[ -z "$value" ]]; then environment_files=(); else environment_files+=("$value"); fi ;;
        ExecStartPre) if [[ -z "$value" ]]; then PRE=(); else PRE+=("$value"); fi ;;
        ExecStart) EXEC=$value ;;
        WorkingDirectory) WORKDIR=${value#-} ;;
      esac
    done <"$file"
  done
  # Files override Environment= (as in systemd).
  ENV=([PATH]="$SERVICE_PATH")
  for value in "${environments[@]}"; do
    split_words "$value"
    for word in "${WORDS[@]}"; do
      [[ "$word" == *=* ]] && ENV[${word%%=*}]=${word#*=}
    done
  done
  for value in "${environment_files[@]}"; do
    if [[ "$value" == -* ]]; then
      value=${value#-}
      [[ -r "$value" ]] || continue
    fi
    [[ -r "$value" ]] || fail "Failed to load environment file $value for $1."
    read_env_file "$value"
  done
}

# unit_env: ENV_ARGS=ENV as NAME=VALUE words, for `env -i`.
unit_env() {
  local key
  ENV_ARGS=()
  for key in "${!ENV[@]}"; do ENV_ARGS+=("$key=${ENV[$key]}"); done
}

# strip_prefixes LINE: PREFIXES=the leading -@+!: of an Exec line, LINE=the rest.
strip_prefixes() {
  LINE=$1 PREFIXES=""
  while [[ "$LINE" == [-@+!:]* ]]; do
    PREFIXES+=${LINE:0:1}
    LINE=${LINE:1}
  done
}

start_unit() {
  local unit=$1 pre pid log="$STATE/$1.log"
  [[ "$unit" == *.service ]] || return 0 # sockets, targets, …: nothing runs here
  if running_pid "$unit" >/dev/null; then return 0; fi
  load_unit "$unit"
  [[ -n "$EXEC" ]] || fail "$unit has no ExecStart=."
  unit_env
  for pre in "${PRE[@]}"; do
    strip_prefixes "$pre"
    expand_command "$LINE"
    [[ ${#ARGV[@]} -gt 0 ]] || continue
    if ! (cd "${WORKDIR:-/}" && env -i "${ENV_ARGS[@]}" "${ARGV[@]}") </dev/null >>"$log" 2>&1; then
      [[ "$PREFIXES" == *-* ]] || fail "$unit: ExecStartPre=$pre failed (see $log)."
    fi
  done
  strip_prefixes "$EXEC"
  expand_command "$LINE"
  [[ ${#ARGV[@]} -gt 0 ]] || fail "$unit: empty ExecStart=."
  # setsid: its own session and process group (stop kills the group, as systemd kills the cgroup),
  # and it outlives the ssh session that started it.
  (cd "${WORKDIR:-/}" && exec env -i "${ENV_ARGS[@]}" setsid "${ARGV[@]}") </dev/null >>"$log" 2>&1 &
  pid=$!
  printf '%s\n' "$pid" >"$STATE/$unit.pid"
  sleep 0.5
  if ! alive "$pid"; then
    rm -f "$STATE/$unit.pid"
    wait "$pid" 2>/dev/null
    echo "Job for $unit failed: the process exited at once. Its output ($log):" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
}

stop_unit() {
  local unit=$1 pid tenths=0
  pid=$(running_pid "$unit") || {
    rm -f "$STATE/$unit.pid"
    return 0
  }
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
  while alive "$pid" && ((tenths < STOP_TIMEOUT_TENTHS)); do
    sleep 0.1
    tenths=$((tenths + 1))
  done
  if alive "$pid"; then
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
    while alive "$pid"; do sleep 0.1; done
  fi
  rm -f "$STATE/$unit.pid"
}

is_enabled() {
  local link
  for link in /etc/systemd/system/*.wants/"$1" /etc/systemd/system/*.requires/"$1"; do
    [[ -L "$link" || -e "$link" ]] && return 0
  done
  return 1
}

need_units() {
  [[ ${#units[@]} -gt 0 ]] || fail "$command needs a unit name."
}

case "$command" in
  enable | disable)
    need_units
    if [[ "$command" == disable ]] && $now; then
      for unit in "${units[@]}"; do stop_unit "$unit"; done
    fi
    quiet_flag=()
    if $quiet; then quiet_flag=(--quiet); fi
    /usr/bin/systemctl --root=/ "${quiet_flag[@]}" "$command" "${units[@]}" || exit
    if [[ "$command" == enable ]] && $now; then
      for unit in "${units[@]}"; do start_unit "$unit"; done
    fi
    ;;
  is-enabled)
    need_units
    status=0
    for unit in "${units[@]}"; do
      if is_enabled "$unit"; then
        $quiet || echo enabled
      elif ! unit_file "$unit" >/dev/null; then
        echo "Failed to get unit file state for $unit: No such file or directory" >&2
        status=1
      else
        $quiet || echo disabled
        status=1
      fi
    done
    exit "$status"
    ;;
  daemon-reload) ;;
  start)
    need_units
    for unit in "${units[@]}"; do start_unit "$unit"; done
    ;;
  restart)
    need_units
    for unit in "${units[@]}"; do
      stop_unit "$unit"
      start_unit "$unit"
    done
    ;;
  stop)
    need_units
    for unit in "${units[@]}"; do stop_unit "$unit"; done
    ;;
  is-active)
    need_units
    status=0
    for unit in "${units[@]}"; do
      if running_pid "$unit" >/dev/null; then
        $quiet || echo active
      else
        $quiet || echo inactive
        status=3
      fi
    done
    exit "$status"
    ;;
  *) fail "'${command:-(none)}' is not supported here (arguments: $*)." ;;
esac
