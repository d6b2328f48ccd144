#!/usr/bin/env bash
# Builds the VS Code extension, editors/vscode/ammr-rules-<version>.vsix, from the committed
# package-lock.json: npm ci installs exactly the locked versions and checks their hashes.
# No install script of any package is run (--ignore-scripts): the build needs none.
# Needs Node.js 20 or later and npm (Debian: apt-get install nodejs npm).
set -euo pipefail
cd "$(dirname "$0")"

if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "build.sh: Node.js 20 or later is needed to build the extension (this is $(node --version))" >&2
  exit 1
fi

npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
version="$(node -p "require('./package.json').version")"
npx --no-install vsce package --allow-missing-repository --out "ammr-rules-${version}.vsix"
