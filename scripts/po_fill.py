"""Fill empty msgstr entries of the Indonesian catalogue from a Python mapping file.

Usage: .venv/bin/python scripts/po_fill.py MAPPING.py   (the file defines T = {msgid: msgstr} and
optionally PLURAL = {msgid: [msgstr[0], ...]}). Existing translations are kept.
"""

import runpy
import sys

import polib

mapping = runpy.run_path(sys.argv[1])
T, PLURAL = mapping.get("T", {}), mapping.get("PLURAL", {})
po = polib.pofile("locale/id/LC_MESSAGES/django.po")
filled = 0
for entry in po:
    if entry.msgid_plural:
        if entry.msgid in PLURAL and (not any(entry.msgstr_plural.values()) or "fuzzy" in entry.flags):
            entry.msgstr_plural = dict(enumerate(PLURAL[entry.msgid]))
            filled += 1
    elif entry.msgid in T and (not entry.msgstr or "fuzzy" in entry.flags):
        entry.msgstr = T[entry.msgid]
        filled += 1
    # A fuzzy entry is makemessages' guess from a similar string, usually wrong: it is replaced
    # from the mapping above, or stays fuzzy (tests/test_translations.py then fails), never
    # silently accepted.
    if "fuzzy" in entry.flags and (entry.msgid in T or entry.msgid in PLURAL):
        entry.flags.remove("fuzzy")
        entry.previous_msgid = None
        entry.previous_msgid_plural = None
po.save()
missing = [e.msgid for e in po if not (e.msgstr or any(e.msgstr_plural.values()))]
fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
print(f"filled {filled}; still untranslated {len(missing)}; fuzzy guesses to translate {len(fuzzy)}")
for msgid in fuzzy:
    print(f"  fuzzy: {msgid[:100]!r}")
