from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.main import create_app
from api.services.ingest import Ingestor
from models import ApiKeyRole, Mention, Source, SourceRun
from tests.factories import T0, make_brand, make_key, make_workspace, mention


@pytest.fixture()
def client(settings) -> TestClient:
    settings.rate_limit_per_minute = 100_000
    return TestClient(create_app(settings))


@pytest.fixture()
def ws(session: Session):
    return make_workspace(session)


def test_source_crud_with_validation(client: TestClient, session: Session, ws) -> None:
    admin = {"X-API-Key": make_key(session, ws)}
    reader = {"X-API-Key": make_key(session, ws, ApiKeyRole.read)}
    hook = client.post(
        "/v1/sources", json={"name": "partner feed", "kind": "webhook"}, headers=admin
    )
    assert hook.status_code == 201, hook.text
    assert hook.json()["status"] == "never_run" and hook.json()["last_error"] is None
    sim = client.post(
        "/v1/sources",
        headers=admin,
        json={"name": "sim", "kind": "simulator", "config": {"days": 2, "seed": 3}},
    )
    assert sim.status_code == 201, sim.text
    for body, status in [
        ({"name": "x", "kind": "carrier-pigeon"}, 422),
        ({"name": "y", "kind": "simulator", "config": {"no_such_option": 1}}, 422),
        ({"name": "z", "kind": "webhook", "config": {"url": "x"}}, 422),
        ({"name": "PARTNER FEED", "kind": "webhook"}, 409),
        ({"name": "w", "kind": "webhook", "color": "red"}, 422),
        ({"name": "w", "kind": "webhook", "interval_seconds": 5}, 422),
        ({"name": "", "kind": "webhook"}, 422),
    ]:
        response = client.post("/v1/sources", json=body, headers=admin)
        assert response.status_code == status, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    assert (
        client.post(
            "/v1/sources", json={"name": "r", "kind": "webhook"}, headers=reader
        ).status_code
        == 403
    )
    source_id = hook.json()["id"]
    patched = client.patch(f"/v1/sources/{source_id}", json={"enabled": False}, headers=admin)
    assert patched.json()["status"] == "disabled"
    assert (
        client.patch(f"/v1/sources/{source_id}", json={"name": "sim"}, headers=admin).status_code
        == 409
    )
    assert (
        client.patch(f"/v1/sources/{source_id}", json={"kind": "rss"}, headers=admin).status_code
        == 422
    )  # the kind cannot change
    renamed = client.patch(
        f"/v1/sources/{sim.json()['id']}", json={"name": "simulated"}, headers=admin
    )
    assert renamed.json()["name"] == "simulated"
    assert client.get(f"/v1/sources/{source_id}", headers=reader).json()["enabled"] is False


def test_status_and_last_error_and_runs(client: TestClient, session: Session, ws) -> None:
    key = {"X-API-Key": make_key(session, ws, ApiKeyRole.read)}
    source = Source(
        workspace_id=ws.id,
        name="flaky",
        kind="webhook",
        consecutive_failures=2,
        last_error="HTTP 503 from upstream",
        last_error_at=T0,
        last_run_at=T0,
    )
    session.add(source)
    session.commit()
    for i in range(5):
        session.add(
            SourceRun(
                source_id=source.id,
                started_at=T0 + timedelta(minutes=i),
                status="failed" if i % 2 else "ok",
                fetched=i,
                error=None,
            )
        )
    session.commit()
    body = client.get(f"/v1/sources/{source.id}", headers=key).json()
    assert body["status"] == "failing"
    assert body["last_error"] == "HTTP 503 from upstream"
    assert body["last_error_at"] == "2026-11-02T12:00:00Z"
    first = client.get(f"/v1/sources/{source.id}/runs", params={"limit": 3}, headers=key).json()
    assert [r["fetched"] for r in first["data"]] == [4, 3, 2]
    rest = client.get(
        f"/v1/sources/{source.id}/runs",
        headers=key,
        params={"limit": 3, "cursor": first["next_cursor"]},
    ).json()
    assert [r["fetched"] for r in rest["data"]] == [1, 0] and rest["next_cursor"] is None


def test_list_pages_through_sources(client: TestClient, session: Session, ws) -> None:
    key = {"X-API-Key": make_key(session, ws)}
    for i in range(5):
        session.add(Source(workspace_id=ws.id, name=f"s{i}", kind="webhook"))
    session.commit()
    names, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = client.get("/v1/sources", params=params, headers=key).json()
        names += [s["name"] for s in body["data"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert names == ["s0", "s1", "s2", "s3", "s4"]


def test_removing_a_source_keeps_its_mentions(client: TestClient, session: Session, ws) -> None:
    key = {"X-API-Key": make_key(session, ws)}
    make_brand(session, ws, "Nuvola")
    source = Source(workspace_id=ws.id, name="hook", kind="webhook")
    session.add(source)
    session.commit()
    Ingestor(session, ws.id).ingest([mention("Nuvola rocks")], source_id=source.id)
    session.add(SourceRun(source_id=source.id, status="ok"))
    session.commit()
    assert client.delete(f"/v1/sources/{source.id}", headers=key).status_code == 204
    assert client.get(f"/v1/sources/{source.id}", headers=key).status_code == 404
    session.expire_all()
    stored = session.execute(select(Mention)).scalar_one()
    assert stored.source_id is None
    assert session.execute(select(SourceRun)).first() is None
