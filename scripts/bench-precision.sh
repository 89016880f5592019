#!/usr/bin/env bash
# Precision on a realistic account: generates six days of benign traffic from thirty instances with attacks injected on
# the last day (Sources/PrecisionCorpus), scans it as `guardpost-agent scan` does, and prints record counts, findings on
# benign resources per instance-day, High benign findings, recall of the injected attacks, false positives by type and
# order invariance (the same findings when the files are read in reverse order), for two seeds.
# Usage: scripts/bench-precision.sh [DENSITY]   (SEEDS="1 2" selects the seeds; WORK=/tmp/... keeps the corpora there)
set -euo pipefail
cd "$(dirname "$0")/.."
density="${1:-1}"
if [ ! -x .build/release/guardpost-bench ] || [ -n "$(find Sources Package.swift -newer .build/release/guardpost-bench -print -quit)" ]; then
    flock /tmp/guardpost-build.lock swift build -c release --product guardpost-bench
fi
read -r -a seeds <<< "${SEEDS:-1 2}"
.build/release/guardpost-bench precision --density "$density" --seeds "${seeds[@]}" --intel-dir intel --work "${WORK:-/tmp/guardpost-precision}"
