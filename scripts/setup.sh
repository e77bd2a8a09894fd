#!/usr/bin/env bash
# Sets up everything a fresh clone needs, idempotently (a second run only checks stamps):
#   .venv (Python dev tools + JupyterLab), node_modules, generated types, the JS builds,
#   and the modelviz wheel (with its prebuilt labextension) installed into .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$ROOT/.venv/bin:$PATH"
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
hash_of() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }
tree_hash() { find "$@" -type f ! -path '*/generated/*' ! -path '*/node_modules/*' ! -path '*/lib/*' ! -path '*/dist/*' \
  ! -path '*/labextension/static/*' ! -name '*.pyc' -print0 2>/dev/null | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16; }
fresh() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

# 1. Python environment
if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  python3 -m venv .venv
fi
want=$(hash_of requirements-dev.txt)
if ! fresh .venv/.mv-requirements "$want"; then
  say "installing Python dev requirements"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements-dev.txt
  echo "$want" > .venv/.mv-requirements
fi

# 2. Node modules
want=$(hash_of package-lock.json)
if ! fresh node_modules/.mv-lock "$want"; then
  say "installing node modules (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > node_modules/.mv-lock
fi

# 3. Front-end builds (generated types, TypeScript, JupyterLab extension, VS Code renderer, test harness)
src=$(tree_hash schema renderers/src renderers/package.json labextension/src labextension/package.json vscode/src \
  vscode/package.json tests/harness webpack.config.js tsconfig.json renderers/tsconfig.json package-lock.json scripts/gen-types.mjs \
  scripts/gen-graph-worker.mjs)
if ! fresh build/.mv-js "$src" || [ ! -f python-shim/modelviz/labextension/static/style.js ] || [ ! -f vscode/dist/renderer.js ]; then
  say "building the front end (first time: ~2 minutes)"
  rm -rf python-shim/modelviz/labextension
  npm run build --silent
  npm run package:vscode --silent
  mkdir -p build && echo "$src" > build/.mv-js
fi

# 4. The Python package, installed from its real wheel (the labextension travels inside it)
py=$(tree_hash python-shim/modelviz python-shim/pyproject.toml python-shim/install.json)
if ! fresh .venv/.mv-wheel "$py-$src"; then
  say "building and installing the modelviz wheel"
  rm -rf build/wheel
  .venv/bin/python -m build --wheel --no-isolation --outdir build/wheel python-shim > build/wheel.log 2>&1 ||
    { cat build/wheel.log; exit 1; }
  .venv/bin/python -m pip install -q --force-reinstall --no-deps build/wheel/modelviz-*.whl
  echo "$py-$src" > .venv/.mv-wheel
fi
say "ready"
