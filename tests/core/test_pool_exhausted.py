"""No pooled connection free within the pool's timeout: 503 with Retry-After, not a 500."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from app.core.http_errors import install_error_handlers


def test_an_exhausted_pool_is_a_503_with_retry_after(tmp_path: Path) -> None:
    engine = create_engine(
        f"sqlite:///{tmp_path / 'pool.db'}", pool_size=1, max_overflow=0, pool_timeout=0.1
    )
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/count")
    def count() -> int:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT 1")).scalar_one())

    with TestClient(app) as client:
        assert client.get("/count").json() == 1
        with engine.connect():  # the pool's only connection, held elsewhere
            response = client.get("/count")
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        assert response.json() == {
            "detail": "the service is busy: no database connection was free; retry soon"
        }
        assert client.get("/count").status_code == 200
    engine.dispose()
