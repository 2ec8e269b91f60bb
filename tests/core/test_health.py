"""`/health` is liveness (no database), `/health/ready` readiness (the database answers)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from app import __version__


def test_liveness_and_readiness_answer_without_a_token(client: TestClient) -> None:
    for path in ("/health", "/health/live"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "version": __version__}
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__, "database": "ok"}


def test_liveness_does_not_touch_the_database(client: TestClient) -> None:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    statements: list[str] = []

    def note(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", note)
    try:
        assert client.get("/health").status_code == 200
        assert statements == []
        assert client.get("/health/ready").status_code == 200
        assert statements == ["SELECT 1"]
    finally:
        event.remove(engine, "before_cursor_execute", note)
