#!/usr/bin/env python3
"""Checks every file git tracks against .editorconfig (issue 21): UTF-8, LF line ends, a final
newline, no trailing spaces or tabs, indentation with spaces (tabs only in Makefiles).

    tests/infra/check_editorconfig.py [SOURCE_DIR]     (default: the directory above tests/)

Third-party data and fuzzer inputs (tests/data/, tests/fuzz/corpus/) are kept as they came, and
binary files (a NUL byte) are skipped. Fails naming the file, the line and what is wrong. Without
git (a source tarball), walks the tree instead.
"""

import os
import subprocess
import sys

EXEMPT = ("tests/data/", "tests/fuzz/corpus/")
TABS_ALLOWED = ("Makefile", ".mk")


def tracked(root):
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "-z"], check=True, capture_output=True).stdout
        return [p for p in out.decode().split("\0") if p]
    except (OSError, subprocess.CalledProcessError):
        found = []
        for folder, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(".") and not d.startswith("build")]
            found += [os.path.relpath(os.path.join(folder, n), root) for n in names]
        return found


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
    problems = []
    checked = 0
    for path in tracked(root):
        if path.startswith(EXEMPT):
            continue
        full = os.path.join(root, path)
        if not os.path.isfile(full):
            continue
        with open(full, "rb") as f:
            data = f.read()
        if b"\0" in data or not data:
            continue
        checked += 1
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            problems.append(f"{path}: not UTF-8 ({e})")
            continue
        if "\r" in text:
            problems.append(f"{path}: CR line ends (write LF)")
        if not text.endswith("\n"):
            problems.append(f"{path}: no newline at the end")
        tabs_ok = path.endswith(TABS_ALLOWED) or os.path.basename(path) == "Makefile"
        for number, line in enumerate(text.split("\n"), 1):
            if line != line.rstrip(" \t\r"):
                problems.append(f"{path}:{number}: trailing whitespace")
            if not tabs_ok and line[: len(line) - len(line.lstrip(" \t"))].count("\t"):
                problems.append(f"{path}:{number}: a tab in the indentation (indent with spaces)")
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} problem(s) in {checked} files; see .editorconfig")
        return 1
    print(f"{checked} files follow .editorconfig")
    return 0


if __name__ == "__main__":
    sys.exit(main())
