#!/usr/bin/env python3
"""Every symbol of libar that the build's programs use is exported by a shared libar.so.

libar is compiled with hidden visibility: a function or class declared in a public header and
defined in src/ reaches a program linking the shared library only when the header marks it AR_API
(<ar/export.hpp>). A static build does not notice a missing mark (the export header makes AR_API
empty there), so this check compares, symbol by symbol:

  used      the undefined symbols of every object file of the build's tests, docs programs and
            benchmarks that libar.a defines (what those programs take from the library);
  exported  the dynamic symbols libar.so defines (the shared build of consumer.shared).

Each used symbol missing from libar.so is printed demangled with an object file that uses it.

usage: check_exports.py <libar.a> <libar.so> <build directory>
"""
import os
import subprocess
import sys


def nm(*args):
    out = subprocess.run(["nm", *args], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()]


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    static_lib, shared_lib, build_dir = sys.argv[1:]
    for path in (static_lib, shared_lib):
        if not os.path.exists(path):
            sys.exit(f"check_exports: {path} does not exist")
    # Strong definitions only: an inline function or a template instantiation (weak, W/V/u) is
    # compiled into each program that uses it and needs no export.
    defined = {p[2] for p in nm("-g", "--defined-only", static_lib) if len(p) == 3 and p[1] in "TDBR"}
    exported = {p[2] for p in nm("-D", "--defined-only", shared_lib) if len(p) == 3}
    library_objects = os.sep + os.path.join("CMakeFiles", "ar.dir") + os.sep
    objects = []
    for root, _, files in os.walk(build_dir):
        for name in files:
            path = os.path.join(root, name)
            if name.endswith(".o") and library_objects not in path + os.sep and "consumer" not in path:
                objects.append(path)
    used = {}
    # One nm for many files (-A: each line starts with "file: "); objects are many and large.
    for start in range(0, len(objects), 200):
        for line in subprocess.run(["nm", "-u", "-A", *objects[start:start + 200]], capture_output=True,
                                   text=True, check=True).stdout.splitlines():
            path, _, rest = line.partition(": ")
            p = rest.split()
            if len(p) == 2 and p[1] in defined:
                used.setdefault(p[1], path)
    objects = len(objects)
    if objects == 0 or not used:
        sys.exit(f"check_exports: no object file under {build_dir} uses libar: nothing was checked")
    missing = sorted(s for s in used if s not in exported)
    if missing:
        names = subprocess.run(["c++filt"], input="\n".join(missing), capture_output=True, text=True,
                               check=True).stdout.splitlines()
        print(f"{len(missing)} symbols the programs use are not exported by {shared_lib}; mark their "
              "declarations AR_API (<ar/export.hpp>):")
        for symbol, name in zip(missing, names):
            print(f"  {name}\n    used by {os.path.relpath(used[symbol], build_dir)}")
        return 1
    print(f"{len(used)} symbols of libar used by {objects} object files, all exported by {shared_lib}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
