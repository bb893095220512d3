"""A scope that fails closed: office-owned rows are read only inside an active scope.

Every model that has an ``office`` foreign key, or reaches one through foreign keys, gets managers
that refuse to run without a scope (``ScopeError``, naming the model). Inside a person's scope a
query only ever returns rows of the offices that person may reach (own office; a regional viewer:
the offices of the region; national viewers: every office), so a view that forgets its
``visible_to(user)`` still cannot show another office's rows. ``visible_to`` stays the finer rule
(section, caseload, partner); the scope is the net under it.

- ``activate(user)`` / ``user_scope(user)``: the request's person (``ScopeMiddleware``, the API's
  token check, the scanner fast path).
- ``unscoped(reason="...")``: an explicit, named block (context manager or decorator) for
  management commands, the demo loader, the generator, summaries, anonymous pages that read one
  published event on purpose, and test bodies. The reason is required.

Related-object access and deletion go through Django's ``_base_manager``, which stays unscoped
(as in pretix's django-scopes): ``registration.event`` of a row already read in scope works.
Core knows no domain app: which offices a person reaches comes from ``register_office_rule``
(accounts registers it), and the scoped models are found by walking the app registry.
"""

from __future__ import annotations

import contextvars
import copy
import functools
from collections.abc import Callable, Iterator
from contextlib import ContextDecorator, contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.db.models.manager import ManagerDescriptor
from django.db.models.sql import Query


class ScopeError(RuntimeError):
    """An office-owned model was read with no active scope."""


@dataclass(frozen=True)
class OfficeRule:
    """The offices a person may reach: every office, or these offices and these regions' offices."""

    everything: bool = False
    office_ids: tuple[int, ...] = ()
    region_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Scope:
    rule: OfficeRule | None  # None: unscoped (a named, deliberate block)
    reason: str = ""
    label: str = field(default="")


_current: contextvars.ContextVar[Scope | None] = contextvars.ContextVar("aksalarasa_scope", default=None)
_office_rule: list[Callable[[Any], OfficeRule]] = []

# Models with an office path that are nevertheless read without a scope, each with its reason.
GLOBAL_MODELS: dict[str, str] = {
    "offices.Region": "the country's regions: public reference data",
    "offices.RegionalOffice": "regional offices: reference data every page names",
    "offices.Office": "the offices themselves: the scope is expressed in them",
    "offices.HistoricalRegionalOffice": "history of reference data",
    "offices.HistoricalOffice": "history of reference data",
    "offices.HistoricalOffice_work_area": "history of reference data",
    "accounts.User": "login, the session and the auth backends read the person before any scope exists",
    "accounts.HistoricalUser": "history of accounts (read only by the account's own history page)",
    "accounts.ApiToken": "the API's token check finds the person before the scope exists",
    "dashboards.SummaryState": "one row saying when the figures were last refreshed; no office data",
    "core.LookupCount": "the look-up rate limits' counters: a keyed hash of a person or address and a count, no office data",
}
# Foreign keys to these models end the walk (the office itself) or are not followed.
_STOP = {"offices.Office", "offices.Region", "offices.RegionalOffice"}

SCOPED_MODELS: dict[str, str] = {}  # model label -> the lookup path to its office


def register_office_rule(rule: Callable[[Any], OfficeRule]) -> None:
    """The accounts app tells core which offices a person reaches (core imports no domain app)."""
    _office_rule[:] = [rule]


def current() -> Scope | None:
    return _current.get()


def activate(user: Any) -> contextvars.Token[Scope | None]:
    """Make ``user``'s scope the active one; returns a token for ``deactivate``."""
    if user is None or not getattr(user, "is_authenticated", False) or not _office_rule:
        rule = OfficeRule()  # anonymous: no office at all
    else:
        rule = _office_rule[0](user)
    return _current.set(Scope(rule=rule, label=f"user {getattr(user, 'pk', None)}"))


def deactivate(token: contextvars.Token[Scope | None]) -> None:
    _current.reset(token)


@contextmanager
def user_scope(user: Any) -> Iterator[None]:
    token = activate(user)
    try:
        yield
    finally:
        deactivate(token)


class unscoped(ContextDecorator):  # noqa: N801 - reads like a block: `with unscoped(reason=...)`
    """Read office data with no office restriction, for a named reason (required, non-empty)."""

    def __init__(self, reason: str) -> None:
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError("unscoped() needs a reason")
        self.reason = reason
        self._tokens: list[contextvars.Token[Scope | None]] = []

    def __enter__(self) -> unscoped:
        self._tokens.append(_current.set(Scope(rule=None, reason=self.reason)))
        return self

    def __exit__(self, *exc: object) -> None:
        _current.reset(self._tokens.pop())


def _condition(model: type[models.Model], label: str) -> Q | None:
    """The filter the active scope puts on ``model`` (None: no filter); raises with no scope."""
    path = SCOPED_MODELS[label]
    scope = _current.get()
    if scope is None:
        raise ScopeError(
            f"{label} was read with no active scope: read it in a request, or inside "
            f'aksalarasa.core.scoping.unscoped(reason="...") when no person is behind the read.'
        )
    rule = scope.rule
    if rule is None or rule.everything:
        return None
    parts = []
    if rule.office_ids:
        parts.append(Q(**{f"{path}__in": rule.office_ids}))
    if rule.region_ids:
        parts.append(Q(**{f"{path}__regional_office_id__in": rule.region_ids}))
    if _nullable(model, path):
        parts.append(Q(**{f"{path}__isnull": True}))
    if not parts:
        return Q(pk__in=[])  # no office at all: nothing
    condition = parts[0]
    for part in parts[1:]:
        condition |= part
    return condition


def _scoped_query(query: Query) -> Query:
    """A plain copy of a deferred query with the active scope's filter added (at SQL time)."""
    plain = query.clone()
    plain.__class__ = Query
    if plain.combinator:
        return plain  # a union's parts are scoped queries themselves
    base = next(iter(plain.alias_map), None)  # not Query.base_table: a cached property, None if unset
    if plain.subquery and base is not None and plain.alias_refcount.get(base, 1) == 0:
        # The inner query of an exclude() across a relation (Query.split_exclude): a copy of the
        # outer, scoped query with its own table trimmed away; a filter here would re-add the
        # trimmed table without a join. The outer query carries the scope.
        return plain
    model: Any = plain.model
    condition = _condition(model, model._meta.label)
    if condition is not None:
        plain.add_q(condition)
    return plain


class DeferredScopeQuery(Query):
    """The query of every scoped queryset: the scope is checked, and its filter added, when the
    SQL is compiled, so it runs only inside a scope, and in the scope active at that moment."""

    def get_compiler(self, using: Any = None, connection: Any = None, elide_empty: bool = True) -> Any:
        return _scoped_query(self).get_compiler(using, connection, elide_empty)


class _DeferredScopeQuerySetMixin:
    """Writes by query (update, delete) resolve the scope first: a plain UpdateQuery would drop it."""

    def _resolve_scope(self) -> None:
        queryset: Any = self
        if isinstance(queryset.query, DeferredScopeQuery):
            queryset.query = _scoped_query(queryset.query)

    def update(self, **kwargs: Any) -> int:
        self._resolve_scope()
        return super().update(**kwargs)  # type: ignore[misc]

    def _update(self, values: Any) -> Any:
        self._resolve_scope()
        return super()._update(values)  # type: ignore[misc]

    def delete(self) -> Any:
        self._resolve_scope()
        return super().delete()  # type: ignore[misc]

    def _raw_delete(self, using: Any) -> Any:
        self._resolve_scope()
        return super()._raw_delete(using)  # type: ignore[misc]


_deferred_classes: dict[type, type] = {}


def scope_filter(model: type[models.Model], queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """Mark ``queryset`` so the scope is checked, and its filter added, when its SQL is compiled.

    Always deferred, never applied when the queryset is built: a queryset built at import time
    (a ModelForm's choices, built while the first request's URLconf loads) must take the scope of
    each request that runs it, not the scope that happened to be active when it was built.
    """
    if model._meta.label not in SCOPED_MODELS:
        return queryset
    cls = type(queryset)
    if not issubclass(cls, _DeferredScopeQuerySetMixin):
        if cls not in _deferred_classes:
            _deferred_classes[cls] = type(f"Scoped{cls.__name__}", (_DeferredScopeQuerySetMixin, cls), {})
        queryset.__class__ = _deferred_classes[cls]
    queryset.query.__class__ = DeferredScopeQuery
    return queryset


@functools.cache
def _nullable(model: type[models.Model], path: str) -> bool:
    current_model: Any = model
    for name in path.split("__"):
        fld = current_model._meta.get_field(name)
        if fld.null:
            return True
        current_model = fld.related_model
    return False


class ScopedManagerMixin:
    """Placed in front of a model's own manager class: ``get_queryset`` applies the scope."""

    def get_queryset(self) -> models.QuerySet[Any]:
        queryset = super().get_queryset()  # type: ignore[misc]
        return scope_filter(self.model, queryset)  # type: ignore[attr-defined]


_scoped_classes: dict[type, type] = {}


def _scoped_class(cls: type) -> type:
    if issubclass(cls, ScopedManagerMixin):
        return cls
    if cls not in _scoped_classes:
        _scoped_classes[cls] = type(f"Scoped{cls.__name__}", (ScopedManagerMixin, cls), {})
    return _scoped_classes[cls]


def office_path(model: type[models.Model]) -> str | None:
    """The shortest chain of foreign keys from ``model`` to an office, e.g. ``event__office``."""
    frontier: list[tuple[Any, list[str]]] = [(model, [])]
    seen = {model}
    while frontier:
        next_frontier: list[tuple[Any, list[str]]] = []
        for current_model, chain in frontier:
            for fld in current_model._meta.get_fields():
                if not (fld.concrete and (fld.many_to_one or fld.one_to_one) and fld.related_model):
                    continue
                target = fld.related_model
                if target._meta.label == "offices.Office":
                    if fld.name == "office":
                        return "__".join([*chain, fld.name])
                    continue
                if target in seen or target._meta.label in _STOP:
                    continue
                if not target.__module__.startswith("aksalarasa."):
                    continue
                seen.add(target)
                next_frontier.append((target, [*chain, fld.name]))
        frontier = next_frontier
    return None


def install() -> None:
    """Give every office-owned model of ours scoped managers (called once, from core's ready())."""
    for model in apps.get_models():
        if not model.__module__.startswith("aksalarasa.") or model._meta.label in GLOBAL_MODELS:
            continue
        path = office_path(model)
        if path is None:
            continue
        SCOPED_MODELS[model._meta.label] = path
        opts: Any = model._meta
        new_managers = []
        for manager in opts.managers:
            scoped = copy.copy(manager)
            scoped.__class__ = _scoped_class(type(manager))
            scoped.model = model
            new_managers.append(scoped)
            setattr(model, manager.name, ManagerDescriptor(scoped))
        opts.local_managers = new_managers
        opts._expire_cache()
