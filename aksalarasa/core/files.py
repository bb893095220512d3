"""Stored files that hold personal data are served by scoped views, never from a public /media/ URL."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def private_file_response(field_file: FieldFile, *, filename: str) -> FileResponse:
    """Answer one stored file as a download that no shared cache keeps; 404 when the file is gone."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


def download_name(field_file: FieldFile, stem: str) -> str:
    """`stem` plus the stored file's extension: a download name that names no person."""
    name = (field_file.name or "").rsplit("/", 1)[-1]
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return f"{stem}.{suffix}" if suffix.isalnum() and len(suffix) <= 5 else stem
