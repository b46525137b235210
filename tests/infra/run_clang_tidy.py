#!/usr/bin/env python3
"""clang-tidy over ar's compiled sources (src/ and backends/), with the repository's .clang-tidy.

Every file of src/ and backends/ listed in the build's compile_commands.json is checked, two at a
time; a finding in one of them (or in a header under src/ or backends/) is an error
(WarningsAsErrors in .clang-tidy). Findings are printed with their file and line; the exit status
is the number of files with findings (capped at 100).

usage: run_clang_tidy.py <clang-tidy> <build directory with compile_commands.json> <source dir>
"""
import concurrent.futures
import json
import os
import subprocess
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    tidy, build_dir, source_dir = sys.argv[1:]
    database = os.path.join(build_dir, "compile_commands.json")
    if not os.path.exists(database):
        sys.exit(f"run_clang_tidy: {database} does not exist (configure with "
                 "CMAKE_EXPORT_COMPILE_COMMANDS=ON)")
    roots = tuple(os.path.join(os.path.realpath(source_dir), d) + os.sep for d in ("src", "backends"))
    with open(database) as f:
        files = sorted({os.path.realpath(os.path.join(e["directory"], e["file"])) for e in json.load(f)})
    files = [f for f in files if f.startswith(roots)]
    if not files:
        sys.exit(f"run_clang_tidy: no file of src/ or backends/ in {database}: nothing was checked")

    def check(path):
        # GCC's own warning options (-Wno-restrict, ...) are unknown to clang: not a finding.
        run = subprocess.run([tidy, "-p", build_dir, "--quiet", "--extra-arg=-Wno-unknown-warning-option", path],
                             capture_output=True, text=True)
        return path, run.returncode, run.stdout

    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for path, code, out in pool.map(check, files):
            if code != 0 or "warning:" in out or "error:" in out:
                failed += 1
                print(f"== {os.path.relpath(path, source_dir)}\n{out}", flush=True)
    print(f"clang-tidy: {len(files)} files of src/ and backends/, {failed} with findings")
    return min(failed, 100)


if __name__ == "__main__":
    sys.exit(main())
