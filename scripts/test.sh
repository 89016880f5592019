#!/usr/bin/env bash
# Runs every test: builds once (debug, with tests), starts a throwaway PostgreSQL cluster unless DATABASE_URL
# is given, runs the Swift tests against it, then the conformance suite (pytest, boto3 and the aws CLI) against
# real guardpost-admin servers on their embedded PostgreSQL, real agents, moto_server and headless Chromium
# (screenshots of the console under test-output/console/).
set -euo pipefail
cd "$(dirname "$0")/.."
# The console's browser test needs Chromium (Debian's package) and websocket-client.
export GUARDPOST_BROWSER_TESTS=1
source scripts/prerequisites.sh

echo "== lint: swift format (.swift-format: 150 columns); scripts/format.sh rewrites the tree to it"
swift format lint --strict --parallel -r Sources Tests fuzz/Sources Package.swift

echo "== building (debug, with tests)"
swift build --build-tests

# Every temporary file of the run (tests' directories, moto's logs, Chromium's profiles, the embedded clusters)
# goes under one directory, removed at the end: repeated runs must not fill the machine's disk.
# As root, a server whose data dir postgres cannot reach keeps its cluster under /var/tmp/guardpost-clusters: the
# clusters this run adds there are removed at the end too.
clusters_before=$(ls /var/tmp/guardpost-clusters 2>/dev/null || true)
run_tmp=$(mktemp -d /tmp/guardpost-test-run-XXXXXX)
chmod 1777 "$run_tmp"
export TMPDIR="$run_tmp"
cluster=""
cleanup() {
    if [ -n "$cluster" ]; then
        if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$pg_bin/pg_ctl" stop -D "$cluster/data" -m fast >/dev/null 2>&1 || true
        else "$pg_bin/pg_ctl" stop -D "$cluster/data" -m fast >/dev/null 2>&1 || true; fi
        rm -rf "$cluster"
    fi
    rm -rf "$run_tmp"
    for dir in /var/tmp/guardpost-clusters/*; do
        [ -d "$dir" ] || continue
        grep -qxF "$(basename "$dir")" <<< "$clusters_before" && continue
        runuser -u postgres -- /usr/lib/postgresql/*/bin/pg_ctl stop -m immediate -D "$dir" >/dev/null 2>&1 || true
        rm -rf "$dir" "$dir.pwfile"
    done
}
trap cleanup EXIT

if [ -z "${DATABASE_URL:-}" ]; then
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    cluster=$(mktemp -d /tmp/guardpost-test-pg-XXXXXX)
    chmod 755 "$cluster"
    as_pg=()
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$cluster"; as_pg=(runuser -u postgres --); fi
    "${as_pg[@]}" env -C / "$pg_bin/initdb" -D "$cluster/data" -U guardpost -A trust -E UTF8 --locale=C >/dev/null
    for attempt in 1 2 3 4 5; do
        port=$((20000 + RANDOM % 12000))
        if "${as_pg[@]}" env -C / "$pg_bin/pg_ctl" start -w -D "$cluster/data" -l "$cluster/server.log" \
            -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=300 -c fsync=off" >/dev/null; then
            break
        fi
    done
    export DATABASE_URL="postgres://guardpost@127.0.0.1:$port/postgres"
    echo "== throwaway PostgreSQL at $DATABASE_URL"
fi

echo "== Swift tests"
swift test --skip-build

echo "== fuzz targets, 5 s each (the harness builds and runs; long runs: scripts/fuzz.sh TARGET SECONDS)"
bash scripts/fuzz.sh all 5

echo "== conformance suite (boto3 and the aws CLI against guardpost-admin on its embedded PostgreSQL)"
export GUARDPOST_ADMIN="$PWD/.build/debug/guardpost-admin"
# The conformance servers start their own embedded clusters: that is the path users take.
env -u DATABASE_URL python3 -m pytest conformance -q -p no:cacheprovider --durations=15
