#!/usr/bin/env python3
"""Checks that ar's core knows no SOCI (issue 16): SOCI opens and holds the connections of ar's
three backends, but only code under backends/ may name it.

    tests/infra/check_core_without_soci.py [SOURCE_DIR]     (default: the directory above tests/)

Fails, naming the file and the line, when a file under src/ or include/ includes a SOCI header
(<soci/...>, "soci/...", <soci-...>) or names the namespace soci:: (a declaration such as
`namespace soci {` too). Comments count: a core file has no reason to spell either.
"""

import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]\s*soci[/.-]')
NAMESPACE = re.compile(r"\bsoci\s*::|\bnamespace\s+soci\b")
SUFFIXES = (".hpp", ".cpp", ".h", ".ipp", ".cc", ".hh")


def offences(root):
    found = []
    for top in ("src", "include"):
        for folder, _, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if not name.endswith(SUFFIXES):
                    continue
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as f:
                    for number, line in enumerate(f, 1):
                        if INCLUDE.match(line):
                            found.append(f"{os.path.relpath(path, root)}:{number}: includes a SOCI header: {line.strip()}")
                        elif NAMESPACE.search(line):
                            found.append(f"{os.path.relpath(path, root)}:{number}: names SOCI: {line.strip()}")
    return found


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for top in ("src", "include"):
        if not os.path.isdir(os.path.join(root, top)):
            print(f"check_core_without_soci: {root} has no {top}/", file=sys.stderr)
            return 2
    found = offences(root)
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} place(s) in src/ or include/ name SOCI; SOCI belongs under backends/ "
              "(the core talks to ar/backend/driver.hpp)", file=sys.stderr)
        return 1
    print("src/ and include/ name no SOCI")
    return 0


if __name__ == "__main__":
    sys.exit(main())
