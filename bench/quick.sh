#!/usr/bin/env bash
# Quick side-by-side run of the put and get benchmarks, every engine and blob size, in one JMH
# run (one fork, short iterations: about 5 minutes on 2 cores). Good for spotting big gaps, not
# small ones. bench/full.sh runs these and the other benchmarks of the module.
#
#   bench/quick.sh                     # results in bench/results/<today>/
#   bench/quick.sh -p size=512         # extra arguments go to JMH
#   BENCH_DIR=/mnt/ssd bench/quick.sh  # scratch data on another disk (default: the temp dir)
#
# Writes quick.json (JMH's JSON), quick.txt (JMH's table), quick.md (the table with MB/s and
# ratios), env.txt (the machine and its load before and after, since a busy machine skews
# results) and raw/quick.log (the whole JMH output, not committed).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="bench/results/${BENCH_DATE:-$(date +%F)}"
mkdir -p "$out/raw"

mvn -q -B -DskipTests -pl blobsfile-bench -am package

{
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "kernel: $(uname -srm)"
    echo "cpus: $(nproc)"
    echo "java: $(java -version 2>&1 | head -1)"
    echo "scratch: ${BENCH_DIR:-/tmp} ($(df -h "${BENCH_DIR:-/tmp}" | awk 'NR==2 {print $1}'))"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/env.txt"

# the forked benchmark JVMs inherit the launcher's -D options, so the scratch directory reaches them
java ${BENCH_DIR:+-Dblobsfile.bench.dir="$BENCH_DIR"} -jar blobsfile-bench/target/benchmarks.jar \
    'org\.blobsfile\.bench\.(Put|Get)Benchmark\.' \
    -f 1 -wi 2 -w 2s -i 5 -r 2s \
    -rf json -rff "$out/quick.json" \
    "$@" 2>&1 | tee "$out/raw/quick.log"

# JMH ends its output with the results table, starting at its header line
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/env.txt"
awk '/^Benchmark /{on=1} on && /^$/{exit} on' "$out/raw/quick.log" > "$out/quick.txt"
python3 bench/summarize.py "$out/quick.json" > "$out/quick.md"
cat "$out/quick.md"
