#!/usr/bin/env bash
# The main job: builds guardpost-admin (release), serves on its embedded PostgreSQL, creates an administrator
# and two member accounts, invites both members and has them accept with the unmodified aws CLI, then shows
# `aws guardduty list-members`. Set KEEP_RUNNING=1 to leave the server running in the foreground afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh

echo "== building guardpost-admin (release)"
swift build -c release --product guardpost-admin
bin="$PWD/.build/release/guardpost-admin"

data_dir="${GUARDPOST_DATA_DIR:-$(mktemp -d /tmp/guardpost-demo-XXXXXX)}"
port="${PORT:-8080}"
endpoint="http://127.0.0.1:$port"
echo "== serving on $endpoint (data dir $data_dir: embedded PostgreSQL, server key)"
"$bin" serve --port "$port" --data-dir "$data_dir" > "$data_dir/serve.log" 2>&1 &
server=$!
stop() { kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true; }
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

if [ "${KEEP_RUNNING:-0}" = "1" ]; then
    echo "== server keeps running on $endpoint (Ctrl-C stops it). Administrator keys: $admin"
    wait "$server"
fi
