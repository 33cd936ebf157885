#!/usr/bin/env python3
"""Turns JMH JSON results of the blobsfile-bench suite into Markdown tables.

    python3 bench/summarize.py bench/results/DATE/quick.json
    python3 bench/summarize.py bench/results/DATE/full-throughput.json bench/results/DATE/full-seal.json

Every file is read and the runs pooled; a table is printed for each benchmark that has runs:

* put / get (PutBenchmark, GetBenchmark): one row per workload, one column per engine with
  ops/s and MB/s (MB = 2^20 bytes), then our store's throughput divided by each peer's
  (above 1: we are faster).
* durable puts (DurablePutBenchmark): one row per blob size and thread count, the same
  columns, our store in GROUP mode divided by each other engine at the same thread count, and
  the group commit targets.
* Reed-Solomon (ReedSolomonBenchmark): ops/s, GB/s of data (ops/s x 10 shards x shard size /
  10^9) and the ratio to the naive encoder.
* BLAKE2b-256 vs SHA-256 (Blake2bBenchmark): ops/s, MB/s and allocation per hash when the
  run had -prof gc.
* seal (SealBenchmark): time and, with -prof gc, memory allocated per seal.

When there is one measurement iteration JMH's error is NaN and is left out.
"""
import contextlib
import io
import json
import math
import sys

OURS = "blobsfile"
PEERS = ["file-per-blob", "rocksdb-blobdb"]

DURABLE_OURS = "blobsfile:none:group"
DURABLE_ORDER = [DURABLE_OURS, "blobsfile:none:sync_each", "rocksdb-blobdb", "file-per-blob"]
# group commit targets: GROUP at 16 threads against SYNC_EACH at 1 thread (512 B), and against
# RocksDB BlobDB at 16 threads
TARGET_VS_SYNC_EACH = 10.0
TARGET_VS_ROCKSDB = 1.2

DATA_SHARDS = 10
SEAL_ALLOC_TARGET = 16 << 20  # bytes per seal of a 256 MiB pack
SEAL_TARGET_PACK = 256 << 20

MIB = 1 << 20


def size_label(size):
    if size >= 1 << 20 and size % (1 << 20) == 0:
        return f"{size >> 20} MiB"
    if size >= 1 << 10 and size % (1 << 10) == 0:
        return f"{size >> 10} KiB"
    return f"{size} B"


def err_text(err, fmt="{:,.0f}"):
    return "" if err is None or math.isnan(err) else " ± " + fmt.format(err)


def ratio(a, b):
    return f"{a / b:.2f}×" if a is not None and b else "–"


def check(value, target):
    return "meets" if value >= target else "misses"


class Run:
    """One JMH result: class, method, parameters, threads, score."""

    def __init__(self, raw):
        parts = raw["benchmark"].rsplit(".", 2)
        self.cls, self.method = parts[-2], parts[-1]
        self.params = raw.get("params", {})
        self.threads = raw["threads"]
        metric = raw["primaryMetric"]
        self.score, self.unit = metric["score"], metric["scoreUnit"]
        self.error = metric["scoreError"]
        if isinstance(self.error, str):  # JMH writes "NaN" as a string
            self.error = float(self.error)
        alloc = raw.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
        self.alloc = alloc["score"] if alloc else None

    def ops(self):
        if self.unit != "ops/s":
            sys.exit(f"{self.cls}.{self.method}: expected ops/s, got {self.unit}")
        return self.score


def table(head, rows, right_from=1):
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join(["---"] * right_from + ["---:"] * (len(head) - right_from)) + "|")
    for cells in rows:
        print("| " + " | ".join(cells) + " |")
    print()


def put_get(runs):
    # (benchmark, size) -> engine -> run
    cells = {}
    engines = []
    for r in runs:
        engine, size = r.params["engine"], int(r.params["size"])
        r.ops()
        cells.setdefault((r.cls.replace("Benchmark", "").lower(), size), {})[engine] = r
        if engine not in engines:
            engines.append(engine)
    engines.sort(key=lambda e: (e != OURS, e))
    peers = [p for p in PEERS if p in engines]
    head = ["workload"] + [f"{e} ops/s (MB/s)" for e in engines] + [f"{OURS} / {p}" for p in peers]
    rows = []
    for (bench, size) in sorted(cells, key=lambda k: (k[0] != "put", k[1])):
        row = cells[(bench, size)]
        line = [f"{bench} {size_label(size)}"]
        for e in engines:
            r = row.get(e)
            line.append("–" if r is None else f"{r.score:,.0f}{err_text(r.error)} ({r.score * size / MIB:,.1f})")
        for p in peers:
            ours, peer = row.get(OURS), row.get(p)
            line.append(ratio(ours.score if ours else None, peer.score if peer else None))
        rows.append(line)
    table(head, rows)


def durable_puts(runs):
    # (size, threads) -> engine -> run
    cells = {}
    engines = []
    for r in runs:
        engine, size = r.params["engine"], int(r.params["size"])
        r.ops()
        cells.setdefault((size, r.threads), {})[engine] = r
        if engine not in engines:
            engines.append(engine)
    engines.sort(key=lambda e: (DURABLE_ORDER.index(e) if e in DURABLE_ORDER else len(DURABLE_ORDER), e))
    others = [e for e in engines if e != DURABLE_OURS] if DURABLE_OURS in engines else []
    print(f"Total ops/s of all threads (MB/s); ratios are `{DURABLE_OURS}` (GROUP) over each other "
          "engine at the same thread count.")
    print()
    head = ["blob", "threads"] + [f"{e} ops/s (MB/s)" for e in engines] + [f"group / {e}" for e in others]
    rows = []
    for (size, threads) in sorted(cells):
        row = cells[(size, threads)]
        line = [size_label(size), str(threads)]
        for e in engines:
            r = row.get(e)
            line.append("–" if r is None else f"{r.score:,.0f}{err_text(r.error)} ({r.score * size / MIB:,.1f})")
        ours = row.get(DURABLE_OURS)
        for e in others:
            peer = row.get(e)
            line.append(ratio(ours.score if ours else None, peer.score if peer else None))
        rows.append(line)
    table(head, rows, right_from=2)

    def score(engine, size, threads):
        r = cells.get((size, threads), {}).get(engine)
        return r.score if r else None

    targets = []
    g16, s1 = score(DURABLE_OURS, 512, 16), score("blobsfile:none:sync_each", 512, 1)
    if g16 and s1:
        v = g16 / s1
        targets.append(f"* 512 B, GROUP at 16 threads / SYNC_EACH at 1 thread: **{v:.2f}×** "
                       f"(target ≥ {TARGET_VS_SYNC_EACH:g}×: {check(v, TARGET_VS_SYNC_EACH)})")
    for size in sorted({s for (s, _) in cells}):
        g, rk = score(DURABLE_OURS, size, 16), score("rocksdb-blobdb", size, 16)
        if g and rk:
            v = g / rk
            targets.append(f"* {size_label(size)}, GROUP / RocksDB BlobDB sync puts, both at 16 threads: "
                           f"**{v:.2f}×** (target ≥ {TARGET_VS_ROCKSDB:g}×: {check(v, TARGET_VS_ROCKSDB)})")
    if targets:
        print("Group commit targets:")
        print()
        print("\n".join(targets))
        print()


def reed_solomon(runs):
    by_method = {}
    for r in runs:
        r.ops()
        by_method[(int(r.params.get("shardSize", MIB)), r.method)] = r
    print("(10, 2) over ten data shards, one thread; GB/s of data = ops/s × 10 × shard size / 10^9.")
    print()
    head = ["operation", "shard", "ops/s", "data GB/s", "vs encodeNaive"]
    rows = []
    order = {"encodeFast": 0, "encodeNaive": 1, "isParityCorrect": 2}
    for (shard, method) in sorted(by_method, key=lambda k: (k[0], order.get(k[1], 9), k[1])):
        r = by_method[(shard, method)]
        naive = by_method.get((shard, "encodeNaive"))
        rows.append([method, size_label(shard), f"{r.score:,.1f}{err_text(r.error, '{:,.1f}')}",
                     f"{r.score * DATA_SHARDS * shard / 1e9:,.3f}", ratio(r.score, naive.score if naive else None)])
    table(head, rows)


def hashing(runs):
    cells = {}
    for r in runs:
        r.ops()
        cells.setdefault(int(r.params["size"]), {})[r.method] = r
    with_alloc = any(r.alloc is not None for r in runs)
    head = ["input", "BLAKE2b-256 ops/s (MB/s)", "SHA-256 ops/s (MB/s)", "BLAKE2b / SHA-256"]
    if with_alloc:
        head += ["BLAKE2b allocated B/op", "SHA-256 allocated B/op"]
    rows = []
    for size in sorted(cells):
        row = cells[size]
        line = [size_label(size)]
        for m in ("blake2b256", "sha256"):
            r = row.get(m)
            line.append("–" if r is None else f"{r.score:,.0f}{err_text(r.error)} ({r.score * size / MIB:,.1f})")
        b, s = row.get("blake2b256"), row.get("sha256")
        line.append(ratio(b.score if b else None, s.score if s else None))
        if with_alloc:
            for r in (b, s):
                line.append("–" if r is None or r.alloc is None else f"{r.alloc:,.0f}")
        rows.append(line)
    table(head, rows)


def seal(runs):
    head = ["pack size", "time per seal (ms)", "data GB/s", "allocated per seal (MiB)", "allocated / pack size"]
    rows = []
    notes = []
    for r in sorted(runs, key=lambda r: -int(r.params["maxPackSize"])):
        size = int(r.params["maxPackSize"])
        if r.unit != "ms/op":
            sys.exit(f"SealBenchmark: expected ms/op, got {r.unit}")
        alloc = "–" if r.alloc is None else f"{r.alloc / MIB:,.1f}"
        share = "–" if r.alloc is None else f"{100 * r.alloc / size:.1f} %"
        rows.append([size_label(size), f"{r.score:,.0f}{err_text(r.error)}", f"{size / (r.score / 1e3) / 1e9:,.2f}",
                     alloc, share])
        if size == SEAL_TARGET_PACK and r.alloc is not None:
            notes.append(f"* 256 MiB pack: **{r.alloc / MIB:,.1f} MiB** allocated per seal "
                         f"(target ≤ {SEAL_ALLOC_TARGET >> 20} MiB: {'meets' if r.alloc <= SEAL_ALLOC_TARGET else 'misses'})")
    table(head, rows)
    if all(r.alloc is None for r in runs):
        print("No allocation figures: run the seal benchmark with `-prof gc`.")
        print()
    if notes:
        print("\n".join(notes))
        print()


SECTIONS = [
    ("Put and get", ("PutBenchmark", "GetBenchmark"), put_get),
    ("Durable puts, 1 to 16 threads", ("DurablePutBenchmark",), durable_puts),
    ("Reed-Solomon parity", ("ReedSolomonBenchmark",), reed_solomon),
    ("BLAKE2b-256 and SHA-256", ("Blake2bBenchmark",), hashing),
    ("Sealing one pack", ("SealBenchmark",), seal),
]


def main(paths):
    runs = []
    for path in paths:
        with open(path) as f:
            runs += [Run(raw) for raw in json.load(f)]
    known = {c for _, classes, _ in SECTIONS for c in classes}
    unknown = sorted({r.cls for r in runs} - known)
    if unknown:
        sys.exit(f"no table for {', '.join(unknown)}")
    present = [(title, classes, fn) for title, classes, fn in SECTIONS if any(r.cls in classes for r in runs)]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for title, classes, fn in present:
            if len(present) > 1:
                print(f"### {title}")
                print()
            fn([r for r in runs if r.cls in classes])
    print(out.getvalue().rstrip("\n"))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
