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
        if entry.msgid in PLURAL and not any(entry.msgstr_plural.values()):
            entry.msgstr_plural = dict(enumerate(PLURAL[entry.msgid]))
            filled += 1
    elif not entry.msgstr and entry.msgid in T:
        entry.msgstr = T[entry.msgid]
        filled += 1
    if "fuzzy" in entry.flags and entry.msgstr:
        entry.flags.remove("fuzzy")
po.save()
missing = [e.msgid for e in po if not (e.msgstr or any(e.msgstr_plural.values()))]
print(f"filled {filled}; still untranslated {len(missing)}")
