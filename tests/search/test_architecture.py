"""The search package is a library: the standard library, Whoosh and the Unicode look-alike
table that triage reads letters with, nothing else."""

import ast
import sys
from pathlib import Path

import search

ALLOWED = set(sys.stdlib_module_names) | {"whoosh", "confusable_homoglyphs", "search"}


def test_search_imports_only_the_standard_library_whoosh_and_the_look_alike_table():
    outside = {}
    for path in Path(search.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                if name.split(".")[0] not in ALLOWED:
                    outside.setdefault(path.name, []).append(name)
    assert outside == {}
