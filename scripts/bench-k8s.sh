#!/usr/bin/env bash
# Throughput of Kubernetes audit log analysis: a realistic audit log (about SIZE_MB, default 200) is built from the
# real events of Falco's traces (../shared/data/k8s-audit) with varied users, source addresses, namespaces, pods and
# times, and mostly the requests a cluster makes all day (controllers and nodes reading and renewing leases) at the
# Metadata level; then `guardpost-bench k8s-audit` parses and judges it on one core (release build, pinned to one
# core), and Python's json.loads reads the same file in the same run. Prints MB/s of both and the ratio; the file is
# deleted afterwards.
# Usage: scripts/bench-k8s.sh [SIZE_MB]   (GUARDPOST_BENCH=path uses that binary instead of building the release one)
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb="${1:-200}"
data="${GUARDPOST_DATA:-$PWD/../shared/data}/k8s-audit/falco-trace-files"
if [ -n "${GUARDPOST_BENCH:-}" ]; then
    bin="$GUARDPOST_BENCH"
else
    flock /tmp/guardpost-build.lock swift build -c release --product guardpost-bench >/dev/null
    bin=.build/release/guardpost-bench
fi
work=$(mktemp -d /tmp/guardpost-k8s-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
log="$work/audit.log"

echo "== building a ${size_mb} MB audit log from $data"
python3 - "$data" "$log" "$size_mb" <<'PY'
import json, os, random, sys
source, out, size = sys.argv[1], sys.argv[2], int(sys.argv[3]) * 1_000_000
random.seed(17)
templates = []
for name in sorted(os.listdir(source)):
    with open(os.path.join(source, name)) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event, dict) and isinstance(event.get("verb"), str):
                templates.append(event)
users = [f"dev{i}@example.com" for i in range(40)] + ["admin", "ci-deployer", "system:serviceaccount:argocd:argocd-application-controller"]
nodes = [f"system:node:ip-10-0-{i // 250}-{i % 250}.eu-west-1.compute.internal" for i in range(60)]
controllers = [f"system:serviceaccount:kube-system:{c}" for c in ["replicaset-controller", "deployment-controller", "daemonset-controller", "endpointslice-controller", "job-controller"]]
namespaces = ["default", "shop", "payments", "search", "monitoring", "kube-system", "ingress"]
def stamp(t):
    s, us = divmod(t, 1_000_000)
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s)) + f".{us:06d}Z"
def metadata(t, i):
    user = random.choice(nodes + controllers + ["system:kube-controller-manager", "system:kube-scheduler"])
    verb, resource, sub = random.choice([("get", "leases", None), ("update", "leases", None), ("watch", "pods", None), ("list", "endpointslices", None),
        ("get", "configmaps", None), ("patch", "nodes", "status"), ("get", "secrets", None), ("create", "events", None), ("update", "pods", "status")])
    ns = random.choice(namespaces)
    ref = {"resource": resource, "namespace": ns, "name": f"obj-{random.randint(0, 5000)}", "apiVersion": "v1"}
    if sub: ref["subresource"] = sub
    return {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata", "auditID": f"{i:08x}-6a1e-4c5b-9b1f-{random.getrandbits(48):012x}",
        "stage": "ResponseComplete", "requestURI": f"/api/v1/namespaces/{ns}/{resource}/{ref['name']}", "verb": verb,
        "user": {"username": user, "groups": ["system:nodes" if user.startswith("system:node:") else "system:serviceaccounts", "system:authenticated"]},
        "sourceIPs": [f"10.0.{random.randint(0, 3)}.{random.randint(1, 254)}"], "userAgent": "kubelet/v1.30.2 (linux/amd64) kubernetes/3968350",
        "objectRef": ref, "responseStatus": {"metadata": {}, "code": 200}, "requestReceivedTimestamp": stamp(t), "stageTimestamp": stamp(t + 1800),
        "annotations": {"authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": ""}}
t = 1_764_547_200_000_000
written = 0
i = 0
with open(out, "w") as f:
    while written < size:
        i += 1
        t += random.randint(200, 4000)
        if random.random() < 0.8:
            event = metadata(t, i)
        else:
            event = json.loads(json.dumps(random.choice(templates)))
            ns = random.choice(namespaces)
            event["auditID"] = f"{i:08x}-77aa-4c5b-9b1f-{random.getrandbits(48):012x}"
            event.setdefault("user", {})["username"] = random.choice(users + controllers)
            event["sourceIPs"] = [f"{random.choice([10, 172, 192, 198, 203])}.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"]
            if isinstance(event.get("objectRef"), dict) and event["objectRef"].get("namespace"):
                event["objectRef"]["namespace"] = ns
                if event["objectRef"].get("name"):
                    event["objectRef"]["name"] = f"{event['objectRef']['name'].split('-')[0]}-{random.getrandbits(24):06x}"
            for key in ("timestamp", "requestReceivedTimestamp", "stageTimestamp"):
                if key in event:
                    event[key] = stamp(t)
        line = json.dumps(event, separators=(",", ":")) + "\n"
        f.write(line)
        written += len(line)
PY
bytes=$(stat -c %s "$log")
echo "== $(( bytes / 1000000 )) MB, $(wc -l < "$log") events"

echo "== guardpost: KubernetesAuditParser + the Kubernetes rules, one core"
guardpost_line=$(taskset -c 0 "$bin" k8s-audit --file "$log" --repeat 3)
echo "$guardpost_line"
echo "== python3 json.loads of every line, same file, one core"
python_line=$(taskset -c 0 python3 - "$log" <<'PY'
import json, sys, time
data = open(sys.argv[1], "rb").read()
lines = data.split(b"\n")
best = float("inf")
for _ in range(2):
    start = time.perf_counter()
    for line in lines:
        if line:
            json.loads(line)
    best = min(best, time.perf_counter() - start)
print(f"python json.loads: {len(data) / 1e6:.1f} MB in {best:.3f} s: {len(data) / 1e6 / best:.1f} MB/s")
PY
)
echo "$python_line"
guardpost_rate=$(sed -n 's/.* \([0-9.]*\) MB\/s.*/\1/p' <<<"$guardpost_line")
python_rate=$(sed -n 's/.* \([0-9.]*\) MB\/s.*/\1/p' <<<"$python_line")
python3 -c "import sys; g, p = float(sys.argv[1]), float(sys.argv[2]); print(f'ratio: guardpost parses and judges {g / p:.1f}x as fast as python json.loads parses ({g:.1f} vs {p:.1f} MB/s)')" "$guardpost_rate" "$python_rate"
