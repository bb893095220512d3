"""Every file the README and docs/ cite exists in the repository (a fresh clone), and a pattern
such as `tests/test_*scoping*.py` names files that exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "bench" / "RESULTS.md"]
# Made when the software runs, not kept in git.
GENERATED = ("var/", ".venv/")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
CODE = re.compile(r"`([^`\s]+)`")
# What reads as a file path in a code span: a folder and a name (a bare `services.py` names a
# kind of module, not a file).
PATHLIKE = re.compile(r"^(?:[\w.*-]+/)+[\w.*-]*$")


def cited(text: str) -> set[str]:
    paths = {m for m in LINK.findall(text) if "://" not in m and not m.startswith("mailto:")}
    for token in CODE.findall(text):
        token = token.rstrip(".,:;)")
        if token.startswith(("/", "http", "-", "$", "~")) or "=" in token or "<" in token:
            continue  # a URL path, an option or a placeholder, not a file
        if PATHLIKE.match(token):
            paths.add(token)
    return {p for p in paths if not p.startswith(GENERATED)}


def missing(doc: Path) -> list[str]:
    gone = []
    for path in sorted(cited(doc.read_text(encoding="utf-8"))):
        bases = [ROOT, doc.parent]
        if "*" in path:
            if not any(list(base.glob(path)) for base in bases):
                gone.append(path)
        elif not any((base / path).exists() for base in bases):
            gone.append(path)
    return gone


def test_every_cited_path_exists():
    problems = {doc.relative_to(ROOT).as_posix(): missing(doc) for doc in DOCS if doc.exists()}
    assert not {doc: gone for doc, gone in problems.items() if gone}


def test_paths_are_seen_and_checked(tmp_path):
    """The reader: links, code spans with a folder, file names and patterns are checked."""
    doc = tmp_path / "README.md"
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a_scoping.py").write_text("")
    doc.write_text(
        "See [the guide](docs/guide.md), `tests/test_*scoping*.py`, `tests/test_gone_*.py`, "
        "[run](manage.py), `services.py`, `/api/v1/` and `var/secret_key` and [site](https://example.org)."
    )
    assert cited(doc.read_text()) == {
        "docs/guide.md",
        "tests/test_*scoping*.py",
        "tests/test_gone_*.py",
        "manage.py",
    }
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert missing(doc) == ["docs/guide.md", "manage.py", "tests/test_gone_*.py"]
    finally:
        ROOT = saved
