"""Security headers on every response: a Content-Security-Policy with a fresh nonce per
response, no framing by other sites, no MIME sniffing, no referrer outside the site.

Scripts: only files from this site and inline blocks that carry the response's nonce. Our own
templates put no script inline; the folium maps do (their map setup), so `app.web.maps` stamps
the nonce on the scripts folium writes, and the docs page loads its set-up from a file. No
'unsafe-inline' and no 'unsafe-eval' for scripts: an injected `<script>` or `onclick=` does not
run even if a template ever failed to escape.

Styles: `<style>` blocks need the nonce too (the sign-in page's, the maps'). Inline `style=`
attributes are allowed (`style-src-attr 'unsafe-inline'`): the territory legend's colour swatches
use them, and Leaflet positions tiles and markers through the style of each element. A style
attribute cannot run script; the worst an injected one can do is restyle the page, and every
stored text reaches the pages autoescaped, so the attribute itself cannot be injected.

Framing: `frame-ancestors 'none'` (and `X-Frame-Options: DENY`) everywhere, except the map pages,
which our own pages show in an iframe: they call `allow_framing_by_this_site()` and get 'self'.

Images: this site, `data:` (Leaflet's and Swagger UI's icons) and the map tiles' origin, which
comes from the settings (`map_tiles_url`).
"""

from __future__ import annotations

import secrets
from contextvars import ContextVar
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass(slots=True)
class _ResponsePolicy:
    nonce: str
    frameable_by_self: bool = False


# The object is shared by the worker threads sync endpoints run in (they get a copy of the
# context, not of the object), so a flag set there is seen when the headers go out.
_current: ContextVar[_ResponsePolicy | None] = ContextVar("security_policy", default=None)

# The rep's page asks where the phone is (a re-plan from the road); nothing asks for more.
PERMISSIONS_POLICY = "geolocation=(self), camera=(), microphone=(), payment=(), usb=()"


def csp_nonce() -> str:
    """The nonce of the response being made, for inline `<script>`/`<style>`; empty outside a
    request (a page rendered by a test, whose inline blocks no browser will run)."""
    policy = _current.get()
    return policy.nonce if policy is not None else ""


def allow_framing_by_this_site() -> None:
    """Let this site's own pages show the current response in an iframe (the maps)."""
    policy = _current.get()
    if policy is not None:
        policy.frameable_by_self = True


def image_origin(url_template: str) -> str | None:
    """The CSP source of a Leaflet tile URL template: `https://{s}.tile.example.org/{z}/...` ->
    `https://*.tile.example.org`; None for no tiles or a template whose host is not fixed."""
    if not url_template:
        return None
    parts = urlsplit(url_template)
    host = parts.netloc.replace("{s}", "*")
    if parts.scheme not in ("http", "https") or not host or "{" in host or "@" in host:
        return None
    return f"{parts.scheme}://{host}"


def content_security_policy(nonce: str, *, frame_ancestors: str, images: tuple[str, ...]) -> str:
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}'",
        "style-src": f"'self' 'nonce-{nonce}'",
        "style-src-attr": "'unsafe-inline'",
        "img-src": " ".join(("'self'", "data:", *images)),
        "font-src": "'self'",
        "connect-src": "'self'",
        "frame-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": frame_ancestors,
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class SecurityHeadersMiddleware:
    """Adds the headers to every HTTP response that passes through, whatever made it (a route,
    the static files, an error handler, a 404); a header a response set itself is kept."""

    def __init__(self, app: ASGIApp, *, image_sources: tuple[str, ...] = ()) -> None:
        self.app = app
        self.image_sources = image_sources

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = _ResponsePolicy(nonce=secrets.token_urlsafe(18))
        token = _current.set(policy)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self._headers(policy).items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            _current.reset(token)

    def _headers(self, policy: _ResponsePolicy) -> dict[str, str]:
        framing = "'self'" if policy.frameable_by_self else "'none'"
        csp = content_security_policy(
            policy.nonce, frame_ancestors=framing, images=self.image_sources
        )
        return {
            "content-security-policy": csp,
            "x-frame-options": "SAMEORIGIN" if policy.frameable_by_self else "DENY",
            "x-content-type-options": "nosniff",
            "referrer-policy": "same-origin",
            "permissions-policy": PERMISSIONS_POLICY,
            "cross-origin-opener-policy": "same-origin",
        }
