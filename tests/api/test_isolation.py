"""No request can read or change another workspace's data: proven for every route.

Two workspaces get the same kinds of data; every marker string of the victim's
data is unique. The attacker then calls every operation in the OpenAPI schema
(and every dashboard route) with its own valid admin key, aimed at the victim's
ids wherever an id goes (path, query or body). Each answer must be a 404 when
it names a victim id, and no answer may contain a victim marker. Afterwards the
victim's data must be exactly as it was. A route added later without a case
here fails `test_every_route_is_covered`.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import Session, select

import api.routes
from api.main import create_app
from api.services.ingest import Ingestor
from models import (
    Alert,
    AlertEvidence,
    ApiKey,
    Brand,
    Mention,
    Source,
    SourceRun,
    Topic,
    TopicAssignment,
    Workspace,
)
from tests.factories import T0, make_brand, make_key, make_workspace, mention

MARKERS = (
    "victimbrand",
    "victimtext",
    "victimsource",
    "victimtopic",
    "victimalert",
    "victimkey",
    "victimhandle",
    "victimgroup",
)


def _fill(session: Session, ws: Workspace, tag: str) -> dict[str, Any]:
    """Data of every kind, with `tag` in each name and text."""
    brand = make_brand(
        session,
        ws,
        f"{tag}brand",
        aliases=[f"{tag}alias"],
        handles=[f"@{tag}handle"],
        competitor_group=f"{tag}group",
    )
    source = Source(
        workspace_id=ws.id, name=f"{tag}source", kind="webhook", last_error=f"{tag}source failed"
    )
    session.add(source)
    session.commit()
    session.add(SourceRun(source_id=source.id, status="failed", error=f"{tag}source run"))
    Ingestor(session, ws.id).ingest(
        [
            mention(
                f"{tag}brand {tag}text one, something long enough to count",
                external_id="e1",
                author=f"@{tag}author",
                source="twitter",
            ),
            mention(f"{tag}brand {tag}text two?", external_id="e2", minutes=5, source="twitter"),
            mention(
                f"@{tag}handle thanks {tag}text",
                external_id="e3",
                author=f"@{tag}handle",
                parent_external_id="e2",
                minutes=9,
                source="twitter",
            ),
        ],
        source_id=source.id,
    )
    mentions = list(session.execute(select(Mention).where(Mention.workspace_id == ws.id)).scalars())
    topic = Topic(
        workspace_id=ws.id,
        brand_id=brand.id,
        label=f"{tag}topic",
        keywords=[f"{tag}topic"],
        size=2,
        representative_ids=[mentions[0].id],
    )
    alert = Alert(
        workspace_id=ws.id,
        brand_id=brand.id,
        fingerprint=f"{tag}fp",
        kind="harm",
        severity="high",
        title=f"{tag}alert",
        series="harm",
        why={"explain": f"{tag}alert fired"},
        started_at=T0,
        last_seen_at=T0,
    )
    session.add_all([topic, alert])
    session.commit()
    session.add(TopicAssignment(mention_id=mentions[0].id, topic_id=topic.id))
    session.add(
        AlertEvidence(
            alert_id=alert.id, mention_id=mentions[0].id, detail={"text": f"{tag}text evidence"}
        )
    )
    session.commit()
    secret = make_key(session, ws)
    key = session.execute(select(ApiKey).where(ApiKey.workspace_id == ws.id)).scalar_one()
    key.name = f"{tag}key"
    session.add(key)
    session.commit()
    return {
        "brand_id": brand.id,
        "source_id": source.id,
        "mention_id": mentions[0].id,
        "topic_id": topic.id,
        "alert_id": alert.id,
        "key_id": key.id,
        "secret": secret,
    }


@pytest.fixture()
def world(settings, session: Session) -> dict[str, Any]:
    settings.rate_limit_per_minute = 100_000
    victim = _fill(session, make_workspace(session, "victim"), "victim")
    attacker = _fill(session, make_workspace(session, "attacker"), "attacker")
    return {
        "victim": victim,
        "attacker": attacker,
        "client": TestClient(create_app(settings), raise_server_exceptions=False),
    }


ID_PARAMS = ("brand_id", "source_id", "mention_id", "topic_id", "alert_id", "key_id")
BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/v1/brands"): {"name": "attacker new brand"},
    ("PATCH", "/v1/brands/{brand_id}"): {"name": "hijacked"},
    ("POST", "/v1/sources"): {"name": "attacker new source", "kind": "webhook"},
    ("PATCH", "/v1/sources/{source_id}"): {"name": "hijacked", "enabled": False},
    ("POST", "/v1/keys"): {"name": "attacker new key"},
    ("POST", "/v1/ingest"): {
        "source_id": "{source_id}",
        "mentions": [{"external_id": "x1", "text": "a post pushed by the attacker"}],
    },
}
DASHBOARD = [
    ("GET", "/", {}),
    ("GET", "/brands/{brand_id}", {}),
    ("GET", "/brands/{attacker_brand_id}", {"topic_id": "{topic_id}"}),
    ("POST", "/alerts/{alert_id}/acknowledge", {}),
    ("POST", "/alerts/{alert_id}/resolve", {}),
]


def _api_routes(client: TestClient) -> list[tuple[str, str]]:
    spec = client.get("/openapi.json").json()
    return [(m.upper(), p) for p, item in spec["paths"].items() for m in item]


def _query_ids(client: TestClient, method: str, path: str) -> list[str]:
    spec = client.get("/openapi.json").json()
    params = spec["paths"][path][method.lower()].get("parameters", [])
    return [p["name"] for p in params if p["in"] == "query" and p["name"] in ID_PARAMS]


def _fill_ids(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str) and re.fullmatch(r"\{(\w+)\}", value):
        return ids[value[1:-1]]
    if isinstance(value, dict):
        return {k: _fill_ids(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill_ids(v, ids) for v in value]
    return value


def _call(client: TestClient, method: str, url: str, headers: dict, **kw: Any) -> Any:
    return client.request(method, url, headers=headers, **kw)


def _assert_clean(response: Any, what: str) -> None:
    assert response.status_code < 500, (what, response.status_code, response.text)
    body = response.text.lower()
    leaked = [m for m in MARKERS if m in body]
    assert not leaked, (what, leaked, response.text[:500])


def _victim_snapshot(session: Session, victim: dict[str, Any]) -> dict[str, Any]:
    session.expire_all()
    brand = session.get(Brand, victim["brand_id"])
    source = session.get(Source, victim["source_id"])
    alert = session.get(Alert, victim["alert_id"])
    key = session.get(ApiKey, victim["key_id"])
    ws_id = brand.workspace_id if brand else None
    return {
        "brand": (brand.name, brand.aliases) if brand else None,
        "source": (source.name, source.enabled) if source else None,
        "alert": (alert.status, alert.acknowledged_at) if alert else None,
        "key": key.revoked if key else None,
        "mentions": sorted(
            (m.external_id, m.text, m.source_id)
            for m in session.execute(select(Mention).where(Mention.workspace_id == ws_id)).scalars()
        ),
        "topic": session.get(Topic, victim["topic_id"]) is not None,
    }


def test_every_api_route_refuses_other_workspaces(world: dict, session: Session) -> None:
    client, victim, attacker = world["client"], world["victim"], world["attacker"]
    before = _victim_snapshot(session, victim)
    headers = {"X-API-Key": attacker["secret"]}
    routes = _api_routes(client)
    assert len(routes) >= 30
    victim_ids = {name: victim[name] for name in ID_PARAMS}
    for method, path in routes:
        names = re.findall(r"\{(\w+)\}", path)
        body = BODIES.get((method, path))
        query_ids = _query_ids(client, method, path)
        # 1. The victim's ids in the path: always 404.
        if names:
            url = path.format(**victim_ids)
            response = _call(
                client,
                method,
                url,
                headers,
                **({"json": _fill_ids(body, attacker)} if body else {}),
            )
            assert response.status_code == 404, (method, url, response.text)
            _assert_clean(response, f"{method} {url}")
        # 2. The attacker's own ids in the path, the victim's in each id query parameter.
        own_url = path.format(**{n: attacker[n] for n in names})
        for name in query_ids:
            response = _call(client, method, own_url, headers, params={name: victim[name]})
            assert response.status_code == 404, (method, own_url, name, response.text)
            _assert_clean(response, f"{method} {own_url}?{name}")
        # 3. The victim's ids inside the body.
        if body and any(isinstance(v, str) and v.startswith("{") for v in body.values()):
            response = _call(client, method, own_url, headers, json=_fill_ids(body, victim))
            assert response.status_code == 404, (method, own_url, response.text)
            _assert_clean(response, f"{method} {own_url} (victim ids in body)")
        # 4. Plain calls on the attacker's own data never show the victim's.
        if method == "GET" or (body and not names):
            plain_body = _fill_ids(body, attacker) if body else None
            params = {"brand_id": attacker["brand_id"]} if "brand_id" in query_ids else {}
            response = _call(
                client,
                method,
                own_url,
                headers,
                params=params,
                **({"json": plain_body} if plain_body else {}),
            )
            assert response.status_code < 400, (method, own_url, response.text)
            _assert_clean(response, f"{method} {own_url} (own)")
    after = _victim_snapshot(session, victim)
    assert after == before
    # The attacker's own writes landed in the attacker's workspace only.
    victim_ws = session.get(Brand, victim["brand_id"]).workspace_id
    names = {
        b.name
        for b in session.execute(select(Brand).where(Brand.workspace_id == victim_ws)).scalars()
    }
    assert names == {"victimbrand"}


def test_dashboard_refuses_other_workspaces(world: dict, session: Session) -> None:
    client, victim, attacker = world["client"], world["victim"], world["attacker"]
    before = _victim_snapshot(session, victim)
    client.cookies.set("gs_key", attacker["secret"])
    ids = {**victim, "attacker_brand_id": attacker["brand_id"]}
    for method, path, params in DASHBOARD:
        url = path.format(**ids)
        response = client.request(
            method,
            url,
            params=_fill_ids(params, ids),
            data={"back": "/"} if method == "POST" else None,
            follow_redirects=False,
        )
        _assert_clean(response, f"{method} {url}")
        if "{brand_id}" in path or "{alert_id}" in path:
            assert response.status_code == 404, (method, url)
    own = client.get(f"/brands/{attacker['brand_id']}")
    assert own.status_code == 200 and "attackerbrand" in own.text
    assert _victim_snapshot(session, victim) == before


def test_every_route_is_covered(world: dict) -> None:
    from api.routes import dashboard

    client = world["client"]
    declared = set()
    for info in pkgutil.iter_modules(api.routes.__path__):
        module = importlib.import_module(f"api.routes.{info.name}")
        router = getattr(module, "router", None)
        if router is None or module is dashboard:
            continue
        declared |= {
            (m, "/v1" + r.path) for r in router.routes if isinstance(r, APIRoute) for m in r.methods
        }
    # Every API operation of every router is in the schema, so the test above saw them all.
    assert declared == set(_api_routes(client))
    pages = {
        (m, r.path) for r in dashboard.router.routes if isinstance(r, APIRoute) for m in r.methods
    }
    checked = {(m, p.replace("{attacker_brand_id}", "{brand_id}")) for m, p, _ in DASHBOARD}
    checked = {(m, re.sub(r"/(acknowledge|resolve)$", "/{action}", p)) for m, p in checked}
    public = {("POST", "/login"), ("POST", "/logout")}  # they hold no workspace data
    assert pages - public == checked
    for route in dashboard.router.routes:
        assert isinstance(route, APIRoute) and not route.include_in_schema
