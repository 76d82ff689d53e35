from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.main import create_app
from api.services.ingest import Ingestor
from models import Mention, Topic, TopicAssignment
from tests.factories import T0, make_brand, make_key, make_workspace, mention


@pytest.fixture()
def client(settings) -> TestClient:
    settings.rate_limit_per_minute = 100_000
    return TestClient(create_app(settings))


@pytest.fixture()
def seeded(session: Session) -> dict:
    ws = make_workspace(session)
    nuvola = make_brand(session, ws, "Nuvola")
    Ingestor(session, ws.id).ingest(
        [
            mention(
                f"Nuvola delivery late again, day {i // 2} post {i}",
                external_id=f"d{i}",
                minutes=i * 720,
            )
            for i in range(6)
        ]
        + [mention("Nuvola new flavour is lovely", external_id="x1", minutes=30)]
    )
    rows = {m.external_id: m for m in session.execute(select(Mention)).scalars()}
    for i, external_id in enumerate(["d0", "d1", "d2", "d4", "d5"]):
        rows[external_id].sentiment = "negative" if i % 2 == 0 else "neutral"
        session.add(rows[external_id])
    delivery = Topic(
        workspace_id=ws.id,
        brand_id=nuvola.id,
        label="late delivery",
        keywords=["delivery", "late"],
        size=6,
        negative_share=0.6,
        representative_ids=[rows["d0"].id, rows["d1"].id],
    )
    flavour = Topic(
        workspace_id=ws.id,
        brand_id=nuvola.id,
        label="flavour",
        keywords=["flavour"],
        size=1,
        negative_share=0.0,
    )
    retired = Topic(workspace_id=ws.id, label="old", size=50, active=False)
    session.add_all([delivery, flavour, retired])
    session.commit()
    for i in range(6):
        session.add(TopicAssignment(mention_id=rows[f"d{i}"].id, topic_id=delivery.id))
    session.add(TopicAssignment(mention_id=rows["x1"].id, topic_id=flavour.id))
    session.commit()
    return {
        "key": {"X-API-Key": make_key(session, ws)},
        "delivery": delivery,
        "flavour": flavour,
        "retired": retired,
        "nuvola": nuvola,
        "rows": rows,
    }


def test_list_topics(client: TestClient, seeded: dict) -> None:
    key = seeded["key"]
    body = client.get("/v1/topics", headers=key).json()
    assert [t["label"] for t in body["data"]] == ["late delivery", "flavour"]
    assert body["data"][0]["negative_share"] == 0.6
    retired = client.get("/v1/topics", params={"active": "false"}, headers=key).json()
    assert [t["label"] for t in retired["data"]] == ["old"]
    paged = client.get("/v1/topics", params={"limit": 1}, headers=key).json()
    rest = client.get(
        "/v1/topics", params={"limit": 1, "cursor": paged["next_cursor"]}, headers=key
    ).json()
    assert [t["label"] for t in paged["data"] + rest["data"]] == ["late delivery", "flavour"]
    assert rest["next_cursor"] is None
    by_brand = client.get(
        "/v1/topics", params={"brand_id": seeded["nuvola"].id}, headers=key
    ).json()
    assert by_brand["count"] == 2
    assert client.get("/v1/topics", params={"brand_id": 777}, headers=key).status_code == 404


def test_topic_detail_and_trend(client: TestClient, seeded: dict) -> None:
    key = seeded["key"]
    topic = seeded["delivery"]
    detail = client.get(f"/v1/topics/{topic.id}", headers=key).json()
    assert [m["external_id"] for m in detail["representatives"]] == ["d0", "d1"]
    assert detail["keywords"] == ["delivery", "late"]
    day0 = T0.replace(hour=0)
    trend = client.get(
        f"/v1/topics/{topic.id}/trend",
        headers=key,
        params={"start": day0.isoformat(), "end": (day0 + timedelta(days=4)).isoformat()},
    ).json()
    points = trend["data"]
    assert [p["mentions"] for p in points] == [1, 2, 2, 1]
    # d0 negative (day 0); d1 neutral, d2 negative (day 1); d3 unscored, d4 neutral (day 2);
    # d5 negative (day 3).
    assert [p["negative"] for p in points] == [1, 1, 0, 1]
    assert [p["negative_share"] for p in points] == [1.0, 0.5, 0.0, 1.0]
    default = client.get(f"/v1/topics/{topic.id}/trend", headers=key).json()
    assert sum(p["mentions"] for p in default["data"]) == 6
    assert client.get("/v1/topics/4242/trend", headers=key).status_code == 404
    assert client.get("/v1/topics/4242", headers=key).status_code == 404
