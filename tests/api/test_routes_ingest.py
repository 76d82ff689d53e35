from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from api.main import create_app
from api.services.analytics import brand_stats, rollup_brand_stats
from api.services.ingest import Ingestor
from models import ApiKeyRole, Mention, Source
from tests.factories import make_brand, make_key, make_workspace, mention


@pytest.fixture()
def client(settings) -> TestClient:
    settings.rate_limit_per_minute = 100_000
    settings.max_request_bytes = 50_000
    return TestClient(create_app(settings))


@pytest.fixture()
def ws(session: Session):
    workspace = make_workspace(session)
    make_brand(session, workspace, "Nuvola", competitor_group="soft")
    make_brand(session, workspace, "Fizzly", competitor_group="soft")
    return workspace


def _item(i: int, text: str | None = None, **extra) -> dict:
    return {
        "external_id": f"w{i}",
        "source": "hook",
        "text": text or f"Nuvola webhook post {i} saying something about the drink",
        "created_at": f"2026-11-02T12:{i % 60:02d}:00Z",
        **extra,
    }


def test_webhook_stores_mentions_and_is_idempotent(
    client: TestClient, session: Session, ws
) -> None:
    key = {"X-API-Key": make_key(session, ws)}
    batch = {"mentions": [_item(i) for i in range(5)] + [_item(5, "Fizzly is fine I guess")]}
    first = client.post("/v1/ingest", json=batch, headers=key)
    assert first.status_code == 202, first.text
    assert first.json() == {
        "received": 6,
        "inserted": 6,
        "duplicates": 0,
        "near_duplicates": 0,
        "brand_links": 6,
        "unmatched": 0,
        "unknown_brand_hints": {},
    }
    again = client.post("/v1/ingest", json=batch, headers=key).json()
    assert (again["inserted"], again["duplicates"]) == (0, 6)
    assert session.execute(select(func.count()).select_from(Mention)).scalar_one() == 6
    # The same external id from another source is another mention.
    other = client.post("/v1/ingest", json=[{**_item(0), "source": "elsewhere"}], headers=key)
    assert other.json()["inserted"] == 1
    # The webhook is the ingest path: rollups are kept, so share of voice sees it at once.
    fast = {s.name: s.mentions for s in rollup_brand_stats(session, ws.id)}
    raw = {s.name: s.mentions for s in brand_stats(session, ws.id)}
    assert fast == raw == {"Nuvola": 6, "Fizzly": 1}


def test_webhook_links_near_duplicates_across_calls_and_paths(
    client: TestClient, session: Session, ws
) -> None:
    key = {"X-API-Key": make_key(session, ws)}
    text = "Nuvola Citrus made my whole family sick last night, avoid the new batch please"
    assert client.post("/v1/ingest", json=[_item(1, text)], headers=key).json()["inserted"] == 1
    copy = client.post("/v1/ingest", json=[_item(2, f"RT @ann: {text}")], headers=key).json()
    assert copy["near_duplicates"] == 1
    # Stored by another path (a collector, say) between two webhook calls ...
    other = "Fizzly Mango tastes like a summer holiday in a can, totally recommend it to all"
    Ingestor(session, ws.id).ingest([mention(other, external_id="c1", source="collector")])
    # ... and still recognised when its copy arrives through the webhook.
    later = client.post("/v1/ingest", json=[_item(3, f"RT @bob: {other}")], headers=key).json()
    assert later["near_duplicates"] == 1
    rows = {m.external_id: m for m in session.execute(select(Mention)).scalars()}
    assert rows["w2"].duplicate_of_id == rows["w1"].id
    assert rows["w3"].duplicate_of_id == rows["c1"].id


def test_webhook_counts_unknown_brand_hints_and_unmatched(
    client: TestClient, session: Session, ws
) -> None:
    key = {"X-API-Key": make_key(session, ws)}
    body = client.post(
        "/v1/ingest",
        headers=key,
        json=[
            _item(1, "a post about some other drink entirely, nothing to see", brand_hint="Acme"),
            _item(2, "no brand here at all, just weather talk for the weekend"),
            _item(3, "this one is Fizzly by hint only, text says nothing", brand_hint="nuvola"),
        ],
    ).json()
    assert body["unknown_brand_hints"] == {"Acme": 1}
    assert body["unmatched"] == 2
    assert body["brand_links"] == 1


def test_webhook_attributes_a_source_of_the_workspace(
    client: TestClient, session: Session, ws
) -> None:
    key = {"X-API-Key": make_key(session, ws)}
    source = Source(workspace_id=ws.id, name="hook", kind="webhook")
    session.add(source)
    session.commit()
    ok = client.post(
        "/v1/ingest", json={"source_id": source.id, "mentions": [_item(1)]}, headers=key
    )
    assert ok.status_code == 202
    stored = session.execute(select(Mention)).scalar_one()
    assert stored.source_id == source.id
    other_ws = make_workspace(session, "other")
    foreign = Source(workspace_id=other_ws.id, name="theirs", kind="webhook")
    session.add(foreign)
    session.commit()
    refused = client.post(
        "/v1/ingest", json={"source_id": foreign.id, "mentions": [_item(2)]}, headers=key
    )
    assert refused.status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"mentions": [{**_item(1), "surprise": 1}]},  # unknown field in a mention
        {"mentions": [_item(1)], "extra_top_level": True},  # unknown field in the envelope
        {"mentions": []},
        [],
        {"mentions": [{**_item(1), "likes": "many"}]},
        {"mentions": [{**_item(1), "likes": -1}]},
        {"mentions": [{**_item(1), "likes": 10**20}]},
        {"mentions": [{**_item(1), "external_id": ""}]},
        {"mentions": [{**_item(1), "external_id": "x" * 600}]},
        {"mentions": [{**_item(1), "source": "s" * 51}]},
        {"mentions": [{**_item(1), "author": "a\x00b"}]},
        {"mentions": [{**_item(1), "created_at": "not a date"}]},
        {"mentions": [{**_item(1), "created_at": "0001-01-01T00:00:00-05:00"}]},
        {"mentions": [{**_item(1), "created_at": "9999-12-31T23:59:59-05:00"}]},
        {"mentions": [{"text": "no id"}]},
        {"mentions": "nope"},
        "just a string",
        {"source_id": 0, "mentions": [_item(1)]},
    ],
)
def test_webhook_rejects_bad_input_with_a_problem(
    client: TestClient, session: Session, ws, body
) -> None:
    key = {"X-API-Key": make_key(session, ws)}
    response = client.post("/v1/ingest", json=body, headers=key)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"]
    assert session.execute(select(func.count()).select_from(Mention)).scalar_one() == 0


def test_webhook_rejects_malformed_json_and_huge_bodies(
    client: TestClient, session: Session, ws
) -> None:
    key = {"X-API-Key": make_key(session, ws)}
    broken = client.post(
        "/v1/ingest", content=b'{"mentions": [', headers={**key, "content-type": "application/json"}
    )
    assert broken.status_code == 422
    assert broken.headers["content-type"].startswith("application/problem+json")
    big = {"mentions": [_item(i, "Nuvola " + "x" * 1000) for i in range(60)]}
    declared = client.post("/v1/ingest", json=big, headers=key)
    assert declared.status_code == 413
    assert declared.headers["content-type"].startswith("application/problem+json")

    def chunks():  # no Content-Length: the limit applies while the body streams in
        data = json.dumps(big).encode()
        for i in range(0, len(data), 4096):
            yield data[i : i + 4096]

    streamed = client.post(
        "/v1/ingest", content=chunks(), headers={**key, "content-type": "application/json"}
    )
    assert streamed.status_code == 413
    assert session.execute(select(func.count()).select_from(Mention)).scalar_one() == 0


def test_webhook_needs_an_admin_key(client: TestClient, session: Session, ws) -> None:
    reader = {"X-API-Key": make_key(session, ws, ApiKeyRole.read)}
    assert client.post("/v1/ingest", json=[_item(1)], headers=reader).status_code == 403
    assert client.post("/v1/ingest", json=[_item(1)]).status_code == 401


def test_webhook_index_restarts_after_a_bulk_load_elsewhere(session: Session, ws) -> None:
    from api.routes.ingest import WebhookIngest

    webhook = WebhookIngest(recent_limit=3)
    first = mention("Nuvola tastes like a rainy afternoon in a very good way honestly",
                    external_id="a0")
    assert webhook.ingest(session, ws.id, [first], None).inserted == 1
    bulk = [mention(f"Nuvola bulk post {i} about something unrelated to anything else here",
                    external_id=f"b{i}", minutes=i + 1) for i in range(10)]
    Ingestor(session, ws.id).ingest(bulk)  # more than recent_limit new rows since the last call
    copy = mention(f"RT @x: {bulk[-1].text}", external_id="c1", minutes=30)
    report = webhook.ingest(session, ws.id, [copy], None)
    assert report.near_duplicates == 1
    state = webhook._states[ws.id]
    assert state.index is not None and len(state.index) <= 5
