from __future__ import annotations

import base64
import json

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.main import create_app
from api.services.ingest import Ingestor
from models import Brand, Mention, Source, Topic, TopicAssignment
from tests.factories import T0, make_brand, make_key, make_workspace, mention


@pytest.fixture()
def client(settings) -> TestClient:
    settings.rate_limit_per_minute = 100_000
    return TestClient(create_app(settings))


@pytest.fixture()
def seeded(session: Session) -> dict:
    ws = make_workspace(session)
    nuvola = make_brand(session, ws, "Nuvola", competitor_group="soft")
    fizzly = make_brand(session, ws, "Fizzly", competitor_group="soft")
    source = Source(workspace_id=ws.id, name="hook", kind="webhook")
    session.add(source)
    session.commit()
    text = "Nuvola Citrus is the best drink I have had all year, honestly amazing stuff"
    Ingestor(session, ws.id).ingest(
        [
            mention(text, external_id="1", language="en", author="@ann"),
            mention(f"RT @ann: {text}", external_id="2", minutes=1, language="en"),
            mention(
                "Fizzly 100% fruit_juice? no way",
                external_id="3",
                minutes=2,
                source="reddit",
                language="en",
            ),
            mention("Nuvola macht mich krank", external_id="4", minutes=3, language="de"),
            mention("Nuvola and Fizzly both fine", external_id="5", minutes=4),
        ],
        source_id=source.id,
    )
    Ingestor(session, ws.id).ingest(
        [
            mention(
                f"Nuvola filler post number {i} about nothing", external_id=f"f{i}", minutes=10 + i
            )
            for i in range(7)
        ]
    )
    rows = {m.external_id: m for m in session.execute(select(Mention)).scalars()}
    rows["4"].sentiment, rows["4"].is_harm = "negative", True
    rows["1"].sentiment = "positive"
    session.add_all([rows["4"], rows["1"]])
    topic = Topic(workspace_id=ws.id, brand_id=nuvola.id, label="illness", size=1)
    session.add(topic)
    session.commit()
    session.add(TopicAssignment(mention_id=rows["4"].id, topic_id=topic.id))
    session.commit()
    key = {"X-API-Key": make_key(session, ws)}
    return {
        "key": key,
        "nuvola": nuvola,
        "fizzly": fizzly,
        "rows": rows,
        "topic": topic,
        "source": source,
        "ws": ws,
    }


def _ids(client: TestClient, key: dict, **params) -> list[str]:
    response = client.get("/v1/mentions", params={"limit": 200, **params}, headers=key)
    assert response.status_code == 200, response.text
    return [m["external_id"] for m in response.json()["data"]]


def test_filters_combine(client: TestClient, seeded: dict) -> None:
    key, nuvola, fizzly = seeded["key"], seeded["nuvola"], seeded["fizzly"]
    everything = _ids(client, key)
    assert len(everything) == 12
    assert everything[:5] == ["f6", "f5", "f4", "f3", "f2"]  # newest first
    assert set(_ids(client, key, brand_id=fizzly.id)) == {"3", "5"}
    assert _ids(client, key, sentiment="negative") == ["4"]
    assert _ids(client, key, harm="true") == ["4"]
    assert len(_ids(client, key, harm="false")) == 11
    assert "4" not in _ids(client, key, sentiment="unscored")
    assert _ids(client, key, language="de") == ["4"]
    assert _ids(client, key, source="reddit") == ["3"]
    assert set(_ids(client, key, source_id=seeded["source"].id)) == {"1", "2", "3", "4", "5"}
    assert _ids(client, key, topic_id=seeded["topic"].id) == ["4"]
    assert _ids(client, key, author="@ann") == ["1"]
    assert _ids(client, key, q="KRANK") == ["4"]
    # LIKE wildcards in the text query are literal characters.
    assert _ids(client, key, q="100%") == ["3"]
    assert _ids(client, key, q="fruit_juice") == ["3"]
    assert _ids(client, key, q="100%x") == []
    assert "2" not in _ids(client, key, include_duplicates="false")
    window = _ids(
        client, key, start=(T0.replace(minute=1)).isoformat(), end=T0.replace(minute=3).isoformat()
    )
    assert window == ["3", "2"]
    assert _ids(client, key, brand_id=nuvola.id, language="en") == ["2", "1"]


def test_cursor_pagination_visits_each_mention_once(client: TestClient, seeded: dict) -> None:
    key = seeded["key"]
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 5, "brand_id": seeded["nuvola"].id}
        if cursor:
            params["cursor"] = cursor
        body = client.get("/v1/mentions", params=params, headers=key).json()
        assert body["count"] == len(body["data"]) <= 5
        seen += [m["external_id"] for m in body["data"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert len(seen) == len(set(seen)) == 11
    assert seen == _ids(client, key, brand_id=seeded["nuvola"].id)


def test_bad_cursors_are_400_problems(client: TestClient, seeded: dict) -> None:
    key = seeded["key"]
    alerts_cursor = (
        base64.urlsafe_b64encode(
            json.dumps({"k": "alerts", "v": ["2026-11-02T12:00:00+00:00", 3]}).encode()
        )
        .decode()
        .rstrip("=")
    )
    wrong_types = (
        base64.urlsafe_b64encode(json.dumps({"k": "mentions", "v": ["yesterday", "x"]}).encode())
        .decode()
        .rstrip("=")
    )
    huge = (
        base64.urlsafe_b64encode(
            json.dumps({"k": "mentions", "v": ["2026-11-02T12:00:00+00:00", 10**30]}).encode()
        )
        .decode()
        .rstrip("=")
    )
    for cursor in ["abc", "e30", alerts_cursor, wrong_types, huge, "_" * 100]:
        response = client.get("/v1/mentions", params={"cursor": cursor}, headers=key)
        assert response.status_code == 400, (cursor, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["title"] == "Invalid cursor"
    odd = client.get("/v1/mentions", params={"cursor": "a+b/c=="}, headers=key)
    assert odd.status_code == 422  # not even the cursor alphabet


def test_unknown_ids_in_filters_are_404(client: TestClient, seeded: dict) -> None:
    key = seeded["key"]
    for params in ({"brand_id": 4242}, {"topic_id": 4242}, {"source_id": 4242}):
        response = client.get("/v1/mentions", params=params, headers=key)
        assert response.status_code == 404, params
    assert client.get("/v1/mentions", params={"sentiment": "angry"}, headers=key).status_code == 422
    assert client.get("/v1/mentions", params={"limit": 0}, headers=key).status_code == 422
    assert client.get("/v1/mentions", params={"limit": 201}, headers=key).status_code == 422


def test_get_one_mention_with_its_brands(
    client: TestClient, seeded: dict, session: Session
) -> None:
    key = seeded["key"]
    both = seeded["rows"]["5"]
    body = client.get(f"/v1/mentions/{both.id}", headers=key).json()
    assert body["external_id"] == "5"
    brands = {b.id: b.name for b in session.execute(select(Brand)).scalars()}
    assert sorted(brands[i] for i in body["brand_ids"]) == ["Fizzly", "Nuvola"]
    assert body["created_at"].endswith("Z")
    copy = client.get(f"/v1/mentions/{seeded['rows']['2'].id}", headers=key).json()
    assert copy["duplicate_of_id"] == seeded["rows"]["1"].id
    assert client.get("/v1/mentions/999999", headers=key).status_code == 404
    assert client.get("/v1/mentions/abc", headers=key).status_code == 422
