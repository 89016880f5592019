#!/usr/bin/env bash
# Fuzzes Guardpost's parsers of untrusted bytes with libFuzzer (see fuzz/Package.swift for the targets).
#   scripts/fuzz.sh TARGET SECONDS   one target for SECONDS
#   scripts/fuzz.sh all SECONDS      every target for SECONDS each
#   scripts/fuzz.sh list             the targets
# Builds the fuzz package once (debug, -sanitize=fuzzer,address), seeds each target's working corpus
# (fuzz/corpus-work/TARGET, kept between runs, git-ignored) from ../shared/data and fuzz/seeds/TARGET, and runs it
# under nice with a 2 GB RSS limit. Crashes, leaks, timeouts (an input that takes over 10 s) and out-of-memory
# inputs are written to test-output/fuzz/TARGET/ and make the script exit non-zero. A line per run goes to
# test-output/fuzz/runs.tsv (target, seconds, executions, executions/s, result).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
targets=(flowlog cloudtrail-scanner cloudtrail-json dns gzip list-txt list-stix list-otx-csv list-alien-vault list-proof-point list-fire-eye
    sigv4 criteria agent-channel console-form aws-ip-ranges mmdb k8s-audit)

if [ "${1:-}" = list ]; then printf '%s\n' "${targets[@]}"; exit 0; fi
if [ $# -ne 2 ] || ! [[ "$2" =~ ^[0-9]+$ ]]; then
    echo "usage: scripts/fuzz.sh TARGET|all SECONDS   (targets: ${targets[*]})" >&2
    exit 2
fi
selected=("$1")
[ "$1" = all ] && selected=("${targets[@]}")
for target in "${selected[@]}"; do
    if ! printf '%s\n' "${targets[@]}" | grep -qx -- "$target"; then echo "unknown target '$target' (targets: ${targets[*]})" >&2; exit 2; fi
done

# What the fuzz build and the corpus builder need beyond Swift (as scripts/prerequisites.sh does it, only when missing).
guardpost_sudo() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
missing_apt=()
dpkg -s zlib1g-dev >/dev/null 2>&1 || missing_apt+=(zlib1g-dev)
command -v python3 >/dev/null 2>&1 || missing_apt+=(python3)
command -v flock >/dev/null 2>&1 || missing_apt+=(util-linux)
if [ ${#missing_apt[@]} -gt 0 ]; then
    echo "installing apt packages: ${missing_apt[*]}" >&2
    guardpost_sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive guardpost_sudo apt-get install -y -qq "${missing_apt[@]}" >/dev/null
fi
# The fuzz package resolves the main package's dependencies at the versions the main package uses.
[ -f Package.resolved ] && [ ! -f fuzz/Package.resolved ] && cp Package.resolved fuzz/Package.resolved

mkdir -p test-output/fuzz
echo "== building the fuzz targets (debug, -sanitize=fuzzer,address)"
# Other builds of the checkout take the same lock; the build never runs beside one.
build=(swift build --package-path fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
flock /tmp/guardpost-build.lock nice -n 10 "${build[@]}" > test-output/fuzz/build.log 2>&1 || {
    grep -v "Cannot export local symbol" test-output/fuzz/build.log | tail -40 >&2
    echo "the fuzz build failed (test-output/fuzz/build.log)" >&2
    exit 1
}
bin=$(swift build --package-path fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --show-bin-path)
for target in "${selected[@]}"; do
    [ -x "$bin/$target" ] || { echo "the fuzz build did not produce $bin/$target" >&2; exit 1; }
done

data=${GUARDPOST_DATA:-$repo/../shared/data}
failed=()
for target in "${selected[@]}"; do
    corpus=fuzz/corpus-work/$target
    artifacts=test-output/fuzz/$target
    mkdir -p "$corpus" "$artifacts"
    if [ ! -e "$corpus/.seeded" ]; then
        count=0
        if [ -d "$data" ]; then count=$(python3 fuzz/tools/make-corpus.py "$target" "$data" "$repo" "$corpus"); fi
        echo "== $target: $count inputs from $data"
        touch "$corpus/.seeded"
    fi
    seeds=()
    [ -d "fuzz/seeds/$target" ] && seeds=("fuzz/seeds/$target")
    echo "== fuzzing $target for $2 s"
    log=$artifacts/last-run.log
    status=0
    SWIFT_BACKTRACE=enable=no nice -n 19 "$bin/$target" "$corpus" "${seeds[@]}" -max_total_time="$2" -rss_limit_mb=2048 -timeout=10 -max_len=8192 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1 || status=$?
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    result=ok
    if [ "$status" -ne 0 ]; then
        result=failed
        failed+=("$target")
        grep -E "^(==[0-9]+==ERROR|SUMMARY|Fatal error|.*fuzz property failed|artifact_prefix|Test unit written)|ALARM|out-of-memory" "$log" | head -20 >&2 || true
        echo "!! $target failed (exit $status); the input is in $artifacts/, the log in $log" >&2
    fi
    echo "   $target: ${executions:-0} executions, ${rate:-0}/s, $result"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$target" "$2" "${executions:-0}" "${rate:-0}" "$result" >>test-output/fuzz/runs.tsv
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzzing found problems in: ${failed[*]}" >&2
    exit 1
fi
