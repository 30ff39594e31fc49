# Shared shell helpers for the project's scripts. Source it, do not run it.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${ISPMAIL_VENV:-$ROOT/.venv}
export PATH="$VENV/bin:$PATH"

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
