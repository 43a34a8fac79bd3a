#!/usr/bin/env bash
# Inkoopwijzer developer entry point. Installs what it needs, idempotently:
#   ./dev.sh serve   build the site from policies/ + content/ and serve it on http://127.0.0.1:8000
#   ./dev.sh test    run all tests (installs test tools and Debian's Chromium when missing)
#   ./dev.sh build   build the site into site/
set -euo pipefail
cd "$(dirname "$0")"

VENV=${INKOOPWIJZER_VENV:-.venv}
PY=${PYTHON:-python3}
export NO_MKDOCS_2_WARNING=1

if [ -t 2 ]; then
  log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
else
  log() { printf '==> %s\n' "$*" >&2; }
fi

# Installers are quiet unless something fails; then their whole output is shown.
quietly() {
  local out
  out=$(mktemp)
  if ! "$@" >"$out" 2>&1; then
    cat "$out" >&2
    rm -f "$out"
    log "failed: $*"
    exit 1
  fi
  rm -f "$out"
}

pip_install() {
  quietly "$VENV/bin/python" -m pip install --disable-pip-version-check "$@"
}

ensure_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating virtualenv $VENV"
    "$PY" -m venv "$VENV"
  fi
  local stamp="$VENV/.installed-$1" want
  want=$(cat pyproject.toml | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    log "installing Python packages ($1)"
    pip_install --upgrade pip
    if [ "$1" = test ]; then
      pip_install -e ".[test]"
    else
      pip_install -e .
    fi
    echo "$want" > "$stamp"
  fi
}

ensure_npm() {
  [ -f package.json ] || return 0
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing npm packages"
    if [ -f package-lock.json ]; then
      quietly npm ci --no-audit --no-fund
    else
      quietly npm install --no-audit --no-fund
    fi
  fi
}

ensure_chromium() {
  if command -v chromium >/dev/null 2>&1; then return 0; fi
  log "installing Debian's Chromium (apt-get install chromium)"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  quietly $sudo apt-get update
  quietly $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
}

case "${1:-}" in
  serve)
    ensure_venv base
    ensure_npm
    log "building the site and serving it on http://127.0.0.1:8000/ (Ctrl+C stops)"
    exec "$VENV/bin/inkoopwijzer" serve --dev-addr 127.0.0.1:8000 "${@:2}"
    ;;
  build)
    ensure_venv base
    ensure_npm
    exec "$VENV/bin/inkoopwijzer" build "${@:2}"
    ;;
  test)
    ensure_venv test
    ensure_npm
    ensure_chromium
    shift
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  *)
    sed -n '2,6p' "$0" >&2
    exit 2
    ;;
esac
