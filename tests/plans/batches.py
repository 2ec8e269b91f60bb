"""A batch plan through the API: submitted (202, a job), then its result read. Without a broker
the batch's reps run in the web process after the response, which the test client waits for."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from httpx import Response


def plan_batch(client: TestClient, *, json: dict[str, Any], headers: dict[str, str]) -> Response:
    """The batch's result (GET /api/v1/plans/batch/{id}) once it has run, or the refusal."""
    submitted = client.post("/api/v1/plans/batch", json=json, headers=headers)
    if submitted.status_code != 202:
        return submitted
    job = submitted.json()
    assert submitted.headers["location"] == f"/api/v1/jobs/{job['id']}"
    ended = client.get(f"/api/v1/jobs/{job['id']}", headers=headers).json()
    assert ended["state"] == "succeeded", ended
    assert ended["progress"]["done"] == ended["progress"]["total"]
    return client.get(ended["links"]["result"], headers=headers)
