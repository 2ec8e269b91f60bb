"""A rep's home: where their days start and end, and what territories are measured from."""

from __future__ import annotations

from app.core.errors import InvalidRequest
from app.models import Rep
from routing import Point


def home_point(rep: Rep) -> Point | None:
    """The rep's home as a point, or None while it is not placed."""
    if rep.home_latitude is None or rep.home_longitude is None:
        return None
    return Point(rep.home_latitude, rep.home_longitude)


def required_home(rep: Rep) -> Point:
    """The rep's home, for work that cannot start without it (422 naming the rep otherwise)."""
    home = home_point(rep)
    if home is None:
        raise InvalidRequest(
            f"{rep.name} has no home location to start from; set their home "
            "address or coordinates first",
            field="rep_id",
        )
    return home
