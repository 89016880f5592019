#!/usr/bin/env bash
# Benchmarks of the agent channel and the findings store, on a release guardpost-admin with its embedded PostgreSQL:
#  1. push: 1,000 long-polling agents (100 members x 10) and an administrator's settings change — p50/p99/max
#     until every agent has the new configuration (goal p99 <= 1 s);
#  2. heartbeats: 10,000 agents' heartbeats as fast as one server takes them (need: 10,000 / 30 s = 333/s);
#  3. ingest: signed findings batches (500 x ~1.5 KB) through POST /agent/v1/findings vs psql upserting the same rows
#     in batches of 500 into the same table, in the same run (goal >= 1.5x psql);
#  4. findings queries: 1,000,000 findings of 100 members loaded by one SQL statement, the administrator's ListFindings /
#     GetFindings / GetFindingsStatistics latency (goals p99 10 / 20 / 50 ms) right after the load; then the statistics
#     again while a member's agent channel ingests at the goal rate (1.5x the psql rate of part 3, or GOAL_RATE rows/s),
#     and after a VACUUM of the rollup, with the rollup's size at each step.
# Usage: scripts/bench-agents.sh [FINDINGS_FOR_QUERIES]   (BENCH="push heartbeats ingest queries" selects parts;
#        KEEP=DIR keeps the server's data in DIR and leaves the server running for experiments;
#        PACED_CONNECTIONS=N sends the paced ingest of part 4 over N connections, default 2;
#        BIN=dir takes guardpost-admin and guardpost-bench from dir instead of building them;
#        ADMIN_BIN=path runs another guardpost-admin, e.g. an older release, for a before/after comparison)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh
total="${1:-1000000}"
parts="${BENCH:-push heartbeats ingest queries}"
want() { [[ " $parts " == *" $1 "* ]]; }

bin=${BIN:-.build/release}
if [ -z "${BIN:-}" ]; then
    swift build -c release --product guardpost-admin
    swift build -c release --product guardpost-bench
fi
admin_bin=${ADMIN_BIN:-$bin/guardpost-admin}
data_dir=${KEEP:-$(mktemp -d /tmp/guardpost-bench-agents-XXXXXX)}
# Reachable by postgres, so the embedded cluster lives inside it (and goes with it), not in /var/tmp.
mkdir -p "$data_dir" && chmod 711 "$data_dir"
mkdir -p "$data_dir"
port=$((20000 + RANDOM % 8000))
"$admin_bin" serve --port "$port" --data-dir "$data_dir" --log-level warning > "$data_dir/serve.log" 2>&1 &
server=$!
[ -n "${KEEP:-}" ] || trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data_dir"' EXIT
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.2; done
endpoint="http://127.0.0.1:$port"
cli() { "$admin_bin" "$@" --data-dir "$data_dir" --log-level warning; }
pg_port=$(sed -n 4p "$data_dir/postgres/postmaster.pid")
sql() { PGPASSWORD=$(cat "$data_dir/postgres.password") psql -q -h 127.0.0.1 -p "$pg_port" -U guardpost postgres "$@"; }

cli accounts create --account-id 100000000000 --email admin@example.com > "$data_dir/admin.json"
cli accounts create --account-id 100000000001 --email ingest@example.com > "$data_dir/ingest.json"
: > "$data_dir/members.jsonl"
for n in $(seq 1 100); do
    cli accounts create --account-id "$((200000000000 + n))" --email "m$n@example.com" >> "$data_dir/members.jsonl"
done
echo "== $(nproc) cores; server and load generator on the same machine"
# push enrols the 100 members (with --rounds 0 it only enrols them, for the query benchmark).
"$bin/guardpost-bench" push --endpoint "$endpoint" --admin-keys "$data_dir/admin.json" --member-keys "$data_dir/members.jsonl" \
    --agents-per-member 10 --rounds "$(want push && echo 3 || echo 0)"
if want heartbeats; then
    "$bin/guardpost-bench" heartbeats --endpoint "$endpoint" --member-keys "$data_dir/members.jsonl" --agents 10000 --duration 10 --concurrency 32
fi

if want ingest; then
echo "== ingest vs psql (same rows, same table, batches of 500)"
"$bin/guardpost-bench" ingest --endpoint "$endpoint" --keys "$data_dir/ingest.json" --findings 20000 --batch 500 --concurrency 2 \
    --emit-sql "$data_dir/baseline.sql" --sql-account 999999999999 | tee "$data_dir/ingest.out"
start=$(date +%s.%N)
sql -f "$data_dir/baseline.sql"
end=$(date +%s.%N)
python3 - "$start" "$end" "$data_dir" <<'PY'
import re, sys
s = float(sys.argv[2]) - float(sys.argv[1])
psql = 20000 / s
ours = float(re.search(r"([0-9.]+) rows/s", open(sys.argv[3] + "/ingest.out").read()).group(1))
print(f"psql baseline: 20000 rows in {s:.2f} s, {psql:.0f} rows/s; agent channel {ours:.0f} rows/s = {ours / psql:.2f}x psql (goal >= 1.5x)")
open(sys.argv[3] + "/psql.rate", "w").write(f"{psql:.0f}")
PY
fi
want queries || exit 0

echo "== findings queries over $total findings of 100 members"
sql <<SQL
INSERT INTO findings (created_week, account_id, region, finding_id, detector_id, type, severity, archived, count, created_at, updated_at,
                      event_first_seen, event_last_seen, resource_type, resource_id, remote_ip, finding)
SELECT date_trunc('week', now() AT TIME ZONE 'UTC')::date, m.account_id, 'us-east-1', md5(n::text), d.detector_id,
       (ARRAY['UnauthorizedAccess:EC2/SSHBruteForce','Recon:EC2/Portscan','CryptoCurrency:EC2/BitcoinTool.B','Trojan:EC2/DropPoint!DNS','Policy:IAMUser/RootCredentialUsage'])[1 + n % 5],
       (ARRAY[2,5,8])[1 + n % 3], n % 10 = 0, 1 + n % 50, now() - make_interval(secs => n), now() - make_interval(secs => n / 2),
       now() - make_interval(secs => n), now() - make_interval(secs => n / 2), 'Instance', 'i-' || lpad(to_hex(n % 20000), 17, '0'),
       '198.51.' || (n % 250) || '.' || (n % 200 + 1),
       jsonb_build_object('accountId', m.account_id, 'id', md5(n::text), 'region', 'us-east-1', 'schemaVersion', '2.0', 'partition', 'aws',
           'type', (ARRAY['UnauthorizedAccess:EC2/SSHBruteForce','Recon:EC2/Portscan','CryptoCurrency:EC2/BitcoinTool.B','Trojan:EC2/DropPoint!DNS','Policy:IAMUser/RootCredentialUsage'])[1 + n % 5],
           'severity', (ARRAY[2,5,8])[1 + n % 3], 'title', 'Benchmark finding', 'description', repeat('An EC2 instance is behaving unusually. ', 25),
           'resource', jsonb_build_object('resourceType', 'Instance', 'instanceDetails', jsonb_build_object('instanceId', 'i-' || lpad(to_hex(n % 20000), 17, '0'))),
           'service', jsonb_build_object('archived', false, 'count', 1 + n % 50, 'detectorId', d.detector_id, 'resourceRole', 'TARGET', 'serviceName', 'guardduty',
               'action', jsonb_build_object('actionType', 'NETWORK_CONNECTION', 'networkConnectionAction', jsonb_build_object('remoteIpDetails',
                   jsonb_build_object('ipAddressV4', '198.51.' || (n % 250) || '.' || (n % 200 + 1)))))) 
FROM generate_series(1, $total) n
JOIN (SELECT account_id, row_number() OVER (ORDER BY account_id) - 1 AS k FROM accounts WHERE account_id LIKE '2000000%') m ON m.k = n % 100
JOIN detectors d ON d.account_id = m.account_id AND d.region = 'us-east-1';
ANALYZE findings;
SQL
sql -tc "SELECT (SELECT count(*) FROM findings) || ' findings stored, ' || pg_size_pretty(sum(pg_total_relation_size(relid))) FROM pg_partition_tree('findings')"
rollup() {
    sql -tc "SELECT 'finding_stats $1: ' || (SELECT count(*) FROM finding_stats) || ' rows, table ' || pg_size_pretty(pg_relation_size('finding_stats'))
             || ', key ' || pg_size_pretty(pg_relation_size('finding_stats_pkey')) || ', ' || n_dead_tup || ' dead rows'
             FROM pg_stat_user_tables WHERE relname = 'finding_stats'"
}
queries() { "$bin/guardpost-bench" findings-query --endpoint "$endpoint" --admin-keys "$data_dir/admin.json" --requests "${REQUESTS:-200}" "$@"; }
rollup "after load"
queries --label "after load" | tee "$data_dir/queries.out"
# The statistics while the first member's agent channel ingests new findings at the goal rate.
rate=${GOAL_RATE:-$(python3 -c "import sys; print(round(1.5 * float(open(sys.argv[1]).read())))" "$data_dir/psql.rate" 2>/dev/null || echo 3000)}
"$bin/guardpost-bench" ingest --endpoint "$endpoint" --keys "$data_dir/members.jsonl" --batch 500 --concurrency "${PACED_CONNECTIONS:-2}" \
    --duration "${INGEST_SECONDS:-40}" --rate "$rate" --first-index 10000000 > "$data_dir/paced.out" &
paced=$!
sleep 3
queries --label "during ingest" --statistics-only | tee -a "$data_dir/queries.out"
rollup "during ingest"
wait $paced
cat "$data_dir/paced.out"
sql -c "VACUUM (ANALYZE) finding_stats"
rollup "after VACUUM"
queries --label "after VACUUM" --statistics-only | tee -a "$data_dir/queries.out"
python3 - "$data_dir/queries.out" <<'PY'
import re, sys
rows = {}
for line in open(sys.argv[1]):
    m = re.match(r"\[(.*?)\] (GetFindingsStatistics .*?): p50 ([0-9.]+) ms, p99 ([0-9.]+) ms", line)
    if m: rows.setdefault(m.group(2), {})[m.group(1)] = m.group(4)
print("| GetFindingsStatistics p99 | after load | during ingest | after VACUUM | goal |")
print("|---|---|---|---|---|")
for case, columns in rows.items():
    cells = " | ".join(columns.get(c, "-") + " ms" for c in ("after load", "during ingest", "after VACUUM"))
    print(f"| {case.removeprefix('GetFindingsStatistics ')} | {cells} | <= 50 ms |")
PY
