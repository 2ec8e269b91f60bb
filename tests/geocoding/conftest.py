"""Shared fixtures for the geocoding tests: no network, the Helsinki address index."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import NoReturn

import pytest

from app.geocoding import OsmAddressIndex

DATA = Path(__file__).parent / "data"
HELSINKI_EXTRACT = DATA / "helsinki-addresses.osm.pbf"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection attempt fails the test: offline means offline."""

    def refuse(*args: object, **kwargs: object) -> NoReturn:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture(scope="session")
def helsinki() -> OsmAddressIndex:
    """The index over the committed central-Helsinki extract (built once per session)."""
    return OsmAddressIndex.from_file(HELSINKI_EXTRACT)
