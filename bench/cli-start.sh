#!/usr/bin/env bash
# Times the command line's start: `bin/blobsfile --dir STORE stat` on a small store, RUNS times
# (default 10), and prints the median and best wall time and the median CPU time (user + system)
# of each checkout given (default: this one). With several checkouts the runs alternate between
# them, so a busy machine skews them alike: `bench/cli-start.sh -n 20 /path/to/other-checkout .`
#
# Environment: BLOBSFILE_JAVA_OPTS goes to every run (e.g. -Xshare:off to see the effect of the
# class-data archive); the store is made once under the system temp dir and deleted at the end.
set -euo pipefail

runs=10
if [ "${1:-}" = "-n" ]; then
    runs=$2
    shift 2
fi
checkouts=("$@")
if [ ${#checkouts[@]} -eq 0 ]; then
    checkouts=("$(cd "$(dirname "$0")/.." && pwd -P)")
fi

store=$(mktemp -d "${TMPDIR:-/tmp}/blobsfile-cli-start.XXXXXX")
trap 'rm -rf "$store"' EXIT
for i in 1 2 3 4 5; do
    head -c $((i * 1000 + 7)) /dev/urandom > "$store/in-$i"
done
first=${checkouts[0]}
# without the caches: a jar's archive is made by its first run, which must be a stat for each checkout alike
BLOBSFILE_CACHE_DIR= "$first/bin/blobsfile" --dir "$store/store" put "$store"/in-* > /dev/null
# one untimed run each: builds a missing jar, fills the caches a first run makes
for c in "${checkouts[@]}"; do
    "$c/bin/blobsfile" --dir "$store/store" stat > /dev/null
done

TIMEFORMAT='%R %U %S'
for ((r = 0; r < runs; r++)); do
    for k in "${!checkouts[@]}"; do
        { time "${checkouts[$k]}/bin/blobsfile" --dir "$store/store" stat > /dev/null; } 2>> "$store/times-$k"
    done
done

median() {
    sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
printf '%-50s %10s %10s %10s\n' checkout 'wall p50' 'wall best' 'cpu p50'
for k in "${!checkouts[@]}"; do
    wall=$(awk '{ print $1 }' "$store/times-$k" | median)
    best=$(awk '{ print $1 }' "$store/times-$k" | sort -n | head -1)
    cpu=$(awk '{ print $2 + $3 }' "$store/times-$k" | median)
    printf '%-50s %9ss %9ss %9ss\n' "${checkouts[$k]}" "$wall" "$best" "$cpu"
done
