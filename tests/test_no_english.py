"""Every page the demo shows, in Bahasa Indonesia, carries no English.

The demo is loaded once for the module. Each demo account (and an anonymous visitor) starts at the
home page and follows every same-origin GET link it is shown (`href`, `hx-get`); the public pages
a resident or client opens on a phone (event registration and its confirmation, the MPA ballot,
the TOP card page, a questionnaire, each also with the errors of an empty submission) and the
error pages are opened directly; the program report is read back from its PDF (pypdf) and its DOCX
(python-docx), and so is every other PDF or DOCX a page links to. The visible text of each page
(text nodes plus what a person sees or hears from attributes: aria-label, title, placeholder,
alt, button values, hx-confirm) is searched for common English words, as whole words.

A string that fails here is not marked for translation, or is marked but not translated: mark it
at its source (gettext / {% translate %}) and translate it in locale/id/LC_MESSAGES/django.po.
"""

from __future__ import annotations

import io
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import transaction
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import Resolver404, resolve, reverse

pytestmark = pytest.mark.django_db  # each test in a savepoint of the module's demo transaction

# Common words of an English user interface, matched as whole words whatever their case.
ENGLISH_WORDS = frozenset(
    """
    the and of to for with from this that these those is are was were be been being has have had
    not yet or by on in at an as if it its your you our we they their which who whom whose when
    where what how will would can cannot could should must may might only each every all any
    none some more less than here there before after between about into without yes
    new open closed day days week weeks month months year years hour hours minute minutes today
    tomorrow yesterday since until while because however also then
    save cancel delete edit add remove search filter sort name date source submit send close
    download upload export print view details settings profile password logout sign language
    help loading error warning required optional unknown count number average mean score scores
    change changes confirm create update updated created choose select selected please sorry
    thank thanks welcome page pages found show shown list home back next previous first last
    other others items people clients client event events office offices officer partner partners
    report reports session sessions group groups handed over test paired checklist preparation
    attendance engagement referral referrals stage stages team teams staff notes note address
    phone village district region age gender male female women men children child adult adults
    questionnaire answers answer question questions results result method effect difference
    confidence sample size start end place title description budget cost costs vote votes
    voting cards card cluster clusters priority priorities plan action actions indicator
    indicators evaluation termination handover initiation assessment planning intervention
    registered registration registrations checked dashboard dashboards chart table program status
    total
    """.split()
)

# Words and phrases the check lets through, each with its reason. Kept small on purpose: an entry
# here hides every English use of it.
ALLOWED_WORDS = {
    "program": "Indonesian (KBBI) and the product's own term",
    "filter": "Indonesian (KBBI): 'Hapus filter'",
    "status": "Indonesian (KBBI); the catalogue translates 'Status' as 'Status'",
    "total": "Indonesian (KBBI): 'Total anggaran'",
}
ALLOWED_PHRASES = {
    "check-in": "established loanword in Indonesian UIs; the catalogue uses it (Check-in kegiatan)",
    "pocket voting": "the name of an MPA technique (docs/domain.md), kept as practitioners say it",
    "dot voting": "the name of an MPA technique, as above",
}
# Text inside these elements is a literal value (a code a person types, a file name), not UI text.
LITERAL_TAGS = {"code", "kbd", "samp"}
SILENT_TAGS = {"script", "style"}
SPOKEN_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "hx-confirm", "aria-description"}
URL = re.compile(r"https?://\S+")  # an address is not a sentence
WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")

# Routes never followed: they change state or only switch the language; downloads that are data
# exports (CSV/XLSX/ICS/QR images) rather than documents a person reads.
SKIPPED_ROUTES = {
    "accounts:logout",
    "core:set_language",
    "core:healthz",
    "clients:export",
    "clients:import_template",
    "clients:subject_export",
    "guidance:caseload_export",
    "guidance:session_ics",
    "events:registration_qr",
    "evidence:qr",
    "evidence:export_xlsx",
}
PER_ROUTE = 2  # pages of one route opened per account: its template and a second case of it
DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}


VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class _VisibleText(HTMLParser):
    """Visible text, attribute text a person sees or hears, and the links of one HTML page.

    Text inside an element the page declares English (`lang="en"`, e.g. the language switch or
    the English wording of a bilingual questionnaire shown to its editor) is English on purpose
    and is left out, as are scripts, styles and literal values (code, kbd, samp)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[tuple[str, bool]] = []  # (url, is an htmx request)
        self._open: list[tuple[str, bool]] = []  # (tag, its text is left out)

    def _skipping(self) -> bool:
        return bool(self._open) and self._open[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if values.get("href") and tag == "a":
            self.links.append((values["href"], False))
        if values.get("hx-get"):
            self.links.append((values["hx-get"], True))
        skip = (
            self._skipping()
            or tag in SILENT_TAGS | LITERAL_TAGS
            or values.get("lang", "").lower().startswith("en")
        )
        if not skip:
            self.texts += [values[name] for name in SPOKEN_ATTRIBUTES & values.keys()]
            if tag in {"input", "button"} and values.get("type") in {"submit", "button", "reset"}:
                self.texts.append(values.get("value", ""))
        if tag not in VOID_TAGS:
            self._open.append((tag, skip))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self._open.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._open) - 1, -1, -1):
            if self._open[depth][0] == tag:
                del self._open[depth:]
                return

    def handle_data(self, data: str) -> None:
        if not self._skipping() and data.strip():
            self.texts.append(data)


def english_in(text: str) -> list[str]:
    """The English words of one piece of text (allowed words and phrases taken out)."""
    lowered = URL.sub(" ", text.lower())
    for phrase in ALLOWED_PHRASES:
        lowered = lowered.replace(phrase, " ")
    return [w for w in WORD.findall(lowered) if w in ENGLISH_WORDS and w not in ALLOWED_WORDS]


def test_the_detector_finds_english_and_lets_indonesian_through():
    assert english_in("Preparation checklist") == ["preparation", "checklist"]
    assert english_in("Items handed over") == ["items", "handed", "over"]
    assert english_in("Paired t-test (secondary view)") == ["paired", "test", "view"]
    assert english_in("7 days from the event") == ["days", "from", "the", "event"]
    assert english_in("Not Found") == ["not", "found"]
    assert english_in("Daftar periksa persiapan; barang yang diserahkan; Uji-t berpasangan") == []
    assert english_in("Check-in kegiatan: Pocket voting, program AKSALARASA, http://x/the/event/") == []


def test_the_page_reader_leaves_out_what_the_page_declares_english_scripts_and_codes():
    parser = _VisibleText()
    parser.feed(
        '<p title="Save it">Simpan <span lang="en">Save <b>now</b></span> lagi<br>'
        '<script>var the = 1;</script><code>assimilation</code><input type="submit" value="Kirim">'
        '<a href="/x/" aria-label="Edit">Ubah</a><div hx-get="/y/"></div></p>'
    )
    assert parser.texts == ["Save it", "Simpan ", " lagi", "Kirim", "Edit", "Ubah"]
    assert parser.links == [("/x/", False), ("/y/", True)]


# --- the demo, once for the module -----------------------------------------------------------
@dataclass
class Demo:
    usernames: list[str]
    public: list[str] = field(default_factory=list)  # URLs opened without an account
    documents: set[str] = field(default_factory=set)  # PDF and DOCX already read
    published_events: list[int] = field(default_factory=list)
    open_administrations: list[int] = field(default_factory=list)
    program_pk: int = 0


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[Demo]:
    from aksalarasa.seeding.demo import load_demo
    from aksalarasa.seeding.demo.accounts import DEMO_STAFF

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            load_demo()
            yield _public_pages(Demo(usernames=[row[0] for row in DEMO_STAFF]))
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _public_pages(demo: Demo) -> Demo:
    """Open what a resident reaches on a phone: voting, cards, the questionnaire, the event form."""
    from aksalarasa.events.models import Event
    from aksalarasa.evidence.models import Administration
    from aksalarasa.programs.models import Assessment, AssessmentParticipant, PlanningWorkshop, Program

    program = Program.objects.get(acronym="AKSALARASA")
    demo.program_pk = program.pk
    Assessment.objects.update(voting_open=True)
    PlanningWorkshop.objects.update(cards_open=True)
    Administration.objects.exclude(group="client").update(open=True)
    demo.public += [reverse("programs:vote_start"), reverse("programs:cards_start")]
    demo.public += [reverse("programs:vote_open", args=[a.code]) for a in Assessment.objects.all()]
    demo.public += [
        reverse("programs:ballot", args=[p.ballot_token]) for p in AssessmentParticipant.objects.all()[:2]
    ]
    demo.public += [reverse("programs:cards_open", args=[w.code]) for w in PlanningWorkshop.objects.all()]
    demo.public += [
        reverse("evidence:public", args=[a.public_token])
        for a in Administration.objects.exclude(group="client")
    ]
    demo.published_events = list(Event.objects.published().values_list("pk", flat=True))
    demo.open_administrations = list(
        Administration.objects.filter(open=True).exclude(group="client").values_list("pk", flat=True)
    )
    demo.public += [reverse("events:public", args=[pk]) for pk in demo.published_events]
    demo.public.append(reverse("partners:directory"))
    return demo


# --- reading pages and documents ----------------------------------------------------------------
@dataclass
class Page:
    url: str
    texts: list[str]
    links: list[tuple[str, bool]] = field(default_factory=list)


def document_texts(kind: str, content: bytes) -> list[str]:
    if kind == "pdf":
        from pypdf import PdfReader

        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
        return [line for line in text.replace("-\n", "").splitlines() if line.strip()]
    from docx import Document

    doc = Document(io.BytesIO(content))
    texts = [p.text for p in doc.paragraphs]
    texts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    for section in doc.sections:
        texts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    return [t for t in texts if t.strip()]


def read(response, url: str) -> Page | None:
    kind = response.get("Content-Type", "").split(";")[0].strip()
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if kind == "text/html":
        parser = _VisibleText()
        parser.feed(content.decode())
        return Page(url, parser.texts, parser.links)
    if kind in DOCUMENT_TYPES:
        return Page(url, document_texts(DOCUMENT_TYPES[kind], content))
    return None


@dataclass
class Findings:
    """English found, by the piece of text it was found in, with where it was seen."""

    seen: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    words: Counter[str] = field(default_factory=Counter)
    pages: int = 0

    def check(self, page: Page, who: str) -> None:
        self.pages += 1
        for text in page.texts:
            found = english_in(text)
            if found:
                snippet = " ".join(text.split())[:160]
                self.seen[snippet].append(f"{page.url} ({who})")
                self.words.update(found)

    def report(self) -> str:
        lines = [f"{len(self.seen)} pieces of English text on {self.pages} pages read:"]
        for snippet, where in sorted(self.seen.items(), key=lambda kv: kv[1][0]):
            more = f" and {len(where) - 1} more" if len(where) > 1 else ""
            lines.append(f"  {snippet!r} on {where[0]}{more}")
        return "\n".join(lines)


def _route(url: str) -> str | None:
    path = urlsplit(url).path
    if not path.startswith("/") or path.startswith(("/static/", "/media/", "/django-admin/", "/api/")):
        return None
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def crawl(
    client: HttpClient, who: str, findings: Findings, start: list[str], documents: set[str]
) -> list[str]:
    """Follow every same-origin GET link from `start`, at most PER_ROUTE pages of one route; a
    document (PDF, DOCX) is read once for the module (`documents`), whoever reaches it first.
    Returns the links that answered an error, with the page that showed them."""
    queue: list[tuple[str, bool, str]] = [(url, False, "") for url in start]
    seen: set[str] = set()
    per_route: Counter[str] = Counter()
    broken: list[str] = []
    while queue:
        url, htmx, referrer = queue.pop(0)
        route = _route(url)
        if url in seen or url in documents or route is None or route in SKIPPED_ROUTES:
            continue
        if per_route[route] >= PER_ROUTE:
            continue
        seen.add(url)
        per_route[route] += 1
        response = client.get(url, headers={"HX-Request": "true"} if htmx else {})
        if response.status_code in (301, 302, 303):
            queue.append((urljoin(url, response["Location"]), False, url))
            continue
        if response.status_code >= 400:
            broken.append(f"{response.status_code} {url} (linked from {referrer})")
        page = read(response, url)
        if page is None:
            continue
        if not page.links and response.get("Content-Type", "").startswith("application/"):
            documents.add(url)
        findings.check(page, who)
        for href, is_htmx in page.links:
            target = urlsplit(urljoin(url, href.split("#")[0]))
            if target.scheme in ("", "http") and target.netloc in ("", "testserver"):
                queue.append((target._replace(scheme="", netloc="").geturl(), is_htmx, url))
    return broken


# --- the tests ----------------------------------------------------------------------------------
from aksalarasa.seeding.demo.accounts import DEMO_STAFF  # noqa: E402

ACCOUNTS = [row[0] for row in DEMO_STAFF]


def _verify_second_factor(client: HttpClient, user) -> None:
    """An office that requires two-factor login for heads shows them only its setup page until they
    confirm a device; the setup page has been read by then, the crawl goes on behind it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="uji", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.mark.parametrize("username", ["anonymous", *ACCOUNTS])
def test_every_page_a_demo_account_reaches_is_in_indonesian(username, demo, django_db_blocker):
    from aksalarasa.accounts.models import User

    findings = Findings()
    client = HttpClient()
    started = time.monotonic()
    with django_db_blocker.unblock():
        broken: list[str] = []
        if username == "anonymous":
            broken += crawl(client, username, findings, ["/", *demo.public], demo.documents)
        else:
            user = User.objects.get(username=username)
            assert user.language == "id"  # the default every demo account keeps
            client.force_login(user)
            broken += crawl(client, username, findings, ["/"], demo.documents)
            if user.needs_second_factor:
                _verify_second_factor(client, user)
                broken += crawl(client, username, findings, ["/"], demo.documents)
    print(f"{username}: {findings.pages} pages in {time.monotonic() - started:.1f}s; {broken=}")
    assert findings.pages >= 10, f"only {findings.pages} pages reached: the crawl lost its way"
    assert not findings.seen, findings.report()


def test_the_public_pages_their_errors_and_confirmations_are_in_indonesian(demo, django_db_blocker):
    """What a resident or client opens on a phone, without an account: each form also sent empty
    (its error messages), and the confirmations shown only to the browser that registered/answered."""
    from aksalarasa.events import views as event_views
    from aksalarasa.events.models import Registration
    from aksalarasa.evidence import views as evidence_views
    from aksalarasa.evidence.models import Response

    findings = Findings()
    client = HttpClient()
    forms = ("/programs/vote/", "/programs/cards/", "/evidence/s/", "/events/p/")
    with django_db_blocker.unblock():
        registration = Registration.objects.filter(event__in=demo.published_events).first()
        answered = Response.objects.filter(administration__in=demo.open_administrations).first()
        session = client.session
        session[event_views._SESSION_KEY] = [registration.pk]
        session[evidence_views.PUBLIC_SESSION_KEY] = [answered.pk]
        session.save()
        pages = [
            *demo.public,
            reverse("events:public_registered", args=[registration.event_id, registration.code]),
            reverse("evidence:public_thanks", args=[answered.administration.public_token, answered.pk]),
        ]
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            findings.check(read(response, url), "anonymous")
            if url in demo.public and url.startswith(forms) and url not in forms:
                with transaction.atomic():
                    sent = client.post(url, {"name": ""})  # bound, every field empty
                    transaction.set_rollback(True)
                assert sent.status_code in (400, 409, 422), f"{url}: an empty form was accepted"
                findings.check(read(sent, f"{url} (sent empty)"), "anonymous")
    assert findings.pages >= 12
    assert not findings.seen, findings.report()


@override_settings(DEBUG=False)
def test_the_error_pages_are_in_indonesian(demo, django_db_blocker):
    from django.core.exceptions import PermissionDenied, SuspiciousOperation
    from django.test import RequestFactory
    from django.utils import translation
    from django.views import defaults

    findings = Findings()
    with django_db_blocker.unblock():
        missing = HttpClient().get("/no-such-page/")
        expired = HttpClient(enforce_csrf_checks=True).post(reverse("accounts:login"), {"username": "x"})
    assert (missing.status_code, expired.status_code) == (404, 403)
    request = RequestFactory().get("/")
    with translation.override("id"):
        rendered = [
            defaults.bad_request(request, SuspiciousOperation("x")),
            defaults.permission_denied(request, PermissionDenied()),
            defaults.server_error(request),
        ]
    for name, response in zip(
        ("404", "csrf", "400", "403", "500"), [missing, expired, *rendered], strict=True
    ):
        page = read(response, name)
        assert page is not None and page.texts, name
        findings.check(page, "anonymous")
    assert not findings.seen, findings.report()


def test_the_program_report_reads_in_indonesian_in_pdf_and_docx(demo, django_db_blocker):
    from aksalarasa.accounts.models import User

    findings = Findings()
    client = HttpClient()
    with django_db_blocker.unblock():
        client.force_login(User.objects.get(username="kabapas.dps"))
        for name in ("evidence:report_pdf", "evidence:report_docx"):
            url = reverse(name, args=[demo.program_pk])
            page = read(client.get(url), url)
            assert page is not None, url
            text = " ".join(page.texts)
            assert "Lampiran statistik" in text and "Yth. Kepala Kantor Wilayah" in text, url
            findings.check(page, "kabapas.dps")
    assert not findings.seen, findings.report()


def test_the_check_can_fail_a_page_shown_in_english(demo, django_db_blocker):
    """The same pages for a person who chose English: the detector must see them (so a green run
    above means Indonesian, not a blind reader)."""
    from aksalarasa.accounts.models import User

    findings = Findings()
    client = HttpClient()
    with django_db_blocker.unblock(), transaction.atomic():
        user = User.objects.get(username="kabapas.dps")
        User.objects.filter(pk=user.pk).update(language="en")
        client.force_login(user)
        for url in ("/", reverse("events:list"), reverse("evidence:report_docx", args=[demo.program_pk])):
            findings.check(read(client.get(url), url), "kabapas.dps in English")
        transaction.set_rollback(True)
    assert {"event", "the", "of", "and"} <= set(findings.words), findings.words
    assert any("report.docx" in where for seen in findings.seen.values() for where in seen)
