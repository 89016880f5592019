#!/usr/bin/env bash
# Benchmark: req/s, p50 and p99 of GetDetector and ListMembers (an administrator with 1,000 members) over
# keep-alive connections, for guardpost-admin (release, embedded PostgreSQL) and for moto_server, the only other
# implementation of this API, driven by the same load generator (guardpost-bench) in the same run.
# Usage: scripts/bench.sh [SECONDS_PER_RUN] [CONNECTIONS]   (BIN=dir takes ready binaries; PARTS="guardpost moto lists"
#        selects what is measured)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh
seconds="${1:-10}"
connections="${2:-16}"

bin=${BIN:-.build/release}
if [ -z "${BIN:-}" ]; then
    swift build -c release --product guardpost-admin
    swift build -c release --product guardpost-bench
fi
parts="${PARTS:-guardpost moto lists}"
want() { [[ " $parts " == *" $1 "* ]]; }
data_dir=$(mktemp -d /tmp/guardpost-bench-XXXXXX)
# Reachable by postgres, so the embedded cluster lives inside it (and goes with it), not in /var/tmp.
mkdir -p "$data_dir" && chmod 711 "$data_dir"
port=$((20000 + RANDOM % 5000))
moto_port=$((25000 + RANDOM % 5000))
"$bin/guardpost-admin" serve --port "$port" --data-dir "$data_dir" --log-level warning > "$data_dir/serve.log" 2>&1 &
server=$!
moto_server -p "$moto_port" > "$data_dir/moto.log" 2>&1 &
moto=$!
trap 'kill $server $moto 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data_dir"' EXIT
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.2; done

admin=$("$bin/guardpost-admin" accounts create --data-dir "$data_dir" --log-level warning --account-id 100000000000 --email bench@example.com)
# 1,000 member accounts, inserted directly (the CLI would spawn 1,000 processes); membership goes through the API.
pg_port=$(sed -n 4p "$data_dir/postgres/postmaster.pid")
PGPASSWORD=$(cat "$data_dir/postgres.password") psql -q -h 127.0.0.1 -p "$pg_port" -U guardpost postgres -c \
    "INSERT INTO accounts (account_id, email) SELECT lpad((200000000000 + n)::text, 12, '0'), 'm' || n || '@example.com' FROM generate_series(1, 1000) n"

read -r key secret detector moto_detector < <(python3 - "$admin" "$port" "$moto_port" <<'PY'
import json, sys, boto3
keys = json.loads(sys.argv[1])
gd = boto3.client("guardduty", region_name="us-east-1", endpoint_url=f"http://127.0.0.1:{sys.argv[2]}",
                  aws_access_key_id=keys["accessKeyId"], aws_secret_access_key=keys["secretAccessKey"])
detector = gd.create_detector(Enable=True)["DetectorId"]
ids = [str(200000000000 + n) for n in range(1, 1001)]
for i in range(0, 1000, 50):
    batch = ids[i:i + 50]
    assert gd.create_members(DetectorId=detector, AccountDetails=[{"AccountId": a, "Email": f"{a}@example.com"} for a in batch])["UnprocessedAccounts"] == []
    assert gd.invite_members(DetectorId=detector, AccountIds=batch)["UnprocessedAccounts"] == []
assert len(gd.list_members(DetectorId=detector, OnlyAssociated="false")["Members"]) == 50
moto = boto3.client("guardduty", region_name="us-east-1", endpoint_url=f"http://127.0.0.1:{sys.argv[3]}",
                    aws_access_key_id="AKIAMOTOBENCH0000000", aws_secret_access_key="moto")
print(keys["accessKeyId"], keys["secretAccessKey"], detector, moto.create_detector(Enable=True)["DetectorId"])
PY
)

run() {  # run LABEL PORT KEY SECRET PATH
    "$bin/guardpost-bench" --endpoint "http://127.0.0.1:$2" --access-key-id "$3" --secret-access-key "$4" \
        --path "$5" --connections "$connections" --duration "$seconds" --warmup 2 --label "$1"
}
echo "== $(nproc) cores, $connections connections, ${seconds}s per run, load generator on 1 thread"
if want guardpost; then
    run "guardpost GetDetector" "$port" "$key" "$secret" "/detector/$detector"
    run "guardpost ListMembers(1000 members, page 50, onlyAssociated=false)" "$port" "$key" "$secret" "/detector/$detector/member?maxResults=50&onlyAssociated=false"
fi
if want moto; then
    run "moto_server GetDetector" "$moto_port" AKIAMOTOBENCH0000000 moto "/detector/$moto_detector"
    run "moto_server ListMembers" "$moto_port" AKIAMOTOBENCH0000000 moto "/detector/$moto_detector/member?maxResults=50&onlyAssociated=false" || true
fi
if want lists; then
    echo "== lists: parsing and matching (one core)"
    taskset -c 0 "$bin/guardpost-bench" lists --data ../shared/data
fi
