#!/usr/bin/env python3
"""Findings reads on a hot standby vs on the primary, idle and while the primary takes ingest (issue 16).

Starts the conformance suite's replication cluster (a primary and a synchronous streaming standby, see
conformance/test_replication.py), one guardpost-admin with --read-database-url on the standby and one without, loads
20,000 findings through the agent channel, then runs guardpost-bench findings-query against each replica, idle and
while guardpost-bench ingest runs for 25 s through the first. Usage: scripts/bench-replicas.py [BUILD_DIR]
(default .build/release; binaries guardpost-admin and guardpost-bench)."""
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "release")
sys.path.insert(0, os.path.join(ROOT, "conformance"))
SCRATCH = tempfile.mkdtemp(prefix="guardpost-bench-replicas-")
os.environ.setdefault("GUARDPOST_TEST_OUTPUT", SCRATCH)
os.environ["GUARDPOST_ADMIN"] = os.path.join(BUILD, "guardpost-admin")
import test_replication as t  # noqa: E402
from conftest import Server, enrolled_pair  # noqa: E402

BENCH = os.path.join(BUILD, "guardpost-bench")
c = t.Cluster().start()
a = b = None
try:
    a = Server("bench-standby", extra_args=["--read-database-url", c.standby_url(), "--log-level", "warning"])
    a.env["DATABASE_URL"] = c.multi_host_url()
    a.start()
    b = Server("bench-primary", share_with=a, extra_args=["--log-level", "warning"]).start()
    admin, ad, member, md = enrolled_pair(a)
    for name, acct in (("admin", admin), ("member", member)):
        with open(f"{SCRATCH}/{name}.json", "w") as f:
            json.dump({"accountId": acct.account_id, "accessKeyId": acct.access_key_id, "secretAccessKey": acct.secret_access_key}, f)
    out = subprocess.run([BENCH, "ingest", "--endpoint", a.endpoint, "--keys", f"{SCRATCH}/member.json", "--findings", "20000", "--batch", "500"], capture_output=True, text=True)
    print(out.stdout[-300:], out.stderr[-300:], flush=True)
    def q(server, label):
        r = subprocess.run([BENCH, "findings-query", "--endpoint", server.endpoint, "--admin-keys", f"{SCRATCH}/admin.json", "--requests", "300", "--label", label], capture_output=True, text=True)
        print(r.stdout, r.stderr[-300:], flush=True)
    q(a, "standby reads, idle"); q(b, "primary reads, idle")
    for server, label in ((a, "standby reads, during ingest"), (b, "primary reads, during ingest")):
        ing = subprocess.Popen([BENCH, "ingest", "--endpoint", a.endpoint, "--keys", f"{SCRATCH}/member.json", "--batch", "500", "--concurrency", "2", "--duration", "25", "--first-index", str(int(time.time()))], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        time.sleep(3)
        q(server, label)
        print(ing.communicate()[0][-300:], flush=True)
finally:
    for s in (b, a):
        if s:
            s.process.kill()
            s.process.wait()
    if a:
        a.stop()
    c.stop()
    subprocess.run(["rm", "-rf", SCRATCH])
