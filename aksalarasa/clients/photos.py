"""Client photos: checked, re-encoded without metadata, stored privately, served only through a view.

An upload must be a JPEG, PNG or WebP image of at most 2 MB. It is decoded with Pillow, turned
upright (EXIF orientation), shrunk to at most 1600 pixels a side and encoded again in the same
format: the stored file carries no EXIF (GPS position, camera, time) or other metadata. Files live
under MEDIA_ROOT/private/ with random names; there is no public /media/ URL, and the only way to a
photo is `clients:photo`, which checks scope and masking (`masking.client_photo_visible`).
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a larger image is refused before decoding (decompression bombs)
MAX_SIDE = 1600
FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
CONTENT_TYPES = {ext: content_type for ext, content_type in FORMATS.values()}


class PhotoError(ValueError):
    """An upload that is not an acceptable photo; the message is translated for the person."""


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    extension: str
    content_type: str
    width: int
    height: int


def client_photo_path(instance, filename: str) -> str:
    """A random name under the private folder (the client's name never appears in a path)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    if extension not in CONTENT_TYPES:
        extension = "jpg"
    return f"private/clients/photos/{instance.office_id}/{uuid.uuid4().hex}.{extension}"


def photo_clean(upload) -> CleanPhoto:
    """Check an uploaded file and return it re-encoded without metadata; PhotoError if unusable."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise PhotoError(_("The photo is larger than 2 MB. Choose a smaller file."))
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PhotoError(_("The photo is larger than 2 MB. Choose a smaller file."))
    try:
        image: Image.Image = Image.open(io.BytesIO(data))
        fmt = image.format
        if fmt not in FORMATS:
            raise PhotoError(_("The photo must be a JPEG, PNG or WebP image."))
        if image.width * image.height > MAX_PIXELS:
            raise PhotoError(_("The photo has too many pixels. Choose a smaller image."))
        image.load()
        image = ImageOps.exif_transpose(image)
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise PhotoError(_("The photo must be a JPEG, PNG or WebP image.")) from exc
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    # Pillow carries some metadata from the decoded file into a new encoding (a JPEG comment, an
    # XMP packet, an ICC profile): the encoder gets none of it.
    image.info = {}
    extension, content_type = FORMATS[fmt]
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    elif fmt == "PNG":
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    else:
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA")
        image.save(out, "WEBP", quality=85)
    return CleanPhoto(out.getvalue(), extension, content_type, image.width, image.height)


def photo_content_type(name: str) -> str:
    return CONTENT_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")
