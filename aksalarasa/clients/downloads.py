"""The Litmas document download, shared by the page and the API: scoped, logged, never public."""

from __future__ import annotations

from django.http import FileResponse

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.audit.services import access_record
from aksalarasa.clients import selectors
from aksalarasa.core.files import download_name, private_file_response


def litmas_document_response(request: AuthedRequest, pk: int, *, action: str) -> FileResponse:
    """The file for the client's office guidance staff (404 for anyone else), logged as `action`."""
    litmas = selectors.litmas_document_get(viewer=request.user, pk=pk)
    response = private_file_response(litmas.document, filename=download_name(litmas.document, f"litmas-{pk}"))
    access_record(
        user=request.user,
        obj=litmas.client,
        office_id=litmas.office_id,
        action=action,
        label=f"{litmas.client.register_number} Litmas {pk}",
        request=request,
    )
    return response
