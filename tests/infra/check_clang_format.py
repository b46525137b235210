#!/usr/bin/env python3
"""Checks that every tracked C++ file is formatted as .clang-format says (issue 21 item 9).

    tests/infra/check_clang_format.py CLANG_FORMAT [SOURCE_DIR]   (default: the directory above tests/)

CLANG_FORMAT must be clang-format 19 (Debian's clang-format-19): older versions lay out C++20
`requires` clauses and some macros differently, so a tree formatted by one fails the other's check.
Third-party data and fuzzer inputs (tests/data/, tests/fuzz/corpus/) are kept as they came. Fails
naming each file that differs and the first lines that would change; `clang-format-19 -i FILE`
fixes one. Without git (a source tarball), walks the tree instead.
"""

import difflib
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from check_editorconfig import tracked  # the files git tracks (or the tree, without git)

EXEMPT = ("tests/data/", "tests/fuzz/corpus/")
SUFFIXES = (".hpp", ".cpp", ".h")
NEEDED_MAJOR = 19


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    tool = sys.argv[1]
    root = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", ".."))
    version = subprocess.run([tool, "--version"], check=True, capture_output=True, text=True).stdout
    major = re.search(r"version (\d+)", version)
    if not major or int(major.group(1)) != NEEDED_MAJOR:
        print(f"check_clang_format: {tool} is '{version.strip()}'; the house style is kept by clang-format "
              f"{NEEDED_MAJOR} (scripts/install-deps.sh installs clang-format-{NEEDED_MAJOR})", file=sys.stderr)
        return 1
    files = sorted(p for p in tracked(root) if p.endswith(SUFFIXES) and not p.startswith(EXEMPT))

    def check(path):
        full = os.path.join(root, path)
        with open(full, encoding="utf-8") as f:
            text = f.read()
        formatted = subprocess.run([tool, "--style=file", f"--assume-filename={full}", full], check=True,
                                   capture_output=True, text=True).stdout
        if formatted == text:
            return None
        diff = difflib.unified_diff(text.splitlines(), formatted.splitlines(), path, path + " (formatted)",
                                    lineterm="", n=0)
        return path, list(diff)[:12]

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        bad = [r for r in pool.map(check, files) if r]
    for path, diff in bad:
        print(f"{path}: not formatted as .clang-format says (fix: clang-format-{NEEDED_MAJOR} -i {path})")
        for line in diff:
            print("    " + line)
    print(f"check_clang_format: {len(files)} files, {len(bad)} not formatted")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
