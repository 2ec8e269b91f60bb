"""The pages' Jinja2 environment: the templates in `app/web/templates/`, autoescaped.

A small `jinja2.Environment` of our own rather than Starlette's `Jinja2Templates`: pages and
fragments are rendered to strings (the error pages outside any endpoint, fragments in tests),
which `Jinja2Templates.TemplateResponse` does not do, and nothing here wants what it adds (the
request and `url_for` in every context). Everything the templates need is set up below:
autoescaping for every template (they are all HTML, so a stored name is text, never markup),
`StrictUndefined` (a misspelt variable fails the render and its test instead of printing
nothing), the number and date filters, and the URL builders.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined

from app.core import time_text
from app.core.security_headers import csp_nonce
from app.web import formats, urls
from app.web.travel_words import travel_label, travel_short


@dataclass(frozen=True, slots=True)
class Layout:
    """What the base layout puts around a page's main block."""

    stylesheet: str | None
    """None: the page brings its own styles (the sign-in page: one request, nothing else)."""
    header: str | None
    """The header's class: "bar" on the desk pages (the page's title and a team picker beside
    the user line), "top" on the phone page (the user line alone); None: no header."""


DESK = Layout("/static/css/app.css", "bar")
PHONE = Layout("/static/css/rep.css", "top")
SIGN_IN = Layout(None, None)

ENVIRONMENT = Environment(
    loader=PackageLoader("app.web", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
)
ENVIRONMENT.filters.update(
    fmt=formats.fmt,
    compact=formats.compact,
    duration=time_text.duration,
    short_date=time_text.short_date,
    long_date=time_text.long_date,
    hhmm=time_text.wall_time,
    made_at=formats.made_at,
)
ENVIRONMENT.globals.update(
    layouts={"desk": DESK, "phone": PHONE, "sign_in": SIGN_IN},
    rep_url=urls.rep_url,
    rep_map_url=urls.rep_map_url,
    plan_cell_url=urls.plan_cell_url,
    manager_map_url=urls.manager_map_url,
    week_url=urls.week_url,
    manager_url=urls.manager_url,
    report_url=urls.report_url,
    plans_api_url=urls.plans_api_url,
    replan_api_url=urls.replan_api_url,
    refresh_api_url=urls.refresh_api_url,
    export_url=urls.export_url,
    account_url=urls.account_url,
    near_url=urls.near_url,
    inside_url=urls.inside_url,
    travel_label=travel_label,
    travel_short=travel_short,
    csp_nonce=csp_nonce,
    zone_named=ZoneInfo,
)


def render(name: str, **context: Any) -> str:
    """The template `name` (a path under `templates/`) rendered with `context`."""
    return ENVIRONMENT.get_template(name).render(context)
