#!/usr/bin/env bash
# Install (idempotently) and run the ValueMatch app.
#
#   scripts/run-app.sh [streamlit options...]    e.g. --server.port 8502
#
# Creates .venv if missing, installs requirements.txt, then runs
# `streamlit run app.py` with any extra arguments passed through.
# The database is the embedded SQLite file data/valuematch.db unless
# DATABASE_URL is set.
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh"

ensure_venv
pip_install requirements.txt
cd "$REPO_ROOT"
mkdir -p data
exec "$VENV_PY" -m streamlit run app.py "$@"
