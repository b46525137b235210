#!/usr/bin/env python3
"""Checks that every link inside the docs resolves (issue 21): README.md, CHANGELOG.md and
docs/**/*.md.

    tests/infra/check_doc_links.py [SOURCE_DIR]     (default: the directory above tests/)

For each Markdown link or image, [text](target) or ![alt](target), outside code blocks and code
spans: a relative target must name a file or directory of the repository, and a #fragment (alone:
in the same page, or after a .md file) must be a heading of that page, as GitHub makes anchors
(lower case; punctuation but '-' and '_' dropped; spaces to '-'; repeats numbered -1, -2, ...) or an
explicit <a name="..."> / id="...". Links with a scheme (https:, mailto:) are not followed: the
check runs without a network. Fails naming the file, the line and the target.
"""

import os
import re
import sys
from urllib.parse import unquote

LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
EXPLICIT_ANCHOR = re.compile(r"<a\s+(?:name|id)=\"([^\"]+)\"|\bid=\"([^\"]+)\"")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def strip_code(lines):
    """The lines with fenced blocks blanked and inline code spans removed (links in code are code)."""
    out = []
    fence = None
    for line in lines:
        stripped = line.lstrip()
        if fence:
            if stripped.startswith(fence):
                fence = None
            out.append("")
            continue
        if stripped.startswith("```") or stripped.startswith("~~~"):
            fence = stripped[:3]
            out.append("")
            continue
        out.append(re.sub(r"`+[^`]*`+", "", line))
    return out


def slug(text):
    text = re.sub(r"`", "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link in a heading: its text
    text = re.sub(r"<[^>]+>", "", text)
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


anchor_cache = {}


def anchors(path):
    if path in anchor_cache:
        return anchor_cache[path]
    found = set()
    counts = {}
    with open(path, encoding="utf-8") as f:
        raw = f.read().splitlines()
    fence = None
    for line in raw:
        stripped = line.lstrip()
        if fence:
            if stripped.startswith(fence):
                fence = None
            continue
        if stripped.startswith("```") or stripped.startswith("~~~"):
            fence = stripped[:3]
            continue
        for m in EXPLICIT_ANCHOR.finditer(line):
            found.add(m.group(1) or m.group(2))
        h = HEADING.match(line)
        if h:
            base = slug(h.group(2))
            n = counts.get(base, 0)
            found.add(base if n == 0 else f"{base}-{n}")
            counts[base] = n + 1
    anchor_cache[path] = found
    return found


def pages(root):
    for name in ("README.md", "CHANGELOG.md"):
        path = os.path.join(root, name)
        if os.path.exists(path):
            yield path
    for folder, _, names in os.walk(os.path.join(root, "docs")):
        for name in sorted(names):
            if name.endswith(".md"):
                yield os.path.join(folder, name)


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
    problems = []
    checked = 0
    for page in pages(root):
        with open(page, encoding="utf-8") as f:
            lines = strip_code(f.read().splitlines())
        for number, line in enumerate(lines, 1):
            for m in LINK.finditer(line):
                target = m.group(1)
                if SCHEME.match(target):
                    continue
                checked += 1
                where = f"{os.path.relpath(page, root)}:{number}: ({target})"
                path_part, _, fragment = target.partition("#")
                resolved = os.path.normpath(os.path.join(os.path.dirname(page), unquote(path_part))) if path_part else page
                if not resolved.startswith(root):
                    problems.append(f"{where} leaves the repository")
                    continue
                if not os.path.exists(resolved):
                    problems.append(f"{where} names {os.path.relpath(resolved, root)}, which does not exist")
                    continue
                if fragment:
                    if not resolved.endswith(".md") or os.path.isdir(resolved):
                        continue  # a line anchor of a source file (#L10): not a heading
                    if unquote(fragment) not in anchors(resolved):
                        problems.append(f"{where} names #{fragment}, which is no heading or anchor of "
                                        f"{os.path.relpath(resolved, root)}")
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} broken link(s) of {checked} checked")
        return 1
    print(f"{checked} links checked, all resolve")
    return 0


if __name__ == "__main__":
    sys.exit(main())
