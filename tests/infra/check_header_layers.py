#!/usr/bin/env python3
"""Checks that ar's public headers form a DAG that follows the layers (issue 16).

    tests/infra/check_header_layers.py [INCLUDE_DIR]     (default: include/ beside tests/)

Every header under include/ar belongs to one layer (LAYERS below, lowest first). The check fails,
naming the file, the line and the include, when:
  - a header includes a header of a higher layer;
  - a header has an #include after its first line of code (an include at the bottom hides a cycle);
  - the includes between headers form a cycle (also within one layer);
  - a header is missing from the layer map, or the map names a header that does not exist.
A new header goes into the map in the layer of what it holds.
"""

import os
import re
import sys

# Lowest first. A header may include headers of its own layer or of lower ones, never higher.
LAYERS = [
    ("reflection", [
        # json.hpp: optional (nlohmann::json as a field), included by no other header.
        "decimal.hpp", "value.hpp", "json.hpp", "enum.hpp", "naming.hpp", "error.hpp", "model_traits.hpp",
        "detail/pp.hpp", "detail/model_def.hpp", "detail/relation_def.hpp", "detail/table_ddl.hpp",
        # validators.hpp: the validator values AR_VALIDATES names (no database; <regex> stays in src/).
        "validators.hpp",
    ]),
    # model.hpp (AR_MODEL) sits here: every model gets column handles (Model::c), which are
    # expressions.
    ("expressions", [
        "detail/expr_tree.hpp", "expr.hpp", "model.hpp", "detail/query_state.hpp",
    ]),
    ("SQL rendering", [
        "backend/dialect.hpp", "dialect.hpp", "detail/crud_sql.hpp", "detail/names.hpp", "detail/placeholders.hpp",
    ]),
    ("execution", [
        "database.hpp", "observe.hpp", "transaction.hpp",
        "detail/erased_tables.hpp", "detail/record_buffer.hpp", "detail/execute.hpp", "detail/insert_rows.hpp",
        # The backend contract below the dialect: what a driver implements (backends/<name>/) and the
        # rules it stores values by. No header a program includes for its models pulls them in.
        "backend/store.hpp", "backend/driver.hpp", "backend/url.hpp",
    ]),
    # A query holds its database and the terminal adaptors run it: above execution.
    ("queries and CRUD", [
        "query.hpp", "validation.hpp", "crud.hpp", "schema.hpp", "migrate.hpp", "verify_schema.hpp", "catalog.hpp", "stream.hpp", "sql.hpp",
        "views/after.hpp", "views/aggregate.hpp", "views/delete_all.hpp", "views/distinct.hpp", "views/drop.hpp",
        "views/filter.hpp", "views/first.hpp", "views/group_by.hpp", "views/order_by.hpp", "views/select.hpp",
        "views/page.hpp", "views/correlate.hpp", "views/take.hpp", "views/timeout.hpp", "views/to_vector.hpp", "views/update_all.hpp",
    ]),
    ("relations and loading", [
        "detail/relation_impl.hpp",
        "load/switches.hpp", "load/paths.hpp", "load/algorithm.hpp", "load/registry.hpp", "load/with.hpp",
        "collection.hpp", "loading.hpp", "relation.hpp", "morph.hpp", "through.hpp", "tree.hpp", "views/where_has.hpp", "views/joins.hpp",
    ]),
    ("umbrella", [
        "views.hpp", "ar.hpp",
    ]),
]

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')
PREPROCESSOR = re.compile(r"^\s*#")


def layer_map():
    layers = {}
    for rank, (name, headers) in enumerate(LAYERS):
        for h in headers:
            layers["ar/" + h] = (rank, name)
    return layers


def scan(path):
    """The #include lines of a file, and the includes that come after its first line of code."""
    includes, late = [], []
    code_seen = False
    in_comment = False
    continued = False  # a preprocessor line ending in a backslash continues on the next
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            stripped = line.strip()
            if continued:
                continued = stripped.endswith("\\")
                continue
            if in_comment:
                if "*/" in stripped:
                    in_comment = False
                    stripped = stripped.split("*/", 1)[1].strip()
                else:
                    continue
            if stripped.startswith("/*"):
                if "*/" not in stripped:
                    in_comment = True
                continue
            if not stripped or stripped.startswith("//"):
                continue
            if PREPROCESSOR.match(stripped):
                continued = stripped.endswith("\\")
                m = INCLUDE.match(stripped)
                if m:
                    includes.append((number, m.group(1)))
                    if code_seen:
                        late.append((number, m.group(1)))
                continue
            code_seen = True
    return includes, late


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "include")
    layers = layer_map()
    headers = []
    for dirpath, _, files in os.walk(os.path.join(root, "ar")):
        for f in files:
            if f.endswith(".hpp"):
                headers.append(os.path.relpath(os.path.join(dirpath, f), root).replace(os.sep, "/"))
    headers.sort()

    errors = []
    for h in headers:
        if h not in layers:
            errors.append(f"{h}: not in the layer map of tests/infra/check_header_layers.py: add it to its layer")
    for h in sorted(layers):
        if h not in headers:
            errors.append(f"{h}: named in the layer map but does not exist: remove or rename it there")

    graph = {}
    for h in headers:
        includes, late = scan(os.path.join(root, h))
        graph[h] = [inc for _, inc in includes if inc.startswith("ar/")]
        for number, inc in late:
            errors.append(f"include/{h}:{number}: #include <{inc}> after the first line of code: "
                          "includes go at the top (an include at the bottom hides a cycle)")
        if h not in layers:
            continue
        rank, name = layers[h]
        for number, inc in includes:
            if not inc.startswith("ar/") or inc not in layers:
                continue
            inc_rank, inc_name = layers[inc]
            if inc_rank > rank:
                errors.append(f"include/{h}:{number}: #include <{inc}> reaches up from layer '{name}' to layer "
                              f"'{inc_name}': move what needs it up, or what it needs down")

    # Cycles (within a layer as well): depth-first search, reporting each cycle once.
    state = {}
    stack = []
    reported = set()

    def visit(h):
        state[h] = "open"
        stack.append(h)
        for inc in graph.get(h, []):
            if inc not in graph:
                continue
            if state.get(inc) == "open":
                cycle = stack[stack.index(inc):] + [inc]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    errors.append("include cycle: " + " -> ".join(cycle))
            elif inc not in state:
                visit(inc)
        stack.pop()
        state[h] = "done"

    for h in headers:
        if h not in state:
            visit(h)

    if errors:
        for e in errors:
            print(e)
        print(f"check_header_layers: {len(errors)} problem(s) in {len(headers)} headers", file=sys.stderr)
        return 1
    print(f"check_header_layers: {len(headers)} headers, {len(LAYERS)} layers, no upward include, no cycle, "
          "no include after code")
    return 0


if __name__ == "__main__":
    sys.exit(main())
