"""The site supervisor's phone app (sentences/supervisor): the sync API (idempotent on the phone's
ids, also under concurrent replays), conflicts to the PK, the scope (404 for a site not one's own),
the PIN, the location check, the work photo (stored privately, metadata stripped) and the
statements of a batch (read once, not once per entry)."""

from __future__ import annotations

import io
import itertools
import json
import threading
import time
import uuid
from datetime import time as clock
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from aksalarasa.core.scoping import user_scope
from aksalarasa.sentences import services as ledger_services
from aksalarasa.sentences.models import HoursEntry, PlacementPin, SentenceOrder, SiteVisit
from aksalarasa.sentences.plan_models import PlannedSession
from aksalarasa.sentences.supervisor import services
from tests.factories import PartnerFactory, make_client, make_membership, make_order, make_site, make_user

pytestmark = pytest.mark.django_db
SYNC = "/api/v1/sentences/supervisor/sync"
DAY = "/api/v1/sentences/supervisor/day"


@pytest.fixture
def w(office_a, office_b):
    head = make_user("office_head", office_a)
    officer = make_user("officer", office_a, full_name="PK Satu")
    partner = PartnerFactory(office=office_a, name="Pokmas Lipas Pantai")
    supervisor = make_user("site_supervisor", office_a, full_name="Pengawas Pantai")
    other_supervisor = make_user("site_supervisor", office_a, full_name="Pengawas Taman")
    make_membership(supervisor, partner)
    make_membership(other_supervisor, partner)
    site = make_site(
        office_a, partner, supervisors=[supervisor], actor=head, name="Pantai Uji",
        latitude="-8.700000", longitude="115.260000",
    )  # fmt: skip
    other_site = make_site(office_a, partner, supervisors=[other_supervisor], actor=head, name="Taman Uji")
    client = make_client(office_a, officer, full_name="I Made Contoh")
    child = make_client(office_a, officer, child=True, full_name="Kadek Anak Contoh")
    order = make_order(client, actor=officer, site=site)
    child_order = make_order(child, actor=officer, site=site)
    elsewhere = make_order(
        make_client(office_a, officer, full_name="Wayan Lain"), actor=officer, site=other_site
    )
    pin = services.pin_issue(actor=officer, order=order)
    today = timezone.localdate(timezone=ZoneInfo(office_a.time_zone))
    return locals()


def entry(w, order=None, **extra) -> dict:
    order = order or w["order"]
    return {
        "id": str(uuid.uuid4()), "order_id": order.pk, "site_id": order.site_id,
        "work_date": w["today"].isoformat(), "attendance": "arrived", "start": "08:00", "end": "11:30",
        "break_minutes": 30, "work_done": "Membersihkan pantai", "pin": w["pin"], **extra,
    }  # fmt: skip


def sync(client, entries):
    return client.post(SYNC, json.dumps({"entries": entries}), content_type="application/json")


def test_an_entry_with_the_persons_pin_is_credited_to_the_ledger(w, login):
    response = sync(login(w["supervisor"]), [entry(w)])
    assert response.status_code == 200, response.content
    [result] = response.json()["results"]
    assert result["state"] == "credited" and result["replay"] is False
    assert result["credited_minutes"] == 180  # 08:00-11:30 minus 30 minutes of breaks
    visit = SiteVisit.objects.get()
    assert visit.entry.recorded_by == w["supervisor"] and visit.entry.credited_minutes == 180
    assert HoursEntry.objects.filter(order=w["order"]).count() == 1


def test_a_replay_never_doubles_an_entry(w, login):
    client = login(w["supervisor"])
    item = entry(w)
    first = sync(client, [item]).json()["results"][0]
    second = sync(client, [item]).json()["results"][0]
    assert first["state"] == second["state"] == "credited"
    assert second["replay"] is True and second["credited_minutes"] == 180
    assert SiteVisit.objects.count() == 1
    assert HoursEntry.objects.filter(order=w["order"]).count() == 1


def test_the_database_refuses_a_second_row_with_the_same_phone_id(w):
    item = entry(w, attendance="absent", absence_reason="Sakit")
    services.visit_sync_one(
        actor=w["supervisor"],
        order=w["order"],
        item={**item, "id": uuid.UUID(item["id"]), "work_date": w["today"]},
    )
    visit = SiteVisit.objects.get()
    copy = SiteVisit(
        client_uuid=visit.client_uuid, office=visit.office, order=visit.order, site=visit.site,
        supervisor=visit.supervisor, work_date=visit.work_date, attendance="absent", absence_reason="x",
        state="recorded",
    )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


@pytest.mark.django_db(transaction=True)
def test_concurrent_replays_store_one_entry(office_a, office_b):
    """Four deliveries of the same entry at once (each in its own connection): one row, one ledger line."""
    head = make_user("office_head", office_a)
    officer = make_user("officer", office_a)
    partner = PartnerFactory(office=office_a)
    supervisor = make_user("site_supervisor", office_a)
    make_membership(supervisor, partner)
    site = make_site(office_a, partner, supervisors=[supervisor], actor=head)
    order = make_order(make_client(office_a, officer), actor=officer, site=site)
    pin = services.pin_issue(actor=officer, order=order)
    today = timezone.localdate(timezone=ZoneInfo(office_a.time_zone))
    item = {
        "id": uuid.uuid4(), "order_id": order.pk, "site_id": site.pk, "work_date": today,
        "attendance": "arrived", "start": timezone.datetime(2026, 1, 1, 8).time(),
        "end": timezone.datetime(2026, 1, 1, 10).time(), "break_minutes": 0, "pin": pin,
    }  # fmt: skip
    barrier = threading.Barrier(4)
    results, errors = [], []

    def deliver():
        try:
            barrier.wait(timeout=10)
            with user_scope(supervisor):  # what the request's middleware does
                # Like the phone: an error answer (SQLite's table lock under shared-cache threads;
                # PostgreSQL waits on the order's row lock instead) is retried with the same id.
                for _attempt in range(500):
                    try:
                        results.append(services.visits_sync(actor=supervisor, items=[dict(item)])[0])
                        break
                    except OperationalError:
                        time.sleep(0.01)
        except Exception as exc:  # reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert len(results) == 4
    assert sorted(r.replay for r in results) == [False, True, True, True]
    assert {r.state for r in results} == {"credited"}
    assert SiteVisit.objects.filter(client_uuid=item["id"]).count() == 1
    assert HoursEntry.objects.filter(order=order).count() == 1


def test_hours_overlapping_the_pks_entry_go_to_the_pk(w, login):
    ledger_services.hours_work_add(
        actor=w["officer"], order=w["order"],
        data={"work_date": w["today"], "start": timezone.datetime(2026, 1, 1, 9).time(),
              "end": timezone.datetime(2026, 1, 1, 10).time(), "break_minutes": 0},
    )  # fmt: skip
    [result] = sync(login(w["supervisor"]), [entry(w)]).json()["results"]
    assert result["state"] == "conflict" and result["conflict"]
    assert HoursEntry.objects.filter(order=w["order"]).count() == 1  # only the PK's
    visit = SiteVisit.objects.get()
    assert visit.state == "conflict" and visit.entry is None

    # The PK sees it on the order page and decides: accepting writes the ledger entry.
    assert visit.conflict == "overlap"
    page = login(w["officer"]).get(f"/sentences/{w['order'].pk}/")
    assert "bertumpang tindih dengan jam yang sudah ada di buku jam" in page.content.decode()  # Indonesian
    response = login(w["officer"]).post(
        f"/sentences/visits/{visit.pk}/decide/", {"decision": "accept", "version": visit.version}
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.state == "accepted" and visit.decided_by == w["officer"]
    assert visit.entry.recorded_by == w["officer"] and visit.entry.credited_minutes == 180
    assert visit.history.first().history_user_id == w["officer"].pk  # written through save_versioned
    assert HoursEntry.objects.filter(order=w["order"]).count() == 2


def test_an_order_closed_meanwhile_sends_the_entry_to_the_pk(w, login):
    SentenceOrder.objects.filter(pk=w["order"].pk).update(status="completed")
    [result] = sync(login(w["supervisor"]), [entry(w)]).json()["results"]
    assert result["state"] == "conflict"
    assert not HoursEntry.objects.exists()
    visit = SiteVisit.objects.get()
    assert visit.conflict == "order_closed"
    client = login(w["officer"])
    refused = client.post(
        f"/sentences/visits/{visit.pk}/decide/", {"decision": "reject", "version": visit.version}
    )
    visit.refresh_from_db()
    assert refused.status_code == 302 and visit.state == "conflict"  # rejecting needs a reason
    client.post(
        f"/sentences/visits/{visit.pk}/decide/",
        {"decision": "reject", "version": visit.version, "note": "Selesai"},
    )
    visit.refresh_from_db()
    assert visit.state == "rejected" and visit.decision_note == "Selesai"
    assert not HoursEntry.objects.exists()


@pytest.mark.parametrize("pin", ["", "000000x", "wrong"])
def test_without_the_persons_pin_the_pk_decides(w, login, pin):
    wrong = pin if pin != "wrong" else ("1" if w["pin"][0] != "1" else "2") + w["pin"][1:]
    [result] = sync(login(w["supervisor"]), [entry(w, pin=wrong)]).json()["results"]
    assert result["state"] == "conflict" and "PIN" in result["conflict"]
    assert SiteVisit.objects.get().conflict == "no_pin"
    assert not HoursEntry.objects.exists()


def test_the_pin_is_given_once_and_stored_hashed(w, login):
    response = login(w["officer"]).post(f"/sentences/{w['order'].pk}/pin/")
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    digits = response.context["pin"]
    assert len(digits) == 6 and digits.isdigit()
    stored = PlacementPin.objects.get(order=w["order"])
    # Keyed (SECRET_KEY) and salted: the digits are not in it, the same digits hash differently.
    assert stored.pin_hash.startswith("pin-hmac-sha256$") and digits not in stored.pin_hash.split("$", 2)[2]
    assert services.pin_hash(digits) != stored.pin_hash
    assert services.pin_check(order=w["order"], pin=digits)
    assert not services.pin_check(order=w["order"], pin=w["pin"])  # the old PIN no longer works
    # Someone else's PK, a supervisor: 404.
    assert (
        login(make_user("officer", w["office_a"])).post(f"/sentences/{w['order'].pk}/pin/").status_code == 404
    )
    assert login(w["supervisor"]).post(f"/sentences/{w['order'].pk}/pin/").status_code == 404


def test_a_pin_issued_before_the_keyed_hash_still_confirms(w, settings):
    """PINs stored with the password hasher (before the keyed hash) keep working; after a change of
    SECRET_KEY, with the old key among the fallbacks, the keyed ones do too."""
    PlacementPin.objects.filter(order=w["order"]).update(pin_hash=make_password("424242"))
    assert services.pin_check(order=w["order"], pin="424242")
    assert not services.pin_check(order=w["order"], pin="424243")
    PlacementPin.objects.filter(order=w["order"]).update(pin_hash=services.pin_hash("135790"))
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "another-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
    assert services.pin_check(order=w["order"], pin="135790")
    settings.SECRET_KEY_FALLBACKS = []
    assert not services.pin_check(order=w["order"], pin="135790")


def test_an_entry_for_a_site_one_does_not_supervise_is_refused_with_404(w, login):
    client = login(w["supervisor"])
    response = sync(client, [entry(w), entry(w, order=w["elsewhere"])])
    assert response.status_code == 404
    assert not SiteVisit.objects.exists() and not HoursEntry.objects.exists()  # nothing of the batch
    # Naming one's own site with another site's order is refused too.
    assert sync(client, [entry(w, order=w["elsewhere"], site_id=w["site"].pk)]).status_code == 404
    # Partner staff who supervise nothing and office staff cannot sync at all.
    for user in (make_user("partner_staff", w["office_a"]), w["officer"], w["head"]):
        assert sync(login(user), [entry(w)]).status_code == 404
    assert not SiteVisit.objects.exists()


def test_another_offices_supervisor_gets_404(w, login):
    partner_b = PartnerFactory(office=w["office_b"])
    supervisor_b = make_user("site_supervisor", w["office_b"])
    make_membership(supervisor_b, partner_b)
    make_site(w["office_b"], partner_b, supervisors=[supervisor_b])
    assert sync(login(supervisor_b), [entry(w)]).status_code == 404
    assert login(supervisor_b).get(DAY).json()["sites"][0]["people"] == []
    assert login(supervisor_b).get(DAY).json()["sites"][0]["unplanned"] == []


def test_an_absence_is_recorded_with_its_reason_and_no_hours(w, login):
    client = login(w["supervisor"])
    [bad] = sync(client, [entry(w, attendance="absent", absence_reason="  ")]).json()["results"]
    assert bad["state"] == "invalid" and bad["errors"]
    [result] = sync(client, [entry(w, attendance="absent", absence_reason="Sakit, surat dokter")]).json()[
        "results"
    ]
    assert result["state"] == "recorded"
    assert SiteVisit.objects.get().absence_reason == "Sakit, surat dokter"
    assert not HoursEntry.objects.exists()


@pytest.mark.parametrize(
    "extra",
    [{"start": "10:00", "end": "09:00"}, {"break_minutes": 240}, {"start": None}],
)
def test_an_unusable_entry_stores_nothing_and_says_why(w, login, extra):
    [result] = sync(login(w["supervisor"]), [entry(w, **extra)]).json()["results"]
    assert result["state"] == "invalid" and result["errors"]
    assert not SiteVisit.objects.exists()


def test_an_entry_for_tomorrow_is_refused(w, login):
    [result] = sync(
        login(w["supervisor"]), [entry(w, work_date=(w["today"] + timedelta(days=1)).isoformat())]
    ).json()["results"]
    assert result["state"] == "invalid"


def test_a_malformed_batch_answers_422(w, login):
    client = login(w["supervisor"])
    assert client.post(SYNC, "{", content_type="application/json").status_code in (400, 422)
    assert sync(client, [{**entry(w), "id": "not-a-uuid"}]).status_code == 422
    assert sync(client, [{**entry(w), "attendance": "maybe"}]).status_code == 422
    assert not SiteVisit.objects.exists()


def test_the_location_is_checked_against_the_sites_radius(w, login):
    client = login(w["supervisor"])
    [near] = sync(client, [entry(w, latitude=-8.7005, longitude=115.2601)]).json()["results"]
    assert near["state"] == "credited"
    assert SiteVisit.objects.get(client_uuid=near["id"]).location_ok is True
    [far] = sync(
        client, [entry(w, start="12:00", end="13:00", break_minutes=0, latitude=-8.65, longitude=115.22)]
    ).json()["results"]
    visit = SiteVisit.objects.get(client_uuid=far["id"])
    assert far["state"] == "conflict" and visit.location_ok is False and visit.distance_m > 5000
    assert visit.conflict == "away"


def test_the_day_list_shows_only_what_the_site_needs(w, login, django_assert_max_num_queries):
    client = login(w["supervisor"])
    with django_assert_max_num_queries(12):
        data = client.get(DAY).json()
    [site] = data["sites"]
    assert site["name"] == "Pantai Uji"
    assert site["people"] == []  # nothing planned today: everyone is in the second group
    names = {p["name"] for p in site["unplanned"]}
    assert "I Made Contoh" in names
    assert "Kadek Anak Contoh" not in names and "KAC" in "".join(names).replace(".", "")  # a child: initials
    assert "Wayan Lain" not in json.dumps(data)  # another site's person
    body = json.dumps(data)
    for secret in (w["order"].article, w["order"].case_number, w["order"].decision_number, w["order"].court):
        assert secret not in body
    # The other supervisor sees their own site only; office staff and partner staff see no list.
    other = login(w["other_supervisor"]).get(DAY).json()
    assert [s["name"] for s in other["sites"]] == ["Taman Uji"]
    for user in (w["officer"], make_user("partner_staff", w["office_a"])):
        assert login(user).get(DAY).json()["sites"] == []


def test_the_app_page_is_for_site_supervisors(w, login):
    assert login(w["supervisor"]).get("/sentences/supervisor/").status_code == 200
    assert login(w["officer"]).get("/sentences/supervisor/").status_code == 404
    sw = login(w["supervisor"]).get("/sentences/supervisor/sw.js")
    assert sw.status_code == 200 and sw["Content-Type"].startswith("text/javascript")
    manifest = login(w["supervisor"]).get("/sentences/supervisor/manifest.webmanifest").json()
    assert manifest["start_url"] == "/sentences/supervisor/" and manifest["display"] == "standalone"


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (64, 48), "#336699")
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x0132] = "2026:12:04 08:00:00"  # DateTime
    exif[0x8825] = {1: "S", 2: (8.0, 42.0, 0.0), 3: "E", 4: (115.0, 15.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"secret comment")
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif()  # the upload does carry metadata
    return data


def test_the_work_photo_is_stored_privately_without_metadata(w, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(w["supervisor"])
    [result] = sync(client, [entry(w)]).json()["results"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("work.jpg", _jpeg_with_exif(), content_type="image/jpeg")
    response = client.post(f"/api/v1/sentences/supervisor/visits/{result['id']}/photo", {"photo": upload})
    assert response.status_code == 200, response.content
    visit = SiteVisit.objects.get()
    assert visit.photo.name.startswith("private/sentences/visits/")
    with Image.open(visit.photo.path) as stored:
        assert not stored.getexif() and "exif" not in stored.info and "comment" not in stored.info
    # Served only to who may see it.
    url = f"/sentences/visits/{visit.pk}/photo/"
    assert login(w["officer"]).get(url).status_code == 200
    assert login(w["supervisor"]).get(url).status_code == 200
    for user in (
        w["other_supervisor"],
        make_user("officer", w["office_a"]),
        make_user("office_head", w["office_b"]),
    ):
        assert login(user).get(url).status_code == 404
    # Another supervisor cannot attach a photo to this entry; a second upload changes nothing.
    again = SimpleUploadedFile("again.jpg", _jpeg_with_exif(), content_type="image/jpeg")
    assert (
        login(w["other_supervisor"])
        .post(f"/api/v1/sentences/supervisor/visits/{result['id']}/photo", {"photo": again})
        .status_code
        == 404
    )
    name = visit.photo.name
    again.seek(0)
    client = login(w["supervisor"])
    assert (
        client.post(f"/api/v1/sentences/supervisor/visits/{result['id']}/photo", {"photo": again}).status_code
        == 200
    )
    visit.refresh_from_db()
    assert visit.photo.name == name


def test_a_non_image_photo_is_refused_with_a_reason(w, login):
    client = login(w["supervisor"])
    [result] = sync(client, [entry(w)]).json()["results"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("work.jpg", b"not an image", content_type="image/jpeg")
    response = client.post(f"/api/v1/sentences/supervisor/visits/{result['id']}/photo", {"photo": bad})
    assert response.status_code == 422 and response.json()["detail"]
    assert client.post(f"/api/v1/sentences/supervisor/visits/{uuid.uuid4()}/photo").status_code == 404
    assert client.post("/api/v1/sentences/supervisor/visits/nonsense/photo").status_code == 404


# --- a batch reads once (the statements of a sync) ------------------------------------------
# A sync reads once per batch, not once per entry, and writes its ledger lines, visits and their
# history rows in one insert each: a fixed number of statements whatever the batch's size (an
# absence adds its compliance event for the PK). 50 queued entries used to cost about 20 each.

_names = itertools.count()


def _placed(w, n: int, *, absent: bool = False) -> list[dict]:
    """`n` people placed at the site, each planned today from 08:00, and an entry for each."""
    items = []
    for _i in range(n):
        client = make_client(w["office_a"], w["officer"], full_name=f"Orang Uji {next(_names)}")
        order = make_order(client, actor=w["officer"], site=w["site"])
        pin = services.pin_issue(actor=w["officer"], order=order)
        PlannedSession.objects.create(
            office=w["office_a"], order=order, site=w["site"], day=w["today"],
            starts_at=clock(8), ends_at=clock(12), created_by=w["officer"],
        )  # fmt: skip
        if absent:
            items.append(entry(w, order=order, attendance="absent", absence_reason="Sakit"))
        else:
            items.append(entry(w, order=order, pin=pin))
    return items


def _statements(client, items) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = sync(client, items)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


def test_credited_entries_cost_no_statement_of_their_own(w, login):
    client = login(w["supervisor"])
    _statements(client, _placed(w, 1))  # the session's first request
    ten, twenty = _placed(w, 10), _placed(w, 20)
    cost_10, cost_20 = _statements(client, ten), _statements(client, twenty)
    assert SiteVisit.objects.filter(state="credited").count() == 31
    assert HoursEntry.objects.count() == 31
    assert cost_20 == cost_10  # the same statements for 10 entries and for 20
    # session, person, scope, transaction, locks, stored ids, PINs, plan, 3 reads of the ledger,
    # and one insert each: ledger lines, visits, their history rows
    assert cost_10 <= 17, cost_10


def test_an_absence_adds_only_its_compliance_event(w, login):
    client = login(w["supervisor"])
    _statements(client, _placed(w, 1, absent=True))  # the session's first request
    five, fifteen = _placed(w, 5, absent=True), _placed(w, 15, absent=True)
    cost_5, cost_15 = _statements(client, five), _statements(client, fifteen)
    assert SiteVisit.objects.filter(state="recorded").count() == 21
    per_absence = (cost_15 - cost_5) / 10
    # the event through compliance_event_record (its savepoint, its lock of the order, its count of
    # unexcused events, the event and its history row)
    assert per_absence <= 10, per_absence


def test_a_replayed_batch_reads_once_and_writes_nothing(w, login):
    client = login(w["supervisor"])
    items = _placed(w, 12)
    _statements(client, items)
    assert all(r["replay"] for r in sync(client, items).json()["results"])
    assert _statements(client, items) <= 14
    assert SiteVisit.objects.count() == 12 and HoursEntry.objects.count() == 12


def test_entries_of_one_person_on_one_day_see_each_other_in_the_batch(w, login):
    """The batch keeps each order's ledger current as it credits: a second entry of the same day
    overlapping the first goes to the PK, a third after it is credited, a fourth past 8 hours is
    refused by the ledger's rule."""
    [first] = _placed(w, 1)
    same = {k: first[k] for k in ("order_id", "site_id", "work_date", "pin")}
    items = [
        first,  # 08:00-11:30, 30 min breaks: 180 min
        {**first, **same, "id": str(uuid.uuid4()), "start": "11:00", "end": "12:00", "break_minutes": 0},
        {**first, **same, "id": str(uuid.uuid4()), "start": "12:00", "end": "16:00", "break_minutes": 0},
        {**first, **same, "id": str(uuid.uuid4()), "start": "16:00", "end": "18:00", "break_minutes": 0},
    ]
    results = sync(login(w["supervisor"]), items).json()["results"]
    assert [r["state"] for r in results] == ["credited", "conflict", "credited", "conflict"]
    assert "overlap" in SiteVisit.objects.get(client_uuid=items[1]["id"]).conflict
    over = SiteVisit.objects.get(client_uuid=items[3]["id"]).conflict
    assert over.startswith(SiteVisit.RULE_PREFIX) and "85" in over  # the ledger's Art. 85(5) message
    ledger = HoursEntry.objects.filter(order_id=first["order_id"]).order_by("sequence")
    assert [e.sequence for e in ledger] == [1, 2] and ledger[1].previous_hash == ledger[0].entry_hash
