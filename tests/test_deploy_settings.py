"""Production settings (#14 item 6): with the variables of a deployment behind TLS, Django's deploy
checks print no warning, and the cookies and HSTS are as docs/security.md says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "0",
    "AKSALARASA_HTTPS": "1",
    "SECRET_KEY": "x7!Qm2#vR9@pL4$wN8^tK1&zB6*cH3(jF5)dG0_sY-eU+aI=oP[rT]yV{bX}nM|qW",
    "ALLOWED_HOSTS": "aksalarasa.example.go.id",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}


def _production_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(PRODUCTION)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
    return env


def test_check_deploy_prints_no_warning(tmp_path):
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNINGS" not in done.stdout + done.stderr


def test_cookies_and_hsts_in_production(tmp_path):
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({k: "
        "getattr(s, k) for k in ['SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_SECURE', "
        "'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'X_FRAME_OPTIONS', "
        "'SECURE_CONTENT_TYPE_NOSNIFF']}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
    )
    values = json.loads(done.stdout.strip().splitlines()[-1])
    assert values["SESSION_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["CSRF_COOKIE_SECURE"] and values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["X_FRAME_OPTIONS"] == "DENY" and values["SECURE_CONTENT_TYPE_NOSNIFF"]


@pytest.mark.django_db
def test_content_security_policy_has_no_inline_script(client):
    """Every answer carries the Content-Security-Policy header: scripts and styles from the app only,
    no 'unsafe-inline', no 'unsafe-eval', no framing (the browser side: the page walk of tests/browser/test_browser_accessibility.py and tests/browser/test_browser_csp.py)."""
    for url in ("/accounts/login/", "/api/v1/docs", "/missing-page/"):
        header = client.get(url).headers.get("Content-Security-Policy", "")
        directives = {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}
        assert directives.get("script-src") == ["'self'"], (url, header)
        assert directives.get("style-src") == ["'self'"], (url, header)
        assert directives.get("default-src") == ["'self'"], (url, header)
        assert directives.get("object-src") == ["'none'"] and directives.get("frame-ancestors") == ["'none'"]
        assert "unsafe-inline" not in header and "unsafe-eval" not in header, header
