#!/usr/bin/env bash
# Installs what building, running and testing Guardpost needs on Debian, only when it is missing:
# PostgreSQL server binaries, libpq/libcurl/zlib headers, and the Python
# clients (awscli, boto3, pytest, requests, moto); with GUARDPOST_BROWSER_TESTS=1 (test.sh) also Chromium and
# websocket-client, which the console's browser test drives. Sourced by test.sh, demo.sh and the benchmarks.
set -euo pipefail

guardpost_sudo() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing_apt=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then missing_apt+=(postgresql); fi
dpkg -s libpq-dev >/dev/null 2>&1 || missing_apt+=(libpq-dev)
dpkg -s libcurl4-openssl-dev >/dev/null 2>&1 || missing_apt+=(libcurl4-openssl-dev)
dpkg -s zlib1g-dev >/dev/null 2>&1 || missing_apt+=(zlib1g-dev)
command -v gzip >/dev/null 2>&1 || missing_apt+=(gzip)
command -v runuser >/dev/null 2>&1 || missing_apt+=(util-linux)
if [ "${GUARDPOST_BROWSER_TESTS:-0}" = 1 ] && ! command -v chromium >/dev/null 2>&1; then missing_apt+=(chromium); fi
if [ ${#missing_apt[@]} -gt 0 ]; then
    echo "installing apt packages: ${missing_apt[*]}" >&2
    guardpost_sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive guardpost_sudo apt-get install -y -qq "${missing_apt[@]}" >/dev/null
fi

missing_pip=()
python3 -c "import boto3" 2>/dev/null || missing_pip+=(boto3)
python3 -c "import pytest" 2>/dev/null || missing_pip+=(pytest)
python3 -c "import requests" 2>/dev/null || missing_pip+=(requests)
python3 -c "import moto" 2>/dev/null || missing_pip+=("moto[server]")
command -v aws >/dev/null 2>&1 || missing_pip+=(awscli)
if [ "${GUARDPOST_BROWSER_TESTS:-0}" = 1 ]; then python3 -c "import websocket" 2>/dev/null || missing_pip+=(websocket-client); fi
if [ ${#missing_pip[@]} -gt 0 ]; then
    echo "installing pip packages: ${missing_pip[*]}" >&2
    python3 -m pip install -q "${missing_pip[@]}"
fi
