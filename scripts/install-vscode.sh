#!/usr/bin/env bash
# Installs a real VS Code for the end-to-end test, idempotently: code-server (VS Code 1.100.3 on Node 20)
# plus playwright-core into .cache/vscode/ (git-ignored), offline except for the npm registry.
# Follows /work/shared/vscode-e2e.md: nothing downloads from GitHub (scripts off, Debian's rg instead of
# @vscode/ripgrep's download), native modules are rebuilt against the local Node headers.
# A stamp file makes a second run return at once. Needs: node/npm, g++/make/python3, rg, libkrb5-dev
# (.ci/run installs the Debian packages).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
D="$ROOT/.cache/vscode"
CODE_SERVER=4.100.3
PLAYWRIGHT_CORE=1.65.1
RECIPE=1 # bump when the steps below change
KEY="code-server@$CODE_SERVER playwright-core@$PLAYWRIGHT_CORE node@$(node -p process.versions.modules) recipe@$RECIPE"
STAMP="$D/.mv-installed"
VS="$D/node_modules/code-server/lib/vscode"

say() { printf '\033[1minstall-vscode:\033[0m %s\n' "$*"; }
die() { printf 'install-vscode: %s\n' "$*" >&2; exit 1; }

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$KEY" ] && [ -x "$D/node_modules/.bin/code-server" ] &&
  [ -e "$VS/node_modules.asar" ] && [ -e "$VS/node_modules/@vscode/ripgrep/bin/rg" ]; then
  say "code-server $CODE_SERVER already installed"
  exit 0
fi

RG=$(command -v rg) || die "ripgrep (rg) is missing: apt-get install -y ripgrep"
for tool in g++ make python3; do command -v "$tool" > /dev/null || die "$tool is missing (needed to build native modules)"; done
[ -f /usr/include/krb5.h ] || [ -f /usr/include/gssapi/gssapi.h ] || die "libkrb5-dev is missing: apt-get install -y libkrb5-dev"

# Quiet, non-interactive npm; node-gyp uses the local Node headers instead of downloading them.
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false npm_config_loglevel=error
export npm_config_yes=true # node-pty's install runs `npx node-gyp`, which fails under yes=false
if [ -z "${npm_config_nodedir:-}" ]; then
  NODE_PREFIX=$(dirname "$(dirname "$(command -v node)")")
  if [ -f "$NODE_PREFIX/include/node/node_version.h" ]; then export npm_config_nodedir="$NODE_PREFIX"; fi
fi

start=$SECONDS
rm -f "$STAMP"
mkdir -p "$D"
cd "$D"
[ -f package.json ] || printf '{\n  "name": "modelviz-vscode-e2e",\n  "private": true\n}\n' > package.json

say "npm install code-server@$CODE_SERVER playwright-core@$PLAYWRIGHT_CORE (scripts off)"
npm install --ignore-scripts "code-server@$CODE_SERVER" "playwright-core@$PLAYWRIGHT_CORE" > "$D/npm-install.log" 2>&1 ||
  { tail -40 "$D/npm-install.log"; die "npm install failed (log: $D/npm-install.log)"; }

say "building argon2 from source (its prebuilt download is unreachable)"
npm rebuild argon2 > "$D/argon2.log" 2>&1 || { tail -40 "$D/argon2.log"; die "npm rebuild argon2 failed"; }

cd "$VS"
say "installing VS Code's own modules (lib/vscode, scripts off)"
npm install --omit=dev --ignore-scripts > "$D/vscode-install.log" 2>&1 ||
  { tail -40 "$D/vscode-install.log"; die "npm install in lib/vscode failed"; }

say "building VS Code's native modules (spdlog, kerberos, native-watchdog, node-pty)"
npm rebuild @vscode/spdlog kerberos native-watchdog node-pty > "$D/vscode-rebuild.log" 2>&1 ||
  { tail -40 "$D/vscode-rebuild.log"; die "npm rebuild of VS Code's native modules failed"; }

say "linking Debian's ripgrep and the layout code-server expects"
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$RG" node_modules/@vscode/ripgrep/bin/rg
ln -sfn node_modules node_modules.asar
ln -sf code-linux.sh bin/remote-cli/code-server
ln -sf browser-linux.sh bin/helpers/browser.sh

# code-server writes a config and logs under $HOME unless pointed elsewhere.
version=$(XDG_CONFIG_HOME="$D/xdg/config" XDG_DATA_HOME="$D/xdg/data" "$D/node_modules/.bin/code-server" \
  --config "$D/xdg/config.yaml" --version 2> /dev/null | tail -1) || die "code-server does not start"
echo "$KEY" > "$STAMP"
say "code-server $version ready in .cache/vscode ($((SECONDS - start)) s)"
