#!/usr/bin/env bash
# The main job: builds guardpost-admin and guardpost-agent (release), serves on the embedded PostgreSQL, creates an
# administrator and two member accounts, invites both members and has them accept with the unmodified aws CLI,
# starts one agent per member on sample CloudTrail and DNS logs, and shows the members' findings from the
# administrator with `aws guardduty list-findings` / `get-findings-statistics`, and the console's address.
# Set KEEP_RUNNING=1 to leave the server and agents running in the foreground afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh

echo "== building guardpost-admin and guardpost-agent (release)"
swift build -c release --product guardpost-admin
swift build -c release --product guardpost-agent
bin="$PWD/.build/release/guardpost-admin"
agent_bin="$PWD/.build/release/guardpost-agent"

data_dir="${GUARDPOST_DATA_DIR:-$(mktemp -d /tmp/guardpost-demo-XXXXXX)}"
port="${PORT:-8080}"
endpoint="http://127.0.0.1:$port"
echo "== serving on $endpoint (data dir $data_dir: embedded PostgreSQL, server key)"
"$bin" serve --port "$port" --data-dir "$data_dir" > "$data_dir/serve.log" 2>&1 &
server=$!
agents=()
stop() {
    for pid in "${agents[@]}"; do kill "$pid" 2>/dev/null || true; done
    kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
}
trap stop EXIT
for _ in $(seq 1 150); do curl -sf "$endpoint/health" >/dev/null 2>&1 && break; sleep 0.2; done
curl -sf "$endpoint/health" >/dev/null || { cat "$data_dir/serve.log"; exit 1; }

create() { "$bin" accounts create --data-dir "$data_dir" --log-level warning "$@"; }
key() { python3 -c "import json,sys; print(json.loads(sys.argv[1])['$2'])" "$1"; }
as_account() {  # as_account KEYJSON aws-args...
    local keys=$1; shift
    AWS_ACCESS_KEY_ID=$(key "$keys" accessKeyId) AWS_SECRET_ACCESS_KEY=$(key "$keys" secretAccessKey) AWS_DEFAULT_REGION=us-east-1 \
        AWS_PAGER="" aws guardduty --endpoint-url "$endpoint" "$@"
}

echo "== accounts"
admin=$(create --account-id 111111111111 --email security@example.com --name security --organization-management)
alpha=$(create --account-id 222222222222 --email alpha@example.com --name alpha)
beta=$(create --account-id 333333333333 --email beta@example.com --name beta)
echo "administrator 111111111111, members 222222222222 and 333333333333"

echo "== detectors"
admin_detector=$(as_account "$admin" create-detector --enable --finding-publishing-frequency FIFTEEN_MINUTES --query DetectorId --output text)
alpha_detector=$(as_account "$alpha" create-detector --enable --query DetectorId --output text)
beta_detector=$(as_account "$beta" create-detector --enable --query DetectorId --output text)

echo "== administrator creates and invites the members"
as_account "$admin" create-members --detector-id "$admin_detector" \
    --account-details AccountId=222222222222,Email=alpha@example.com AccountId=333333333333,Email=beta@example.com
as_account "$admin" invite-members --detector-id "$admin_detector" --account-ids 222222222222 333333333333 --message "Join our GuardDuty organisation"

echo "== members accept"
for pair in "$alpha:$alpha_detector" "$beta:$beta_detector"; do
    keys=${pair%:*}; detector=${pair##*:}
    invitation=$(as_account "$keys" list-invitations --query 'Invitations[0].InvitationId' --output text)
    as_account "$keys" accept-administrator-invitation --detector-id "$detector" --administrator-id 111111111111 --invitation-id "$invitation"
done

echo "== aws guardduty list-members"
as_account "$admin" list-members --detector-id "$admin_detector"

echo "== one agent per member, on sample logs (CloudTrail for alpha, Route 53 Resolver for beta)"
mkdir -p "$data_dir/logs/alpha" "$data_dir/logs/beta"
cat > "$data_dir/logs/alpha/trail.json" <<'JSON'
{"eventVersion":"1.08","eventTime":"2026-11-20T08:29:10Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"92.55.146.245","userAgent":"Mozilla/5.0","userIdentity":{"type":"Root","principalId":"222222222222","arn":"arn:aws:iam::222222222222:root","accountId":"222222222222"},"responseElements":{"ConsoleLogin":"Success"},"recipientAccountId":"222222222222"}
{"eventVersion":"1.08","eventTime":"2026-11-20T08:30:03Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"us-east-1","sourceIPAddress":"92.55.146.245","userAgent":"aws-cli/2.15.0","userIdentity":{"type":"Root","principalId":"222222222222","arn":"arn:aws:iam::222222222222:root","accountId":"222222222222","accessKeyId":"AKIAEXAMPLEROOT00000"},"requestParameters":{"name":"main-trail"},"recipientAccountId":"222222222222"}
JSON
cat > "$data_dir/logs/beta/resolver.log" <<'JSON'
{"version":"1.100000","account_id":"333333333333","region":"us-east-1","vpc_id":"vpc-1","query_timestamp":"2026-11-20T09:00:00Z","query_name":"pool.moneropool.ru.","query_type":"A","query_class":"IN","rcode":"NOERROR","answers":[],"srcaddr":"10.0.0.5","srcport":"5353","transport":"UDP","srcids":{"instance":"i-0beta0000000001"}}
{"version":"1.100000","account_id":"333333333333","region":"us-east-1","vpc_id":"vpc-1","query_timestamp":"2026-11-20T09:00:05Z","query_name":"c2.guarddutyc2activityb.com.","query_type":"A","query_class":"IN","rcode":"NOERROR","answers":[],"srcaddr":"10.0.0.5","srcport":"5353","transport":"UDP","srcids":{"instance":"i-0beta0000000001"}}
JSON
for name in alpha beta; do
    keys=$([ "$name" = alpha ] && echo "$alpha" || echo "$beta")
    source_flag=$([ "$name" = alpha ] && echo --cloudtrail || echo --dns-logs)
    AWS_ACCESS_KEY_ID=$(key "$keys" accessKeyId) AWS_SECRET_ACCESS_KEY=$(key "$keys" secretAccessKey) \
        "$agent_bin" run --endpoint-url "$endpoint" --region us-east-1 --state-dir "$data_dir/agent-$name" \
        "$source_flag" "$data_dir/logs/$name" --idle-flush-seconds 2 > "$data_dir/agent-$name.log" 2>&1 &
    agents+=($!)
done
for _ in $(seq 1 60); do
    count=$(as_account "$admin" list-findings --detector-id "$admin_detector" --query 'length(FindingIds)' --output text)
    [ "$count" -ge 4 ] && break
    sleep 1
done

echo "== the administrator sees its members' findings"
as_account "$admin" get-findings-statistics --detector-id "$admin_detector" --group-by ACCOUNT \
    --query 'FindingStatistics.GroupedByAccount[].[AccountId,TotalFindings]' --output table
ids=$(as_account "$admin" list-findings --detector-id "$admin_detector" --sort-criteria AttributeName=severity,OrderBy=DESC --query 'FindingIds' --output text)
# shellcheck disable=SC2086
as_account "$admin" get-findings --detector-id "$admin_detector" --finding-ids $ids \
    --query 'Findings[].[Severity,Type,AccountId,Service.Count]' --output table
echo "== console: $endpoint/console (sign in with the administrator's access key id and secret)"

if [ "${KEEP_RUNNING:-0}" = "1" ]; then
    echo "== server and agents keep running on $endpoint (Ctrl-C stops them). Administrator keys: $admin"
    wait "$server"
fi
