#!/usr/bin/env bash
# Benchmark: GetDetector over TLS beside plain HTTP in the same run. One embedded PostgreSQL, two guardpost-admin
# processes on it (release build): one plain HTTP, one with --tls-certificate/--tls-key (a throwaway CA and certificate
# made here with openssl). wrk (Debian's package) replays a GetDetector request pre-signed with botocore's SigV4Auth
# (a signature stays valid for 15 minutes; it is signed again for every run) over keep-alive connections, and
# then once more with `Connection: close` (a new TCP connection, and handshake, for every request).
# Usage: scripts/bench-tls.sh [SECONDS_PER_RUN] [CONNECTIONS]   (2 wrk threads, 2 s of warm-up before each run)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh
if ! command -v wrk >/dev/null 2>&1; then
    echo "installing apt packages: wrk" >&2
    guardpost_sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive guardpost_sudo apt-get install -y -qq wrk >/dev/null
fi
seconds="${1:-10}"
connections="${2:-16}"
threads=2

# Builds are serialised between the engineers of one checkout by this lock, when flock is there.
if command -v flock >/dev/null 2>&1; then
    flock /tmp/guardpost-build.lock nice -n 10 swift build -c release --product guardpost-admin
else
    swift build -c release --product guardpost-admin
fi
bin=.build/release
data_dir=$(mktemp -d /tmp/guardpost-bench-tls-XXXXXX)
# Reachable by postgres, so the embedded cluster lives inside it (and goes with it), not in /var/tmp.
mkdir -p "$data_dir" && chmod 711 "$data_dir"
pki="$data_dir/pki"
mkdir -p "$pki"
plain_port=$((20000 + RANDOM % 5000))
tls_port=$((25000 + RANDOM % 5000))
plain=""
tls=""
cleanup() {
    [ -n "$tls" ] && kill "$tls" 2>/dev/null && wait "$tls" 2>/dev/null
    [ -n "$plain" ] && kill "$plain" 2>/dev/null && wait "$plain" 2>/dev/null
    rm -rf "$data_dir"
}
trap cleanup EXIT

# A CA and a server certificate for 127.0.0.1 (P-256, as an ACME client would get by default).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$pki/ca.key" -out "$pki/ca.crt" -days 1 \
    -subj "/CN=guardpost bench CA" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$pki/server.key" -out "$pki/server.csr" -subj "/CN=localhost" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$pki/ext"
openssl x509 -req -in "$pki/server.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 1 -extfile "$pki/ext" \
    -out "$pki/server.crt" 2>/dev/null

"$bin/guardpost-admin" serve --port "$plain_port" --data-dir "$data_dir" --log-level warning > "$data_dir/plain.log" 2>&1 &
plain=$!
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$plain_port/health" >/dev/null 2>&1 && break; sleep 0.2; done
# The second process shares the data dir, hence the embedded PostgreSQL and the server key.
"$bin/guardpost-admin" serve --port "$tls_port" --data-dir "$data_dir" --log-level warning \
    --tls-certificate "$pki/server.crt" --tls-key "$pki/server.key" > "$data_dir/tls.log" 2>&1 &
tls=$!
for _ in $(seq 1 150); do curl -sf --cacert "$pki/ca.crt" "https://127.0.0.1:$tls_port/health" >/dev/null 2>&1 && break; sleep 0.2; done
curl -sf --cacert "$pki/ca.crt" "https://127.0.0.1:$tls_port/health" >/dev/null

keys=$("$bin/guardpost-admin" accounts create --data-dir "$data_dir" --log-level warning --account-id 100000000000 --email bench@example.com)
detector=$(python3 - "$keys" "$plain_port" <<'PY'
import json, sys, boto3
keys = json.loads(sys.argv[1])
gd = boto3.client("guardduty", region_name="us-east-1", endpoint_url=f"http://127.0.0.1:{sys.argv[2]}",
                  aws_access_key_id=keys["accessKeyId"], aws_secret_access_key=keys["secretAccessKey"])
print(gd.create_detector(Enable=True)["DetectorId"])
PY
)

# A wrk script replaying one GetDetector signed now for SCHEME://127.0.0.1:PORT; done() prints one RESULT line.
lua_for() {  # lua_for SCHEME PORT LABEL CLOSE(0|1) > file
    python3 - "$keys" "$1" "$2" "$detector" "$3" "$4" <<'PY'
import json, sys
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
keys, scheme, port, detector, label, close = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6] == "1"
request = AWSRequest(method="GET", url=f"{scheme}://127.0.0.1:{port}/detector/{detector}")
SigV4Auth(Credentials(keys["accessKeyId"], keys["secretAccessKey"]), "guardduty", "us-east-1").add_auth(request)
print('wrk.method = "GET"')
print(f'wrk.path = "/detector/{detector}"')
for name, value in request.headers.items():
    print(f'wrk.headers["{name}"] = "{value}"')
if close:
    print('wrk.headers["Connection"] = "close"')
print(f'''done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT|{label}|%.0f|%.3f|%.3f|%d|%d|%d\\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests, errors, summary.errors.status))
end''')
PY
}

measure() {  # measure SCHEME PORT LABEL CLOSE
    local lua="$data_dir/run.lua"
    lua_for "$1" "$2" "$3" "$4" > "$lua"
    # The signed request must be answered 200 before it is replayed.
    local probe
    probe=$(wrk -t1 -c1 -d1s -s "$lua" "$1://127.0.0.1:$2" | grep '^RESULT')
    [ "$(echo "$probe" | cut -d'|' -f8)" = 0 ] || { echo "the signed GetDetector was refused on $1://127.0.0.1:$2: $probe" >&2; exit 1; }
    wrk -t"$threads" -c"$connections" -d2s -s "$lua" "$1://127.0.0.1:$2" > /dev/null          # warm-up
    wrk -t"$threads" -c"$connections" -d"${seconds}s" -s "$lua" "$1://127.0.0.1:$2" | grep '^RESULT'
}

busy=$(pgrep -c -f 'swift-frontend|swift-build' || true)
echo "== $(nproc) cores, $connections connections, $threads wrk threads, ${seconds}s per run after 2 s of warm-up; load average $(cut -d' ' -f1-3 /proc/loadavg); swift compiler processes running: $busy"
results=$(
    measure http "$plain_port" "plain HTTP/1.1, keep-alive" 0
    measure https "$tls_port" "TLS 1.3 HTTP/1.1, keep-alive" 0
    measure http "$plain_port" "plain HTTP/1.1, new connection per request" 1
    measure https "$tls_port" "TLS 1.3 HTTP/1.1, new connection per request" 1
)
python3 - "$results" <<'PY'
import sys
rows = [line.split("|")[1:] for line in sys.argv[1].splitlines() if line.startswith("RESULT|")]
# wrk counts the server's close after each `Connection: close` answer as a socket error; non-2xx must stay 0.
print(f"{'GetDetector':48} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} {'non-2xx':>8} {'socket errors':>14}")
for label, rate, p50, p99, count, errors, status in rows:
    print(f"{label:48} {float(rate):9,.0f} {float(p50):8.2f} {float(p99):8.2f} {int(count):9,} {int(status):8} {int(errors) - int(status):14}")
by = {label: float(rate) for label, rate, *_ in rows}
for kind in ("keep-alive", "new connection per request"):
    plain = by.get(f"plain HTTP/1.1, {kind}")
    tls = by.get(f"TLS 1.3 HTTP/1.1, {kind}")
    if plain and tls:
        print(f"TLS / plain ({kind}): {tls / plain:.2f}")
PY
echo "== after: load average $(cut -d' ' -f1-3 /proc/loadavg); swift compiler processes running: $(pgrep -c -f 'swift-frontend|swift-build' || true)"
