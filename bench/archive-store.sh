#!/usr/bin/env bash
# The archive tier through the store: gets of blobs in evicted packs (s3: on S3Proxy in the
# benchmark's JVM, and file:) against gets of local blobs, then full restores from each archive
# against a plain copy or download of the same bytes. See "The archive tier" in bench/README.md.
#
#   bench/archive-store.sh
#   GETS=500 RESTORE_PACK_MIB=16 ROUNDS=1 bench/archive-store.sh     # a quick look
#
# Environment:
#   BLOB_KIB          the size of the blobs read (4)
#   PACK_MIB          the pack size of the stores read from (4)
#   GETS              gets of each kind measured, after a tenth as many (at least 100) warm-up (2000)
#   RESTORE_PACK_MIB  the pack size of the restored store (64)
#   RESTORE_PACKS     its sealed packs (4)
#   WARM_UP           restore rounds run first and not counted (1)
#   ROUNDS            measured restore rounds (3)
#   BENCH_DIR         the parent of the benchmark's directory (default: the system temp dir)
#   BENCH_OUT         the results directory (bench/results/archive-<date>); BENCH_FILE the file in it (store.md)
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
    echo "# The archive tier through the store: evicted gets and full restores"
    echo
    echo "commit $(git rev-parse --short HEAD), $(nproc) CPUs, $(uname -r), $(java -version 2>&1 | head -1), $(date -u +%FT%TZ)"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    java -Xmx2g -cp "$jar" org.blobsfile.bench.archive.StoreArchiveBench dir="$parent/blobsfile-store-archive-bench" \
        blobKiB="${BLOB_KIB:-4}" packMiB="${PACK_MIB:-4}" gets="${GETS:-2000}" restorePackMiB="${RESTORE_PACK_MIB:-64}" \
        restorePacks="${RESTORE_PACKS:-4}" warmUp="${WARM_UP:-1}" rounds="${ROUNDS:-3}"
    echo
    echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/${BENCH_FILE:-store.md}"
echo "results in $out/${BENCH_FILE:-store.md}"
