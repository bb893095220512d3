"""The Indonesian catalogue is complete, safe to format, compiled, and actually used by the pages.

The UI language is Bahasa Indonesia by default; source strings are English. These tests read
locale/id/LC_MESSAGES/django.po with polib, so they fail as soon as someone adds a string without
translating it, leaves a fuzzy guess from makemessages, or drops a placeholder in a translation
(a missing %(name)s raises KeyError at runtime; an extra one shows raw text to the user).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

PO_PATH = Path(settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# %(name)s, %s, %d and the other conversions Python's %-formatting accepts, plus the literal %%.
PYTHON_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdirfeEgGxXoc%]")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
SHOW = 15  # how many offenders to name in a failure message


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    assert PO_PATH.exists(), f"{PO_PATH} is missing"
    return polib.pofile(str(PO_PATH))


def _label(entry: polib.POEntry) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:1])
    return f"{entry.msgid!r} ({where})"


def _translations(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source, translation) pairs to compare; with nplurals=1 the one form answers the plural."""
    if entry.msgid_plural:
        return [(entry.msgid_plural, text) for _, text in sorted(entry.msgstr_plural.items())]
    return [(entry.msgid, entry.msgstr)]


def _is_translated(entry: polib.POEntry) -> bool:
    return all(text.strip() for _, text in _translations(entry))


def _placeholders(text: str) -> Counter[str]:
    return Counter(PYTHON_PLACEHOLDER.findall(text))


def _fail(problem: str, offenders: list[str]) -> None:
    shown = "\n  ".join(offenders[:SHOW])
    more = f"\n  … and {len(offenders) - SHOW} more" if len(offenders) > SHOW else ""
    pytest.fail(
        f"{len(offenders)} {problem}:\n  {shown}{more}\n"
        "Run makemessages, translate in locale/id/LC_MESSAGES/django.po, then compilemessages."
    )


def test_catalogue_header_declares_indonesian_with_one_plural_form(catalogue):
    assert catalogue.metadata.get("Language") == "id"
    assert catalogue.metadata.get("Plural-Forms", "").replace(" ", "").startswith("nplurals=1;")
    assert "charset=UTF-8" in catalogue.metadata.get("Content-Type", "")


def test_catalogue_is_not_trivially_small(catalogue):
    # A truncated or accidentally regenerated catalogue would make the other checks pass vacuously.
    assert len(catalogue) > 1000


def test_every_entry_is_translated(catalogue):
    offenders = [_label(e) for e in catalogue if not e.obsolete and not _is_translated(e)]
    if offenders:
        _fail("untranslated entries", offenders)


def test_no_entry_is_fuzzy(catalogue):
    # makemessages marks a new string fuzzy when it guesses from a similar one; the guess is often
    # wrong (e.g. "Open concerns" from "Open"), and Django silently ignores fuzzy entries.
    offenders = [_label(e) for e in catalogue if not e.obsolete and "fuzzy" in e.flags]
    if offenders:
        _fail("fuzzy entries (translate them, then remove the fuzzy flag)", offenders)


def test_translations_keep_the_python_placeholders_of_their_source(catalogue):
    offenders = []
    for entry in catalogue:
        if entry.obsolete or "python-format" not in entry.flags:
            continue
        for source, text in _translations(entry):
            if text and _placeholders(source) != _placeholders(text):
                offenders.append(
                    f"{_label(entry)}: source has {sorted(_placeholders(source).elements())}, "
                    f"translation {text!r} has {sorted(_placeholders(text).elements())}"
                )
    if offenders:
        _fail("translations whose placeholders differ from the source", offenders)


def test_named_placeholders_are_kept_even_without_the_python_format_flag(catalogue):
    # Template strings ({% blocktranslate %}) are not always flagged; a lost %(name)s still breaks.
    named = re.compile(r"%\([^)]+\)[sd]")
    offenders = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        for source, text in _translations(entry):
            if text and Counter(named.findall(source)) != Counter(named.findall(text)):
                offenders.append(f"{_label(entry)} -> {text!r}")
    if offenders:
        _fail("translations that lose or add a named placeholder", offenders)


def test_translations_keep_html_tags_and_edge_whitespace(catalogue):
    offenders = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        for source, text in _translations(entry):
            if not text:
                continue
            if Counter(HTML_TAG.findall(source)) != Counter(HTML_TAG.findall(text)):
                offenders.append(f"{_label(entry)}: HTML tags differ in {text!r}")
            if source[:1].isspace() != text[:1].isspace() or source[-1:].isspace() != text[-1:].isspace():
                offenders.append(f"{_label(entry)}: leading/trailing whitespace differs in {text!r}")
    if offenders:
        _fail("translations that change markup or surrounding whitespace", offenders)


def test_compiled_catalogue_is_in_step_with_the_po_file(catalogue):
    """Django reads the .mo file, not the .po: a stale one shows English for new strings."""
    assert MO_PATH.exists(), f"{MO_PATH} is missing: run manage.py compilemessages"
    offenders = []
    with translation.override("id"):
        for entry in catalogue:
            if entry.obsolete or not _is_translated(entry):
                continue
            if entry.msgid_plural:
                got = translation.ngettext(entry.msgid, entry.msgid_plural, 2)
                expected = entry.msgstr_plural[0]
            elif entry.msgctxt:
                got, expected = translation.pgettext(entry.msgctxt, entry.msgid), entry.msgstr
            else:
                got, expected = translation.gettext(entry.msgid), entry.msgstr
            if got != expected:
                offenders.append(f"{_label(entry)}: Django gives {got!r}, the .po says {expected!r}")
    if offenders:
        _fail("entries where the compiled catalogue differs from the .po file", offenders)


@pytest.mark.django_db
def test_login_page_is_indonesian_even_for_an_english_browser(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    page = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "id"
    assert "Masuk ke Aksalarasa" in page
    assert "Kata sandi" in page
    assert "Log in to Aksalarasa" not in page
    assert "Password" not in page


@pytest.mark.django_db
def test_officer_caseload_page_is_indonesian(users_a, login):
    officer = users_a["officer"]
    client = login(officer)
    response = client.get(reverse("guidance:caseload"), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Klien binaan saya" in page
    for english in ("My caseload", "Sort and filter", "No clients are assigned yet."):
        assert english not in page, f"{english!r} is shown untranslated on the caseload page"


def test_every_string_the_code_marks_for_translation_is_in_the_catalogue(catalogue):
    """xgettext misses strings that the code still translates at run time: a gettext call inside an
    f-string, or gettext_lazy imported under another alias (`_lazy`). Such a string shows in English
    in the Indonesian UI while the catalogue looks complete. Read every call with `ast` instead."""
    import ast

    names = {"_", "gettext", "gettext_lazy", "gettext_noop", "_lazy", "pgettext", "pgettext_lazy"}
    msgids = {entry.msgid for entry in catalogue}
    missing = []
    for path in sorted((Path(settings.BASE_DIR) / "aksalarasa").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names):
                continue
            args = node.args[1:] if node.func.id.startswith("pgettext") else node.args
            if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                if args[0].value not in msgids:
                    missing.append(f"{path.relative_to(settings.BASE_DIR)}:{node.lineno} {args[0].value!r}")
    assert not missing, "Marked in the code but missing from the catalogue (run makemessages):\n" + "\n".join(
        missing[:SHOW]
    )
