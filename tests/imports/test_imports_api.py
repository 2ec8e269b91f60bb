"""CRM imports through the API: upsert by external id, dry runs, row-level reports, pins,
whole-file errors, and who may import what."""

from __future__ import annotations

import json
import os
import socket
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.imports.parsing import CERTAIN
from app.main import create_app
from app.models import Account, ImportJob, Territory
from tests.backends import ON_BOTH_BACKENDS
from tests.imports.parsing.code_pages import (
    CENTRAL_EUROPEAN,
    CENTRAL_EUROPEAN_NAMES,
    CYRILLIC,
    CYRILLIC_MAPPING,
    CYRILLIC_NAMES,
    MAC_ROMAN,
    MAC_ROMAN_NAMES,
)
from tests.seed import World

pytestmark = ON_BOTH_BACKENDS
URL = "/api/v1/imports/accounts"

SALESFORCE = (
    "\ufeffAccount ID,Account Name,Billing Street,Billing City,Billing State/Province,"
    "Billing Zip/Postal Code,Billing Country,Annual Value,Tier,Visit Cadence (days),"
    "Opening Hours,Team\r\n"
    '001A,Acme Hardware,"12 Main St",Chicago,IL,60601,USA,"12,500",A,14,'
    '"Mo-Fr 08:00-12:00,13:00-17:00",North\r\n'
    "001B,Bolt Dental,9 Elm St,Evanston,IL,60201,USA,3000,B,28,Mo-Fr 09:00-17:00,North\r\n"
    "001C,Nowhere Inc,,,,,,100,C,56,,North\r\n"
)


def upload(
    client: TestClient,
    headers: dict[str, str],
    content: str | bytes,
    *,
    filename: str = "accounts.csv",
    **form: Any,
) -> Any:
    data = content.encode() if isinstance(content, str) else content
    fields = {k: (json.dumps(v) if isinstance(v, dict) else str(v)) for k, v in form.items()}
    return client.post(
        URL, headers=headers, files={"file": (filename, data, "text/csv")}, data=fields
    )


def job(client: TestClient, headers: dict[str, str], response: Any) -> dict[str, Any]:
    assert response.status_code == 202, response.text
    polled = client.get(response.headers["location"], headers=headers)
    assert polled.status_code == 200, polled.text
    body: dict[str, Any] = polled.json()
    assert body["status"] == "succeeded", body
    return body


def account(session: Session, external_id: str) -> Account:
    session.expire_all()
    return session.scalars(select(Account).where(Account.external_id == external_id)).one()


def test_import_creates_places_and_reports(
    client: TestClient, world: World, session: Session
) -> None:
    admin = world.headers("admin")
    result = job(client, admin, upload(client, admin, SALESFORCE))
    assert (result["created"], result["updated"], result["rejected"]) == (3, 0, 0)
    assert result["not_placed"] == 1
    assert result["mapping"]["external_id"] == "Account ID"
    assert result["encoding"].startswith("utf-8")
    assert (result["encoding_confidence"], result["file_warnings"]) == (1.0, [])
    acme = account(session, "001A")
    assert acme.value == 12500
    assert acme.opening_hours == {
        d: ["08:00-12:00", "13:00-17:00"] for d in ("mo", "tu", "we", "th", "fr")
    }
    assert acme.geocode_precision == "postcode"
    assert acme.latitude is not None
    assert abs(acme.latitude - 41.886) < 0.1
    nowhere = account(session, "001C")
    assert nowhere.latitude is None
    assert nowhere.geocode_note


def test_an_import_sets_the_remote_cadence_and_the_coverage(
    client: TestClient, world: World, session: Session
) -> None:
    admin = world.headers("admin")
    csv = (
        "Account ID,Account Name,Latitude,Longitude,Call every (days),Coverage,Team\r\n"
        "R1,Phone Only,41.9,-87.7,14,remote,North\r\n"
        "R2,Drive By,41.9,-87.7,,,North\r\n"
    )
    result = job(client, admin, upload(client, admin, csv))
    assert (result["created"], result["rejected"]) == (2, 0)
    phone = account(session, "R1")
    assert (phone.touch_cadence_days, phone.coverage) == (14, "remote")
    drive = account(session, "R2")
    assert (drive.touch_cadence_days, drive.coverage) == (None, "field")


def test_the_same_file_twice_changes_nothing(
    client: TestClient, world: World, session: Session
) -> None:
    admin = world.headers("admin")
    job(client, admin, upload(client, admin, SALESFORCE))
    before = account(session, "001A").updated_at
    again = job(client, admin, upload(client, admin, SALESFORCE))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    assert account(session, "001A").updated_at == before


def test_a_re_export_updates_in_place(client: TestClient, world: World, session: Session) -> None:
    admin = world.headers("admin")
    job(client, admin, upload(client, admin, SALESFORCE))
    first_id = account(session, "001B").id
    changed = SALESFORCE.replace("Bolt Dental,9 Elm St", "Bolt Dental Group,9 Elm St")
    result = job(client, admin, upload(client, admin, changed))
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 1, 2)
    [row] = [p for p in result["preview"] if p["action"] == "updated"]
    assert row["changes"] == ["name"]
    bolt = account(session, "001B")
    assert (bolt.id, bolt.name) == (first_id, "Bolt Dental Group")


def test_manual_pin_is_kept_unless_the_address_changes(
    client: TestClient, world: World, session: Session
) -> None:
    admin = world.headers("admin")
    job(client, admin, upload(client, admin, SALESFORCE))
    acme = account(session, "001A")
    acme.latitude, acme.longitude, acme.pin_manual = 41.9, -87.65, True
    acme.geocode_precision = "manual"
    session.commit()
    job(client, admin, upload(client, admin, SALESFORCE.replace("12,500", "13,000")))
    kept = account(session, "001A")
    assert (kept.latitude, kept.longitude, kept.geocode_precision) == (41.9, -87.65, "manual")
    moved = SALESFORCE.replace('"12 Main St",Chicago,IL,60601', '"5 Oak Ave",Evanston,IL,60201')
    job(client, admin, upload(client, admin, moved))
    regeocoded = account(session, "001A")
    assert not regeocoded.pin_manual
    assert regeocoded.geocode_precision == "postcode"
    assert regeocoded.latitude is not None
    assert abs(regeocoded.latitude - 42.05) < 0.1


def test_dry_run_previews_and_writes_nothing(
    client: TestClient, world: World, session: Session
) -> None:
    admin = world.headers("admin")
    count = session.scalar(select(func.count()).select_from(Account))
    result = job(client, admin, upload(client, admin, SALESFORCE, dry_run="true"))
    assert result["dry_run"] is True
    assert result["created"] == 3
    assert [p["action"] for p in result["preview"]] == ["created"] * 3
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Account)) == count


def test_bad_rows_are_listed_and_good_rows_kept(
    client: TestClient, world: World, session: Session
) -> None:
    admin = world.headers("admin")
    content = (
        "id;name;lat;lon;zip;value;team\n"
        "G1;Good One;;;60601;10;North\n"
        "B1;Bad Latitude;95;-87;;10;North\n"
        "B2;Unknown Team;;;60601;10;Westeros\n"
        "G2;Good Two;41.9;-87.6;;5;North\n"
    )
    result = job(client, admin, upload(client, admin, content))
    assert (result["created"], result["rejected"]) == (2, 2)
    by_row = {e["row"]: e for e in result["errors"]}
    assert by_row[3]["column"] == "lat"
    assert by_row[3]["value"] == "95"
    assert by_row[4]["column"] == "team"
    assert "Westeros" in by_row[4]["value"]
    good_two = account(session, "G2")
    assert (good_two.latitude, good_two.geocode_source) == (41.9, "crm")


def test_explicit_mapping(client: TestClient, world: World, session: Session) -> None:
    admin = world.headers("admin")
    content = "Kundennr,Firma,PLZ\nK-1,Müller GmbH,60601\n"
    mapping = {"external_id": "Kundennr", "name": "Firma", "postcode": "PLZ"}
    result = job(
        client,
        admin,
        upload(client, admin, content, mapping=mapping, team_id=world.team_ids["North"]),
    )
    assert result["created"] == 1
    assert account(session, "K-1").team_id == world.team_ids["North"]


def test_latin1_file(client: TestClient, world: World, session: Session) -> None:
    admin = world.headers("admin")
    content = "id;name;zip;team\nL1;Bäckerei Müller;60601;North\n".encode("latin-1")
    job(client, admin, upload(client, admin, content))
    assert account(session, "L1").name == "Bäckerei Müller"


def test_windows_and_mac_code_pages(client: TestClient, world: World, session: Session) -> None:
    admin = world.headers("admin")
    north = world.team_ids["North"]
    for export, mapping, ids, names in (
        (CENTRAL_EUROPEAN.encode("cp1250"), {}, "PL-1001", CENTRAL_EUROPEAN_NAMES),
        (CYRILLIC.encode("cp1251"), CYRILLIC_MAPPING, "R-1", CYRILLIC_NAMES),
        (MAC_ROMAN, {}, "M-1", MAC_ROMAN_NAMES),
    ):
        result = job(client, admin, upload(client, admin, export, team_id=north, mapping=mapping))
        assert (result["created"], result["rejected"], result["file_warnings"]) == (
            len(names),
            0,
            [],
        )
        assert result["encoding_confidence"] >= CERTAIN
        assert account(session, ids).name == names[0]
    assert [
        result["encoding"] for result in client.get(URL.rsplit("/", 1)[0], headers=admin).json()
    ] == [
        "mac_roman",
        "cp1251",
        "cp1250",
    ]
    session.expire_all()
    stored = session.scalars(select(Account.name).where(Account.team_id == north)).all()
    assert set(CENTRAL_EUROPEAN_NAMES + CYRILLIC_NAMES + MAC_ROMAN_NAMES) <= set(stored)
    assert (account(session, "PL-1001").city, account(session, "PL-1001").value) == (
        "Łódź",
        125_000,
    )
    assert account(session, "M-1").city == "Zürich"


def test_a_guessed_encoding_is_a_warning_from_the_first_response_on(
    client: TestClient, world: World, session: Session
) -> None:
    admin = world.headers("admin")
    content = "id;name;value;team\r\nW1;Café Müller;900;North\r\n".encode("cp1252")
    response = upload(client, admin, content, dry_run="true")
    queued = response.json()
    result = job(client, admin, response)
    for body in (queued, result):
        assert body["encoding"] == "cp1252"
        assert body["encoding_confidence"] < CERTAIN
        [warning] = body["file_warnings"]
        assert warning["code"] == "encoding_guessed"
        assert "read as Windows-1252 (Western European)" in warning["message"]
        assert "save the file as UTF-8" in warning["message"]
    assert [p["action"] for p in result["preview"]] == ["created"]
    session.expire_all()
    assert session.scalar(select(func.count()).where(Account.external_id == "W1")) == 0


def test_salesforce_annual_revenue_is_the_account_value(
    client: TestClient, world: World, session: Session
) -> None:
    admin = world.headers("admin")
    export = SALESFORCE.replace("Annual Value", "Annual Revenue")
    result = job(client, admin, upload(client, admin, export))
    assert result["mapping"]["value"] == "Annual Revenue"
    assert result["file_warnings"] == []
    assert account(session, "001A").value == 12500
    data_loader = (
        "Id,Name,BillingPostalCode,AnnualRevenue,Team\n001D,Delta Deli,60601,750000,North\n"
    )
    job(client, admin, upload(client, admin, data_loader))
    assert account(session, "001D").value == 750_000


def test_no_value_column_is_a_loud_warning_in_the_dry_run_and_the_job(
    client: TestClient, world: World
) -> None:
    admin = world.headers("admin")
    export = SALESFORCE.replace("Annual Value", "Umsatzklasse")
    response = upload(client, admin, export, dry_run="true")
    queued = response.json()
    result = job(client, admin, response)
    listed = client.get("/api/v1/imports", headers=admin).json()[0]
    for body in (queued, result, listed):
        [warning] = body["file_warnings"]
        assert warning["code"] == "no_value_column"
        assert "every account this file creates is worth 0" in warning["message"]
        assert '{"value": "Annual Revenue"}' in warning["message"]
    assert "Umsatzklasse" in result["unmapped_columns"]
    assert result["created"] == 3
    mapped = job(
        client,
        admin,
        upload(client, admin, export, dry_run="true", mapping={"value": "Umsatzklasse"}),
    )
    assert mapped["file_warnings"] == []


def test_whole_file_problems_are_4xx(client: TestClient, world: World) -> None:
    admin = world.headers("admin")
    xlsx = b"PK\x03\x04" + b"\x00" * 100
    for content, status, words in (
        (b"", 422, "empty"),
        (xlsx, 422, "xlsx"),
        ("id,name\n", 422, "no rows"),
        ("foo,bar\n1,2\n", 422, "external_id"),
    ):
        response = upload(client, admin, content)
        assert response.status_code == status, response.text
        assert words in response.json()["detail"].lower(), response.text
        assert response.json()["field"] == "file"
    bad_mapping = client.post(
        URL, headers=admin, files={"file": ("a.csv", b"id,name\n1,a\n")}, data={"mapping": "{"}
    )
    assert bad_mapping.status_code == 422
    assert "mapping" in bad_mapping.json()["detail"]


def test_too_big_is_413(client: TestClient, world: World) -> None:
    client.app.state.settings = client.app.state.settings.model_copy(  # type: ignore[attr-defined]
        update={"max_import_bytes": 1024}
    )
    response = upload(client, world.headers("admin"), "id,name\n" + "x,y\n" * 1000)
    assert response.status_code == 413
    assert response.json()["field"] == "file"


def test_managers_import_into_their_own_team_only(
    client: TestClient, world: World, session: Session
) -> None:
    north = world.headers("manager_north")
    content = "id,name,zip,team\nM1,Mine,60601,\nM2,Theirs,60601,South\n"
    result = job(client, north, upload(client, north, content))
    assert (result["created"], result["rejected"]) == (1, 1)
    assert account(session, "M1").team_id == world.team_ids["North"]
    # An existing account of another team is not overwritten through a manager's file.
    hijack = f"id,name\n{'rep_south_1-acc-1'},Hijacked\n"
    result = job(client, north, upload(client, north, hijack))
    assert result["rejected"] == 1
    assert account(session, "rep_south_1-acc-1").name != "Hijacked"


def test_reps_cannot_import_and_jobs_are_private(client: TestClient, world: World) -> None:
    assert upload(client, world.headers("rep_north_1"), SALESFORCE).status_code == 403
    response = upload(client, world.headers("admin"), SALESFORCE)
    location = response.headers["location"]
    assert client.get(location, headers=world.headers("manager_north")).status_code == 404
    assert client.get(location, headers=world.headers("admin")).status_code == 200
    listed = client.get("/api/v1/imports", headers=world.headers("admin")).json()
    assert [j["id"] for j in listed] == [int(location.rsplit("/", 1)[1])]
    assert client.get("/api/v1/imports", headers=world.headers("manager_north")).json() == []


def test_an_import_is_seen_by_whoever_sees_its_job(client: TestClient, world: World) -> None:
    """Issue 14: imports were their creator's alone while their jobs are their team's, so a
    manager saw an import's job and got 404 on the job's own import link."""
    response = upload(client, world.headers("admin"), SALESFORCE, team_id=world.team_ids["North"])
    assert response.status_code == 202, response.text
    job_url = f"/api/v1/jobs/{response.json()['job_id']}"
    import_id = int(response.headers["location"].rsplit("/", 1)[1])
    for who, status in (("manager_north", 200), ("manager_south", 404)):
        seen = client.get(job_url, headers=world.headers(who))
        assert seen.status_code == status
        link = seen.json()["links"]["import"] if status == 200 else response.headers["location"]
        assert client.get(link, headers=world.headers(who)).status_code == status
        listed = client.get("/api/v1/imports", headers=world.headers(who)).json()
        assert [row["id"] for row in listed] == ([import_id] if status == 200 else [])


def test_job_row_is_kept(client: TestClient, world: World, session: Session) -> None:
    admin = world.headers("admin")
    job(client, admin, upload(client, admin, SALESFORCE))
    stored = session.scalars(select(ImportJob)).one()
    assert (stored.status, stored.total_rows, stored.processed_rows) == ("succeeded", 3, 3)


def test_a_restart_fails_only_jobs_whose_process_is_gone(
    client: TestClient, world: World, session: Session, settings: Any
) -> None:
    host = socket.gethostname()
    # Above Linux's largest pid (2**22), so no process has it.
    gone = ImportJob(kind="accounts", status="running", runner=f"{host}:{2**22 + 12345}")
    alive = ImportJob(kind="accounts", status="running", runner=f"{host}:{os.getpid()}")
    elsewhere = ImportJob(kind="accounts", status="running", runner="other-host:1")
    session.add_all([gone, alive, elsewhere])
    session.commit()
    with TestClient(create_app(settings)):
        pass
    session.expire_all()
    assert session.get_one(ImportJob, gone.id).status == "failed"
    assert "interrupted" in (session.get_one(ImportJob, gone.id).error or "")
    assert session.get_one(ImportJob, alive.id).status == "running"
    assert session.get_one(ImportJob, elsewhere.id).status == "running"


def test_territory_and_team_stay_in_step(
    client: TestClient, world: World, session: Session
) -> None:
    admin = world.headers("admin")
    south_territory = session.get_one(Territory, world.territory_ids["rep_south_1"]).name
    # A territory alone brings its team along.
    result = job(
        client, admin, upload(client, admin, f"id,name,territory\nS1,Shop,{south_territory}\n")
    )
    assert result["created"] == 1
    shop = account(session, "S1")
    assert (shop.team_id, shop.territory_id) == (
        world.team_ids["South"],
        world.territory_ids["rep_south_1"],
    )
    # A new team without a territory takes the account out of the old team's territory.
    moved = job(client, admin, upload(client, admin, "id,name,team\nS1,Shop,North\n"))
    assert moved["updated"] == 1
    shop = account(session, "S1")
    assert (shop.team_id, shop.territory_id) == (world.team_ids["North"], None)
    # A territory of another team than the row's is refused.
    clash = job(
        client,
        admin,
        upload(client, admin, f"id,name,team,territory\nS1,Shop,North,{south_territory}\n"),
    )
    assert clash["rejected"] == 1
    assert clash["errors"][0]["column"] == "territory"


def test_managers_cannot_reach_other_teams_territories(
    client: TestClient, world: World, session: Session
) -> None:
    floating = Territory(name="Floating", team_id=None, rep_id=world.rep_ids["rep_south_1"])
    session.add(floating)
    session.commit()
    north = world.headers("manager_north")
    south_territory = session.get_one(Territory, world.territory_ids["rep_south_1"]).name
    for name in ("Floating", south_territory, "No Such Place"):
        result = job(client, north, upload(client, north, f"id,name,territory\nL1,Leak,{name}\n"))
        assert result["rejected"] == 1, name
        assert result["errors"][0]["message"] == "unknown territory"
    unknown_team = job(client, north, upload(client, north, "id,name,team\nL2,Leak,Nowhere\n"))
    assert "south" not in unknown_team["errors"][0]["message"]


def test_locked_account_keeps_its_territory_with_a_warning(
    client: TestClient, world: World, session: Session
) -> None:
    locked = account(session, "rep_north_1-acc-1")
    locked.locked = True
    session.commit()
    admin = world.headers("admin")
    other = session.get_one(Territory, world.territory_ids["rep_north_2"]).name
    result = job(
        client, admin, upload(client, admin, f"id,name,territory\nrep_north_1-acc-1,Kept,{other}\n")
    )
    assert result["updated"] == 1
    assert result["warnings"][0]["message"] == "kept: the account is locked"
    kept = account(session, "rep_north_1-acc-1")
    assert (kept.name, kept.territory_id) == ("Kept", world.territory_ids["rep_north_1"])


def test_crm_coordinates_are_as_precise_as_their_decimals(
    client: TestClient, world: World, session: Session
) -> None:
    admin = world.headers("admin")
    content = "id,name,lat,lon,team\nC4,Four,41.8781,-87.6298,North\nC2,Two,41.88,-87.63,North\n"
    job(client, admin, upload(client, admin, content))
    assert account(session, "C4").geocode_precision == "address"
    assert account(session, "C2").geocode_precision == "postcode"


def test_odd_input_is_4xx_not_500(client: TestClient, world: World) -> None:
    admin = world.headers("admin")
    assert client.get("/api/v1/imports/99999999999999999999", headers=admin).status_code == 422
    too_big_team = upload(client, admin, SALESFORCE, team_id="99999999999999999999")
    assert too_big_team.status_code == 422
    padding = "".join(f"P{i},A perfectly ordinary account name {i}\n" for i in range(20))
    nul = job(client, admin, upload(client, admin, "\ufeffid,name\nN1,Evil\x00Name\n" + padding))
    assert (nul["rejected"], nul["created"]) == (1, 20)
    assert "NUL" in nul["errors"][0]["message"]
    long_name = upload(client, admin, SALESFORCE, filename="x" * 1000 + ".csv")
    assert len(job(client, admin, long_name)["filename"]) == 255
