#!/usr/bin/env bash
# Benchmark: 10,000 agents on one `guardpost-admin serve` process (release, embedded PostgreSQL), simulated by
# guardpost-bench as 100 members x 100 agents, each agent on its own connection (issue 16, "agents per replica"):
#  1. push: every agent parks a long-poll; the administrator changes its publishing frequency; p50/p99/max until every
#     agent has the new configuration (goal p99 <= 1 s, max <= 2 s), and the server's CPU while 10,000 polls are parked;
#  2. heartbeats: 10,000 agents every 15 s (667/s) at a steady pace for HEARTBEAT_SECONDS (default 300), each timed from
#     when it was due (goal p99 <= 50 ms), with each 15 s round printed (the first registers every agent);
#  3. list refresh: a threat list of LIST_ENTRIES addresses in force, fetched by all 10,000 agents (1,000 at a time);
#     the server's peak RSS meanwhile vs before, against the list's size (goal: growth <= size x a small constant).
# Usage: scripts/bench-scale.sh   (BIN=dir takes ready binaries; PARTS="push park heartbeats lists" selects parts;
#        AGENTS_PER_MEMBER, HEARTBEAT_SECONDS, LIST_ENTRIES)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh
bin=${BIN:-.build/release}
if [ -z "${BIN:-}" ]; then
    swift build -c release --product guardpost-admin
    swift build -c release --product guardpost-bench
fi
per_member=${AGENTS_PER_MEMBER:-100}
parts="${PARTS:-push park heartbeats lists}"
want() { [[ " $parts " == *" $1 "* ]]; }
agents=$((100 * per_member))
data_dir=$(mktemp -d /tmp/guardpost-bench-scale-XXXXXX)
# Reachable by postgres, so the embedded cluster lives inside it (and goes with it), not in /var/tmp.
mkdir -p "$data_dir" && chmod 711 "$data_dir"
mkdir -p "$data_dir/lists"
port=$((20000 + RANDOM % 8000))
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
"$bin/guardpost-admin" serve --port "$port" --data-dir "$data_dir" --log-level warning --lists-dir "$data_dir/lists" \
    --max-connections-per-address $((agents + 1000)) --max-agents-per-account $((per_member * 2)) > "$data_dir/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data_dir"' EXIT
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.2; done
endpoint="http://127.0.0.1:$port"
cli() { "$bin/guardpost-admin" "$@" --data-dir "$data_dir" --log-level warning; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$server/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }

cli accounts create --account-id 100000000000 --email admin@example.com > "$data_dir/admin.json"
: > "$data_dir/members.jsonl"
for n in $(seq 1 100); do
    cli accounts create --account-id "$((200000000000 + n))" --email "m$n@example.com" >> "$data_dir/members.jsonl"
done
echo "== $(nproc) cores; server and load generator on the same machine; $agents agents (100 members x $per_member)"
echo "server RSS after start and enrolment: $(rss_mb) MB"

# 1. push (with --rounds 0 it only enrols the members).
"$bin/guardpost-bench" push --endpoint "$endpoint" --admin-keys "$data_dir/admin.json" --member-keys "$data_dir/members.jsonl" \
    --agents-per-member "$per_member" --rounds "$(want push && echo 3 || echo 0)" | tee "$data_dir/push.out"
echo "server RSS after push: $(rss_mb) MB"

# Idle cost of parked polls: every agent parks a 25 s poll; the server's CPU over 10 s of nothing happening.
if want park; then
"$bin/guardpost-bench" push --endpoint "$endpoint" --admin-keys "$data_dir/admin.json" --member-keys "$data_dir/members.jsonl" \
    --agents-per-member "$per_member" --park-seconds 25 > "$data_dir/park.out" &
parked=$!
sleep 5
while ! grep -q "parked" "$data_dir/park.out" 2>/dev/null; do sleep 0.5; done
sleep 2
t0=$(cpu_ticks); sleep 10; t1=$(cpu_ticks)
echo "$agents polls parked: server CPU $(python3 -c "print(f'{($t1 - $t0) / $(getconf CLK_TCK) / 10 * 100:.1f}')") % of one core, RSS $(rss_mb) MB"
wait $parked
fi

# 2. heartbeats at the pace of 10,000 agents every 15 s.
if want heartbeats; then
    "$bin/guardpost-bench" heartbeats --endpoint "$endpoint" --member-keys "$data_dir/members.jsonl" --agents "$agents" \
        --rate $((agents / 15)) --duration "${HEARTBEAT_SECONDS:-300}"
fi
want lists || exit 0

# 3. list refresh: one list of LIST_ENTRIES addresses, in force for every member, fetched by every agent.
python3 - "$data_dir/lists/threats.txt" "${LIST_ENTRIES:-200000}" <<'PY'
import random, sys
random.seed(16)
with open(sys.argv[1], "w") as f:
    for _ in range(int(sys.argv[2])):
        f.write(f"{random.randint(1, 223)}.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}\n")
PY
python3 - "$endpoint" "$data_dir" <<'PY'
import json, sys, time, boto3
keys = json.load(open(sys.argv[2] + "/admin.json"))
gd = boto3.client("guardduty", region_name="us-east-1", endpoint_url=sys.argv[1],
                  aws_access_key_id=keys["accessKeyId"], aws_secret_access_key=keys["secretAccessKey"])
detector = gd.list_detectors()["DetectorIds"][0]
set_id = gd.create_threat_intel_set(DetectorId=detector, Name="bench", Format="TXT", Activate=True,
                                    Location="file://" + sys.argv[2] + "/lists/threats.txt")["ThreatIntelSetId"]
for _ in range(600):
    if gd.get_threat_intel_set(DetectorId=detector, ThreatIntelSetId=set_id)["Status"] == "ACTIVE":
        break
    time.sleep(0.5)
PY
size_mb=$(python3 -c "import os,sys; print(f'{os.path.getsize(sys.argv[1]) / 1e6:.1f}')" "$data_dir/lists/threats.txt")
before=$(rss_mb)
peak=$before
"$bin/guardpost-bench" list-fetch --endpoint "$endpoint" --member-keys "$data_dir/members.jsonl" --agents "$agents" > "$data_dir/fetch.out" &
fetch=$!
while kill -0 $fetch 2>/dev/null; do now=$(rss_mb); [ "$now" -gt "$peak" ] && peak=$now; sleep 0.05; done
wait $fetch
cat "$data_dir/fetch.out"
python3 -c "import sys; b, p, s = map(float, sys.argv[1:]); print(f'list refresh: server RSS {b:.0f} MB before, peak {p:.0f} MB while $agents agents fetched a {s} MB list: grew {p - b:.0f} MB = {(p - b) / s:.1f}x the list')" "$before" "$peak" "$size_mb"
