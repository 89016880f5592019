#!/usr/bin/env bash
# Idle footprint of `guardpost-agent run` on a member host: the agent connected to a real guardpost-admin (embedded
# PostgreSQL), following empty local flow, CloudTrail and DNS log files, with no new records. Reports its resident
# memory and the CPU it uses (share of one core) over IDLE_SECONDS (default 60), after a settling period; the goal is
# ≤ 50 MB and ≤ 1 % of a core. Default agent settings (poll every second, heartbeats every 15 s).
# Usage: scripts/bench-idle.sh   (GUARDPOST_ADMIN / GUARDPOST_AGENT select the binaries; release by default)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${GUARDPOST_ADMIN:-}" || -z "${GUARDPOST_AGENT:-}" ]]; then
    swift build -c release --product guardpost-admin
    swift build -c release --product guardpost-agent
fi
export GUARDPOST_ADMIN="${GUARDPOST_ADMIN:-$PWD/.build/release/guardpost-admin}"
export GUARDPOST_AGENT="${GUARDPOST_AGENT:-$PWD/.build/release/guardpost-agent}"
work=$(mktemp -d /tmp/guardpost-idle-bench-XXXXXX)
export GUARDPOST_TEST_OUTPUT="$work/output"
trap 'rm -rf "$work"' EXIT
PYTHONPATH=conformance python3 - "$work" "${IDLE_SECONDS:-60}" <<'PY'
import os, subprocess, sys, time
from conftest import Server, enrolled_pair
work, seconds = sys.argv[1], float(sys.argv[2])
ticks = os.sysconf("SC_CLK_TCK")

def cpu(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / ticks

def rss(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

server = Server("idle")
server.start()
agent = None
try:
    admin, admin_detector, member, member_detector = enrolled_pair(server)
    logs = {name: os.path.join(work, name) for name in ("flows.log", "cloudtrail.json", "dns.log")}
    for path in logs.values():
        open(path, "w").close()
    env = dict(os.environ, AWS_ACCESS_KEY_ID=member.access_key_id, AWS_SECRET_ACCESS_KEY=member.secret_access_key)
    env.pop("AWS_PROFILE", None)
    agent = subprocess.Popen(
        [os.environ["GUARDPOST_AGENT"], "run", "--endpoint-url", server.endpoint, "--region", "us-east-1", "--state-dir",
         os.path.join(work, "state"), "--flow-logs", logs["flows.log"], "--cloudtrail", logs["cloudtrail.json"],
         "--dns-logs", logs["dns.log"]], env=env, stdout=open(os.path.join(work, "agent.log"), "w"), stderr=subprocess.STDOUT)
    # Settle: the agent has found its detector, taken its configuration and sent a heartbeat.
    time.sleep(10)
    assert agent.poll() is None, open(os.path.join(work, "agent.log")).read()
    start_cpu, start = cpu(agent.pid), time.monotonic()
    peak = rss(agent.pid)
    while time.monotonic() - start < seconds:
        time.sleep(1)
        peak = max(peak, rss(agent.pid))
    used = cpu(agent.pid) - start_cpu
    elapsed = time.monotonic() - start
    print(f"guardpost-agent run, idle over {elapsed:.0f} s (3 empty local sources, real guardpost-admin): "
          f"RSS {rss(agent.pid):.1f} MB (peak {peak:.1f} MB; goal ≤ 50 MB: {peak / 50:.2f}× the goal), "
          f"CPU {100 * used / elapsed:.2f} % of one core (goal ≤ 1 %: {100 * used / elapsed:.2f}× the goal)")
finally:
    if agent is not None:
        agent.terminate()
        agent.wait(timeout=15)
    server.stop()
    import shutil
    shutil.rmtree(server.data_dir, ignore_errors=True)
PY
