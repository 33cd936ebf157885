#!/usr/bin/env bash
# The whole suite, side by side, in two JMH runs one after the other (about 15 minutes on 2 cores):
#
#   1. throughput: put and get (the quick suite), durable puts by 1, 4 and 16 threads,
#      Reed-Solomon parity, BLAKE2b-256 vs SHA-256; one fork, 2 x 2 s warm-up, 4 x 2 s measured
#   2. seals: one 256 MiB and one 16 MiB pack, single shot, 1 warm-up and 3 measured seals
#
# both with -prof gc, for the memory allocated per operation. Run it on a quiet machine.
#
#   bench/full.sh                      # results in bench/results/<today>/
#   BENCH_DIR=/mnt/ssd bench/full.sh   # scratch data on another disk (default: the temp dir)
#   bench/full.sh -foe true            # extra arguments go to both JMH runs
#
# THROUGHPUT_OPTS and SEAL_OPTS replace the JMH settings of each run and BENCH_OUT the output
# directory, e.g. to check the pipeline in about 3 minutes:
#
#   THROUGHPUT_OPTS='-f 1 -wi 0 -i 1 -r 200ms' SEAL_OPTS='-f 1 -wi 0 -i 1 -p maxPackSize=16777216' \
#       BENCH_OUT=/tmp/full-smoke bench/full.sh
#
# Writes full-throughput.json and full-seal.json (JMH's JSON), full.txt (JMH's tables),
# full.md (the tables with MB/s, GB/s, allocation and ratios, from bench/summarize.py),
# full-env.txt (the machine and its load before and after) and raw/full-*.log (the whole JMH
# output, not committed).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="${BENCH_OUT:-bench/results/${BENCH_DATE:-$(date +%F)}}"
mkdir -p "$out/raw"
read -r -a throughput_opts <<< "${THROUGHPUT_OPTS:--f 1 -wi 2 -w 2s -i 4 -r 2s}"
read -r -a seal_opts <<< "${SEAL_OPTS:--f 1 -wi 1 -i 3}"

mvn -q -B -DskipTests -pl blobsfile-bench -am package

{
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "kernel: $(uname -srm)"
    echo "cpus: $(nproc)"
    echo "java: $(java -version 2>&1 | head -1)"
    echo "scratch: ${BENCH_DIR:-/tmp} ($(df -h "${BENCH_DIR:-/tmp}" | awk 'NR==2 {print $1}'))"
    echo "throughput settings: ${throughput_opts[*]}"
    echo "seal settings: ${seal_opts[*]}"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/full-env.txt"

# jmh NAME ARGS...: one JMH run, JSON to NAME.json, output to raw/NAME.log. The forked benchmark
# JVMs inherit the launcher's -D options, so the scratch directory reaches them. No -t: the
# durable put benchmark sets its thread counts per method, and -t would override them.
jmh() {
    local name="$1"
    shift
    java ${BENCH_DIR:+-Dblobsfile.bench.dir="$BENCH_DIR"} -jar blobsfile-bench/target/benchmarks.jar \
        "$@" -prof gc -rf json -rff "$out/$name.json" 2>&1 | tee "$out/raw/$name.log"
}

jmh full-throughput \
    'org\.blobsfile\.bench\.(Put|Get|DurablePut)Benchmark\.' \
    'org\.blobsfile\.core\.(ReedSolomon|Blake2b)Benchmark\.' \
    "${throughput_opts[@]}" "$@"
jmh full-seal 'org\.blobsfile\.core\.SealBenchmark\.' "${seal_opts[@]}" "$@"

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/full-env.txt"
# JMH ends its output with the results table, starting at its header line
for name in full-throughput full-seal; do
    awk '/^Benchmark /{on=1} on && /^$/{exit} on' "$out/raw/$name.log"
    echo
done > "$out/full.txt"
python3 bench/summarize.py "$out/full-throughput.json" "$out/full-seal.json" > "$out/full.md"
cat "$out/full.md"

# JMH goes on after a benchmark fails and leaves it out of the results: say so loudly
if grep -q '<failure>' "$out"/raw/full-*.log; then
    echo "SOME BENCHMARKS FAILED: see <failure> in $out/raw/full-*.log" >&2
    exit 1
fi
