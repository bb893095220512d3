"""The REST API at /api/v1/ (django-ninja). OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs.

Every endpoint authenticates (a personal bearer token or the browser session), reads through the
same selectors and `visible_to(user)` as the UI, and validates writes with the same forms.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from aksalarasa.accounts.services import api_token_authenticate
from aksalarasa.core import scoping
from aksalarasa.core.concurrency import StaleVersion
from aksalarasa.core.lookups import TooManyLookups, too_many_message
from config.openapi import document_error_answers


class PersonalToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        if not token or len(token) > 200:
            return None
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
            # The middleware saw an anonymous request: the token's owner scopes the rest of it.
            scoping.activate(user)
            # The session middleware saw no user: answer in the token owner's language, as the UI does.
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return user


class BrowserSession(SessionAuth):
    """The browser's session, held to the same policy as the pages (SecondFactorMiddleware).

    A person whose office requires two-factor login for their role must have passed it in this
    session, and a person whose password an administrator reset must first choose a new one;
    otherwise the API answers 401 as if there were no session. A personal token is a separate
    credential (created in a session that met these rules) and is not affected.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None  # no session to protect from cross-site requests: 401, not a CSRF 403
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None):
        user = request.user
        if not user.is_authenticated or user.must_change_password:
            return None
        if user.needs_second_factor and not getattr(user, "is_verified", lambda: False)():
            return None
        return user


class Api(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The document, with the error answers every operation shares (config/openapi.py)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_error_answers(schema)
        return schema


api = Api(
    title="Aksalarasa API",
    version="1",
    description="Clients, guidance, partners, programs and evidence for Indonesian probation offices.",
    auth=[PersonalToken(), BrowserSession()],
    docs_url="/docs",
    urls_namespace="api",
)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or _("Not allowed.")}, status=403)


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(
        request, {"detail": _("Authentication required: send a personal token.")}, status=401
    )


@api.exception_handler(NinjaValidationError)
def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": _("Invalid input."), "errors": exc.errors}, status=422)


@api.exception_handler(ValidationError)
def invalid_data(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": _("Invalid data."), "errors": errors}, status=422)


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A number too large for the database (e.g. an id of 40 digits): the input is wrong, not the server."""
    return api.create_response(request, {"detail": _("A number in the request is out of range.")}, status=422)


@api.exception_handler(StaleVersion)
def conflict(request: HttpRequest, exc: StaleVersion) -> HttpResponse:
    return api.create_response(request, {"detail": str(StaleVersion.message)}, status=409)


@api.exception_handler(TooManyLookups)
def too_many_lookups(request: HttpRequest, exc: TooManyLookups) -> HttpResponse:
    """A look-up by a key past its rate (aksalarasa/core/lookups.py)."""
    response = api.create_response(request, {"detail": too_many_message()}, status=429)
    response["Retry-After"] = "60"
    return response


api.add_router("/", "aksalarasa.accounts.api.router")
api.add_router("/", "aksalarasa.offices.api.router")
api.add_router("/", "aksalarasa.clients.api.router")
api.add_router("/", "aksalarasa.guidance.api.router")
api.add_router("/", "aksalarasa.partners.api.router")
api.add_router("/", "aksalarasa.programs.api.router")
api.add_router("/", "aksalarasa.sentences.api.router")
api.add_router("/", "aksalarasa.sentences.plan_api.router")
api.add_router("/", "aksalarasa.sentences.compliance_api.router")
api.add_router("/", "aksalarasa.sentences.person_api.router")
api.add_router("/", "aksalarasa.sentences.supervisor.api.router")
api.add_router("/", "aksalarasa.events.api.router")
api.add_router("/", "aksalarasa.evidence.api.router")
