#!/usr/bin/env bash
# Builds the benchmarks and runs one suite, side by side in one go, then writes the report:
#
#   bench/run.sh quick   # put and get, every engine, 512 B and 1 MiB (about 5 minutes on 2 cores)
#   bench/run.sh full    # everything (about 20 minutes on 2 cores): run it on a quiet machine
#   bench/run.sh smoke   # the full suite's benchmarks with tiny data and 200 ms iterations, into
#                        # /tmp/blobsfile-bench-smoke (about 4 minutes): checks the pipeline, its
#                        # numbers mean nothing
#   bench/run.sh full -foe true   # extra arguments go to every JMH run of the suite
#
# Results go to bench/results/<date>/ (BENCH_OUT overrides it):
#   results.json  every run of the suite, JMH's JSON
#   results.md    Markdown tables, each number also as a ratio to its section's baseline
#   results.csv   the same rows, numbers unformatted
#   results.png   the ratios as bar charts, one per section
#   env.txt       the machine, the settings and the load before and after
#   raw/          each JMH run's JSON and whole output (not committed)
#
# Environment:
#   BENCH_DIR=/mnt/ssd   scratch data on another disk (default: the system temp dir)
#   BENCH_OUT=DIR        the results directory
#   JMH_OPTS='...'       replaces the JMH settings of the suite's throughput run
#   SEAL_OPTS='...'      replaces those of the full suite's seal run
#   BENCH_NO_BUILD=1     uses blobsfile-bench/target/benchmarks.jar as it is
set -euo pipefail

suite="${1:-quick}"
shift || true
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

case "$suite" in
    quick)
        out="${BENCH_OUT:-bench/results/${BENCH_DATE:-$(date +%F)}}"
        jmh_opts="${JMH_OPTS:--f 1 -wi 2 -w 2s -i 5 -r 2s}"
        ;;
    full)
        out="${BENCH_OUT:-bench/results/${BENCH_DATE:-$(date +%F)}}"
        jmh_opts="${JMH_OPTS:--f 1 -wi 1 -w 2s -i 3 -r 2s}"
        seal_opts="${SEAL_OPTS:--f 1 -wi 1 -i 3}"
        open_opts="-f 1 -wi 2 -i 8"
        ;;
    smoke)
        out="${BENCH_OUT:-${TMPDIR:-/tmp}/blobsfile-bench-smoke}"
        # small data sets: each benchmark's own parameter, so one -p list serves the whole run
        jmh_opts="${JMH_OPTS:--f 1 -wi 0 -i 1 -r 200ms -p size=512,4096 -p blobs=2000 -p packMiB=128 -p sealedMiB=64 -p shardSize=65536}"
        seal_opts="${SEAL_OPTS:--f 1 -wi 0 -i 1 -p maxPackSize=16777216}"
        open_opts="-f 1 -wi 0 -i 1 -p blobs=2000"
        ;;
    *)
        echo "usage: bench/run.sh [quick|full|smoke] [JMH arguments...]" >&2
        exit 2
        ;;
esac
read -r -a jmh_args <<< "$jmh_opts"
mkdir -p "$out/raw"
# a report of this run must not pick up a part of an earlier one
rm -f "$out"/raw/*.json

if [[ -z "${BENCH_NO_BUILD:-}" ]]; then
    mvn -q -B -DskipTests -pl blobsfile-bench -am package
fi
jar=blobsfile-bench/target/benchmarks.jar

{
    echo "suite: $suite"
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with local changes)')"
    echo "kernel: $(uname -srm)"
    echo "cpus: $(nproc)"
    # hosts have differed between runs in ways the kernel's name does not show: say which processor ran it
    if [[ -r /proc/cpuinfo ]]; then
        echo "cpu: $(awk -F': ' '/^model name/ {m=$2} /^cpu family/ {f=$2} /^model\t/ {n=$2} /^cpu MHz/ {h=$2}
            END {printf "%s (family %s, model %s), %s MHz", m, f, n, h}' /proc/cpuinfo)"
    else
        echo "cpu: unknown"
    fi
    echo "java: $(java -version 2>&1 | head -1)"
    echo "scratch: ${BENCH_DIR:-${TMPDIR:-/tmp}} ($(df -h "${BENCH_DIR:-${TMPDIR:-/tmp}}" | awk 'NR==2 {print $1}'))"
    echo "jmh settings: $jmh_opts $*"
    [[ -n "${seal_opts:-}" ]] && echo "seal settings: $seal_opts $*"
    echo "started: $(date -Is)"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/env.txt"

# jmh NAME ARGS...: one JMH run, JSON to raw/NAME.json, output to raw/NAME.log. The forked
# benchmark JVMs inherit the launcher's -D options, so the scratch directory reaches them.
# Never -t (the durable put methods set their own thread counts) nor -jvmArgsAppend (the
# one-thread rebuild sets -XX:ActiveProcessorCount=1 that way).
jmh() {
    local name="$1"
    shift
    java ${BENCH_DIR:+-Dblobsfile.bench.dir="$BENCH_DIR"} -jar "$jar" \
        "$@" -rf json -rff "$out/raw/$name.json" 2>&1 | tee "$out/raw/$name.log"
}

if [[ "$suite" == quick ]]; then
    jmh quick 'org\.blobsfile\.bench\.(Put|Get)Benchmark\.' -p size=512,1048576 "${jmh_args[@]}" "$@"
else
    read -r -a seal_args <<< "$seal_opts"
    jmh throughput \
        'org\.blobsfile\.bench\.DurablePutBenchmark\.threads(1|16)$' \
        'org\.blobsfile\.bench\.PutAllBenchmark\.' \
        'org\.blobsfile\.bench\.(Get|Enumerate|Rebuild|Verify)Benchmark\.' \
        'org\.blobsfile\.bench\.core\.(ReedSolomon|Blake2b)Benchmark\.' \
        'org\.blobsfile\.bench\.WakeupBenchmark\.' \
        "${jmh_args[@]}" -prof gc "$@"
    # one durable put at a time beside a plain append + fdatasync, every put sampled for its tail
    jmh latency 'org\.blobsfile\.bench\.SyncPutLatencyBenchmark\.' "${jmh_args[@]}" -p size=512,4096 "$@"
    # bulk ingest of small blobs: the index written in the background keeps up with putAll
    jmh ingest 'org\.blobsfile\.bench\.PutAllBenchmark\.allCores$' "${jmh_args[@]}" \
        -p size=512 -p batch=10000 -p codec=none -p maxPackMiB=256 "$@"
    # opening a clean store and the first open after a bulk import, single shots
    read -r -a open_args <<< "$open_opts"
    jmh open 'org\.blobsfile\.bench\.OpenBenchmark\.open$' "${open_args[@]}" "$@"
    jmh seal 'org\.blobsfile\.bench\.core\.SealBenchmark\.' "${seal_args[@]}" -prof gc "$@"
fi

{
    echo "finished: $(date -Is)"
    echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
} >> "$out/env.txt"
java -cp "$jar" org.blobsfile.bench.report.ReportMain "$out" "$out"/raw/*.json

# JMH goes on after a benchmark fails and leaves it out of the results: say so loudly
if grep -q '<failure>' "$out"/raw/*.log; then
    echo "SOME BENCHMARKS FAILED: see <failure> in $out/raw/*.log" >&2
    exit 1
fi
