#!/usr/bin/env bash
# Benchmark of `guardpost-agent scan` reading gzip VPC flow-log objects from moto_server's S3 against the SAME .gz files
# on disk, in the same run, and of moto_server's own speed (every object downloaded by a tight client, plain
# keep-alive HTTP GETs), so that its cost can be discounted. The agent runs pinned to core 0, moto_server to core 1.
# Data: seeded synthetic default-format (v2) flow records with their header line, in objects under AWS's layout
# (AWSLogs/ACCOUNT/vpcflowlogs/REGION/YYYY/MM/DD/ACCOUNT_vpcflowlogs_REGION_fl-ID_YYYYMMDDTHHmmZ_HASH.log.gz).
# Usage: scripts/bench-s3.sh [RECORDS] [OBJECTS]   (defaults 1500000 and 50; REPEAT=3 runs of each, the median reported;
#        GUARDPOST_AGENT=path uses that binary instead of building the release one)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh
records="${1:-1500000}"
objects="${2:-50}"
repeat="${REPEAT:-3}"
if [ -n "${GUARDPOST_AGENT:-}" ]; then
    bin="$GUARDPOST_AGENT"
else
    swift build -c release --product guardpost-agent
    bin=.build/release/guardpost-agent
fi
work=$(mktemp -d /tmp/guardpost-s3-bench-XXXXXX)
moto_pid=""
cleanup() {
    if [ -n "$moto_pid" ]; then kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
account=123456789012
bucket=guardpost-bench-logs

echo "== generating $records flow records in $objects gzip objects (seeded)"
python3 - "$work/disk" "$records" "$objects" "$account" <<'PY'
import gzip, os, random, sys
root, n, objects, account = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
random.seed(21)
header = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"
per = n // objects
base = 1_704_067_200  # 2024-01-01T00:00:00Z
for o in range(objects):
    day, slot = divmod(o, 10)
    start = base + day * 86400 + slot * 600
    stamp = __import__("time").gmtime(start + 600)
    prefix = f"{root}/AWSLogs/{account}/vpcflowlogs/us-east-1/{stamp.tm_year:04d}/{stamp.tm_mon:02d}/{stamp.tm_mday:02d}"
    os.makedirs(prefix, exist_ok=True)
    name = f"{account}_vpcflowlogs_us-east-1_fl-0123456789abcdef0_{stamp.tm_year:04d}{stamp.tm_mon:02d}{stamp.tm_mday:02d}T{stamp.tm_hour:02d}{stamp.tm_min:02d}Z_{o:04d}a3f1.log.gz"
    lines = [header]
    count = per if o < objects - 1 else n - per * (objects - 1)
    for i in range(count):
        local = f"10.0.{random.randint(0, 255)}.{random.randint(1, 254)}"
        remote = f"{random.randint(1, 223)}.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        t = start + i * 600 // count
        eni = f"eni-{random.randint(0, 999):017x}"
        if random.random() < 0.5:
            src, dst, sport, dport = remote, local, random.randint(1024, 65535), random.choice([443, 80, 22, 3389])
        else:
            src, dst, sport, dport = local, remote, random.randint(1024, 65535), random.choice([443, 80, 53, 123])
        action = "ACCEPT" if random.random() < 0.9 else "REJECT"
        lines.append(f"2 {account} {eni} {src} {dst} {sport} {dport} 6 {random.randint(1, 40)} {random.randint(40, 60000)} {t} {t + 60} {action} OK\n")
    with gzip.open(f"{prefix}/{name}", "wt", compresslevel=6) as f:
        f.writelines(lines)
PY
gz_mb=$(du -sm "$work/disk" | cut -f1)
raw_mb=$(find "$work/disk" -name '*.gz' -exec zcat {} + | wc -c | awk '{printf "%.0f", $1 / 1000000}')
echo "   $gz_mb MB of gzip ($raw_mb MB of text)"

port=$((20000 + RANDOM % 12000))
taskset -c 1 moto_server -p "$port" > "$work/moto.log" 2>&1 &
moto_pid=$!
endpoint="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -s -o /dev/null "$endpoint" && break; sleep 0.1; done
export AWS_ACCESS_KEY_ID=AKIABENCHMARK0000001 AWS_SECRET_ACCESS_KEY=bench AWS_DEFAULT_REGION=us-east-1
unset AWS_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 || true
python3 - "$work/disk" "$endpoint" "$bucket" <<'PY'
import os, sys, boto3
root, endpoint, bucket = sys.argv[1:]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
s3.create_bucket(Bucket=bucket)
for directory, _, files in os.walk(root):
    for name in files:
        path = os.path.join(directory, name)
        s3.upload_file(path, bucket, os.path.relpath(path, root))
PY

# moto_server's own cost: list the bucket and GET every object's bytes over one keep-alive connection (no parsing,
# no signing: moto_server checks no signature, it only reads the access key from the Authorization header).
cat > "$work/download.py" <<'PY'
import http.client, os, sys, time, xml.etree.ElementTree as ET
host, bucket = sys.argv[1].split("//", 1)[1], sys.argv[2]
headers = {"Authorization": f"AWS4-HMAC-SHA256 Credential={os.environ['AWS_ACCESS_KEY_ID']}/20240101/us-east-1/s3/aws4_request, "
                            "SignedHeaders=host;x-amz-date, Signature=0", "x-amz-date": "20240101T000000Z", "x-amz-content-sha256": "UNSIGNED-PAYLOAD"}
start = time.monotonic()
connection = http.client.HTTPConnection(host)
keys, token = [], None
while True:
    query = "?list-type=2" + (f"&continuation-token={token}" if token else "")
    connection.request("GET", f"/{bucket}{query}", headers=headers)
    root = ET.fromstring(connection.getresponse().read())
    ns = root.tag.split("}")[0] + "}"
    keys += [c.find(ns + "Key").text for c in root.findall(ns + "Contents")]
    token = root.findtext(ns + "NextContinuationToken")
    if not token:
        break
total = 0
for key in keys:
    connection.request("GET", f"/{bucket}/{key}", headers=headers)
    response = connection.getresponse()
    body = response.read()
    assert response.status == 200, (response.status, key)
    total += len(body)
print(f"{time.monotonic() - start:.3f} {len(keys)} {total}")
PY

# Wall-clock seconds of a command; its CPU seconds (user + system) go to $work/cpu.txt.
elapsed() {
    /usr/bin/time -o "$work/time.txt" -f "%e %U %S" "$@" > /dev/null 2> "$work/stderr.txt" ||
        { echo "failed: $*" >&2; cat "$work/stderr.txt" >&2; exit 1; }
    read -r wall user system < "$work/time.txt"
    echo "$user $system" | awk '{printf "%.2f\n", $1 + $2}' > "$work/cpu.txt"
    echo "$wall"
}
median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
disk_times=() s3_times=() moto_times=() disk_cpu=() s3_cpu=()
for run in $(seq 1 "$repeat"); do
    disk_times+=("$(elapsed taskset -c 0 "$bin" scan --account-id "$account" --flow-logs "$work/disk")")
    disk_cpu+=("$(cat "$work/cpu.txt")")
    s3_times+=("$(elapsed taskset -c 0 "$bin" scan --account-id "$account" --flow-logs "s3://$bucket/" --s3-endpoint-url "$endpoint")")
    s3_cpu+=("$(cat "$work/cpu.txt")")
    grep -F "s3://$bucket/" "$work/stderr.txt" > "$work/s3-summary.txt" || true
    read -r secs count bytes < <(taskset -c 0 python3 "$work/download.py" "$endpoint" "$bucket")
    moto_times+=("$secs")
done
disk=$(printf '%s\n' "${disk_times[@]}" | median)
s3=$(printf '%s\n' "${s3_times[@]}" | median)
moto=$(printf '%s\n' "${moto_times[@]}" | median)
disk_c=$(printf '%s\n' "${disk_cpu[@]}" | median)
s3_c=$(printf '%s\n' "${s3_cpu[@]}" | median)
echo "== $(nproc) cores; the agent and the download client pinned to core 0, moto_server to core 1; median of $repeat runs"
echo "   agent: $bin"
echo "   S3 source summary: $(cat "$work/s3-summary.txt")"
echo "scan of the .gz files on disk:   ${disk}s = $(echo "$records / $disk" | bc -l | awk '{printf "%.0f", $1}') records/s   (runs: ${disk_times[*]})"
echo "scan of the same objects in S3:  ${s3}s = $(echo "$records / $s3" | bc -l | awk '{printf "%.0f", $1}') records/s   (runs: ${s3_times[*]})"
echo "agent CPU time (user + system): disk ${disk_c}s, S3 ${s3_c}s (S3/disk $(echo "$s3_c / $disk_c" | bc -l | awk '{printf "%.2f", $1}'))"
echo "moto_server raw download of all $count objects ($((bytes / 1000000)) MB): ${moto}s   (runs: ${moto_times[*]})"
echo "S3/disk throughput, raw:                        $(echo "$disk / $s3" | bc -l | awk '{printf "%.2f", $1}')x"
discounted=$(echo "$s3 - $moto" | bc -l)
if [ "$(echo "$discounted > 0" | bc)" = 1 ]; then
    echo "S3/disk throughput, moto's download discounted: $(echo "$disk / $discounted" | bc -l | awk '{printf "%.2f", $1}')x"
else
    echo "S3/disk throughput, moto's download discounted: n/a (the S3 scan took no longer than moto's download alone)"
fi
