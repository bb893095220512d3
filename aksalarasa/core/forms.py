"""The one place form errors cross between services, pages and the API."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _


def apply_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form it came from: a field's message beside the
    field, anything else (or a field the form does not have) above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _as_text(value: Any) -> str:
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, str | int | float | Decimal):
        return str(value)
    return json.dumps(value, default=str)  # a nested object or array: its JSON text (never valid input)


def json_form_data(values: Mapping[str, Any], prefix: str = "") -> QueryDict:
    """A JSON payload as the data a browser would post, so that the API validates with the pages'
    forms: every value is text, a true boolean is "on" and a false one is left out (an unchecked
    box), null is left out, an array is a multi-valued field. Django's fields expect text: a date
    field given the number 18429 called `.strip()` on it and answered 500."""
    data = QueryDict(mutable=True)
    for name, value in values.items():
        key = f"{prefix}-{name}" if prefix else str(name)
        if value is None or value is False:
            continue
        if value is True:
            data[key] = "on"
        elif isinstance(value, list | tuple):
            data.setlist(key, [_as_text(v) for v in value if v is not None])
        else:
            data[key] = _as_text(value)
    return data


def form_errors(form: forms.BaseForm) -> ValidationError:
    """A form's errors as the ValidationError the API answers with 422 (the pages and the API
    validate with the same forms)."""
    return ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})


def valid_data(form: forms.BaseForm) -> dict[str, Any]:
    """A valid form's cleaned data; otherwise the API's 422 with the form's errors, field by field."""
    if not form.is_valid():
        raise form_errors(form)
    return form.cleaned_data


def label_options(field: forms.Field, label: Callable[[Any], str]) -> None:
    """Label each option of a model choice field with `label(obj)` rather than `str(obj)`."""
    # Django's documented way is to replace label_from_instance; the stubs see a method.
    cast(forms.ModelChoiceField, field).label_from_instance = label  # type: ignore[method-assign,assignment]


def choose_one(choices: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Choices for a demographic or role field that must never have a silent default: an empty
    first option ("Choose...") so that whoever skips the field is told, not counted in a group."""
    return [("", _("Choose...")), *choices]


def _unique(messages: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for message in messages:
        if message not in seen:
            seen.append(message)
    return seen


def field_errors(field: forms.BoundField) -> list[str]:
    """A field's messages, each once: a form's `clean()` and a service may both find the same
    problem (`apply_errors` adds the service's message to the field the form already marked)."""
    return _unique(str(e) for e in field.errors)


def form_level_errors(form: forms.BaseForm) -> list[str]:
    """The messages printed above a form, each once: its non-field errors and the errors of its
    hidden fields (a hidden field has no place to show them, so they would be lost), without a
    message that is already printed beside a visible field."""
    beside_fields = {str(e) for field in form.visible_fields() for e in field.errors}
    hidden = []
    for field in form.hidden_fields():
        for error in field.errors:
            hidden.append(_("%(field)s: %(error)s") % {"field": field.label or field.name, "error": error})
    return [
        m for m in _unique([*(str(e) for e in form.non_field_errors()), *hidden]) if m not in beside_fields
    ]
