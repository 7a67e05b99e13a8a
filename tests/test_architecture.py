"""The import contract: imports flow one way, and nothing hides an intra-package import in a function.

Layers, top to bottom (a module may import its own layer's modules and any lower layer's):

    cli                                   parses, prints, picks the exit code
    commands                              the verbs: take option records, return outcomes
    render | pdf                          emit stages (independent of each other)
    i18n                                  catalogs, coverage, the localizer
    content                               load and validate the writers' files
    sandbox, publish, stamp, cache        shared machinery
    errors, findings, project             the bottom: they import nothing of ours
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

from report import cache

PACKAGE = Path(cache.__file__).parent
LAYERS = [
    {"report.errors", "report.findings", "report.project"},
    {"report.sandbox", "report.publish", "report.stamp", "report.cache"},
    {"report.content"},
    {"report.i18n"},
    {"report.render", "report.pdf"},
    {"report.commands"},
    {"report.cli", "report.__main__", "report"},
]
INDEPENDENT = [("report.render", "report.pdf")]
LAZY_ALLOWED = {"report", "report.cli", "report.commands.build"}
"""Modules on the no-op path, which import the stages (and with them WeasyPrint, Jinja, Babel)
only when they run them. Everything else imports at the top."""
HEAVY = {"weasyprint", "jinja2", "babel", "pikepdf", "pypdf", "jsonschema", "yaml", "PIL", "pypdfium2"}


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def layer(name: str) -> int:
    for rank, members in enumerate(LAYERS):
        if any(name == m or name.startswith(m + ".") for m in members if m != "report") or name in members:
            return rank
    raise AssertionError(f"{name} is in no layer: add it to LAYERS")


@functools.cache
def imports(name: str, path: Path) -> tuple[tuple[str, bool, int], ...]:
    """Return (imported module of ours, inside a function, line) for every intra-package import."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return  # for the type checker only: never run
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            in_function = True
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            target = f"{base}.{node.module}" if node.module else base
            targets = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in all_modules] or [target]
            found.extend((t, in_function, node.lineno) for t in targets)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found.extend((n, in_function, node.lineno) for n in names if n == "report" or n.startswith("report."))
        for child in ast.iter_child_nodes(node):
            visit(child, in_function)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return tuple(found)


all_modules = modules()


@pytest.mark.parametrize("name", sorted(all_modules))
def test_imports_flow_down(name: str) -> None:
    mine = layer(name)
    for target, _, line in imports(name, all_modules[name]):
        if target == "report":
            continue  # `from .. import cache`: the names are checked one by one
        assert layer(target) <= mine, (
            f"{all_modules[name]}:{line}: {name} (layer {mine}) imports {target} (layer {layer(target)})"
        )
        for first, second in INDEPENDENT:
            for a, b in ((first, second), (second, first)):
                if name.startswith(a + ".") or name == a:
                    assert not target.startswith(b), f"{all_modules[name]}:{line}: {name} imports {target}"


def test_nothing_imports_the_command_line() -> None:
    for name, path in all_modules.items():
        for target, _, line in imports(name, path):
            assert target != "report.cli" or name in ("report", "report.__main__"), f"{path}:{line} imports report.cli"


@pytest.mark.slow
def test_intra_package_imports_in_functions_are_only_for_the_no_op_path() -> None:
    for name, path in all_modules.items():
        for target, in_function, line in imports(name, path):
            if not in_function:
                continue
            assert name in LAZY_ALLOWED, f"{path}:{line}: import {target} at the top of the module"
            _, third_party = cache.import_closure(target)
            assert third_party & HEAVY, f"{path}:{line}: {target} is light; import it at the top of the module"


def test_the_no_op_path_loads_no_heavy_module() -> None:
    """A build with nothing to do imports the stamp, not WeasyPrint, Jinja, Babel or the YAML loader."""
    modules_of_build, third_party = cache.import_closure("report.stamp")
    assert not third_party & HEAVY, third_party & HEAVY
    assert not any(
        m.startswith(("report.pdf", "report.render", "report.content", "report.i18n")) for m in modules_of_build
    )


def test_the_contract_catches_an_upward_import(tmp_path: Path) -> None:
    """The check above can fail: a content module importing the verbs is caught."""
    path = tmp_path / "load.py"
    path.write_text("from ..commands.build import build\n", encoding="utf-8")
    ((target, _, _),) = imports("report.content.load", path)
    assert target == "report.commands.build" and layer(target) > layer("report.content.load")


def documented_modules() -> set[str]:
    """Return the paths the layer tree of docs/architecture.md names: a module, or a folder (a
    subpackage stands for its `__init__.py`), each line one name indented two spaces a level."""
    text = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    tree = text.split("## Layers", 1)[1].split("```", 2)[1]
    named, folders = set(), []
    for line in tree.splitlines()[1:]:  # the rest of the fence's line
        depth, name = (len(line) - len(line.lstrip())) // 2, line.split()[0]
        path = "/".join([*folders[:depth], name])
        folders[depth:] = [name.rstrip("/")] if name.endswith("/") else []
        named.add(path)
    return named


def test_the_architecture_page_names_every_module_and_only_modules_that_exist() -> None:
    named = documented_modules()
    expected = {
        path.parent.relative_to(PACKAGE.parent).as_posix() + "/"
        if path.name == "__init__.py" and path.parent != PACKAGE
        else path.relative_to(PACKAGE.parent).as_posix()
        for path in all_modules.values()
    }
    assert sorted(expected - named) == []
    assert sorted(path for path in named if not (PACKAGE.parent / path).exists()) == []


def test_every_module_path_the_documentation_names_exists() -> None:
    """The README, docs/ and pyproject.toml name modules by their path: each is still there."""
    root = PACKAGE.parent
    documents = [root / "README.md", root / "pyproject.toml", *sorted((root / "docs").glob("*.md"))]
    missing = [
        f"{document.name}:{text.count(chr(10), 0, match.start()) + 1}: {match.group()}"
        for document in documents
        for text in [document.read_text(encoding="utf-8")]
        for match in re.finditer(r"\breport/[\w/]+\.py\b", text)
        if not (root / match.group()).is_file()
    ]
    assert missing == []
