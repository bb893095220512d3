"""QR codes for registrations (segno, SVG: sharp on any screen and on paper)."""

from __future__ import annotations

import io

import segno


def qr_svg(code: str) -> str:
    """An inline SVG of the registration code (the scanner reads the 6-character code itself)."""
    buffer = io.BytesIO()
    segno.make(code, error="m", micro=False).save(
        buffer, kind="svg", scale=8, border=2, xmldecl=False, svgns=True, title=f"QR {code}"
    )
    return buffer.getvalue().decode()
