"""Optimistic version checks: concurrent edits never silently overwrite each other."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class StaleVersion(Exception):
    """Raised when a record changed after the editor loaded it."""

    message = _(
        "Someone else changed this record while you were editing it. Reload the page to see their "
        "change, then make yours again."
    )


def save_versioned_form(
    request: HttpRequest, form: BaseForm, save: Callable[..., object], *, success: str
) -> bool:
    """Call `save(data=..., expected_version=...)` with a valid form's data; True when it saved.

    The shared shape of every versioned edit view: an invalid form or a stale version (turned into a
    form error that the re-rendered page shows) returns False; a save queues the `success` message.
    """
    if not form.is_valid():
        return False
    try:
        save(data=form.cleaned_data, expected_version=form.cleaned_data.get("version") or 0)
    except StaleVersion as exc:
        form.add_error(None, exc.message)
        return False
    messages.success(request, success)
    return True
