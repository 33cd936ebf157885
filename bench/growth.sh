#!/usr/bin/env bash
# Grows one store per index to COUNT blobs of 512 B in slices, in a JVM of its own with a fixed
# heap, then reopens it; see "Flat cost with size" in bench/README.md.
#
#   bench/growth.sh                         # 30,000,000 blobs per index (about 17 GB of packs each)
#   COUNT=3000000 SLICE=500000 bench/growth.sh
#   INDEXES=h2 bench/growth.sh batch=2000   # extra arguments go to the grow phase (name=value)
#
# Environment:
#   COUNT, SLICE        blobs in all, and per slice (30000000, 1000000)
#   INDEXES             the indexes to grow, one store each, one after the other ("rocksdb h2")
#   XMX                 the child JVMs' heap (1g)
#   END                 how growing ends: halt (as kill -9, so the reopen recovers; the default) or close
#   BENCH_DIR           the parent of the stores (default: the system temp dir); each store is deleted
#                       after its run unless KEEP=1
#   BENCH_OUT           the results directory (bench/results/growth-<date>)
#   JAVA_OPTS           more options for the child JVMs
#   BENCH_NO_BUILD=1    uses blobsfile-bench/target/benchmarks.jar as it is (BENCH_JAR: another jar)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
count="${COUNT:-30000000}"
slice="${SLICE:-1000000}"
indexes="${INDEXES:-rocksdb h2}"
xmx="${XMX:-1g}"
end="${END:-halt}"
parent="${BENCH_DIR:-${TMPDIR:-/tmp}}"
out="${BENCH_OUT:-bench/results/growth-${BENCH_DATE:-$(date +%F)}}"
read -r -a java_opts <<< "${JAVA_OPTS:-}"

if [[ -z "${BENCH_NO_BUILD:-}" ]]; then
    mvn -q -B -DskipTests -pl blobsfile-bench -am package
fi
jar="${BENCH_JAR:-blobsfile-bench/target/benchmarks.jar}"
mkdir -p "$out"

for index in $indexes; do
    store="$parent/blobsfile-growth-$index"
    rm -rf "$store"
    common=(count="$count" slice="$slice" index="$index" store="$store" out="$out")
    java -Xmx"$xmx" "${java_opts[@]}" -cp "$jar" org.blobsfile.bench.growth.GrowthBench \
        phase=grow end="$end" "${common[@]}" "$@"
    du -sb "$store"/index-"$index" "$store" > "$out/du-$index.txt"
    java -Xmx"$xmx" "${java_opts[@]}" -cp "$jar" org.blobsfile.bench.growth.GrowthBench \
        phase=after "${common[@]}"
    if [[ -z "${KEEP:-}" ]]; then
        rm -rf "$store"
    fi
done

{
    echo "# Growing one store to $count blobs"
    echo
    echo "commit $(git rev-parse --short HEAD), $(nproc) CPUs, $(uname -r), $(java -version 2>&1 | head -1), -Xmx$xmx, $(date -u +%FT%TZ)"
    for index in $indexes; do
        for part in slices close phases; do
            if [[ -f "$out/$part-$index.md" ]]; then
                echo
                cat "$out/$part-$index.md"
            fi
        done
    done
} > "$out/results.md"
echo "results in $out/results.md"
