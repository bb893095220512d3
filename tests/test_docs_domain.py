"""docs/domain.md's glossary names the models the code has: every class name it quotes exists."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps

GLOSSARY = Path(__file__).resolve().parent.parent / "docs" / "domain.md"


def test_every_model_the_glossary_names_exists():
    glossary = GLOSSARY.read_text(encoding="utf-8").split("## Roles")[0]
    named = set(re.findall(r"`([A-Z][A-Za-z]+)[.`]", glossary))
    models = {model.__name__ for model in apps.get_models()}
    assert {"SentenceOrder", "ConditionCheck", "SentenceLetter"} <= named  # the supervision sentence's
    assert not named - models, f"docs/domain.md names models that do not exist: {sorted(named - models)}"
