#!/usr/bin/env bash
# The s3: archive provider against a plain AWS SDK v2 multipart upload of the same file to the
# same S3Proxy (in the benchmark's JVM, a directory behind it), alternating, then the latency of
# 4 KiB ranged reads. See "The archive tier" in bench/README.md.
#
#   bench/archive.sh
#   SIZE_MIB=64 ROUNDS=3 bench/archive.sh     # a quick look
#
# Environment:
#   SIZE_MIB        the uploaded file (256)
#   PART_MIB        the part size of both uploads (16)
#   THREADS         parts in flight in both uploads (4)
#   WARM_UP         rounds run first and not counted (3)
#   ROUNDS          measured rounds (7)
#   READS           ranged reads measured after a tenth as many warm-up reads (2000)
#   BENCH_DIR       the parent of the server's directory and the file (default: the system temp dir)
#   BENCH_OUT       the results directory (bench/results/archive-<date>); BENCH_FILE the file in it (results.md)
#   BENCH_NO_BUILD=1  uses blobsfile-bench/target/benchmarks.jar as it is (BENCH_JAR: another jar)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
parent="${BENCH_DIR:-${TMPDIR:-/tmp}}"
out="${BENCH_OUT:-bench/results/archive-${BENCH_DATE:-$(date +%F)}}"
if [[ -z "${BENCH_NO_BUILD:-}" ]]; then
    mvn -q -B -DskipTests -pl blobsfile-bench -am package
fi
jar="${BENCH_JAR:-blobsfile-bench/target/benchmarks.jar}"
mkdir -p "$out"
{
    echo "# The archive tier: s3: provider against a plain SDK upload, on S3Proxy"
    echo
    echo "commit $(git rev-parse --short HEAD), $(nproc) CPUs, $(uname -r), $(java -version 2>&1 | head -1), $(date -u +%FT%TZ)"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    java -Xmx2g -cp "$jar" org.blobsfile.bench.archive.ArchiveBench dir="$parent/blobsfile-archive-bench" \
        sizeMiB="${SIZE_MIB:-256}" partMiB="${PART_MIB:-16}" threads="${THREADS:-4}" warmUp="${WARM_UP:-3}" rounds="${ROUNDS:-7}" \
        reads="${READS:-2000}"
    echo
    echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/${BENCH_FILE:-results.md}"
echo "results in $out/${BENCH_FILE:-results.md}"
