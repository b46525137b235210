#!/usr/bin/env python3
"""Doxygen's INPUT_FILTER for ar's headers (docs/Doxyfile.in): prints the header as Doxygen reads it.

The headers' comments are plain `//` comments, directly above what they describe or after a member
on its line. This reads the first as `///` and the second as `///<`, the examples indented under
a sentence ("//   User::c.age >= 18") as code blocks, and each header's opening comment (the one
after the include guard) as its file description (`\\file`), so the reference is the headers' own
comments. Line numbers are kept: every line is rewritten in place.
"""
import re
import sys

ABOVE = re.compile(r"^(\s*)//( |$)")
AFTER = re.compile(r"^([^/\"]*[;,])(\s*)// ")


def main(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    opening = True  # still before the first declaration: the guard, blank lines, the header comment
    in_std = None  # the line that ends a specialization of std's (std::ranges::enable_view, std::hash)
    for i, line in enumerate(lines):
        # The specializations of std's templates are not ar's API (and Doxygen 1.9 cannot place
        # them): their lines are left blank.
        if line.startswith("namespace std"):
            in_std = "}  // namespace std"
        elif line.startswith("struct std::"):
            in_std = "};"
            if i > 0 and lines[i - 1].startswith("template <"):
                lines[i - 1] = ""
        if in_std:
            if line.startswith(in_std):
                in_std = None
            lines[i] = ""
            continue
        m = ABOVE.match(line)
        if m:
            text = line[m.end(1) + 2:]
            if text.startswith("   "):
                # An example, indented under its sentence ("//   User::c.age >= 18"): a code block.
                text = "  " + text
            lines[i] = m.group(1) + "///" + text
        else:
            lines[i] = AFTER.sub(r"\1\2///< ", line, count=1)
        if opening and not (line.startswith("#ifndef") or line.startswith("#define") or line == ""):
            if line.startswith("// "):
                # The first line of the opening comment: the whole block documents the file.
                lines[i] = lines[i] + " \\file"
            opening = False
    sys.stdout.write("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1])
