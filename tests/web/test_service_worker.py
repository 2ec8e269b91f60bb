"""`/rep/sw.js`: the phone page's service worker is served under `/rep` with its scope header,
and its version is the static files' fingerprint, so a release that changes a cached file
reaches phones (the worker keeps static files cache-first)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.web import assets
from app.web.assets import static_version


def test_the_worker_carries_the_static_files_fingerprint(client: TestClient) -> None:
    answer = client.get("/rep/sw.js")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/javascript")
    assert answer.headers["service-worker-allowed"] == "/rep"
    assert answer.headers["cache-control"] == "no-cache"
    versions = re.findall(r'^const VERSION = "([^"]*)";$', answer.text, flags=re.MULTILINE)
    assert versions == [static_version()]
    assert re.fullmatch(r"[0-9a-f]{12}", versions[0])


def test_the_fingerprint_follows_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "js").mkdir()
    script = tmp_path / "js" / "rep.js"
    script.write_text("one", encoding="utf-8")
    monkeypatch.setattr(assets, "STATIC_DIR", tmp_path)
    fingerprint = static_version.__wrapped__
    first = fingerprint()
    assert fingerprint() == first
    script.write_text("two", encoding="utf-8")
    changed = fingerprint()
    assert changed != first
    (tmp_path / "js" / "new.js").write_text("", encoding="utf-8")
    assert fingerprint() not in (first, changed)
