"""The form renderer (settings.FORM_RENDERER): Django's, with the select box written in Python.

Django renders a <select> through a template per option and another for each option's
attributes: a filter form with the office's 80 officers renders 160 templates, about a quarter of
the client list's CPU (bench/profiles). This renderer writes the same HTML, byte for byte and
escaped the same way, from the same widget context (tests/test_form_renderer.py compares the two
on every kind of select); any other widget, or a select whose options use another template, goes
through Django's templates as before.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _text(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: the value as text, escaped unless it was already safe."""
    text = "%s" % value  # noqa: UP031 - exactly what the stringformat filter does
    return str(conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text))


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(
            f" {conditional_escape(name)}"
            if value is True
            else f' {conditional_escape(name)}="{_text(value)}"'
        )
    return "".join(out)


def render_select(widget: dict[str, Any]) -> SafeString:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


class Renderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT:
            widget = context["widget"]
            if all(o["template_name"] == OPTION for _g, options, _i in widget["optgroups"] for o in options):
                return render_select(widget)
        return super().render(template_name, context, request=request)
