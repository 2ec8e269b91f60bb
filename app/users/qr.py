"""A URL as a QR code, inline SVG (segno: pure Python, nothing fetched)."""

from __future__ import annotations

import segno


def qr_svg(url: str) -> str:
    """An `<svg>` element a phone's camera reads off a screen (black on white, with a quiet
    zone, error correction M)."""
    code = segno.make(url, error="m", micro=False)
    svg: str = code.svg_inline(scale=5, title="Sign-in link", light="#fff")
    return svg
