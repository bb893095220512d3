"""Helpers for the browser tests: logging in through the real form, axe-core, TOTP codes."""

from __future__ import annotations

import base64
import functools
import json
from pathlib import Path

import axe_playwright_python
import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page

AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")
# Impacts that fail a test. "moderate" and "minor" findings are printed by the helper's caller
# only if they ask for them: they are advice, not defects that lock people out.
BLOCKING_IMPACTS = ("serious", "critical")

# The login form's submit button: the one inside <main>, not the language switch in the header.
MAIN_SUBMIT = "main form button[type=submit]"


def browser_login(page: Page, username: str, password: str, *, next_url: str = "") -> None:
    """Log in through the real login form, as a person would. Does not assert where it lands:
    callers check that (home, the two-factor step, the password change, the lock-out page)."""
    page.goto("/accounts/login/" + (f"?next={next_url}" if next_url else ""))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click(MAIN_SUBMIT)


def browser_logout(page: Page) -> None:
    """Press the header's log-out button (a POST form) and land on the login page."""
    with page.expect_navigation():
        page.click(".userbox form button[type=submit]")
    assert "/accounts/login/" in page.url, page.url


def submit_main_form(page: Page) -> None:
    with page.expect_navigation():
        page.click(MAIN_SUBMIT)


def nav_hrefs(page: Page) -> list[str]:
    """The links of the main navigation, in order."""
    return page.eval_on_selector_all("nav.mainnav a", "els => els.map(e => e.getAttribute('href'))")


# Reported in the page itself too (a console message is what Chromium prints; the event says which
# directive): both end up in the watcher's `seen`.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline")
    + " at " + (e.sourceFile || "") + ":" + e.lineNumber + " sample=" + (e.sample || ""));
});
"""


class CspWatch:
    """Collects every Content-Security-Policy violation a tab reports, labelled with `where` (the
    page the walk is on): Chromium reports each blocked inline script, eval, inline style and
    foreign source as a `securitypolicyviolation` event and a console error."""

    def __init__(self, page: Page, where: str = "") -> None:
        self.where = where
        self.seen: list[str] = []
        page.add_init_script(REPORT_CSP_VIOLATIONS)
        page.on("console", self._on_console)

    def _on_console(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or "CSP violation" in text or "Content-Security-Policy" in text:
            self.seen.append(f"{self.where}: {text}")


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_run(page: Page) -> list[dict]:
    """Run axe-core on the current page and return its violations (all impacts)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the browser's debugging protocol: the page's Content-Security-Policy
        # forbids inline scripts (add_script_tag would be one) and must stay on while axe runs.
        page.evaluate(_axe_source())
    result = page.evaluate("async () => await window.axe.run(document, {resultTypes: ['violations']})")
    return result["violations"]


def axe_blocking(page: Page) -> list[str]:
    """One line per serious or critical violation node: rule id, impact, target, and why."""
    lines = []
    for violation in axe_run(page):
        if violation.get("impact") not in BLOCKING_IMPACTS:
            continue
        for node in violation["nodes"]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(
                f"{violation['id']} [{violation['impact']}] {json.dumps(node['target'])}: "
                f"{violation['help']}. {summary}"
            )
    return lines


def assert_no_serious_axe_violations(page: Page, *, context: str = "") -> None:
    """Fail listing rule id, impact and target for every serious or critical axe-core violation."""
    lines = axe_blocking(page)
    if lines:
        where = context or page.url
        pytest.fail(
            f"axe-core found {len(lines)} serious/critical problem(s) on {where}:\n  " + "\n  ".join(lines)
        )


def totp_key(shown_secret: str) -> bytes:
    """The raw key from the base32 text the set-up page shows (padding stripped there)."""
    secret = shown_secret.strip().replace(" ", "").upper()
    return base64.b32decode(secret + "=" * (-len(secret) % 8))


def totp_code(key: bytes, *, step_index: int | None = None) -> str:
    """The 6-digit TOTP code now, or for a given 30-second step (django-otp refuses a step it has
    already accepted, so a second login within 30 seconds needs the next step's code)."""
    totp = TOTP(key, step=30, t0=0, digits=6)
    if step_index is not None:
        totp.time = step_index * 30
    return f"{totp.token():06d}"
