from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.main import create_app
from api.services.workspaces import hash_key
from models import ApiKey, ApiKeyRole
from tests.factories import make_key, make_workspace


@pytest.fixture()
def client(settings) -> TestClient:
    settings.rate_limit_per_minute = 100_000
    return TestClient(create_app(settings))


def test_keys_are_shown_once_stored_hashed_and_revocable(
    client: TestClient, session: Session
) -> None:
    ws = make_workspace(session)
    admin = {"X-API-Key": make_key(session, ws)}
    created = client.post("/v1/keys", json={"name": "dashboard", "role": "read"}, headers=admin)
    assert created.status_code == 201, created.text
    secret = created.json()["key"]
    assert secret.startswith("gsk_") and created.json()["prefix"] == secret[:10]
    stored = session.execute(select(ApiKey).where(ApiKey.name == "dashboard")).scalar_one()
    assert stored.key_hash == hash_key(secret) and secret not in stored.key_hash
    listed = client.get("/v1/keys", headers=admin)
    assert secret not in listed.text and "key_hash" not in listed.text
    assert {k["name"] for k in listed.json()["data"]} == {"test", "dashboard"}
    new = {"X-API-Key": secret}
    me = client.get("/v1/me", headers=new).json()
    assert me["key"]["role"] == "read" and me["workspace"]["name"] == "default"
    assert client.get("/v1/keys", headers=new).status_code == 403
    assert client.post("/v1/keys", json={"name": "x"}, headers=new).status_code == 403
    assert client.delete(f"/v1/keys/{stored.id}", headers=admin).status_code == 204
    refused = client.get("/v1/me", headers=new)
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == "Bearer"


def test_key_transports_and_bad_bodies(client: TestClient, session: Session) -> None:
    ws = make_workspace(session)
    secret = make_key(session, ws, ApiKeyRole.admin)
    assert client.get("/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    client.cookies.set("gs_key", secret)
    assert client.get("/v1/me").status_code == 200
    client.cookies.clear()
    assert client.get("/v1/me", headers={"X-API-Key": secret + "x"}).status_code == 401
    assert client.get("/v1/me", headers={"X-API-Key": "not-a-key"}).status_code == 401
    admin = {"X-API-Key": secret}
    for body in ({"name": "k", "role": "root"}, {"name": ""}, {"name": "k", "scopes": ["*"]}):
        response = client.post("/v1/keys", json=body, headers=admin)
        assert response.status_code == 422, body
    assert client.delete("/v1/keys/999999", headers=admin).status_code == 404
