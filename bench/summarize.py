#!/usr/bin/env python3
"""Turns a JMH JSON result of the blobsfile-bench suite into a Markdown table.

One row per workload (benchmark and blob size), one column per engine with ops/s and MB/s,
then our store's throughput divided by each peer's (above 1: we are faster).

    python3 bench/summarize.py bench/results/DATE/quick.json
"""
import json
import sys

OURS = "blobsfile"
PEERS = ["file-per-blob", "rocksdb-blobdb"]


def size_label(size):
    if size >= 1 << 20 and size % (1 << 20) == 0:
        return f"{size >> 20} MiB"
    if size >= 1 << 10 and size % (1 << 10) == 0:
        return f"{size >> 10} KiB"
    return f"{size} B"


def main(path):
    with open(path) as f:
        runs = json.load(f)
    # (benchmark, size) -> engine -> (score, error)
    table = {}
    engines = []
    for run in runs:
        bench = run["benchmark"].rsplit(".", 2)[-2].replace("Benchmark", "").lower()
        params = run.get("params", {})
        engine, size = params["engine"], int(params["size"])
        metric = run["primaryMetric"]
        if metric["scoreUnit"] != "ops/s":
            sys.exit(f"{run['benchmark']}: expected ops/s, got {metric['scoreUnit']}")
        table.setdefault((bench, size), {})[engine] = (metric["score"], metric["scoreError"])
        if engine not in engines:
            engines.append(engine)
    engines.sort(key=lambda e: (e != OURS, e))
    peers = [p for p in PEERS if p in engines]

    head = ["workload"] + [f"{e} ops/s (MB/s)" for e in engines] + [f"{OURS} / {p}" for p in peers]
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
    for (bench, size) in sorted(table, key=lambda k: (k[0] != "put", k[1])):
        row = table[(bench, size)]
        cells = [f"{bench} {size_label(size)}"]
        for e in engines:
            if e not in row:
                cells.append("–")
                continue
            score, err = row[e]
            err_txt = "" if err != err else f" ± {err:,.0f}"  # NaN when there is one iteration
            cells.append(f"{score:,.0f}{err_txt} ({score * size / (1 << 20):,.1f})")
        for p in peers:
            if OURS in row and p in row and row[p][0] > 0:
                cells.append(f"{row[OURS][0] / row[p][0]:.2f}×")
            else:
                cells.append("–")
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
