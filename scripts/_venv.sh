# Shared helpers for scripts/run-app.sh and scripts/test.sh (sourced, not run).
# Creates the project's virtual environment in .venv when it is missing or
# broken, and installs a requirements file into it (idempotent: pip skips
# what is already installed at the pinned version).

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV_DIR="${VM_VENV_DIR:-$REPO_ROOT/.venv}"
VENV_PY="$VENV_DIR/bin/python"
PYTHON="${PYTHON:-python3}"

log() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "error: $*"; exit 1; }

ensure_venv() {
    if [ -x "$VENV_PY" ] && "$VENV_PY" -c 'import sys' >/dev/null 2>&1; then
        return 0
    fi
    command -v "$PYTHON" >/dev/null 2>&1 \
        || die "'$PYTHON' not found; install Python 3.11+ (or set PYTHON=/path/to/python3)"
    "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
        || die "Python 3.11 or newer is required; '$PYTHON' is $("$PYTHON" --version 2>&1)"
    log "creating virtual environment in $VENV_DIR"
    rm -rf "$VENV_DIR"
    if ! "$PYTHON" -m venv "$VENV_DIR"; then
        rm -rf "$VENV_DIR"
        die "'$PYTHON -m venv' failed (on Debian/Ubuntu: apt-get install python3-venv)"
    fi
}

# Harmless pip noise on machines whose pip config lists a missing local index.
PIP_NOISE="^WARNING: Location '[^']*' is ignored: it is neither a file nor a directory\.\$"

# pip_install <requirements file>
pip_install() {
    log "installing $1 into $VENV_DIR"
    if ! "$VENV_PY" -m pip install --quiet --disable-pip-version-check -r "$REPO_ROOT/$1" 2>&1 \
            | { grep -v "$PIP_NOISE" || true; } >&2; then
        die "pip install -r $1 failed"
    fi
}
