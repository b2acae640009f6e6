"""Imports go down the layers only: serving → training → features → matching."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["matching", "features", "training", "serving"]


def imported_top_packages(source: Path) -> set[str]:
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def upward_imports(root: Path = ROOT) -> list[str]:
    problems = []
    for depth, layer in enumerate(LAYERS):
        higher = set(LAYERS[depth + 1 :])
        for source in sorted((root / layer).rglob("*.py")):
            for name in sorted(imported_top_packages(source) & higher):
                problems.append(f"{source.relative_to(root)} imports {name} (a higher layer)")
    return problems


def test_imports_only_go_down_the_layers() -> None:
    assert upward_imports() == []


def test_the_check_catches_an_upward_import(tmp_path: Path) -> None:
    for layer in LAYERS:
        (tmp_path / layer).mkdir()
    (tmp_path / "features" / "bad.py").write_text("from serving.app import create_app\n")
    (tmp_path / "serving" / "ok.py").write_text("import matching.codes\n")
    assert upward_imports(tmp_path) == ["features/bad.py imports serving (a higher layer)"]


def test_experiments_are_imported_by_nothing() -> None:
    for layer in LAYERS:
        for source in (ROOT / layer).rglob("*.py"):
            assert "experiments" not in imported_top_packages(source), source
