# Shared shell helpers for the project's scripts. Source it, do not run it.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${ISPMAIL_VENV:-$ROOT/.venv}
export PATH="$VENV/bin:$PATH"
# Podman reads the project's settings (molecule/containers.conf: runc, no default ulimits), not
# the user's own configuration: set here for every script that runs podman.
export CONTAINERS_CONF="$ROOT/molecule/containers.conf"

log() { printf '==> %s\n' "$*" >&2; }

# retry N CMD...: network steps (apt, pip, debootstrap) fail now and then; try again with a pause.
retry() {
  local tries=$1 n=1; shift
  until "$@"; do
    if (( n >= tries )); then
      log "giving up after $n tries: $*"
      return 1
    fi
    log "failed (try $n of $tries), retrying in $((n * 5)) s: $*"
    sleep $((n * 5))
    n=$((n + 1))
  done
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# ensure_venv DIR PIP-ARGS...: a virtualenv at DIR holding what `pip install PIP-ARGS` installs.
# pip runs again only when the arguments, or a requirements file among them, change (paths are
# taken relative to the clone, so clones sharing a venv through ISPMAIL_VENV agree).
ensure_venv() {
  local dir=$1 want arg; shift
  want=$({ for arg in "$@"; do printf '%s\n' "${arg#"$ROOT"/}"; done
    for arg in "$@"; do if [ -f "$arg" ]; then cat "$arg"; fi; done; } | sha256sum | cut -d' ' -f1)
  if [ ! -x "$dir/bin/python" ]; then
    log "creating virtualenv ${dir#"$ROOT"/}"
    "${PYTHON:-python3}" -m venv "$dir"
  fi
  if [ "$(cat "$dir/.requirements.sha" 2>/dev/null)" != "$want" ]; then
    log "pip: installing into ${dir#"$ROOT"/}: $*"
    retry 5 "$dir/bin/pip" install -q --upgrade pip
    retry 5 "$dir/bin/pip" install -q "$@"
    echo "$want" >"$dir/.requirements.sha"
  fi
}

# The oldest ansible-core the collection supports: the series of requires_ansible in
# meta/runtime.yml (">=2.18.0" -> 2.18). The *-oldest test steps run with it, so the
# claim is tested. ISPMAIL_ANSIBLE_CORE=2.19 picks another series.
oldest_core() {
  sed -n 's/^requires_ansible: *["'\'']*>= *\([0-9]*\.[0-9]*\).*/\1/p' "$ROOT/meta/runtime.yml"
}

# The newest ansible-core the tests run with: the pin in requirements-dev.txt, as a pip spec.
newest_core_spec() {
  grep -m1 '^ansible-core' "$ROOT/requirements-dev.txt" | sed 's/ *#.*//'
}

# core_spec SERIES -> a pip spec for the newest release of that series ("" -> the newest pin).
core_spec() {
  if [ -n "$1" ]; then printf 'ansible-core==%s.*\n' "$1"; else newest_core_spec; fi
}

# copy_tree DEST: the files git knows (tracked or new, not ignored) copied to DEST, as a
# repository of its own (ansible-test and the packaging tools list files with git; inside this
# repository .cache/ is ignored). Files deleted from the work tree but still in the index are
# left out.
copy_tree() {
  local dest=$1
  rm -rf "$dest"
  mkdir -p "$dest"
  (cd "$ROOT" && git ls-files -co --exclude-standard -z |
    while IFS= read -r -d '' f; do if [ -e "$f" ]; then printf '%s\0' "$f"; fi; done |
    tar --null -cf - -T - | tar -xf - -C "$dest")
  (cd "$dest" && git init -q && git add -A)
}

# progress LABEL LOGFILE CMD...: runs CMD with its output in LOGFILE and shows that it is
# alive: the seconds so far and LOGFILE's latest step (an Ansible TASK, a debootstrap "I:"
# line, else its last line). On a terminal one line is redrawn; elsewhere a line every 20 s.
# Returns CMD's status; on failure the end of LOGFILE is printed.
progress() {
  local label=$1 logfile=$2 pid rc=0 start=$SECONDS shown=$SECONDS line; shift 2
  "$@" >"$logfile" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    line=$(grep -E '^(TASK \[|RUNNING HANDLER|I: )' "$logfile" | tail -n 1 | sed 's/ \**$//') || true
    [ -n "$line" ] || line=$(tail -n 1 "$logfile" 2>/dev/null) || true
    if [ -t 2 ]; then
      printf '\r\033[K    %s, %d s: %.70s' "$label" $((SECONDS - start)) "$line" >&2
    elif ((SECONDS - shown >= 20)); then
      shown=$SECONDS
      printf '    %s, %d s: %.70s\n' "$label" $((SECONDS - start)) "$line" >&2
    fi
  done
  wait "$pid" || rc=$?
  if [ -t 2 ]; then printf '\r\033[K' >&2; fi
  if ((rc)); then
    log "$label failed after $((SECONDS - start)) s; the end of $logfile:"
    tail -n 40 "$logfile" >&2
  else
    log "$label done in $((SECONDS - start)) s"
  fi
  return "$rc"
}

# image_name RELEASE -> the base image the Molecule scenarios and the demo boot (bookworm,
# trixie): ISPMAIL_IMAGE_BOOKWORM / ISPMAIL_IMAGE_TRIXIE, else the one scripts/build-image makes.
# molecule/*/molecule.yml repeat the default for a molecule run without these scripts.
image_name() {
  local var="ISPMAIL_IMAGE_${1^^}"
  printf '%s\n' "${!var:-localhost/ispmail-debian:$1}"
}

# remove_containers NAME...: the containers removed where they exist (an interrupted run's).
remove_containers() {
  local name
  for name in "$@"; do
    if podman container exists "$name"; then
      log "removing the container $name"
      podman rm -f -t 0 "$name" >/dev/null || return 1
    fi
  done
}
