"""The import graph of `reader` (grimp, import-linter's own graph library) and its cycles.

import-linter's contracts cannot say "the whole package is acyclic" module by module (its
`acyclic_siblings` squashes packages), so this check does: every import counts, at module
level, inside functions and under `TYPE_CHECKING`, and `from package import name` counts as
importing the package too (it runs the package's `__init__` and reads a name from it).
`make lint` runs it (`python -m tests.import_graph`), and `tests/test_import_contracts.py`.
"""

from __future__ import annotations

import sys

import grimp

PACKAGE = "reader"


def import_edges(package: str = PACKAGE) -> dict[str, set[str]]:
    """Module -> the modules it imports (function-level and TYPE_CHECKING imports included)."""
    graph = grimp.build_graph(package, cache_dir=None)
    edges: dict[str, set[str]] = {module: set() for module in graph.modules}
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            edges[importer].add(imported)
            parent = imported.rpartition(".")[0]
            if not parent or parent == importer or parent not in edges:
                continue
            details = graph.get_import_details(importer=importer, imported=imported)
            if any(d["line_contents"].startswith(f"from {parent} import") for d in details):
                edges[importer].add(parent)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles: each strongly connected group of two or more modules, sorted
    (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(edges[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))
    return sorted(found)


def describe(group: list[str], edges: dict[str, set[str]]) -> str:
    """One cycle, with each member's imports inside it."""
    members = set(group)
    lines = [f"import cycle among {len(group)} modules:"]
    lines += [f"  {m} -> {', '.join(sorted(edges[m] & members))}" for m in group]
    return "\n".join(lines)


def main() -> int:
    """Print each cycle; exit status 1 when there is one."""
    edges = import_edges()
    found = cycles(edges)
    for group in found:
        print(describe(group, edges))
    if not found:
        print(f"{PACKAGE}: no import cycle among {len(edges)} modules")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
