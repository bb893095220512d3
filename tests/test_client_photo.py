"""Client photos: upload checks (type, size), EXIF stripped by re-encoding, private storage served
only through the scoped view with the masking rules, history, the data-subject export and the
retention run."""

from __future__ import annotations

import base64
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from aksalarasa.accounts.models import User
from aksalarasa.clients.models import Client
from aksalarasa.clients.pdp import client_anonymise
from tests.factories import make_partner_world

pytestmark = pytest.mark.django_db
GPS_TAG = 0x8825
MAKE_TAG = 0x010F


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def w(office_a, office_b):
    world = make_partner_world(office_a, office_b)
    User.objects.update(language="en")  # pages answer in English here; one test proves Indonesian
    return world


def _jpeg_with_exif(size=(64, 48), color=(200, 30, 30)) -> bytes:
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[MAKE_TAG] = "KameraRahasia"
    exif[GPS_TAG] = {1: "S", 2: (8.0, 40.0, 12.0), 3: "E", 4: (115.0, 13.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _png(size=(40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 120, 0, 255)).save(out, "PNG")
    return out.getvalue()


def _upload(client, target: Client, content: bytes, name: str = "foto.jpg", **extra):
    return client.post(
        reverse("clients:photo_edit", args=[target.pk]),
        {"photo": SimpleUploadedFile(name, content), "version": target.version, **extra},
    )


def test_upload_strips_exif_and_stores_privately_with_history(client, w, media):
    adult = w["adult"]
    assert b"KameraRahasia" in _jpeg_with_exif()
    client.force_login(w["pk"])
    response = _upload(client, adult, _jpeg_with_exif())
    assert response.status_code == 302
    adult.refresh_from_db()
    assert adult.photo.name.startswith(f"private/clients/photos/{adult.office_id}/")
    assert adult.photo.name.endswith(".jpg") and "Wayan" not in adult.photo.name
    stored = (media / adult.photo.name).read_bytes()
    assert b"KameraRahasia" not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and image.size == (64, 48)
    assert not image.getexif()  # no camera, no GPS position
    assert adult.version == 2
    last = adult.history.order_by("-history_id").first()
    assert last.photo == adult.photo.name and last.history_user == w["pk"]


def test_replace_and_remove_delete_the_old_files(client, w, media, django_capture_on_commit_callbacks):
    adult = w["adult"]
    client.force_login(w["pk"])
    _upload(client, adult, _jpeg_with_exif())
    adult.refresh_from_db()
    first = media / adult.photo.name
    assert first.exists()
    with django_capture_on_commit_callbacks(execute=True):  # the old file goes once the change commits
        _upload(client, adult, _png(), name="baru.png")
    adult.refresh_from_db()
    assert adult.photo.name.endswith(".png") and not first.exists()
    second = media / adult.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("clients:photo_edit", args=[adult.pk]), {"remove": "on", "version": adult.version}
        )
    assert response.status_code == 302
    adult.refresh_from_db()
    assert not adult.photo and not second.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("foto.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "must be a JPEG, PNG or WebP"),
        ("foto.jpg", b"this is not an image at all", "must be a JPEG, PNG or WebP"),
        ("besar.jpg", b"\xff\xd8" + b"0" * (2 * 1024 * 1024 + 10), "larger than 2 MB"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason_and_change_nothing(client, w, media, name, content, message):
    adult = w["adult"]
    client.force_login(w["pk"])
    response = _upload(client, adult, content, name=name)
    assert response.status_code == 422
    assert message in response.content.decode()
    adult.refresh_from_db()
    assert not adult.photo and adult.version == 1
    assert not any(p.is_file() for p in media.rglob("*")) if media.exists() else True


def test_the_reason_is_translated(client, w):
    adult, officer = w["adult"], w["pk"]
    officer.language = "id"
    officer.save(update_fields=["language"])
    client.force_login(officer)
    response = _upload(client, adult, b"GIF89a;", name="x.gif")
    assert response.status_code == 422
    assert "Foto harus berupa gambar JPEG, PNG, atau WebP." in response.content.decode()


def test_stale_version_is_refused(client, w):
    adult = w["adult"]
    client.force_login(w["pk"])
    response = client.post(
        reverse("clients:photo_edit", args=[adult.pk]),
        {"photo": SimpleUploadedFile("a.png", _png()), "version": 7},
    )
    assert response.status_code == 422
    adult.refresh_from_db()
    assert not adult.photo


def _give_photo(client_obj: Client, actor) -> None:
    from aksalarasa.clients import services
    from aksalarasa.clients.photos import photo_clean

    services.client_photo_set(
        actor=actor,
        client=client_obj,
        photo=photo_clean(SimpleUploadedFile("p.png", _png())),
        expected_version=client_obj.version,
    )


def test_who_sees_the_photo(client, w):
    """Own-office guidance staff always; others only an adult with photo consent whose name they
    see; a child's photo never; everyone else (and every masked case) gets 404 and initials."""
    adult, adult2, child = w["adult"], w["adult2"], w["child"]
    for target, actor in ((adult, w["pk"]), (adult2, w["pk"]), (child, w["pk_child"])):
        _give_photo(target, actor)
    Client.objects.filter(pk__in=[adult.pk, child.pk]).update(consent_photos=True)

    def status(user, target):
        client.force_login(user)
        return client.get(reverse("clients:photo", args=[target.pk])).status_code

    assert status(w["pk"], adult) == 200
    assert status(w["office_head"], child) == 200
    assert status(w["section_child"], child) == 200
    assert status(w["section_adult"], child) == 404  # not in their section's scope
    assert status(w["staff1"], adult) == 200  # name shared by the referral, photo consent
    assert status(w["staff1"], child) == 404  # a child's photo never leaves the office
    assert status(w["staff2"], adult2) == 404  # name masked for this partner, no consent
    assert status(w["pk_b"], adult) == 404  # another office
    assert status(w["head_b"], child) == 404
    assert status(w["national"], adult) == 404
    Client.objects.filter(pk=adult.pk).update(consent_photos=False)
    assert status(w["staff1"], adult) == 404  # consent withdrawn
    assert status(w["pk"], adult) == 200  # own office staff still see it
    client.logout()
    anonymous = client.get(reverse("clients:photo", args=[adult.pk]))
    assert anonymous.status_code == 302


def test_detail_page_shows_the_photo_or_initials(client, w):
    child = w["child"]
    _give_photo(child, w["pk_child"])
    client.force_login(w["pk_child"])
    body = client.get(reverse("clients:detail", args=[child.pk])).content.decode()
    assert reverse("clients:photo", args=[child.pk]) in body
    assert 'enctype="multipart/form-data"' in body
    client.force_login(w["staff1"])
    body = client.get(reverse("clients:detail", args=[child.pk])).content.decode()
    assert reverse("clients:photo", args=[child.pk]) not in body
    assert "client-initials" in body and child.initials in body
    assert "Komang Uji Anak" not in body


def test_photo_response_is_private(client, w):
    _give_photo(w["adult"], w["pk"])
    client.force_login(w["pk"])
    response = client.get(reverse("clients:photo", args=[w["adult"].pk]))
    assert response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert Image.open(io.BytesIO(response.content)).format == "PNG"


def test_only_editors_may_upload(client, w):
    for user, expected in ((w["staff1"], 403), (w["pk_b"], 404), (w["program_team"], 404)):
        client.force_login(user)
        response = _upload(client, w["adult"], _png(), name="a.png")
        assert response.status_code == expected, user
    w["adult"].refresh_from_db()
    assert not w["adult"].photo


def test_subject_export_carries_the_photo(client, w):
    adult = w["adult"]
    _give_photo(adult, w["pk"])
    client.force_login(w["pk"])
    data = json.loads(client.get(reverse("clients:subject_export", args=[adult.pk, "json"])).content)
    assert data["client"]["photo"] is True
    photo = data["photo_file"]
    assert photo["content_type"] == "image/png"
    assert Image.open(io.BytesIO(base64.b64decode(photo["base64"]))).format == "PNG"
    pdf = client.get(reverse("clients:subject_export", args=[adult.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    without = json.loads(client.get(reverse("clients:subject_export", args=[w["adult2"].pk, "json"])).content)
    assert without["client"]["photo"] is False and without["photo_file"] is None


def test_anonymising_deletes_the_photo_files(w, media):
    adult = w["adult"]
    _give_photo(adult, w["pk"])
    adult.refresh_from_db()
    path = media / adult.photo.name
    assert path.exists()
    client_anonymise(client_id=adult.pk)
    adult.refresh_from_db()
    assert not adult.photo and not path.exists()
    assert not adult.history.exclude(photo="").exists()
    assert not [p for p in media.rglob("*") if p.is_file()]
