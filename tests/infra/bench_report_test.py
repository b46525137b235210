#!/usr/bin/env python3
"""scripts/bench-report.py on made-up ar_bench results (ctest scripts.bench_report).

Checks what the report's reader relies on: each backend (SQLite in memory, an SQLite file,
PostgreSQL) gets rows of its own and is timed as ar_bench timed it (CPU time in memory, wall-clock
time for file_ and pg_ variants), medians are taken from Google Benchmark's aggregates or from the
repetitions, ratios are ORM time over the twin's, the goals' verdicts follow the figures, and the
chart gets one panel per backend with --pg-label's title. gnuplot itself is not needed: the script
it would be given is captured.

usage: bench_report_test.py <source dir>
"""
import contextlib
import importlib.util
import io
import json
import os
import sys
import tempfile
import unittest

SOURCE_DIR = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
spec = importlib.util.spec_from_file_location("bench_report", os.path.join(SOURCE_DIR, "scripts", "bench-report.py"))
report = importlib.util.module_from_spec(spec)
spec.loader.exec_module(report)


def run(name, cpu_us, real_us, statements=None, **extra):
    """One iteration run of a benchmark, in microseconds, as Google Benchmark writes it."""
    entry = {"name": name, "run_name": name, "run_type": "iteration", "time_unit": "us", "cpu_time": cpu_us,
             "real_time": real_us, "repetitions": 1}
    if statements is not None:
        entry["statements"] = statements
    entry.update(extra)
    return entry


def results_file(benchmarks):
    f = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8")
    json.dump({"context": {"num_cpus": 2, "mhz_per_cpu": 3000, "load_avg": [0.5, 0.4, 0.3]},
               "benchmarks": benchmarks}, f)
    f.close()
    return f.name


# W4 at 9 users on each backend, and W1 at 100 rows; the CPU and wall-clock times differ on
# purpose, so that a report reading the wrong one shows it.
W4 = [
    run("W4/orm_lazy/9", 500, 9000, 111), run("W4/orm_auto/9", 110, 9000, 3), run("W4/orm_eager/9", 100, 9000, 3),
    run("W4/raw_sqlite3/9", 80, 9000),
    run("W4/file_orm_lazy/9/real_time", 1, 4000, 111), run("W4/file_orm_eager/9/real_time", 1, 1000, 3),
    run("W4/file_raw_sqlite3/9/real_time", 1, 800),
    run("W4/pg_orm_lazy/9/real_time", 1, 60000, 111), run("W4/pg_orm_eager/9/real_time", 1, 2000, 3),
]


class Load(unittest.TestCase):
    def test_each_backend_has_its_own_rows_timed_as_ar_bench_timed_it(self):
        results, _ = report.load(results_file(W4))
        self.assertEqual(results[(4, "sqlite", 9)]["orm_eager"]["us"], 100)  # CPU time
        self.assertEqual(results[(4, "sqlite_file", 9)]["orm_eager"]["us"], 1000)  # wall-clock time
        self.assertEqual(results[(4, "postgresql", 9)]["orm_lazy"]["us"], 60000)
        self.assertEqual(results[(4, "postgresql", 9)]["orm_eager"]["statements"], 3)
        self.assertNotIn("file_orm_eager", results[(4, "sqlite", 9)])

    def test_the_median_aggregate_wins_over_the_repetitions_and_else_their_median_is_taken(self):
        benchmarks = [run("W5/orm/1", 1.0, 1.0), run("W5/orm/1", 3.0, 3.0), run("W5/orm/1", 2.5, 2.5),
                      run("W5/raw_sqlite3/1", 1.0, 1.0), run("W5/raw_sqlite3/1", 9.0, 9.0),
                      dict(run("W5/raw_sqlite3/1_median", 1.5, 1.5), run_name="W5/raw_sqlite3/1",
                           run_type="aggregate", aggregate_name="median")]
        results, _ = report.load(results_file(benchmarks))
        self.assertEqual(results[(5, "sqlite", 1)]["orm"]["us"], 2.5)
        self.assertEqual(results[(5, "sqlite", 1)]["raw_sqlite3"]["us"], 1.5)

    def test_a_failed_run_is_left_out_and_said(self):
        failed = run("W1/orm/100", 5, 5, error_occurred=True, error_message="rows: 99, expected 100")
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            results, _ = report.load(results_file([failed, run("W1/raw_soci/100", 4, 4)]))
        self.assertNotIn("orm", results[(1, "sqlite", 100)])
        self.assertIn("W1/orm/100 failed: rows: 99, expected 100", err.getvalue())


class Table(unittest.TestCase):
    def test_ratios_are_the_orm_time_over_the_twins_in_each_backends_row(self):
        results, _ = report.load(results_file(W4))
        rows = {line.split("|")[2].strip(): [c.strip() for c in line.split("|")[1:-1]]
                for line in report.table(results).splitlines()[2:]}
        self.assertEqual(rows["sqlite"][6], "1.25x")  # 100 / 80
        self.assertEqual(rows["sqlite"][9], "5.00x")  # lazy / eager
        self.assertEqual(rows["sqlite"][10], "1.10x")  # auto / eager
        self.assertEqual(rows["sqlite file"][6], "1.25x")  # 1000 / 800
        self.assertEqual(rows["sqlite file"][9], "4.00x")
        self.assertEqual(rows["pg"][9], "30.00x")
        self.assertEqual(rows["pg"][6], "-")  # no sqlite3 twin on PostgreSQL


class Goals(unittest.TestCase):
    def verdicts(self, benchmarks):
        results, _ = report.load(results_file(benchmarks))
        return {goal: (measured, verdict) for goal, measured, verdict in report.goals(results)}

    def test_verdicts_follow_the_figures(self):
        v = self.verdicts(W4 + [run("W1/orm/100", 130, 130), run("W1/raw_sqlite3/100", 100, 100)])
        self.assertEqual(v["W4 orm_eager exactly 3 statements at every size"][1], "met")
        self.assertEqual(v["W4 lazy / eager >= 5x on PostgreSQL"], ("9: 30.00x", "met"))
        self.assertEqual(v["W1 orm <= 1.2x raw_sqlite3 (>= 100 rows)"], ("100: 1.30x", "MISSED"))
        self.assertEqual(v["W5 orm <= 1.3x raw_sqlite3"], ("not measured in this run", "-"))

    def test_an_eager_load_of_four_statements_on_any_backend_misses_the_contract(self):
        changed = [dict(b, statements=4) if b["name"].startswith("W4/file_orm_eager") else b for b in W4]
        measured, verdict = self.verdicts(changed)["W4 orm_eager exactly 3 statements at every size"]
        self.assertEqual(verdict, "MISSED")
        self.assertIn("sqlite file 9: 4", measured)


class FanOut(unittest.TestCase):
    # W13 on SQLite (wall-clock time, as ar_bench times it: the fan-out's work is on other threads)
    # and on PostgreSQL: each query over three shards beside one database.
    W13 = [run("W13/orm_shards_take20/30000/real_time", 1, 120, 3), run("W13/orm_one_take20/30000/real_time", 1, 100, 1),
           run("W13/orm_shards_count/30000/real_time", 1, 500, 3), run("W13/orm_one_count/30000/real_time", 1, 250, 1),
           run("W13/pg_orm_shards_take20/30000/real_time", 1, 300, 3),
           run("W13/pg_orm_one_take20/30000/real_time", 1, 250, 1)]

    def test_each_query_over_the_shards_is_set_beside_one_database_and_held_to_1_3x(self):
        results, _ = report.load(results_file(self.W13))
        rows = report.fan_out_rows(results).splitlines()
        self.assertEqual(len(rows), 3)
        self.assertRegex(rows[0], r"W13 sqlite +take20 .*1\.20x$")
        self.assertRegex(rows[1], r"W13 sqlite +count .*2\.00x$")
        self.assertRegex(rows[2], r"W13 pg +take20 .*1\.20x$")
        v = {goal: (measured, verdict) for goal, measured, verdict in report.goals(results)}
        self.assertEqual(v["W13 take20 over 3 shards <= 1.3x one database (SQLite)"], ("30000: 1.20x", "met"))
        self.assertEqual(v["W13 count over 3 shards <= 1.3x one database (SQLite)"], ("30000: 2.00x", "MISSED"))
        self.assertEqual(v["W13 take20 over 3 shards <= 1.3x one database (PostgreSQL, three servers)"],
                         ("30000: 1.20x", "met"))
        self.assertEqual(v["W13 one_shard over 3 shards <= 1.3x one database (SQLite)"],
                         ("not measured in this run", "-"))


class Chart(unittest.TestCase):
    def test_one_panel_per_backend_and_the_pg_label_titles_its_panel(self):
        results, _ = report.load(results_file(W4))
        given = {}

        def fake_gnuplot(cmd, input, **kwargs):  # noqa: A002 (subprocess.run's own name)
            given["script"] = input
            path = next(line for line in input.splitlines() if line.startswith("set output"))
            open(path.split("'")[1], "w").close()
            return type("done", (), {"returncode": 0, "stderr": ""})()

        real = report.subprocess.run
        report.subprocess.run = fake_gnuplot
        try:
            out = os.path.join(tempfile.mkdtemp(), "w4.svg")
            self.assertTrue(report.chart(results, out, {"postgresql": "PostgreSQL behind a 0.5 ms proxy"}))
        finally:
            report.subprocess.run = real
        script = given["script"]
        self.assertIn("set multiplot layout 1,3", script)
        self.assertIn("set title 'W4 on SQLite in memory (CPU time)'", script)
        self.assertIn("set title 'W4 on SQLite database file (wall-clock time)'", script)
        self.assertIn("set title 'W4 on PostgreSQL behind a 0.5 ms proxy'", script)
        # The PostgreSQL panel plots its own lazy time (60 ms), not the in-memory one.
        pg_panel = script.split("W4 on PostgreSQL")[1]
        self.assertIn("\n9 60\n", pg_panel)


class Main(unittest.TestCase):
    def test_the_report_prints_the_table_and_the_goals_and_exits_0(self):
        out = io.StringIO()
        sys.argv = ["bench-report.py", results_file(W4), "--no-chart"]
        with contextlib.redirect_stdout(out):
            self.assertEqual(report.main(), 0)
        self.assertRegex(out.getvalue(), r"\| W4 +\| sqlite file +\| 9 ")
        self.assertIn("Goals (issue 8;", out.getvalue())

    def test_a_file_without_results_is_an_error(self):
        sys.argv = ["bench-report.py", results_file([]), "--no-chart"]
        with contextlib.redirect_stderr(io.StringIO()):
            self.assertEqual(report.main(), 1)


if __name__ == "__main__":
    unittest.main()
