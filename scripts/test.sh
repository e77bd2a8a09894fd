#!/usr/bin/env bash
# Everything: setup (idempotent), linters and type checks, jest, pytest (unit + real-browser end-to-end).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
bash scripts/setup.sh
bash scripts/install-vscode.sh
echo "== lint: eslint, prettier, tsc, ruff, mypy"
npx eslint --max-warnings 0 .
npx prettier --check --log-level warn .
npx tsc -b renderers labextension vscode
ruff check python-shim tests scripts bench
ruff format --check python-shim tests scripts bench
mypy --config-file python-shim/pyproject.toml python-shim/modelviz
echo "== jest"
npx jest --ci
echo "== pytest (python + browser end-to-end)"
pytest -q tests/python tests/e2e "$@"
echo "== pytest (the graph benchmark runner's own tests: their own Playwright instance, so their own process)"
pytest -q bench/graph
