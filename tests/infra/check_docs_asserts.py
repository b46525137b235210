#!/usr/bin/env python3
"""Checks that no docs example changes data inside assert(...) (issue 19): a Release build
defines NDEBUG, so a reader who copies `assert(ar::destroy(user));` into a program gets a program
that silently destroys nothing.

    tests/infra/check_docs_asserts.py [SOURCE_DIR]     (default: the directory above tests/)

Reads README.md, docs/**/*.md and the example sources under docs/ and examples/, takes the whole
expression of every assert(...) (it may span lines), and fails, naming the file and the line, when
the expression calls something that writes: ar::insert / update / save / destroy / upsert /
insert_all / execute / delete_all / update_all / create_table / destroy_by_key..., anything
named insert_* update_* save_* destroy_* delete_* create_*, a relation's writers
(posts_add, posts_create, profile_set, tags_attach / detach / sync / toggle, author_associate /
dissociate), a transaction's commit / rollback. Write the call as a statement, keep its result,
and assert on that: `const bool destroyed = ar::destroy(user); assert(destroyed);`.
"""

import os
import re
import sys

ASSERT = re.compile(r"(?<![\w.:>])assert\s*\(")
# Free functions (ar::insert(...), insert(db, ...), q | ar::delete_all) and members (db.execute(...)).
WRITING_CALL = re.compile(
    r"(?<![\w])(?:ar::)?(?:insert|update|save|destroy|upsert|execute|delete|create|commit|rollback|increment|decrement|"
    r"touch)(?:_\w+)?\s*(?:<[^;()]*>)?\s*[(]"
    r"|(?<![\w])(?:ar::)?drop_tables?\b"
    r"|\|\s*(?:ar::)?(?:delete_all|destroy_all)\b"
)
# The writers AR_MODEL declares for each relation: <relation>_add(...), <relation>_set(...), ...
RELATION_WRITER = re.compile(r"\.\s*\w+?_(add|create|set|attach|detach|sync|toggle|associate|dissociate)\s*(?:<[^;()]*>)?\s*\(")
SOURCE_SUFFIXES = (".md", ".cpp", ".hpp", ".h", ".cc")


def files(root):
    readme = os.path.join(root, "README.md")
    if os.path.exists(readme):
        yield readme
    for top in ("docs", "examples"):
        for folder, _, names in os.walk(os.path.join(root, top)):
            for name in sorted(names):
                if name.endswith(SOURCE_SUFFIXES):
                    yield os.path.join(folder, name)


def expression_end(text, start):
    """The index of the ')' that closes the '(' at text[start - 1], skipping string and character literals."""
    depth = 1
    i = start
    while i < len(text):
        c = text[i]
        if c == '"' or (c == "'" and not text[i - 1].isalnum()):  # 4'000'000: digit separators
            i += 1
            while i < len(text) and text[i] != c:
                i += 2 if text[i] == "\\" else 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(text)


def without_literals(expression):
    return re.sub(r'"(?:\\.|[^"\\])*"' + r"|(?<![0-9A-Za-z])'(?:\\.|[^'\\])*'", '""', expression)


def offences(root):
    found = []
    for path in files(root):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for match in ASSERT.finditer(text):
            end = expression_end(text, match.end())
            expression = without_literals(text[match.end():end])
            call = WRITING_CALL.search(expression) or RELATION_WRITER.search(expression)
            if call:
                line = text.count("\n", 0, match.start()) + 1
                shown = " ".join(text[match.start():end + 1].split())
                found.append(f"{os.path.relpath(path, root)}:{line}: assert(...) calls "
                             f"'{call.group(0).strip(' (|')}', which changes data and is not called at all when "
                             f"NDEBUG is defined: {shown}")
    return found


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    found = offences(root)
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} assert(...) in the docs change data: make the call a statement, keep its result, "
              f"and assert on the result")
        return 1
    print("no assert(...) in README.md, docs/ or examples/ changes data")
    return 0


if __name__ == "__main__":
    sys.exit(main())
