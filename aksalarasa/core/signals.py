"""Signals core sends and higher apps receive (core imports no domain app; docs/architecture.md)."""

from django.dispatch import Signal

# A signed-in person chose a language (kwargs: user, language); accounts keeps it on the account.
language_chosen = Signal()
