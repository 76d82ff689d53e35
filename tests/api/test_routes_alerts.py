from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.main import create_app
from api.services.ingest import Ingestor
from models import Alert, AlertEvidence, AlertStatus, ApiKeyRole, Mention
from tests.factories import T0, make_brand, make_key, make_workspace, mention


@pytest.fixture()
def client(settings) -> TestClient:
    settings.rate_limit_per_minute = 100_000
    return TestClient(create_app(settings))


@pytest.fixture()
def seeded(session: Session) -> dict:
    ws = make_workspace(session)
    nuvola = make_brand(session, ws, "Nuvola")
    fizzly = make_brand(session, ws, "Fizzly")
    Ingestor(session, ws.id).ingest(
        [
            mention("Nuvola Citrus made me sick", external_id="p1", author="@a", likes=40),
            mention("Nuvola made my kid ill too", external_id="p2", author="@b"),
        ]
    )
    posts = {m.external_id: m for m in session.execute(select(Mention)).scalars()}
    alerts = []
    for i, (brand, kind, severity) in enumerate(
        [
            (nuvola, "harm", "critical"),
            (nuvola, "volume", "low"),
            (fizzly, "negative", "medium"),
            (nuvola, "negative_share", "high"),
        ]
    ):
        alert = Alert(
            workspace_id=ws.id,
            brand_id=brand.id,
            fingerprint=f"f{i}",
            kind=kind,
            severity=severity,
            title=f"{kind} alert",
            series=kind,
            why={"explain": f"observed {i + 5} vs expected 1", "observed": i + 5},
            started_at=T0 + timedelta(hours=i),
            last_seen_at=T0 + timedelta(hours=i),
        )
        session.add(alert)
        alerts.append(alert)
    session.commit()
    session.add_all(
        [
            AlertEvidence(
                alert_id=alerts[0].id,
                mention_id=posts["p1"].id,
                rank=0,
                kind="post",
                detail={"reach": 140, "copies": 3, "author": "@a", "text": "old text"},
            ),
            AlertEvidence(
                alert_id=alerts[0].id,
                mention_id=posts["p2"].id,
                rank=1,
                kind="post",
                detail={"reach": 12, "copies": 0},
            ),
            AlertEvidence(
                alert_id=alerts[0].id,
                rank=0,
                kind="term",
                detail={"term": "sick", "window_count": 9, "baseline_count": 0, "lift": 19.0},
            ),
            AlertEvidence(
                alert_id=alerts[0].id,
                rank=0,
                kind="topic",
                detail={
                    "topic_id": 7,
                    "label": "sick citrus · stomach",
                    "posts": 4,
                    "share": 0.8,
                    "negative_share": 0.9,
                    "new": True,
                },
            ),
        ]
    )
    session.commit()
    return {
        "ws": ws,
        "alerts": alerts,
        "nuvola": nuvola,
        "posts": posts,
        "admin": {"X-API-Key": make_key(session, ws)},
        "reader": {"X-API-Key": make_key(session, ws, ApiKeyRole.read)},
    }


def test_list_filters_and_pages(client: TestClient, seeded: dict) -> None:
    key = seeded["reader"]
    body = client.get("/v1/alerts", headers=key).json()
    assert [a["kind"] for a in body["data"]] == ["negative_share", "negative", "volume", "harm"]
    assert body["data"][0]["brand"] == "Nuvola"
    assert body["data"][0]["explain"] == "observed 8 vs expected 1"

    def kinds(**params) -> list[str]:
        return [
            a["kind"] for a in client.get("/v1/alerts", params=params, headers=key).json()["data"]
        ]

    assert kinds(brand_id=seeded["nuvola"].id) == ["negative_share", "volume", "harm"]
    assert kinds(severity="critical") == ["harm"]
    assert kinds(kind="volume") == ["volume"]
    assert kinds(since=(T0 + timedelta(hours=2)).isoformat()) == ["negative_share", "negative"]
    assert kinds(status="resolved") == []
    pages, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/alerts", params=params, headers=key).json()
        pages.append([a["kind"] for a in page["data"]])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert pages == [["negative_share", "negative", "volume"], ["harm"]]
    assert client.get("/v1/alerts", params={"brand_id": 9999}, headers=key).status_code == 404
    assert client.get("/v1/alerts", params={"status": "snoozed"}, headers=key).status_code == 422


def test_detail_carries_evidence_and_why(client: TestClient, seeded: dict) -> None:
    harm = seeded["alerts"][0]
    body = client.get(f"/v1/alerts/{harm.id}", headers=seeded["reader"]).json()
    assert body["why"]["observed"] == 5
    assert [p["rank"] for p in body["posts"]] == [0, 1]
    first = body["posts"][0]
    assert first["mention_id"] == seeded["posts"]["p1"].id
    assert first["text"] == "Nuvola Citrus made me sick"  # the stored mention, not the copy
    assert (first["reach"], first["copies"], first["author"]) == (140, 3, "@a")
    assert body["terms"] == [
        {"rank": 0, "term": "sick", "window_count": 9, "baseline_count": 0, "lift": 19.0}
    ]
    # the topics the incident's posts fall in, not mistaken for posts
    assert body["topics"] == [
        {
            "rank": 0,
            "topic_id": 7,
            "label": "sick citrus · stomach",
            "posts": 4,
            "share": 0.8,
            "negative_share": 0.9,
            "new": True,
        }
    ]
    assert client.get("/v1/alerts/999999", headers=seeded["reader"]).status_code == 404


def test_acknowledge_then_resolve(client: TestClient, seeded: dict, session: Session) -> None:
    alert_id = seeded["alerts"][1].id
    admin, reader = seeded["admin"], seeded["reader"]
    assert client.post(f"/v1/alerts/{alert_id}/acknowledge", headers=reader).status_code == 403
    acked = client.post(f"/v1/alerts/{alert_id}/acknowledge", headers=admin).json()
    assert acked["status"] == "acknowledged" and acked["acknowledged_at"]
    again = client.post(f"/v1/alerts/{alert_id}/acknowledge", headers=admin).json()
    assert again["acknowledged_at"] == acked["acknowledged_at"]  # idempotent
    resolved = client.post(f"/v1/alerts/{alert_id}/resolve", headers=admin).json()
    assert resolved["status"] == "resolved" and resolved["resolved_at"]
    late = client.post(f"/v1/alerts/{alert_id}/acknowledge", headers=admin)
    assert late.status_code == 409
    assert late.headers["content-type"].startswith("application/problem+json")
    session.expire_all()
    stored = session.get(Alert, alert_id)
    assert stored.status == AlertStatus.resolved
    listed = client.get(
        "/v1/alerts", params={"status": ["open", "acknowledged"]}, headers=reader
    ).json()
    assert alert_id not in {a["id"] for a in listed["data"]}
    direct = client.post(f"/v1/alerts/{seeded['alerts'][2].id}/resolve", headers=admin).json()
    assert direct["acknowledged_at"] and direct["resolved_at"]
