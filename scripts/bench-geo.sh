#!/usr/bin/env bash
# What placing findings' remote addresses costs ingest: the same signed batches (guardpost-bench ingest, 500 x ~1.5 KB
# findings whose remote addresses the databases know) into a release guardpost-admin without geolocation databases and
# into one started with MaxMind's test databases (--geoip-city GeoIP2-City-Test, --geoip-asn GeoIP2-ISP-Test), in the
# same run, ROUNDS times each, alternating; prints rows/s of each and the ratio (goal: enrichment costs at most 10 %);
# then the enrichment alone (guardpost-bench geo: µs per finding, no HTTP, no database), which the ratio's noise hides.
# Usage: scripts/bench-geo.sh [FINDINGS] [ROUNDS]   (takes the build lock for the release build itself)
set -euo pipefail
cd "$(dirname "$0")/.."
findings="${1:-20000}"
rounds="${2:-2}"
geoip=${GUARDPOST_DATA:-$PWD/../shared/data}/geoip/maxmind-test/test-data
for product in guardpost-admin guardpost-bench; do
    flock /tmp/guardpost-build.lock swift build -c release --product "$product" 2>&1 | grep -E "error|warning: unre|Build of product" || true
done
bin=.build/release
remotes=81.2.69.142,89.160.20.112,216.160.83.56,2.125.160.216,175.16.199.0,1.128.0.0,149.101.100.0,74.209.24.0,12.81.92.0,84.128.23.4

# One server on a fresh data directory, one ingest run, the server stopped: prints the rows/s.
measure() {  # measure EXTRA_SERVE_ARGS...
    local data_dir port server rate
    data_dir=$(mktemp -d /tmp/guardpost-bench-geo-XXXXXX)
    # Reachable by postgres, so the embedded cluster lives inside it (and goes with it), not in /var/tmp.
    mkdir -p "$data_dir" && chmod 711 "$data_dir"
    port=$((20000 + RANDOM % 8000))
    "$bin/guardpost-admin" serve --port "$port" --data-dir "$data_dir" --log-level warning "$@" > "$data_dir/serve.log" 2>&1 &
    server=$!
    for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.2; done
    "$bin/guardpost-admin" accounts create --data-dir "$data_dir" --log-level warning --account-id 100000000001 \
        --email ingest@example.com > "$data_dir/ingest.json"
    rate=$("$bin/guardpost-bench" ingest --endpoint "http://127.0.0.1:$port" --keys "$data_dir/ingest.json" --findings "$findings" \
        --batch 500 --concurrency 2 --remote-addresses "$remotes" | sed -n 's/.*, \([0-9]*\) rows\/s$/\1/p')
    kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true
    rm -rf "$data_dir"
    echo "$rate"
}

echo "== $(nproc) cores; $findings findings per run, $rounds rounds, server and load generator on the same machine"
plain=()
placed=()
for round in $(seq 1 "$rounds"); do
    plain+=("$(measure)")
    placed+=("$(measure --geoip-city "$geoip/GeoIP2-City-Test.mmdb" --geoip-asn "$geoip/GeoIP2-ISP-Test.mmdb")")
    echo "round $round: without databases ${plain[-1]} rows/s, with databases ${placed[-1]} rows/s"
done
python3 - "${plain[*]}" "${placed[*]}" <<'PY'
import sys
plain = [float(x) for x in sys.argv[1].split()]
placed = [float(x) for x in sys.argv[2].split()]
a, b = sum(plain) / len(plain), sum(placed) / len(placed)
print(f"ingest without databases {a:.0f} rows/s, with databases {b:.0f} rows/s: ratio {b / a:.3f} ({(1 - b / a) * 100:+.1f} % cost; goal <= 10 %)")
PY
"$bin/guardpost-bench" geo --geoip-city "$geoip/GeoIP2-City-Test.mmdb" --geoip-asn "$geoip/GeoIP2-ISP-Test.mmdb" --remote-addresses "$remotes"
