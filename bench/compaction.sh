#!/usr/bin/env bash
# Deletion and compaction, in one run: compaction throughput and disk before/after, put and get
# latency beside a compaction against the same workload without one, a compaction with the deletion
# log's pruning off and on, and a sweep of 10,000,000 blobs in a 256 MiB heap. See "Deleting and
# compacting" in bench/README.md.
#
#   bench/compaction.sh                       # everything
#   PHASES="compact latency" bench/compaction.sh
#   SWEEP_BLOBS=1000000 bench/compaction.sh   # a smaller sweep
#
# Environment:
#   PHASES          which phases to run ("compact latency prune sweep")
#   BLOBS           4 KiB blobs in the compaction and latency stores (160000: about 655 MB)
#   PACK_MIB        their pack size (64)
#   RATE_MBS        the compaction's rate limit beside the latency workload (16; 0 for none)
#   SWEEP_BLOBS     512 B blobs in the swept store (10000000: about 5.5 GB)
#   BENCH_DIR       the parent of the stores (default: the system temp dir)
#   BENCH_OUT       the results directory (bench/results/compaction-<date>)
#   BENCH_NO_BUILD=1  uses blobsfile-bench/target/benchmarks.jar as it is (BENCH_JAR: another jar)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
phases="${PHASES:-compact latency prune sweep}"
parent="${BENCH_DIR:-${TMPDIR:-/tmp}}"
out="${BENCH_OUT:-bench/results/compaction-${BENCH_DATE:-$(date +%F)}}"
if [[ -z "${BENCH_NO_BUILD:-}" ]]; then
    mvn -q -B -DskipTests -pl blobsfile-bench -am package
fi
jar="${BENCH_JAR:-blobsfile-bench/target/benchmarks.jar}"
mkdir -p "$out"
common=(dir="$parent/blobsfile-compaction" blobs="${BLOBS:-160000}" packMiB="${PACK_MIB:-64}")
{
    echo "# Deleting and compacting"
    echo
    echo "commit $(git rev-parse --short HEAD), $(nproc) CPUs, $(uname -r), $(java -version 2>&1 | head -1), $(date -u +%FT%TZ)"
    for phase in $phases; do
        echo
        if [[ "$phase" == sweep ]]; then
            java -Xmx256m -cp "$jar" org.blobsfile.bench.compaction.CompactionBench phase=sweep \
                dir="$parent/blobsfile-sweep" sweepBlobs="${SWEEP_BLOBS:-10000000}"
        else
            java -Xmx1g -cp "$jar" org.blobsfile.bench.compaction.CompactionBench phase="$phase" "${common[@]}" \
                rateMBs="${RATE_MBS:-16}"
        fi
    done
} | tee "$out/results.md"
rm -rf "$parent/blobsfile-compaction"
echo "results in $out/results.md"
