#!/usr/bin/env bash
# Installs dependencies if they are missing or out of date, then starts the live paper trader.
# Any arguments go to `btc15 live`, e.g. ./start_live_trading.sh --markets synthetic
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing dependencies (npm install)..."
  npm install --no-audit --no-fund
fi
exec npm start -- "$@"
