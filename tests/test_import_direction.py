"""Imports flow one way (STYLE): a lower layer never imports a higher one, not even lazily inside a function.

engine < documents < core < registry < assessments < council < scoring < dashboards. The engine and the
documents are pure (no Django): every app may use them, they use none.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "appraisal"
LAYERS = ("engine", "documents", "core", "registry", "assessments", "council", "scoring", "dashboards")
RANK = {name: i for i, name in enumerate(LAYERS)}
PURE = {"engine", "documents"}


def _imports(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every import in the file, at any depth; relative ones resolved. A model looked
    up by name in the app registry (``apps.get_model("council", "Assignment")`` or ``"council.Assignment"``)
    counts as an import of that app: it is the same dependency, only hidden from the import system."""
    package = ".".join(("appraisal", *path.relative_to(root).parts[:-1]))
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            found.append((node.lineno, module))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get_model"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, "appraisal." + node.args[0].value.split(".")[0]))
    return found


def import_violations(root: Path = ROOT) -> list[str]:
    out = []
    for path in sorted(root.rglob("*.py")):
        layer = path.relative_to(root).parts[0]
        if layer not in RANK or "migrations" in path.parts:
            continue
        for line, module in _imports(path, root):
            parts = module.split(".")
            where = f"{path.relative_to(root.parent)}:{line}"
            if (
                parts[0] == "appraisal"
                and len(parts) > 1
                and RANK.get(parts[1], -1) > RANK[layer]
                or layer in PURE
                and parts[0] == "django"
            ):
                out.append(f"{where} {layer} imports {module}")
    return out


def test_no_lower_app_imports_a_higher_one():
    assert import_violations() == []


def test_import_direction_check_catches_a_lazy_upward_import(tmp_path):
    """The check itself: a function-level import from registry into council is found."""
    (tmp_path / "registry").mkdir()
    (tmp_path / "registry" / "x.py").write_text(
        "def f():\n    from appraisal.council.selectors import thing\n    return thing\n", encoding="utf-8"
    )
    (tmp_path / "council").mkdir()
    (tmp_path / "council" / "y.py").write_text("from ..registry import x\n", encoding="utf-8")
    assert import_violations(tmp_path) == [
        f"{tmp_path.name}/registry/x.py:2 registry imports appraisal.council.selectors",
    ]


def test_import_direction_check_catches_a_model_looked_up_by_name(tmp_path):
    """``apps.get_model`` with a higher app's label is an upward dependency too; a lower or equal one is not."""
    (tmp_path / "registry").mkdir()
    (tmp_path / "registry" / "x.py").write_text(
        "from django.apps import apps\n\n"
        "def f():\n"
        "    return apps.get_model('council', 'Assignment')\n\n"
        "def g():\n"
        "    return apps.get_model('scoring.ScoreRun')\n\n"
        "def h():\n"
        "    return apps.get_model('core', 'Thing'), apps.get_model('registry', 'Period')\n",
        encoding="utf-8",
    )
    assert import_violations(tmp_path) == [
        f"{tmp_path.name}/registry/x.py:4 registry imports appraisal.council",
        f"{tmp_path.name}/registry/x.py:7 registry imports appraisal.scoring",
    ]
