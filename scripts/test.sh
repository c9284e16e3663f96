#!/usr/bin/env bash
# Install (idempotently) everything the tests need and run them.
#
#   scripts/test.sh [pytest arguments...]
#   scripts/test.sh -m "not browser"     # fast tests only, no Chromium
#   scripts/test.sh -k harness           # by name
#
# 1. creates .venv if missing and installs requirements-dev.txt into it;
# 2. installs Debian's `chromium` when /usr/bin/chromium is missing
#    (browser tests drive it through Playwright; Playwright's own browser
#    download is never used);
#    and Debian's `libreoffice-calc-nogui` when /usr/bin/soffice is missing
#    (VM_ALLOW_SKIP_LIBREOFFICE=1: that one test is skipped instead);
# 3. starts a throwaway PostgreSQL server (installing Debian's `postgresql`
#    when missing) and exports VM_TEST_POSTGRES_URL, so the database and
#    service tests run on PostgreSQL as well as SQLite; it is stopped and
#    removed on exit (VM_ALLOW_SKIP_POSTGRES=1: SQLite only when missing);
# 4. runs ruff (lint and format check), lint-imports and mypy (pyproject.toml), then
#    `python -m pytest` with the arguments given (not exec: the EXIT trap
#    must still stop the server).
# The exit code is pytest's, except that "no tests collected" (5) is a failure.
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh"

START=$SECONDS
CHROMIUM=/usr/bin/chromium

ensure_venv
pip_install requirements-dev.txt

# apt_install PACKAGE WHAT: Debian's PACKAGE, as root or through sudo.
apt_install() {
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null 2>&1 \
            || die "Debian's '$1' package is needed (for $2), and sudo is unavailable to install it"
        sudo="sudo"
    fi
    log "installing Debian's $1 (for $2)"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" </dev/null >/dev/null
}

ensure_chromium() {
    [ -x "$CHROMIUM" ] && return 0
    if [ "${VM_ALLOW_SKIP_BROWSER:-}" = 1 ]; then
        log "$CHROMIUM missing; VM_ALLOW_SKIP_BROWSER=1, browser tests will be skipped"
        return 0
    fi
    apt_install chromium "browser tests"
    [ -x "$CHROMIUM" ] || die "apt-get install chromium did not provide $CHROMIUM"
}
ensure_chromium

# LibreOffice opens the exports in tests/security/test_exports_in_libreoffice.py (soffice headless).
SOFFICE=/usr/bin/soffice
ensure_libreoffice() {
    [ -x "$SOFFICE" ] && return 0
    if [ "${VM_ALLOW_SKIP_LIBREOFFICE:-}" = 1 ]; then
        log "$SOFFICE missing; VM_ALLOW_SKIP_LIBREOFFICE=1, the spreadsheet test will be skipped"
        return 0
    fi
    apt_install libreoffice-calc-nogui "opening the exports in a real spreadsheet"
    [ -x "$SOFFICE" ] || die "apt-get install libreoffice-calc-nogui did not provide $SOFFICE"
}
ensure_libreoffice

# PostgreSQL: a throwaway cluster (scripts/pg_cluster.py: initdb + pg_ctl in a temporary folder,
# 127.0.0.1 on a free port, durability off); its URL goes to the tests as VM_TEST_POSTGRES_URL, and
# the EXIT trap stops it and removes the folder (after Ctrl-C too). A URL already in
# VM_TEST_POSTGRES_URL is used as it is (no cluster is started).
PG_DIR=""

pg_cluster() { (cd "$REPO_ROOT" && "$VENV_PY" -m scripts.pg_cluster "$@"); }

stop_postgres() {
    [ -n "$PG_DIR" ] || return 0
    pg_cluster remove "$PG_DIR" || log "warning: could not stop the PostgreSQL server in $PG_DIR"
    PG_DIR=""
}

setup_postgres() {
    if [ -n "${VM_TEST_POSTGRES_URL:-}" ]; then
        log "using the PostgreSQL database given in VM_TEST_POSTGRES_URL"
        return 0
    fi
    if ! pg_cluster bin-dir >/dev/null; then
        if [ "${VM_ALLOW_SKIP_POSTGRES:-}" = 1 ]; then
            log "PostgreSQL missing; VM_ALLOW_SKIP_POSTGRES=1, tests run on SQLite only"
            return 0
        fi
        apt_install postgresql "the PostgreSQL runs of the tests"
        pg_cluster bin-dir >/dev/null || die "apt-get install postgresql did not provide initdb and pg_ctl"
    fi
    PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/vm-test-pg.XXXXXX")
    trap stop_postgres EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    local url
    url=$(pg_cluster start "$PG_DIR" --user vm_test --database vm_test) \
        || die "the throwaway PostgreSQL server did not start"
    export VM_TEST_POSTGRES_URL="$url"
    log "VM_TEST_POSTGRES_URL=$VM_TEST_POSTGRES_URL"
}
setup_postgres

log "setup done in $((SECONDS - START))s; checking lint, format, import contracts and types"
# The checks configured in pyproject.toml, before the tests (VM_SKIP_CHECKS=1 skips them, e.g. for -k runs).
if [ "${VM_SKIP_CHECKS:-}" != 1 ]; then
    (cd "$REPO_ROOT" && "$VENV_DIR/bin/ruff" check --quiet . && "$VENV_DIR/bin/ruff" format --check --quiet . \
        && "$VENV_DIR/bin/lint-imports" --no-cache && "$VENV_DIR/bin/mypy") \
        || die "a check failed (ruff, ruff format, lint-imports or mypy; see above)"
fi
log "checks done after $((SECONDS - START))s; running pytest"
cd "$REPO_ROOT"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
set +e
# Two workers (pytest-xdist) unless the caller chose: the suite waits on servers and browsers
# as much as it computes. Tests marked xdist_group("serial") share one worker (tests/conftest.py).
WORKERS=(-n "${VM_TEST_WORKERS:-2}" --dist loadgroup)
for arg in "$@"; do
    case "$arg" in -n|-n*|--numprocesses*) WORKERS=() ;; esac
done
"$VENV_PY" -m pytest "${WORKERS[@]}" "$@"
rc=$?
set -e
if [ "$rc" = 5 ]; then
    log "error: pytest collected no tests (exit code 5); treating as failure"
    exit 1
fi
exit "$rc"
