#!/usr/bin/env bash
# The main job: set up (idempotent), then open JupyterLab on the quickstart notebook.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
extra=()
[ "$(id -u)" = 0 ] && extra+=(--allow-root) # containers and CI machines often run as root
exec .venv/bin/jupyter lab examples/quickstart.ipynb "${extra[@]}" "$@"
