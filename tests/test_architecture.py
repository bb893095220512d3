"""The layers of docs/architecture.md hold: every import in aksalarasa/ runs down the layers, or
between the apps of one layer that the document allows, and imports between apps inside functions
sit only where the document names the reason. No database: the test reads source with `ast`."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "aksalarasa"
DOC = ROOT / "docs" / "architecture.md"
MAX_FUNCTION_LEVEL = 19


@dataclass(frozen=True)
class Import:
    path: str  # relative to the repository
    line: int
    source_app: str
    target: str  # the dotted module imported
    in_function: bool

    @property
    def target_app(self) -> str | None:
        parts = self.target.split(".")
        if parts[0] == "config":
            return "config"
        return parts[1] if parts[0] == "aksalarasa" and len(parts) > 1 else None

    def __str__(self) -> str:
        return f"{self.path}:{self.line} imports {self.target}"


def _table(section: str) -> list[list[str]]:
    """The rows of the first Markdown table under the heading `## {section}`."""
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(section)}\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    assert match, f"docs/architecture.md has no section '## {section}'"
    rows = [line for line in match.group(1).splitlines() if line.startswith("|")]
    assert len(rows) > 2, f"the section '## {section}' has no table"
    return [[cell.strip().strip("`") for cell in row.strip("|").split("|")] for row in rows[2:]]


def layers() -> dict[str, int]:
    return {app.strip(): int(level) for level, apps, _ in _table("Layers") for app in apps.split(",")}


def allowed_pairs() -> set[tuple[str, str]]:
    return {(source, target) for source, target, _ in _table("Allowed within a layer")}


def allowed_function_level() -> dict[str, set[str]]:
    allowed: dict[str, set[str]] = {}
    for path, apps, reason in _table("Imports inside functions"):
        assert reason, f"{path}: the document names no reason"
        allowed[path] = {app.strip() for app in apps.split(",")}
    return allowed


def _imports(path: Path) -> list[Import]:
    relative = path.relative_to(ROOT).as_posix()
    app = path.relative_to(PACKAGE).parts[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=relative)
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if isinstance(child, ast.Import):
                found.extend(Import(relative, child.lineno, app, a.name, in_function) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                assert child.level == 0, f"{relative}:{child.lineno}: relative import; write the full path"
                found.append(Import(relative, child.lineno, app, child.module or "", in_function))
            visit(child, inside)

    visit(tree, False)
    return found


def all_imports() -> list[Import]:
    files = [p for p in sorted(PACKAGE.rglob("*.py")) if "migrations" not in p.parts and p.parent != PACKAGE]
    assert len(files) > 100
    return [imp for path in files for imp in _imports(path)]


def between_apps() -> list[Import]:
    return [i for i in all_imports() if i.target_app not in (None, i.source_app)]


def test_every_app_has_a_layer():
    apps = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert apps == set(layers()), "docs/architecture.md must place every app of aksalarasa/ in a layer"


def test_imports_run_down_the_layers():
    level, pairs = layers(), allowed_pairs()
    wrong = [
        str(i)
        for i in between_apps()
        if i.target_app == "config"
        or level[i.target_app] > level[i.source_app]
        or (level[i.target_app] == level[i.source_app] and (i.source_app, i.target_app) not in pairs)
    ]
    assert not wrong, "imports docs/architecture.md does not allow:\n" + "\n".join(wrong)


def test_core_imports_no_domain_app():
    assert not [str(i) for i in between_apps() if i.source_app == "core"]


def test_no_two_apps_import_each_other():
    edges = {(i.source_app, i.target_app) for i in between_apps()}
    assert not sorted((a, b) for a, b in edges if (b, a) in edges)


def test_the_allowed_pairs_are_used_and_one_way():
    """A pair the document allows but the code no longer needs is stale: remove it from the table."""
    pairs, level = allowed_pairs(), layers()
    edges = {(i.source_app, i.target_app) for i in between_apps()}
    assert all(level[a] == level[b] for a, b in pairs), "an allowed pair must be within one layer"
    assert not [(a, b) for a, b in pairs if (b, a) in pairs]
    assert pairs <= edges, f"allowed but unused: {sorted(pairs - edges)}"


def test_function_level_imports_between_apps_are_named_and_few():
    allowed = allowed_function_level()
    inside = [i for i in between_apps() if i.in_function]
    unnamed = [str(i) for i in inside if i.target_app not in allowed.get(i.path, set())]
    assert not unnamed, (
        "imports between apps inside functions the document names no reason for:\n" + "\n".join(unnamed)
    )
    assert len(inside) <= MAX_FUNCTION_LEVEL, f"{len(inside)} imports between apps inside functions"
    stale = {
        (path, app)
        for path, apps in allowed.items()
        for app in apps
        if not any(i.path == path and i.target_app == app for i in inside)
    }
    assert not stale, f"the document names function-level imports that are gone: {sorted(stale)}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from aksalarasa.programs.models import Program\n", ["aksalarasa.programs.models"]),
        ("def f():\n    import aksalarasa.events.selectors\n", ["aksalarasa.events.selectors"]),
        ("if TYPE_CHECKING:\n    from aksalarasa.evidence import stats\n", ["aksalarasa.evidence"]),
    ],
)
def test_the_reader_sees_every_kind_of_import(tmp_path, monkeypatch, source, expected):
    """The reader itself: module-level, function-level and type-only imports are all seen."""
    app = tmp_path / "aksalarasa" / "clients"
    app.mkdir(parents=True)
    (app / "x.py").write_text(source)
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    monkeypatch.setattr(f"{__name__}.PACKAGE", tmp_path / "aksalarasa")
    found = _imports(app / "x.py")
    assert [i.target for i in found] == expected
    assert [i.in_function for i in found] == ["def" in source]
