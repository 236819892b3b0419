#!/usr/bin/env bash
# What the test suite needs beyond the Python venv, installed or started only when missing:
# Debian's chromium (browser tests), the PostgreSQL server on 127.0.0.1:5432 (the PostgreSQL half
# of the suite), and the DfE validators in a venv of their own (conformance tests).
# Idempotent and quick when everything is already there. Needs root for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v pg_isready >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing system packages: ${missing[*]}"
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    echo "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='test'" | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE test"

scripts/validators.sh

# axe-core for the accessibility scans, from the npm registry at set-up (never a CDN at run time)
if [ ! -f tests/web/browser/node_modules/axe-core/axe.min.js ] \
    || [ tests/web/browser/package-lock.json -nt tests/web/browser/node_modules/.package-lock.json ]; then
    npm ci --prefix tests/web/browser --no-audit --no-fund --silent
fi
