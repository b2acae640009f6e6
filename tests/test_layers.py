"""Imports go down the layers only: serving → training → features → matching."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

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


TRUTH = "matching.synth.truth"
TRUTH_READERS = ("matching/synth/", "training/oracle")


def imported_modules(source: Path) -> set[str]:
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def truth_readers(root: Path = ROOT) -> list[str]:
    """Product modules that import the hidden ground truth, other than the allowed ones."""
    found = []
    for layer in LAYERS:
        for source in sorted((root / layer).rglob("*.py")):
            relative = source.relative_to(root).as_posix()
            reaches = any(
                name == TRUTH or name.startswith(TRUTH + ".") for name in imported_modules(source)
            )
            if reaches and not relative.startswith(TRUTH_READERS):
                found.append(relative)
    return found


def test_the_ground_truth_is_unreachable_from_features_training_and_serving() -> None:
    assert truth_readers() == []


def test_the_truth_check_catches_a_feature_that_peeks(tmp_path: Path) -> None:
    for layer in LAYERS:
        (tmp_path / layer).mkdir()
    (tmp_path / "features" / "peek.py").write_text("from matching.synth.truth import JobTruth\n")
    (tmp_path / "training" / "oracle.py").write_text("from matching.synth import truth\n")
    assert truth_readers(tmp_path) == ["features/peek.py"]


def test_no_table_holds_a_latent_of_the_ground_truth() -> None:
    from matching.storage import Base

    latent_names = {"motivation", "openness", "quality", "sustainable_hours_true"}
    for table in Base.metadata.tables.values():
        for column in table.columns:
            assert column.name not in latent_names and not column.name.startswith("true_"), (
                f"{table.name}.{column.name}"
            )


def import_cycles(root: Path, package: str) -> list[list[str]]:
    """Groups of ``package``'s modules that import each other, directly or round a loop; every
    import counts, under ``TYPE_CHECKING`` or in a function as much as at the top."""
    modules = {
        ".".join(source.relative_to(root).with_suffix("").parts): source
        for source in sorted((root / package).rglob("*.py"))
    }
    graph = {
        module: sorted(name for name in imported_modules(source) if name in modules)
        for module, source in modules.items()
    }
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        order[module] = low[module] = len(order)
        stack.append(module)
        for other in graph[module]:
            if other not in order:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], order[other])
        if low[module] == order[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1 or module in graph[module]:
                cycles.append(sorted(group))

    for module in graph:
        if module not in order:
            visit(module)
    return cycles


@pytest.mark.parametrize("package", LAYERS)
def test_no_layer_has_an_import_cycle(package: str) -> None:
    assert import_cycles(ROOT, package) == []


def test_the_cycle_check_catches_a_loop_closed_under_type_checking(tmp_path: Path) -> None:
    (tmp_path / "features").mkdir()
    (tmp_path / "features" / "a.py").write_text("from features.b import B\n")
    (tmp_path / "features" / "b.py").write_text("import features.c\n")
    (tmp_path / "features" / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from features.a import A\n"
    )
    (tmp_path / "features" / "d.py").write_text("from features.a import A\n")
    assert import_cycles(tmp_path, "features") == [["features.a", "features.b", "features.c"]]
