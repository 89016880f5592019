#!/usr/bin/env python3
"""Builds the starting corpus of one fuzz target from the public test data in ../shared/data (see its SOURCES.md)
and the fixtures of the tests: real files, cut at line ends into inputs of at most 4 KB, at most 200 per target.
Usage: make-corpus.py TARGET DATA_DIR REPO_DIR OUT_DIR"""
import glob, gzip, json, os, sys

target, data, repo, out = sys.argv[1:5]
limit_bytes, limit_files = 4096, 200
fixtures = os.path.join(repo, "Tests/ThreatListsTests/Fixtures")
written = 0


def emit(blob):
    global written
    if written >= limit_files or not blob:
        return
    with open(os.path.join(out, "data-%03d" % written), "wb") as handle:
        handle.write(blob[:limit_bytes])
    written += 1


def chunks(path, per_file=20):
    """A file's lines in pieces of at most 4 KB (the first `per_file` pieces)."""
    try:
        lines = open(path, "rb").read().splitlines(keepends=True)
    except OSError:
        return
    piece, count = b"", 0
    for line in lines:
        if len(piece) + len(line) > limit_bytes and piece:
            emit(piece)
            piece, count = b"", count + 1
            if count >= per_file:
                return
        piece += line[:limit_bytes]
    emit(piece)


def jsonl_logs(path, wrap=None):
    """The `log` objects of Panther's rule tests, one JSON line each, grouped into inputs."""
    try:
        lines = [json.dumps(json.loads(line)["log"]).encode() + b"\n" for line in open(path, "rb") if line.strip()]
    except (OSError, ValueError, KeyError):
        return
    for start in range(0, len(lines), 8):
        group = b"".join(lines[start:start + 8])
        if wrap == "records":
            group = b'{"Records":[' + b",".join(line.strip() for line in lines[start:start + 8]) + b"]}"
        emit(group)


files = lambda *patterns: sorted(p for pattern in patterns for p in glob.glob(os.path.join(data, pattern)))

if target == "flowlog":
    for path in files("panther-scenario/*/*vpc*.log"):
        chunks(path)
elif target in ("cloudtrail-scanner", "cloudtrail-json"):
    for path in files("stratus-red-team/*.json", "panther-scenario/*/*cloudtrail*.native.json"):
        chunks(path, per_file=2)
    jsonl_logs(os.path.join(data, "panther-rule-tests/cloudtrail_rule_tests.jsonl"), wrap="records")
elif target == "k8s-audit":
    for path in files("k8s-audit/falco-trace-files/*.json"):
        chunks(path, per_file=2)
    jsonl_logs(os.path.join(data, "k8s-audit/panther_k8s_audit_rule_tests.jsonl"))
elif target == "dns":
    jsonl_logs(os.path.join(data, "panther-rule-tests/vpcdns_rule_tests.jsonl"))
elif target == "gzip":
    for path in files("panther-scenario/*/*.native.*", "ipsum/level8.txt", "stix2-examples/indicator-for-c2-ip-address.json"):
        emit(gzip.compress(open(path, "rb").read()[:limit_bytes // 2]))
elif target == "list-txt":
    for path in files("ipsum/level7.txt", "ipsum/level8.txt", "firehol/*.netset", "intel-feeds/*/*.ipset", "intel-feeds/*/*.txt",
                      "guardduty-tester/queries.txt") + [os.path.join(fixtures, "sample.txt")]:
        chunks(path, per_file=3)
elif target == "list-stix":
    for path in files("stix2-examples/*.json") + [os.path.join(fixtures, "sample-stix1.xml")]:
        chunks(path, per_file=2)
elif target == "list-otx-csv":
    chunks(os.path.join(fixtures, "sample-otx.csv"))
    chunks(os.path.join(data, "stix2-examples/sample-otx.csv"))
elif target == "list-alien-vault":
    chunks(os.path.join(fixtures, "sample-alienvault.txt"))
    chunks(os.path.join(data, "stix2-examples/sample-alienvault.txt"))
elif target == "list-proof-point":
    chunks(os.path.join(fixtures, "sample-proofpoint.csv"))
    chunks(os.path.join(data, "stix2-examples/sample-proofpoint.csv"))
elif target == "list-fire-eye":
    chunks(os.path.join(fixtures, "sample-fireeye.csv"))
    chunks(os.path.join(data, "stix2-examples/sample-fireeye.csv"))
elif target == "mmdb":
    # MaxMind's test databases and deliberately corrupt files, whole (libFuzzer's -max_len is 8192).
    for path in files("geoip/maxmind-test/test-data/*.mmdb", "geoip/maxmind-test/bad-data/*/*.mmdb"):
        blob = open(path, "rb").read()
        if len(blob) <= 8192 and written < limit_files:
            with open(os.path.join(out, "data-%03d" % written), "wb") as handle:
                handle.write(blob)
            written += 1
# sigv4, criteria, agent-channel and console-form start from their hand-written seeds only (fuzz/seeds/TARGET).
print(written)
