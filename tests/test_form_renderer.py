"""The select boxes written in Python are Django's, byte for byte, escaping included."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from aksalarasa.core.form_renderer import Renderer

CHOICES = [
    ("", "All"),
    (1, "Ayu <Putri> & co"),
    ('a"b', mark_safe("<b>safe</b>")),
    ("Group 'one'", [("x", "X"), ("y", "Y &")]),
    (None, "none"),
]


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=CHOICES, required=False)
    typed = forms.TypedChoiceField(choices=[(1, "one"), (2, "two")], coerce=int)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    attrs = forms.ChoiceField(
        choices=CHOICES,
        widget=forms.Select(attrs={"class": 'a"b', "disabled": True, "hidden": False, "data-x": 3}),
    )


@pytest.mark.parametrize(
    "data",
    [None, {"plain": "1", "typed": "2", "many": ["x", 'a"b'], "attrs": "y"}, {"plain": "<nope>"}],
)
def test_every_select_renders_as_djangos_templates_do(data):
    fast = Sample(data=data, renderer=Renderer())
    slow = Sample(data=data, renderer=DjangoTemplates())
    for name in Sample.base_fields:
        assert str(fast[name]) == str(slow[name]), name
    assert "<select" in str(fast["plain"]) and "&lt;Putri&gt; &amp; co" in str(fast["plain"])
    assert "<b>safe</b>" in str(fast["plain"])  # a label already marked safe is not escaped again


def test_the_project_renders_forms_with_it():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), Renderer)
