#!/usr/bin/env bash
# The main job: set up (idempotent), then open JupyterLab on the quickstart notebook.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/jupyter lab examples/quickstart.ipynb "$@"
