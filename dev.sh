#!/usr/bin/env bash
# Inkoopwijzer developer entry point. Installs what it needs, idempotently:
#   ./dev.sh serve   build the site from policies/ + content/ and serve it on http://127.0.0.1:8000
#   ./dev.sh test    run all tests (installs test tools and Debian's Chromium when missing)
#   ./dev.sh build   build the site into site/
set -euo pipefail
cd "$(dirname "$0")"

VENV=.venv
PY=${PYTHON:-python3}
export NO_MKDOCS_2_WARNING=1

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ensure_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating virtualenv $VENV"
    "$PY" -m venv "$VENV"
  fi
  local stamp="$VENV/.installed-$1" want
  want=$(cat pyproject.toml | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    log "installing Python packages ($1)"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip >/dev/null
    if [ "$1" = test ]; then
      "$VENV/bin/python" -m pip install --quiet -e ".[test]"
    else
      "$VENV/bin/python" -m pip install --quiet -e .
    fi
    echo "$want" > "$stamp"
  fi
}

ensure_npm() {
  [ -f package.json ] || return 0
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing npm packages"
    if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
  fi
}

ensure_chromium() {
  if command -v chromium >/dev/null 2>&1; then return 0; fi
  log "installing Debian's Chromium (apt-get install chromium)"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
}

case "${1:-}" in
  serve)
    ensure_venv base
    ensure_npm
    exec "$VENV/bin/inkoopwijzer" serve --dev-addr 127.0.0.1:8000
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
