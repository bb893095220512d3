"""The request type of pages behind login and of the API (its authentication runs first)."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from aksalarasa.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request whose user signed in (`login_required`, the API's authentication): a staff
    account, never the anonymous user. Also the htmx details django-htmx's middleware adds."""

    user: User
    htmx: HtmxDetails
