#!/usr/bin/env python3
"""Turns ar_bench's Google Benchmark JSON into same-run ratios and a chart of W4.

    scripts/bench-report.py RESULTS.json [--chart W4.svg] [--all] [--no-chart] [--no-install]
                            [--pg-label TEXT]

RESULTS.json comes from
    ar_bench --benchmark_format=json --benchmark_out=RESULTS.json [--benchmark_repetitions=N ...]

Prints, per workload and size, the ORM variant's time, its `statements` counter and the ratios
measured in the same run: orm / raw_sqlite3, orm / raw_soci, orm / sqlitecpp (the C++ peer,
SQLiteCpp, where ar_bench was built with it), lazy / eager, auto / eager (W3 has a row for
orm_without_keys too; there orm is compared with raw_sqlite3_returning and sqlitecpp_returning,
its twins that read the keys back, and orm_without_keys with raw_sqlite3 and sqlitecpp); then the
goals of issue 8 and issue 22's peer goals, each met or missed (and issue 23's: W13, a fan-out over
three shards against one database holding every row, each query's ratio); with --all, every variant's time too. With repetitions,
every time is the median of the repetitions (Google Benchmark's `_median` aggregate, or the
median of the repetitions found).

Benchmarks are named W<n>/<variant>/<size>; a PostgreSQL variant starts with pg_, one through
pgbouncer (transaction pooling) with pgb_, and one on an SQLite database file with file_ (W4); all
are timed in wall-clock time (their names end in /real_time), the ones on SQLite in memory in CPU
time. Each backend (sqlite, sqlite file, pg, pgbouncer) has rows of its own, and a panel of its own
in the chart; the ORM variants through pgbouncer are also set beside the same ones direct.

Writes an SVG chart of W4's time against the number of users (lazy, automatic batching, eager,
raw sqlite3, raw SOCI, SQLiteCpp), a panel per backend measured (SQLite in memory, an SQLite file,
PostgreSQL), side by side, with gnuplot. When gnuplot is missing the
script installs the Debian package gnuplot-nox if it runs as root; if it cannot, it says so and
still prints the table. Needs nothing but Python 3.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from collections import defaultdict

NAME = re.compile(r"^W(?P<w>\d+)/(?P<variant>[A-Za-z0-9_]+)/(?P<size>\d+)(?P<real>/real_time)?$")
TO_US = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}

# The backends, in the order of the table and the chart: the variant prefix that selects each, the
# label of its rows and its chart panel's title.
BACKENDS = [
    ("sqlite", "", "sqlite", "SQLite in memory (CPU time)"),
    ("sqlite_file", "file_", "sqlite file", "SQLite database file (wall-clock time)"),
    ("postgresql", "pg_", "pg", "PostgreSQL (wall-clock time)"),
    # The same server through pgbouncer in transaction pooling mode (pooler=transaction): W1, W4, W5.
    ("pgbouncer", "pgb_", "pgbouncer", "PostgreSQL through pgbouncer (wall-clock time)"),
]
BACKEND_ORDER = {b: i for i, (b, _, _, _) in enumerate(BACKENDS)}
BACKEND_LABEL = {b: label for b, _, label, _ in BACKENDS}

# The ORM variant a workload's ratios are about, in order of preference.
PRIMARY = ["orm", "orm_eager", "orm_auto", "orm_lazy"]
# ORM variants that get a row of their own beside the primary one.
SECONDARY = ["orm_without_keys", "orm_join"]
# The sqlite3 twin of an ORM variant where it is not raw_sqlite3: W3's insert_all reads the keys
# back (RETURNING), its twin too; orm_without_keys (ar::without_keys) reads nothing, as raw_sqlite3.
SQLITE_TWIN = {(3, "orm"): "raw_sqlite3_returning"}
# The same for the C++ peer (SQLiteCpp): its W3 twin of insert_all reads the keys back too.
PEER_TWIN = {(3, "orm"): "sqlitecpp_returning"}


def sqlite_twin(w, variant):
    return SQLITE_TWIN.get((w, variant), "raw_sqlite3")


def peer_twin(w, variant):
    return PEER_TWIN.get((w, variant), "sqlitecpp")


def load(path):
    """{(workload, backend, size): {variant: {"us": median time, "statements": n}}} and the context."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    samples = defaultdict(list)   # run name -> [(time_us, entry)]
    medians = {}                  # run name -> (time_us, entry), from _median aggregates
    for b in data.get("benchmarks", []):
        run_name = b.get("run_name", b["name"])
        if b.get("error_occurred"):
            print(f"bench-report: {run_name} failed: {b.get('error_message', '')}", file=sys.stderr)
            continue
        m = NAME.match(run_name)
        if not m:
            continue
        field = "real_time" if m.group("real") else "cpu_time"
        t = b[field] * TO_US.get(b.get("time_unit", "ns"), 1e-3)
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                medians[run_name] = (t, b)
        else:
            samples[run_name].append((t, b))
    results = defaultdict(dict)
    for run_name in set(samples) | set(medians):
        if run_name in medians:
            t, entry = medians[run_name]
        else:
            times = [t for t, _ in samples[run_name]]
            t, entry = statistics.median(times), samples[run_name][0][1]
        m = NAME.match(run_name)
        variant = m.group("variant")
        backend = "postgresql" if variant == "raw_libpq" else "sqlite"
        for b, prefix, _, _ in BACKENDS:
            if prefix and variant.startswith(prefix):
                backend, variant = b, variant[len(prefix):]
        results[(int(m.group("w")), backend, int(m.group("size")))][variant] = {
            "us": t,
            "statements": entry.get("statements"),
        }
    return results, data.get("context", {})


def ratio(a, b):
    if a is None or b is None or b <= 0:
        return None
    return a / b


def fmt_ratio(r):
    return "-" if r is None else f"{r:.2f}x"


def fmt_time(us):
    if us is None:
        return "-"
    if us < 10:
        return f"{us * 1000:.0f} ns"
    if us < 1000:
        return f"{us:.1f} us"
    return f"{us / 1000:.2f} ms"


def time_of(variants, name):
    v = variants.get(name)
    return None if v is None else v["us"]


def table(results):
    rows = []
    for key in sorted(results, key=lambda k: (k[0], BACKEND_ORDER[k[1]], k[2])):
        w, backend, size = key
        v = results[key]
        primary = next((p for p in PRIMARY if p in v), None)
        if primary is None:
            continue
        for i, variant in enumerate([primary] + [s for s in SECONDARY if s in v]):
            t = time_of(v, variant)
            st = v[variant]["statements"]
            rows.append([
                f"W{w}",
                BACKEND_LABEL[backend],
                str(size),
                variant,
                fmt_time(t),
                "-" if st is None else f"{st:g}",
                fmt_ratio(ratio(t, time_of(v, sqlite_twin(w, variant)))),
                fmt_ratio(ratio(t, time_of(v, "raw_soci"))),
                fmt_ratio(ratio(t, time_of(v, peer_twin(w, variant)))),
                fmt_ratio(ratio(time_of(v, "orm_lazy"), time_of(v, "orm_eager"))) if i == 0 else "-",
                fmt_ratio(ratio(time_of(v, "orm_auto"), time_of(v, "orm_eager"))) if i == 0 else "-",
            ])
    header = ["workload", "backend", "size", "orm variant", "orm time", "statements",
              "orm/raw_sqlite3", "orm/raw_soci", "orm/sqlitecpp", "lazy/eager", "auto/eager"]
    if not rows:
        return ""
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    line = "| " + " | ".join(h.ljust(widths[i]) for i, h in enumerate(header)) + " |"
    out = [line, "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c).ljust(widths[i]) for i, c in enumerate(r)) + " |")
    return "\n".join(out)


def all_variants(results):
    """Every variant's median time, one line per workload, backend and size."""
    lines = []
    for key in sorted(results, key=lambda k: (k[0], BACKEND_ORDER[k[1]], k[2])):
        w, backend, size = key
        cells = ", ".join(f"{name} {fmt_time(v['us'])}" for name, v in sorted(results[key].items()))
        lines.append(f"  W{w} {BACKEND_LABEL[backend]} {size}: {cells}")
    return "\n".join(lines)


def goals(results):
    """Issue 8's goals, each evaluated on what the run measured: (goal, measured, verdict)."""
    out = []

    def each(w, backend, sizes=None):
        for (ww, b, size), v in sorted(results.items()):
            if ww == w and b == backend and (sizes is None or sizes(size)):
                yield size, v

    def check(goal, pairs, limit, at_least=False):
        if not pairs:
            out.append((goal, "not measured in this run", "-"))
            return
        ok = all((r >= limit) if at_least else (r <= limit) for _, r in pairs)
        measured = ", ".join(f"{s}: {r:.2f}x" for s, r in pairs)
        out.append((goal, measured, "met" if ok else "MISSED"))

    def pairs(w, backend, a, b, sizes=None):
        return [(s, r) for s, v in each(w, backend, sizes)
                if (r := ratio(time_of(v, a), time_of(v, b))) is not None]

    big = lambda s: s >= 100
    check("W1 orm <= 1.10x raw_soci (>= 100 rows)", pairs(1, "sqlite", "orm", "raw_soci", big), 1.10)
    check("W1 orm <= 1.2x raw_sqlite3 (>= 100 rows)", pairs(1, "sqlite", "orm", "raw_sqlite3", big), 1.2)
    # W3's goal is against one multi-row VALUES that reads no key back: ar::without_keys is the
    # same work. insert_all, which reads every key back, is held to the twin that does too.
    check("W2 orm_join (left_joins) <= 1.15x the same LEFT JOIN (raw_sqlite3)",
          pairs(2, "sqlite", "orm_join", "raw_sqlite3"), 1.15)
    check("W3 orm_without_keys <= 1.2x one multi-row VALUES (raw_sqlite3)",
          pairs(3, "sqlite", "orm_without_keys", "raw_sqlite3"), 1.2)
    check("W3 orm (keys read back) <= 1.2x the same with RETURNING (raw_sqlite3_returning)",
          pairs(3, "sqlite", "orm", "raw_sqlite3_returning"), 1.2)
    eager_statements = [(s, v["orm_eager"]["statements"]) for s, v in each(4, "sqlite") if "orm_eager" in v]
    for backend in ("sqlite_file", "postgresql", "pgbouncer"):
        eager_statements += [(f"{BACKEND_LABEL[backend]} {s}", v["orm_eager"]["statements"])
                             for s, v in each(4, backend) if "orm_eager" in v]
    if eager_statements:
        ok = all(n == 3 for _, n in eager_statements)
        out.append(("W4 orm_eager exactly 3 statements at every size",
                    ", ".join(f"{s}: {n:g}" for s, n in eager_statements), "met" if ok else "MISSED"))
    else:
        out.append(("W4 orm_eager exactly 3 statements at every size", "not measured in this run", "-"))
    check("W4 orm_eager <= 1.2x hand-written IN loader (raw_sqlite3)", pairs(4, "sqlite", "orm_eager", "raw_sqlite3"), 1.2)
    check("W4 orm_eager <= 1.2x hand-written IN loader (raw_soci)", pairs(4, "sqlite", "orm_eager", "raw_soci"), 1.2)
    check("W4 lazy / eager >= 5x on PostgreSQL", pairs(4, "postgresql", "orm_lazy", "orm_eager"), 5.0, at_least=True)
    check("W5 orm <= 1.3x raw_sqlite3", pairs(5, "sqlite", "orm", "raw_sqlite3"), 1.3)
    w11 = [(s, time_of(v, "orm")) for s, v in each(11, "sqlite") if "orm" in v]
    if w11:
        out.append(("W11 building the SQL <= 1 us", ", ".join(fmt_time(t) for _, t in w11),
                    "met" if all(t <= 1.0 for _, t in w11) else "MISSED"))
    else:
        out.append(("W11 building the SQL <= 1 us", "not measured in this run", "-"))
    # Issue 18: grouping (count and SUM per country) against the same GROUP BY by hand.
    check("W12 orm <= 1.15x raw_sqlite3 (GROUP BY)", pairs(12, "sqlite", "orm", "raw_sqlite3"), 1.15)
    # Issue 22 item 6: ar at or below the C++ peer (SQLiteCpp) on W1, W3, W4, W5, each against the
    # peer twin doing the same work, and W3, W5 and W4 eager within 5% of raw sqlite3.
    check("W1 orm <= 1.0x sqlitecpp (peer)", pairs(1, "sqlite", "orm", "sqlitecpp"), 1.0)
    check("W3 orm_without_keys <= 1.0x sqlitecpp (peer)", pairs(3, "sqlite", "orm_without_keys", "sqlitecpp"), 1.0)
    check("W3 orm <= 1.0x sqlitecpp_returning (peer)", pairs(3, "sqlite", "orm", "sqlitecpp_returning"), 1.0)
    check("W4 orm_eager <= 1.0x sqlitecpp (peer)", pairs(4, "sqlite", "orm_eager", "sqlitecpp"), 1.0)
    check("W5 orm <= 1.0x sqlitecpp (peer)", pairs(5, "sqlite", "orm", "sqlitecpp"), 1.0)
    check("W3 orm_without_keys <= 1.05x raw_sqlite3", pairs(3, "sqlite", "orm_without_keys", "raw_sqlite3"), 1.05)
    check("W3 orm <= 1.05x raw_sqlite3_returning", pairs(3, "sqlite", "orm", "raw_sqlite3_returning"), 1.05)
    check("W4 orm_eager <= 1.05x raw_sqlite3 (IN loader)", pairs(4, "sqlite", "orm_eager", "raw_sqlite3"), 1.05)
    check("W5 orm <= 1.05x raw_sqlite3", pairs(5, "sqlite", "orm", "raw_sqlite3"), 1.05)
    # Issue 23 item 7: a fan-out over three shards against one database holding every row.
    for backend, where in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL, three servers")):
        for q in FAN_OUT_QUERIES:
            check(f"W13 {q} over 3 shards <= 1.3x one database ({where})",
                  pairs(13, backend, f"orm_shards_{q}", f"orm_one_{q}"), 1.3)
    return out


def format_goals(rows):
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join(f"  {g.ljust(widths[0])}  {v.ljust(widths[2])}  {m}" for g, m, v in rows)


# --- the chart ---------------------------------------------------------------------------------

def ensure_gnuplot(install):
    if shutil.which("gnuplot"):
        return True
    if not install:
        print("bench-report: gnuplot is not installed (--no-install): no chart", file=sys.stderr)
        return False
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("apt-get"):
        print("bench-report: gnuplot is not installed and this is not root with apt-get: no chart "
              "(install the Debian package gnuplot-nox)", file=sys.stderr)
        return False
    print("bench-report: installing gnuplot-nox (apt-get) for the chart", file=sys.stderr)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "gnuplot-nox"]
    ok = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL).returncode == 0
    if not ok:  # a stale package index: refresh it once
        ok = (subprocess.run(["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL).returncode == 0
              and subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL).returncode == 0)
    if not ok or not shutil.which("gnuplot"):
        print("bench-report: could not install gnuplot-nox: no chart", file=sys.stderr)
        return False
    return True


SERIES = [  # variant, title, style
    ("orm_lazy", "ar lazy, N+1 (1 + N + 10N statements)", "lc rgb '#d62728' pt 7"),
    ("orm_auto", "ar automatic batching (3 statements)", "lc rgb '#ff7f0e' pt 5"),
    ("orm_eager", "ar eager, with(\"posts.comments\") (3 statements)", "lc rgb '#1f77b4' pt 9"),
    ("raw_sqlite3", "hand-written IN loader, sqlite3 C API", "lc rgb '#2ca02c' pt 13 dt 2"),
    ("raw_soci", "hand-written IN loader, SOCI", "lc rgb '#9467bd' pt 11 dt 2"),
    ("sqlitecpp", "hand-written IN loader, SQLiteCpp (C++ peer)", "lc rgb '#8c564b' pt 3 dt 3"),
]


def gp_string(text):
    """A gnuplot single-quoted string (no escapes inside but '' for a quote)."""
    return "'" + text.replace("'", "''") + "'"


# W13's queries: each measured over three shards (orm_shards_<q>) and on one database holding every
# row (orm_one_<q>), in the same run.
FAN_OUT_QUERIES = ["take20", "count", "one_shard"]


def fan_out_rows(results):
    """W13: each query over three shards beside one database holding every row, and their ratio."""
    rows = []
    for (w, backend, size) in sorted((k for k in results if k[0] == 13), key=lambda k: BACKEND_ORDER[k[1]]):
        v = results[(w, backend, size)]
        for q in FAN_OUT_QUERIES:
            shards, one = time_of(v, f"orm_shards_{q}"), time_of(v, f"orm_one_{q}")
            if shards is None and one is None:
                continue
            rows.append(f"  W13 {BACKEND_LABEL[backend]:<7} {q:<10} {size:>6}  3 shards {fmt_time(shards):>10}  "
                        f"one database {fmt_time(one):>10}  {fmt_ratio(ratio(shards, one))}")
    return "\n".join(rows)


def pooler_rows(results):
    """Each ORM variant measured both through pgbouncer and directly: both times and their ratio."""
    rows = []
    for (w, backend, size) in sorted(k for k in results if k[1] == "pgbouncer"):
        direct = results.get((w, "postgresql", size), {})
        for variant, v in sorted(results[(w, backend, size)].items()):
            d = direct.get(variant)
            r = ratio(v["us"], d["us"]) if d else None
            rows.append(f"  W{w:<3} {variant:<12} {size:>6}  pgbouncer {fmt_time(v['us']):>10}  "
                        f"direct {fmt_time(d['us'] if d else None):>10}  {fmt_ratio(r)}")
    return "\n".join(rows)


def chart(results, path, labels=None):
    panels = []
    for backend, _, _, label in BACKENDS:
        label = (labels or {}).get(backend, label)
        sizes = sorted(s for (w, b, s) in results if w == 4 and b == backend)
        if sizes:
            panels.append((backend, label, sizes))
    if not panels:
        print("bench-report: no W4 results: no chart", file=sys.stderr)
        return False
    width = 760 * len(panels)
    script = [
        f"set terminal svg size {width},520 dynamic noenhanced font 'Helvetica,13' background rgb 'white'",
        f"set output {gp_string(path)}",
        "set logscale xy",
        "set grid xtics ytics mxtics mytics lc rgb '#dddddd'",
        "set key bottom right Left reverse box opaque font ',11'",
        "set xlabel 'users (each with 10 posts, each with 10 comments)'",
        "set ylabel 'time per load of the whole tree (ms)'",
        "set format y '%g'",
        "set style data linespoints",
    ]
    if len(panels) > 1:
        script.append(f"set multiplot layout 1,{len(panels)} title 'W4: users -> posts -> comments'")
    for backend, label, sizes in panels:
        xs = ", ".join(str(s) for s in sizes)
        script.append(f"set xtics ({xs})")
        script.append(f"set xrange [{sizes[0] * 0.7}:{sizes[-1] * 1.4}]")
        title = f"W4 on {label}" if len(panels) > 1 else f"W4: users -> posts -> comments, {label}"
        script.append(f"set title {gp_string(title)}")
        plots, data = [], []
        for variant, name, style in SERIES:
            points = [(s, results[(4, backend, s)][variant]["us"] / 1000.0)
                      for s in sizes if variant in results[(4, backend, s)]]
            if not points:
                continue
            plots.append(f"'-' using 1:2 title {gp_string(name)} lw 2 ps 1.2 {style}")
            data.append("\n".join(f"{x} {y:.6g}" for x, y in points) + "\ne")
        script.append("plot " + ", \\\n     ".join(plots))
        script.extend(data)
    if len(panels) > 1:
        script.append("unset multiplot")
    proc = subprocess.run(["gnuplot"], input="\n".join(script) + "\n", text=True, capture_output=True)
    if proc.returncode != 0 or not os.path.exists(path):
        print(f"bench-report: gnuplot failed: {proc.stderr.strip()}", file=sys.stderr)
        return False
    return True


def main():
    parser = argparse.ArgumentParser(description="Same-run ratios and the W4 chart from ar_bench's JSON.")
    parser.add_argument("results", help="Google Benchmark JSON (--benchmark_format=json --benchmark_out=...)")
    parser.add_argument("--chart", help="where to write the W4 chart (default: w4.svg next to the JSON)")
    parser.add_argument("--no-chart", action="store_true", help="print the table only")
    parser.add_argument("--no-install", action="store_true", help="do not apt-get install gnuplot-nox")
    parser.add_argument("--all", action="store_true", help="also list every variant's median time")
    parser.add_argument("--pg-label", help="the PostgreSQL panel's title in the chart (e.g. the delay it ran behind)")
    args = parser.parse_args()

    try:
        results, context = load(args.results)
    except (OSError, ValueError, KeyError) as e:
        print(f"bench-report: cannot read {args.results}: {e}", file=sys.stderr)
        return 1
    if not results:
        print(f"bench-report: no W<n>/<variant>/<size> results in {args.results}", file=sys.stderr)
        return 1
    with open(args.results, encoding="utf-8") as f:
        reps = {b.get("repetitions", 1) for b in json.load(f).get("benchmarks", [])}
    print(f"Same-run ratios from {args.results}")
    print(f"  machine: {context.get('num_cpus', '?')} CPUs at {context.get('mhz_per_cpu', '?')} MHz, "
          f"load average {', '.join(f'{x:.2f}' for x in context.get('load_avg', [])) or '?'}; "
          f"{max(reps) if reps else 1} repetition(s), medians")
    print("  times: SQLite in memory in CPU time, an SQLite file, PostgreSQL (pg) and through pgbouncer in wall-clock time;"
          " ratio = ORM time / twin's time\n")
    print(table(results))
    if any(w == 3 for (w, _, _) in results):
        print("  (W3: orm is compared with raw_sqlite3_returning and sqlitecpp_returning, which read the keys back"
              " as insert_all does; orm_without_keys with raw_sqlite3 and sqlitecpp)")
    pooled = pooler_rows(results)
    if pooled:
        print("\nThrough pgbouncer (transaction pooling) beside PostgreSQL directly, same run (ratio = pgbouncer / direct):")
        print(pooled)
    fanned = fan_out_rows(results)
    if fanned:
        print("\nW13: a fan-out over three shards beside one database holding every row, same run, wall-clock time"
              " (ratio = shards / one):")
        print(fanned)
    print("\nGoals (issue 8; issue 22's C++ peer, SQLiteCpp, and its 1.05x raw sqlite3 goals):")
    print(format_goals(goals(results)))
    if args.all:
        print("\nEvery variant (median time):")
        print(all_variants(results))

    if args.no_chart:
        return 0
    path = args.chart or os.path.join(os.path.dirname(os.path.abspath(args.results)), "w4.svg")
    labels = {"postgresql": args.pg_label} if args.pg_label else None
    if ensure_gnuplot(not args.no_install) and chart(results, path, labels):
        print(f"\nChart of W4 (time against users): {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
