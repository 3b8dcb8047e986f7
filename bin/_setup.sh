# Shared by bin/demo and bin/test: a virtual environment with the pinned
# requirements, the system tools the portal needs, and compiled translations.
# Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-python3}"
VENV="$ROOT/.venv"
REQS=requirements-dev.txt

apt_install() {
  # Debian packages the portal needs (gettext for translations, chromium for
  # the browser tests). Installed when we may; otherwise say what is missing.
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> apt-get install ${missing[*]}"
    (apt-get update -qq || true) >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo apt-get update -qq >/dev/null 2>&1 || true
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "!! missing Debian packages: ${missing[*]} (install them with apt-get)" >&2
    return 1
  fi
}

ensure_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    echo "==> creating $VENV"
    "$PY" -m venv "$VENV"
  fi
  local stamp="$VENV/.requirements.sha"
  local want
  want="$(cat requirements*.txt | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "==> installing Python requirements ($REQS)"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQS"
    echo "$want" > "$stamp"
  fi
}

ensure_frontend() {
  # Front-end packages come from the npm registry at set-up time and are
  # copied into static/vendor by bin/vendor-assets (nothing from a CDN).
  if [ -x "$ROOT/bin/vendor-assets" ]; then
    "$ROOT/bin/vendor-assets"
  fi
}

compile_translations() {
  apt_install gettext || true
  if command -v msgfmt >/dev/null; then
    "$VENV/bin/python" manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
  fi
}

portal_setup() {
  ensure_venv
  ensure_frontend
  compile_translations
}
