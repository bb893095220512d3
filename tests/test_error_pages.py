"""Every error page is the product's own, translated, with a way back, with DEBUG off; and no
blocktranslate block prints a dotted variable (it renders empty: "Anda terdaftar untuk .")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client, RequestFactory, override_settings
from django.urls import path
from django.utils import translation
from django.views import defaults

WAYS_BACK = ('href="/"', 'href="/accounts/login/"')


def _assert_own_page(html: str, heading: str) -> None:
    assert '<html lang="id">' in html
    assert f"<h1>{heading}</h1>" in html, html
    for href in WAYS_BACK:
        assert href in html
    for english in ("Not Found", "Server Error", "Bad Request", "Forbidden", "CSRF verification failed"):
        assert english not in html


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_404_is_translated_with_a_way_back(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    _assert_own_page(response.content.decode(), "Halaman tidak ditemukan")


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_csrf_failure_is_translated_with_a_way_back():
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    _assert_own_page(response.content.decode(), "Formulir kedaluwarsa")


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_400_403_500_are_translated_with_a_way_back():
    request = RequestFactory().get("/")
    with translation.override("id"):
        bad = defaults.bad_request(request, SuspiciousOperation("x"))
        denied = defaults.permission_denied(request, PermissionDenied())
        # 500: rendered with no request and no context processor, so nothing that failed can break it.
        broken = defaults.server_error(request)
    assert (bad.status_code, denied.status_code, broken.status_code) == (400, 403, 500)
    _assert_own_page(bad.content.decode(), "Permintaan tidak dapat dibaca")
    _assert_own_page(denied.content.decode(), "Tidak diizinkan")
    _assert_own_page(broken.content.decode(), "Terjadi kesalahan")


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom)]


@pytest.mark.django_db
@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_view_that_raises_gets_the_translated_500_page():
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    _assert_own_page(response.content.decode(), "Terjadi kesalahan")


def test_no_blocktranslate_prints_a_dotted_variable():
    """Inside {% blocktranslate %} only plain names work; {{ event.name }} renders empty."""
    block = re.compile(r"{%\s*blocktrans(?:late)?\b.*?%}(.*?){%\s*endblocktrans(?:late)?\s*%}", re.S)
    roots = [
        Path(settings.BASE_DIR) / "templates",
        *(Path(settings.BASE_DIR) / "aksalarasa").glob("*/templates"),
    ]
    bad = []
    for root in roots:
        for template in root.rglob("*.html"):
            for body in block.findall(template.read_text()):
                bad += [f"{template}: {var}" for var in re.findall(r"{{\s*([\w.]+\.[\w.]+)", body)]
    assert not bad, bad
