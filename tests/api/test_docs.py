"""API docs: behind sign-in, and rendered from local files (no CDN)."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

import app
from app.core.config import Settings
from app.main import create_app
from tests.seed import World


def test_openapi_needs_a_token(client: TestClient, world: World) -> None:
    assert client.get("/openapi.json").status_code == 401
    spec = client.get("/openapi.json", headers=world.headers("rep_north_1"))
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    assert "/api/v1/accounts" in paths
    assert "/api/v1/imports/accounts" in paths


def test_docs_page_sends_strangers_to_sign_in(client: TestClient, world: World) -> None:
    response = client.get("/docs", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/docs"
    client.post("/login", data={"token": world.tokens["admin"], "next": "/docs"})
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower()
    assert "/static/docs/swagger-ui-bundle.js" in page.text
    asset = client.get("/static/docs/swagger-ui-bundle.js")
    assert asset.status_code == 200
    assert "SwaggerUIBundle" in asset.text[:2000]


# --- the documented shape ----------------------------------------------------------------

MAIN_OPERATIONS = [
    ("post", "/api/v1/optimize"),
    ("get", "/api/v1/accounts"),
    ("post", "/api/v1/accounts"),
    ("post", "/api/v1/imports/accounts"),
    ("post", "/api/v1/reps/{rep_id}/plans"),
    ("get", "/api/v1/reps/{rep_id}/plans/{day}"),
    ("post", "/api/v1/reps/{rep_id}/plans/{day}/replan"),
    ("post", "/api/v1/plans/batch"),
    ("get", "/api/v1/plans/batch/{job_id}"),
    ("post", "/api/v1/visits"),
    ("post", "/api/v1/appointments"),
    ("post", "/api/v1/appointments/{visit_id}/cancel"),
    ("post", "/api/v1/territories/proposals"),
    ("get", "/api/v1/territories/proposals/{proposal_id}"),
]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    """The OpenAPI document (built without a database: no request is served)."""
    return create_app(Settings(database_url="sqlite://")).openapi()


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def test_every_operation_has_a_summary_of_its_own_and_a_description(
    document: dict[str, Any],
) -> None:
    for method, path, operation in operations(document):
        where = f"{method.upper()} {path}"
        # FastAPI's fallback is the function name in title case ("Plan Rep"): not a summary.
        summary = operation.get("summary", "")
        assert summary, f"{where}: no summary"
        assert summary != summary.title(), f"{where}: FastAPI's fallback {summary!r}"
        assert len(summary) <= 60, f"{where}: a summary is a title: {summary!r}"
        assert operation.get("description"), f"{where}: no description"


def test_sign_in_and_out_are_documented_as_html_forms_answering_redirects(
    client: TestClient, world: World, document: dict[str, Any]
) -> None:
    paths = document["paths"]
    assert set(paths["/login"]["get"]["responses"]["200"]["content"]) == {"text/html"}
    for path in ("/login", "/logout"):
        responses = paths[path]["post"]["responses"]
        assert "200" not in responses
        redirect = responses["303"]
        assert "content" not in redirect  # a redirect has no body, JSON or other
        assert set(redirect["headers"]) == {"Location", "Set-Cookie"}
    login = paths["/login"]["post"]
    assert set(login["requestBody"]["content"]) == {"application/x-www-form-urlencoded"}
    assert set(login["responses"]["401"]["content"]) == {"text/html"}

    # What the app answers is what the document says.
    documented = login["responses"]
    signed_in = client.post("/login", data={"token": world.tokens["admin"]}, follow_redirects=False)
    wrong = client.post("/login", data={"token": "nope"}, follow_redirects=False)
    cross_site = client.post(
        "/login", data={"token": "nope"}, headers={"Origin": "https://evil.example"}
    )
    for response in (signed_in, wrong, cross_site):
        assert str(response.status_code) in documented, response.status_code
    assert signed_in.status_code == 303
    assert wrong.headers["content-type"].startswith("text/html")
    out = client.post("/logout", follow_redirects=False)
    assert out.status_code == 303
    assert str(out.status_code) in paths["/logout"]["post"]["responses"]


def _schema_models() -> dict[str, type[BaseModel]]:
    """The models of every feature's `schemas` module, by name (a model's schema title)."""
    models: dict[str, type[BaseModel]] = {}
    root = Path(app.__file__).parent
    for path in sorted(root.glob("*/schemas.py")):
        module = f"app.{path.parent.name}.schemas"
        for value in vars(importlib.import_module(module)).values():
            if isinstance(value, type) and issubclass(value, BaseModel):
                assert models.setdefault(value.__name__, value) is value, value.__name__
    return models


def _declared_examples(model: type[BaseModel]) -> list[Any]:
    extra = model.model_config.get("json_schema_extra")
    return list(extra.get("examples", [])) if isinstance(extra, dict) else []


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def _examples_anywhere(node: Any, where: str = "") -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("examples", "example"):
                yield where
            yield from _examples_anywhere(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _examples_anywhere(value, f"{where}/{index}")


def test_every_example_loads_into_its_own_model(document: dict[str, Any]) -> None:
    models = _schema_models()
    declared = {name: _declared_examples(model) for name, model in models.items()}
    for name, examples in declared.items():
        for example in examples:
            models[name].model_validate(example)
    assert sum(map(len, declared.values())) >= 20
    # Examples sit on models only (not on fields or operations), so the above sees them all.
    places = list(_examples_anywhere(document))
    assert all(re.fullmatch(r"/components/schemas/[^/]+", where) for where in places), places
    for schema in document["components"]["schemas"].values():
        if "examples" in schema:
            # FastAPI leaves out null values anywhere in the document, examples too
            # (fastapi/fastapi#5559): the published example is ours without its nulls.
            assert schema["examples"] == _without_nulls(declared[schema["title"]])


def _examples_of(document: dict[str, Any], schema: dict[str, Any]) -> list[Any]:
    """The examples a schema shows: its own, or those of the model behind a reference, an
    optional value, a list or a page of items."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = document["components"]["schemas"][name]
    if schema.get("examples"):
        return list(schema["examples"])
    for inner in schema.get("anyOf", []):
        if found := _examples_of(document, inner):
            return found
    if schema.get("type") == "array":
        return _examples_of(document, schema["items"])
    if "items" in schema.get("properties", {}):
        return _examples_of(document, schema["properties"]["items"])
    return []


@pytest.mark.parametrize(("method", "path"), MAIN_OPERATIONS)
def test_main_operations_show_request_and_response_examples(
    document: dict[str, Any], method: str, path: str
) -> None:
    operation = document["paths"][path][method]
    body = operation.get("requestBody", {}).get("content", {})
    if "application/json" in body:
        assert _examples_of(document, body["application/json"]["schema"]), "request"
    success = next(code for code in operation["responses"] if code.startswith("2"))
    answer = operation["responses"][success]["content"]["application/json"]["schema"]
    assert _examples_of(document, answer), f"response {success}"
