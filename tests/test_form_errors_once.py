"""Every error message is printed once: beside its field, or above the form, never both and never
twice (issue 17, item 16). The field partial and the form-level list share one helper
(`core.forms.field_errors` / `form_level_errors`); a hidden field's error is printed above the form
instead of being lost.

The crawl test walks the demo as each staff role, submits every form it finds with bad input
(empty fields, then nonsense in every field) and reads each answer."""

from __future__ import annotations

import collections
import re
from urllib.parse import urljoin

import lxml.html
import pytest
from django import forms
from django.template.loader import render_to_string

from aksalarasa.accounts.models import User
from aksalarasa.core.forms import apply_errors, field_errors, form_level_errors
from aksalarasa.seeding.demo import load_demo

STAFF = ["tim.program", "pk.putu", "kasi.bkd", "kabapas.dps", "admin.dps", "mitra.gerasa"]
# Forms that end the session, switch language or remove a row: submitting them with bad input
# proves nothing about error messages and would cut the walk short. Files (PDF, DOCX, XLSX, CSV)
# have no forms to read.
SKIP = ("logout", "set-language", "/i18n/", "delete", "remove", "/static/", "/media/", "download", "export")
FILES = (".pdf", ".docx", ".xlsx", ".csv")
PAGES_PER_PATTERN = 2
MAX_PAGES = 160


class _Sample(forms.Form):
    name = forms.CharField(label="Name")
    when = forms.DateField(label="When")
    version = forms.IntegerField(widget=forms.HiddenInput)


def _shown(html: str) -> list[str]:
    return [li.text_content().strip() for li in lxml.html.fromstring(html).xpath("//li")]


def test_a_message_on_the_field_and_above_the_form_is_printed_once():
    form = _Sample(data={"name": "", "when": "2026-01-01", "version": "1"})
    assert not form.is_valid()
    required = form.errors["name"][0]
    form.add_error(None, required)  # a view adds the field's own message to the form as well
    apply_errors(form, forms.ValidationError({"name": [required]}))  # and a service finds it too
    html = render_to_string("core/_form.html", {"form": form})
    assert _shown(html).count(required) == 1
    assert field_errors(form["name"]) == [required]
    assert form_level_errors(form) == []


def test_a_hidden_fields_error_is_printed_above_the_form():
    form = _Sample(data={"name": "Wayan", "when": "2026-01-01", "version": "x"})
    assert not form.is_valid()
    html = render_to_string("core/_form.html", {"form": form})
    (shown,) = _shown(html)
    assert shown.startswith("Version: ")
    assert str(form.errors["version"][0]) in shown


def _duplicates(html: str) -> list[tuple]:
    """Per form: a message printed twice for one field, or beside a field and above the form."""
    if not html.strip():
        return []
    problems = []
    for form in lxml.html.fromstring(html).iter("form"):
        counts: collections.Counter = collections.Counter()
        for li in form.xpath(".//ul[contains(concat(' ', @class, ' '), ' errorlist ')]/li"):
            where = None
            for ancestor in li.iterancestors():
                if ancestor.tag == "form":
                    break
                if "field" in (ancestor.get("class") or "").split() or ancestor.tag == "fieldset":
                    names = ancestor.xpath(".//input/@name|.//select/@name|.//textarea/@name")
                    where = tuple(sorted(set(names)))
                    break
            counts[li.text_content().strip(), where] += 1
        places = collections.defaultdict(list)
        for (message, where), n in counts.items():
            if n > 1:
                problems.append(("twice in one place", message, where))
            places[message].append(where)
        for message, wheres in places.items():
            if None in wheres and len(wheres) > 1:
                problems.append(("beside a field and above the form", message, wheres))
    return problems


def _forms(html: str, url: str) -> list[tuple[str, dict[str, str], bool]]:
    out = []
    for form in lxml.html.fromstring(html).iter("form"):
        if (form.get("method") or "").lower() != "post":
            continue
        action = urljoin(url, form.get("action") or url)
        fields: dict[str, str] = {}
        for element in form.xpath(".//input|.//select|.//textarea"):
            name, kind = element.get("name"), (element.get("type") or "text").lower()
            if not name or kind in ("submit", "button", "file"):
                continue
            fields[name] = element.get("value", "") if kind == "hidden" else ""
        out.append((action, fields, bool(form.get("hx-post"))))
    return out


def _pattern(url: str) -> str:
    return re.sub(r"\d+", "N", url)


@pytest.mark.django_db
def test_every_staff_form_prints_each_error_once(client):
    load_demo()
    submitted = 0
    with_errors = 0
    problems = []
    # A form (its URL pattern and fields) is submitted once, by the first role that finds it: the
    # error messages come from the form, not from who sends it.
    forms_seen: set[tuple] = set()
    for username in STAFF:
        client.force_login(User.objects.get(username=username))
        queue, seen, per_pattern = ["/"], set(), collections.Counter()
        while queue and len(seen) < MAX_PAGES:
            url = queue.pop(0).split("#")[0]
            skipped = any(s in url for s in SKIP) or url.split("?")[0].endswith(FILES)
            if url in seen or skipped or per_pattern[_pattern(url)] >= PAGES_PER_PATTERN:
                continue
            seen.add(url)
            per_pattern[_pattern(url)] += 1
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode()
            doc = lxml.html.fromstring(html)
            for href in doc.xpath("//a/@href"):
                if href.startswith(("/", "?")):
                    queue.append(urljoin(url, href))
            for action, fields, htmx in _forms(html, url):
                key = (_pattern(action.split("?")[0]), tuple(sorted(fields)))
                if key in forms_seen or any(s in action for s in SKIP):
                    continue
                forms_seen.add(key)
                headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
                for fill in ("", "zz-bad"):
                    data = {
                        name: value if (value or name == "csrfmiddlewaretoken") else fill
                        for name, value in fields.items()
                    }
                    answer = client.post(action, data, HTTP_REFERER=url, **headers)
                    submitted += 1
                    body = answer.content.decode(errors="replace")
                    if 'class="errorlist' in body:
                        with_errors += 1
                    problems += [(username, action, fill, *p) for p in _duplicates(body)]
    assert not problems, "\n".join(map(str, problems))
    # The walk reached the forms: dozens of submissions, most of them refused with messages.
    assert submitted > 100, submitted
    assert with_errors > 50, with_errors
