"""The input edge (issue 12): ids past the 32-bit columns, dates at the calendar's ends, numbers
sent as dates, control characters in one-line text, on both databases: a 4xx naming the field
(an HTML page for a page), never a 500. And the errors as the OpenAPI document describes them."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core.schemas import MAX_DAY, MAX_ROW_ID
from app.imports.parsing.reader import read_accounts_csv
from tests.api.openapi_check import problems, response_schema
from tests.backends import ON_BOTH_BACKENDS
from tests.moments import TODAY_UTC
from tests.seed import World

pytestmark = ON_BOTH_BACKENDS

API = "/api/v1"
TOO_BIG = MAX_ROW_ID + 1  # 2**31: the first id a 32-bit column cannot hold
HUGE = 2**63 - 1
PARAM = re.compile(r"{(\w+)}")


def _refused(response: Any, field: str) -> None:
    """A 422 whose first error names `field` (a body field's path, or `query.x` / `path.x`)."""
    assert response.status_code == 422, (response.status_code, response.text)
    body = response.json()
    assert body["field"] == field, body
    assert body["detail"].startswith(f"{field}: "), body
    assert body["errors"][0]["field"] == field


def _id_routes(app: FastAPI) -> list[tuple[str, str, str]]:
    found = []
    for path, item in app.openapi()["paths"].items():
        for name in PARAM.findall(path):
            if name.endswith("_id"):
                found += [(method.upper(), path, name) for method in item]
    return found


def _path(path: str, param: str, value: int) -> str:
    values = dict.fromkeys(PARAM.findall(path), "1") | {"day": "2030-06-04", param: str(value)}
    return path.format(**values)


def test_every_id_in_a_path_past_32_bits_is_a_422_naming_it(
    client: TestClient, auth: dict[str, str]
) -> None:
    routes = _id_routes(client.app)  # type: ignore[arg-type]
    assert len(routes) >= 25
    for method, path, param in routes:
        for value in (TOO_BIG, HUGE):
            response = client.request(method, _path(path, param, value), headers=auth, json={})
            _refused(response, f"path.{param}")


# GET routes with required query parameters: a request without them is a 422 before the id is
# looked up.
REQUIRED_QUERIES = {"/api/v1/reps/{rep_id}/accounts/near": "?latitude=39.3&longitude=-76.6"}


def test_the_largest_id_is_a_404_not_a_500(client: TestClient, auth: dict[str, str]) -> None:
    for method, path, param in _id_routes(client.app):  # type: ignore[arg-type]
        if method == "GET" and not path.endswith((".ics", ".gpx", ".csv", ".geojson")):
            query = REQUIRED_QUERIES.get(path, "")
            response = client.get(_path(path, param, MAX_ROW_ID) + query, headers=auth)
            assert response.status_code == 404, (path, response.text)


def test_ids_in_queries_bodies_and_forms(
    client: TestClient, world: World, auth: dict[str, str]
) -> None:
    rep = world.rep_ids["rep_north_1"]
    account = world.account_ids["rep_north_1-acc-1"]
    _refused(
        client.get(f"{API}/plans?start=2030-06-03&rep_id={TOO_BIG}", headers=auth), "query.rep_id"
    )
    _refused(client.get(f"{API}/accounts?team_id={TOO_BIG}", headers=auth), "query.team_id")
    _refused(client.get(f"{API}/reps/{rep}/plans/2030-06-04?version={TOO_BIG}", headers=auth),
             "query.version")  # fmt: skip
    _refused(
        client.post(f"{API}/accounts", headers=auth, json={"name": "A", "team_id": TOO_BIG}),
        "team_id",
    )
    _refused(
        client.post(f"{API}/visits", headers=auth, json={"account_id": HUGE, "status": "done"}),
        "account_id",
    )
    _refused(
        client.post(
            f"{API}/appointments",
            headers=auth,
            json={"account_id": account, "starts_at": "2030-06-04T10:00", "rep_id": TOO_BIG},
        ),
        "rep_id",
    )
    _refused(client.post(f"{API}/plans/batch", headers=auth, json={"team_id": TOO_BIG}), "team_id")
    upload = client.post(
        f"{API}/imports/accounts",
        headers=auth,
        files={"file": ("a.csv", b"id,name\n1,Acme\n", "text/csv")},
        data={"team_id": str(TOO_BIG)},
    )
    _refused(upload, "team_id")


def test_pages_answer_an_html_error_page_for_bad_ids_and_dates(
    client: TestClient, world: World, auth: dict[str, str]
) -> None:
    rep = world.rep_ids["rep_north_1"]
    for url, status in (
        (f"/rep?rep_id={TOO_BIG}", 422),
        (f"/rep/map?rep_id={HUGE}&date=2030-06-04", 422),
        (f"/manager/plans?team_id={TOO_BIG}", 422),
        (f"/manager/map?team_id={TOO_BIG}", 422),
        ("/manager/plans?start=9999-12-31", 422),
        ("/manager/plans?start=0", 422),
        ("/rep?date=9999-12-31", 400),
        (f"/rep/map?rep_id={rep}&date=0001-01-01", 400),
    ):
        response = client.get(url, headers=auth)
        assert response.status_code == status, (url, response.status_code, response.text[:300])
        assert response.headers["content-type"].startswith("text/html"), url
    text = client.get("/manager/plans?start=9999-12-31", headers=auth).text
    assert "start" in text
    assert str(MAX_DAY) in text


def test_dates_outside_the_supported_calendar_are_422s(
    client: TestClient, world: World, auth: dict[str, str]
) -> None:
    rep = world.rep_ids["rep_north_1"]
    account = world.account_ids["rep_north_1-acc-1"]
    plan = {"date": "9999-12-29", "days": 7}
    _refused(client.post(f"{API}/reps/{rep}/plans", headers=auth, json=plan), "date")
    _refused(client.get(f"{API}/plans?start=9999-12-31", headers=auth), "query.start")
    _refused(client.get(f"{API}/plans?start=0001-01-01", headers=auth), "query.start")
    _refused(client.get(f"{API}/reps/{rep}/plans/9999-12-31", headers=auth), "path.day")
    _refused(client.get(f"{API}/reps/{rep}/plans/9999-12-31/export.ics", headers=auth), "path.day")
    _refused(
        client.post(f"{API}/reps/{rep}/plans/0001-01-01/replan", headers=auth, json={}), "path.day"
    )
    appointment = {"account_id": account, "starts_at": "9999-12-31T23:59", "rep_id": rep}
    _refused(client.post(f"{API}/appointments", headers=auth, json=appointment), "starts_at")
    visit = {"account_id": account, "status": "done", "at": "0001-01-01T00:00+14:00", "rep_id": rep}
    _refused(client.post(f"{API}/visits", headers=auth, json=visit), "at")
    _refused(client.get(f"{API}/visits?date_to=9999-12-31", headers=auth), "query.date_to")
    _refused(client.get(f"{API}/accounts/{account}?as_of=9999-12-31", headers=auth), "query.as_of")
    _refused(client.get(f"{API}/accounts?as_of=1899-12-31", headers=auth), "query.as_of")
    # The last supported week still reads (a week past MAX_DAY is inside Python's calendar).
    week = client.get(f"{API}/plans?start={MAX_DAY}&days=31", headers=auth)
    assert week.status_code == 200, week.text


def test_dates_and_times_must_be_iso_text_not_numbers(
    client: TestClient, world: World, auth: dict[str, str]
) -> None:
    rep = world.rep_ids["rep_north_1"]
    account = world.account_ids["rep_north_1-acc-1"]
    for date_value in (0, 20300604, "0", 1.5):
        _refused(client.post(f"{API}/plans/batch", headers=auth, json={"date": date_value}), "date")
        _refused(
            client.post(f"{API}/reps/{rep}/plans", headers=auth, json={"date": date_value}), "date"
        )
    _refused(client.get(f"{API}/plans?start=0", headers=auth), "query.start")
    visit = {"account_id": account, "status": "done", "at": 1_700_000_000, "rep_id": rep}
    _refused(client.post(f"{API}/visits", headers=auth, json=visit), "at")
    _refused(client.post(f"{API}/visits", headers=auth, json=visit | {"at": "1700000000"}), "at")
    appointment = {"account_id": account, "starts_at": 0, "rep_id": rep}
    _refused(client.post(f"{API}/appointments", headers=auth, json=appointment), "starts_at")
    _refused(client.patch(f"{API}/reps/{rep}", headers=auth, json={"shift_start": 3600}),
             "shift_start")  # fmt: skip
    ok = client.patch(f"{API}/reps/{rep}", headers=auth, json={"shift_start": "07:30"})
    assert ok.status_code == 200, ok.text
    assert ok.json()["shift_start"] == "07:30:00"


def test_control_characters_in_one_line_text_are_refused(
    client: TestClient, world: World, auth: dict[str, str]
) -> None:
    account = world.account_ids["rep_north_1-acc-1"]
    team = world.team_ids["North"]
    created = client.post(
        f"{API}/accounts", headers=auth, json={"name": "Acme\r\nEvil", "team_id": team}
    )
    _refused(created, "name")
    for field, text in (
        ("phone", "+1 555\n0100"),
        ("street", "1 Main St\r\nSuite 2"),
        ("city", "Chicago\x1b[31m"),
        ("name", "Acme\u2028Evil"),
        ("phone", "555\t0100"),
    ):
        _refused(client.patch(f"{API}/accounts/{account}", headers=auth, json={field: text}), field)
    rep = world.rep_ids["rep_north_1"]
    _refused(client.patch(f"{API}/reps/{rep}", headers=auth, json={"name": "A\nB"}), "name")
    notes = client.patch(
        f"{API}/accounts/{account}", headers=auth, json={"notes": "Line one\nLine two\tend"}
    )
    assert notes.status_code == 200, notes.text
    assert notes.json()["notes"] == "Line one\nLine two\tend"
    phone = client.patch(
        f"{API}/accounts/{account}", headers=auth, json={"phone": "+1 (555) 010-0000"}
    )
    assert phone.status_code == 200
    assert phone.json()["phone"] == "+1 (555) 010-0000"


def test_the_import_normalises_text_and_refuses_control_characters_in_ids_and_phones(
    database_url: str,
) -> None:
    data = (
        b"id,name,street,city,phone,notes\r\n"
        b'1,"Acme\x1b Corp","1 Main St\r\nSuite 200","Chi\x07cago","+1 (555) 010-0000","a\r\nb"\r\n'
        b'2,Beta,,,"555\x0b0100",\r\n'
        # A few stray control characters in a long file (a binary-looking one is refused whole).
        + b"".join(b"%d,Account %d,,,,\r\n" % (n, n) for n in range(3, 40))
    )
    parsed = read_accounts_csv(data)
    row = parsed.rows[0]
    assert row.external_id == "1"
    assert (row.name, row.street, row.city) == ("Acme Corp", "1 Main St, Suite 200", "Chi cago")
    assert row.phone == "+1 (555) 010-0000"
    assert row.notes == "a\nb"
    [error] = parsed.errors
    assert (error.row, error.column) == (5, "phone")  # the record on lines 2-4 came first


def test_every_error_is_documented_as_the_error_body(
    client: TestClient, auth: dict[str, str]
) -> None:
    document = client.get("/openapi.json", headers=auth).json()
    assert "HTTPValidationError" not in str(document)
    operations = [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) > 40
    for path, method, operation in operations:
        responses = operation["responses"]
        assert {"500", "503"} <= responses.keys(), (method, path)
        if operation.get("parameters") or operation.get("requestBody"):
            assert "422" in responses, (method, path)
        for code, response in responses.items():
            if code[0] in "45" and "text/html" not in response["content"]:
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (method, path, code)
    # A real 422 is what the document says it is.
    sent = client.get(f"{API}/plans?start=9999-12-31&days=0", headers=auth)
    schema = response_schema(document, f"{API}/plans", "get", 422)
    assert problems(document, schema, sent.json()) == []
    assert len(sent.json()["errors"]) == 2


def test_real_answers_match_the_openapi_document(
    client: TestClient, world: World, auth: dict[str, str]
) -> None:
    document = client.get("/openapi.json", headers=auth).json()
    rep = world.rep_ids["rep_north_1"]
    account = world.account_ids["rep_north_1-acc-1"]
    day = (TODAY_UTC + timedelta(days=1)).isoformat()  # a working day that has not started

    def check(method: str, path: str, template: str, status: int, **kwargs: Any) -> Any:
        response = client.request(method, path, headers=auth, **kwargs)
        assert response.status_code == status, (path, response.text)
        schema = response_schema(document, template, method, status)
        assert problems(document, schema, response.json()) == [], path
        return response.json()

    check("GET", f"{API}/accounts", f"{API}/accounts", 200)
    check("GET", f"{API}/accounts/{account}", f"{API}/accounts/{{account_id}}", 200)
    check("GET", f"{API}/reps/{rep}", f"{API}/reps/{{rep_id}}", 200)
    today = TODAY_UTC.isoformat()
    visit = {"account_id": account, "status": "done", "at": f"{today}T08:00", "rep_id": rep}
    check("POST", f"{API}/visits", f"{API}/visits", 201, json=visit)
    check("GET", f"{API}/visits", f"{API}/visits", 200)
    appointment = {"account_id": account, "starts_at": f"{day}T14:00:00", "rep_id": rep}
    check("POST", f"{API}/appointments", f"{API}/appointments", 201, json=appointment)
    plan = {"date": day, "time_limit": 1}
    check("POST", f"{API}/reps/{rep}/plans", f"{API}/reps/{{rep_id}}/plans", 201, json=plan)
    check("GET", f"{API}/reps/{rep}/plans/{day}", f"{API}/reps/{{rep_id}}/plans/{{day}}", 200)
    check("GET", f"{API}/plans?start={day}", f"{API}/plans", 200)
    check("GET", f"{API}/accounts/{HUGE}", f"{API}/accounts/{{account_id}}", 422)
    check("GET", f"{API}/accounts/{MAX_ROW_ID}", f"{API}/accounts/{{account_id}}", 404)
