"""A Litmas document is a case file that names the client: it is served by a scoped, logged view
(and API call) to the client's office guidance staff only, never from a public /media/ address."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from aksalarasa.accounts.services import api_token_create
from aksalarasa.audit.models import AccessLog
from aksalarasa.clients import services
from tests.factories import make_partner_world

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Who downloads which document (the others get 404, as if it did not exist).
EXPECTED = {
    "office_head": {"adult", "child"},
    "section_adult": {"adult"},
    "section_child": {"child"},
    "pk": {"adult"},
    "pk_child": {"child"},
    "staff1": set(),  # partner staff of the organisation both clients are referred to
    "program_team": set(),
    "admin": set(),
    "national": set(),
    "regional": set(),
    "head_b": set(),
    "pk_b": set(),
}


@pytest.fixture
def world(office_a, office_b, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    w = make_partner_world(office_a, office_b)
    today = timezone.localdate()
    for key, officer in (("adult", w["pk"]), ("child", w["pk_child"])):
        litmas = services.litmas_request(
            actor=w["office_head"],
            client=w[key],
            data={"purpose": "guidance", "requested_on": today, "officer": officer.pk},
        )
        services.litmas_submit(
            actor=officer,
            litmas=litmas,
            data={
                "submitted_on": today,
                "recommendation": "Lanjut bimbingan",
                "document": SimpleUploadedFile(f"Litmas {w[key].full_name}.pdf", PDF + key.encode()),
            },
            expected_version=litmas.version,
        )
        w[f"litmas_{key}"] = litmas
    return w


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_each_role_downloads_exactly_the_documents_the_matrix_allows(who, world, client):
    client.force_login(world[who])
    for key in ("adult", "child"):
        litmas = world[f"litmas_{key}"]
        before = AccessLog.objects.count()
        response = client.get(reverse("clients:litmas_document", args=[litmas.pk]))
        if key in EXPECTED[who]:
            assert response.status_code == 200, (who, key)
            assert b"".join(response.streaming_content) == PDF + key.encode()
            assert response["Cache-Control"] == "private, no-store"
            # The download name names no person (the uploaded file's name did).
            assert response["Content-Disposition"] == f'attachment; filename="litmas-{litmas.pk}.pdf"'
            log = AccessLog.objects.order_by("-pk").first()
            assert AccessLog.objects.count() == before + 1
            assert (log.user_id, log.action) == (world[who].pk, AccessLog.Action.EXPORT)
        else:
            assert response.status_code == 404, (who, key)
            assert AccessLog.objects.count() == before


def test_client_page_links_the_scoped_download_not_the_media_address(world, client):
    client.force_login(world["pk"])
    page = client.get(reverse("clients:detail", args=[world["adult"].pk])).content.decode()
    assert reverse("clients:litmas_document", args=[world["litmas_adult"].pk]) in page
    assert "/media/" not in page


def test_a_missing_file_or_no_document_is_404_not_500(world, client):
    litmas = world["litmas_adult"]
    litmas.document.storage.delete(litmas.document.name)
    client.force_login(world["pk"])
    assert client.get(reverse("clients:litmas_document", args=[litmas.pk])).status_code == 404
    plain = services.litmas_request(
        actor=world["office_head"],
        client=world["adult"],
        data={"purpose": "court", "requested_on": timezone.localdate(), "officer": world["pk"].pk},
    )
    assert client.get(reverse("clients:litmas_document", args=[plain.pk])).status_code == 404


@pytest.mark.parametrize("who", ["office_head", "pk", "staff1", "national"])
def test_api_offers_and_serves_the_document_to_the_same_people(who, world, client):
    _token, raw = api_token_create(user=world[who], name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    litmas = world["litmas_adult"]
    listing = client.get("/api/v1/litmas", **headers).json()["results"]
    offered = {row["id"]: row["document_url"] for row in listing}
    download = client.get(f"/api/v1/litmas/{litmas.pk}/document", **headers)
    if "adult" in EXPECTED[who]:
        assert offered[litmas.pk] == f"/api/v1/litmas/{litmas.pk}/document"
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF + b"adult"
        assert AccessLog.objects.filter(user=world[who], action=AccessLog.Action.API).exists()
    else:
        assert offered.get(litmas.pk) is None
        assert download.status_code == 404
