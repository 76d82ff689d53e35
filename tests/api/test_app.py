import subprocess
import sys

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.main import create_app
from api.services.ingest import Ingestor
from models import ApiKeyRole
from tests.factories import make_brand, make_key, make_workspace, mention


@pytest.fixture()
def client(settings) -> TestClient:
    return TestClient(create_app(settings))


def test_import_api_main_is_light() -> None:
    code = (
        "import sys, api.main; heavy = [m for m in ('torch', 'transformers', 'bertopic', "
        "'spacy', 'sklearn') if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_requests_without_a_key_get_a_problem_document(client: TestClient) -> None:
    response = client.get("/v1/brands")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 401


def test_brand_crud_and_roles(client: TestClient, session: Session) -> None:
    ws = make_workspace(session)
    admin = {"X-API-Key": make_key(session, ws, ApiKeyRole.admin)}
    reader = {"X-API-Key": make_key(session, ws, ApiKeyRole.read)}
    created = client.post(
        "/v1/brands", json={"name": "Nuvola", "aliases": ["Nuvola Drinks"]}, headers=admin
    )
    assert created.status_code == 201, created.text
    brand_id = created.json()["id"]
    assert client.post("/v1/brands", json={"name": "X"}, headers=reader).status_code == 403
    listed = client.get("/v1/brands", headers=reader).json()
    assert listed["count"] == 1 and listed["data"][0]["name"] == "Nuvola"
    bad = client.post(
        "/v1/brands", json={"name": "Bad", "query": "Nuvola NEAR/x Zero"}, headers=admin
    )
    assert bad.status_code == 422
    assert "position" in bad.json()["detail"]
    patched = client.patch(
        f"/v1/brands/{brand_id}", json={"competitor_group": "soft"}, headers=admin
    )
    assert patched.json()["competitor_group"] == "soft"
    assert client.delete(f"/v1/brands/{brand_id}", headers=admin).status_code == 204
    assert client.get(f"/v1/brands/{brand_id}", headers=admin).status_code == 404


def test_workspaces_are_isolated(client: TestClient, session: Session) -> None:
    mine, theirs = make_workspace(session, "mine"), make_workspace(session, "theirs")
    their_brand = make_brand(session, theirs, "Secret")
    key = {"X-API-Key": make_key(session, mine)}
    assert client.get("/v1/brands", headers=key).json()["count"] == 0
    assert client.get(f"/v1/brands/{their_brand.id}", headers=key).status_code == 404
    assert (
        client.patch(f"/v1/brands/{their_brand.id}", json={"name": "x"}, headers=key).status_code
        == 404
    )
    assert client.delete(f"/v1/brands/{their_brand.id}", headers=key).status_code == 404


def test_share_of_voice_counts_with_and_without_near_duplicates(
    client: TestClient, session: Session
) -> None:
    ws = make_workspace(session)
    make_brand(session, ws, "Nuvola", competitor_group="soft")
    make_brand(session, ws, "Fizzly", competitor_group="soft")
    text = "Nuvola Citrus is the best drink I have had all year, honestly amazing stuff"
    Ingestor(session, ws.id).ingest(
        [
            mention(text, external_id="1"),
            mention(f"RT @a: {text}", external_id="2", minutes=1),
            mention("Fizzly is fine I guess, nothing special about it", external_id="3"),
        ]
    )
    key = {"X-API-Key": make_key(session, ws)}
    raw = client.get("/v1/analytics/share-of-voice", headers=key).json()
    shares = {row["brand"]: row["share"] for row in raw["data"]}
    assert shares == pytest.approx({"Nuvola": 2 / 3, "Fizzly": 1 / 3})
    unique = client.get(
        "/v1/analytics/share-of-voice", params={"include_duplicates": "false"}, headers=key
    ).json()
    shares = {row["brand"]: row["share"] for row in unique["data"]}
    assert shares == pytest.approx({"Nuvola": 0.5, "Fizzly": 0.5})
    bad = client.get("/v1/analytics/share-of-voice", params={"by": "nonsense"}, headers=key)
    assert bad.status_code == 422


def test_dashboard_login_flow(client: TestClient, session: Session) -> None:
    ws = make_workspace(session)
    make_brand(session, ws, "Nuvola")
    assert "Sign in" in client.get("/").text
    assert client.post("/login", data={"api_key": "gsk_wrong"}).status_code == 401
    secret = make_key(session, ws)
    page = client.post("/login", data={"api_key": secret})
    assert page.status_code == 200
    assert "Nuvola" in page.text and "Alerts" in page.text
