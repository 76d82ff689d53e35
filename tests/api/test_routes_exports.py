from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.main import create_app
from api.services.ingest import Ingestor
from tests.factories import make_brand, make_key, make_workspace, mention


@pytest.fixture()
def client(settings) -> TestClient:
    settings.rate_limit_per_minute = 100_000
    return TestClient(create_app(settings))


@pytest.fixture()
def seeded(session: Session) -> dict:
    ws = make_workspace(session)
    nuvola = make_brand(session, ws, "Nuvola")
    make_brand(session, ws, "Fizzly")
    items = [
        mention(
            f'Nuvola post {i}, with a comma and "quotes"',
            external_id=f"n{i}",
            minutes=i,
            author="@fan",
        )
        for i in range(450)
    ]
    items += [
        mention(
            '=HYPERLINK("http://evil") Nuvola', external_id="evil", minutes=500, author="@SUM(A1)"
        ),
        mention("Fizzly only", external_id="f1", minutes=501),
    ]
    Ingestor(session, ws.id).ingest(items)
    return {"key": {"X-API-Key": make_key(session, ws)}, "nuvola": nuvola}


def test_csv_export_streams_every_matching_mention(client: TestClient, seeded: dict) -> None:
    response = client.get(
        "/v1/exports/mentions",
        headers=seeded["key"],
        params={"format": "csv", "brand_id": seeded["nuvola"].id},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="mentions.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 451
    assert rows[0]["external_id"] == "evil"
    assert rows[0]["text"].startswith("'=HYPERLINK")  # a formula would run in a spreadsheet
    assert rows[0]["author"] == "'@SUM(A1)"
    assert rows[1]["author"] == "@fan"  # a plain handle is left alone
    assert rows[1]["text"] == 'Nuvola post 449, with a comma and "quotes"'
    ids = {r["external_id"] for r in rows}
    assert "f1" not in ids and len(ids) == 451
    raw = client.get(
        "/v1/exports/mentions",
        headers=seeded["key"],
        params={"format": "csv", "q": "HYPERLINK", "escape_formulas": "false"},
    )
    assert list(csv.DictReader(io.StringIO(raw.text)))[0]["text"].startswith("=HYPERLINK")


def test_json_and_jsonl_exports_match_the_search(client: TestClient, seeded: dict) -> None:
    key = seeded["key"]
    params = {"q": "post 4", "limit": 30}
    jsonl = client.get("/v1/exports/mentions", headers=key, params={**params, "format": "jsonl"})
    assert jsonl.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in jsonl.text.splitlines()]
    as_json = client.get("/v1/exports/mentions", headers=key, params={**params, "format": "json"})
    array = as_json.json()
    assert lines == array and len(array) == 30
    search = client.get("/v1/mentions", headers=key, params={"q": "post 4", "limit": 30}).json()[
        "data"
    ]
    assert [m["id"] for m in array] == [m["id"] for m in search]
    empty = client.get(
        "/v1/exports/mentions", headers=key, params={"format": "json", "q": "no such text"}
    )
    assert empty.json() == []


def test_export_refuses_bad_filters_before_streaming(client: TestClient, seeded: dict) -> None:
    key = seeded["key"]
    missing = client.get("/v1/exports/mentions", params={"brand_id": 5555}, headers=key)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert (
        client.get("/v1/exports/mentions", params={"format": "xml"}, headers=key).status_code == 422
    )
    assert client.get("/v1/exports/mentions").status_code == 401
