from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.deps import RateLimiter
from api.main import create_app
from tests.factories import make_brand, make_key, make_workspace


def test_rate_limit_answers_429_with_retry_after(settings, session: Session) -> None:
    settings.rate_limit_per_minute = 5
    client = TestClient(create_app(settings))
    ws = make_workspace(session)
    key = {"X-API-Key": make_key(session, ws)}
    other = {"X-API-Key": make_key(session, ws)}
    statuses = [client.get("/v1/brands", headers=key).status_code for _ in range(7)]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]
    limited = client.get("/v1/brands", headers=key)
    assert limited.headers["content-type"].startswith("application/problem+json")
    assert 1 <= int(limited.headers["retry-after"]) <= 12
    assert client.get("/v1/brands", headers=other).status_code == 200  # buckets are per key
    # Guessing keys spends the client address's bucket.
    guesses = [
        client.get("/v1/brands", headers={"X-API-Key": f"gsk_guess{i}"}).status_code
        for i in range(7)
    ]
    assert guesses[:5] == [401] * 5 and guesses[5:] == [429, 429]


def test_token_bucket_refills_over_time() -> None:
    limiter = RateLimiter(per_minute=60)
    assert all(limiter.take("k", now=100.0) == 0 for _ in range(60))
    wait = limiter.take("k", now=100.0)
    assert wait == pytest.approx(1.0)
    assert limiter.take("k", now=101.01) == 0  # one token a second
    assert limiter.take("k", now=101.02) > 0
    small = RateLimiter(per_minute=10, max_buckets=2)
    for caller in ("a", "b", "c"):
        small.take(caller, now=0.0)
    assert len(small._buckets) == 2


def test_request_body_limit_is_413(settings, session: Session) -> None:
    settings.max_request_bytes = 2048
    client = TestClient(create_app(settings))
    key = {"X-API-Key": make_key(session, make_workspace(session))}
    response = client.post("/v1/brands", json={"name": "x" * 5000}, headers=key)
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 413
    bad_length = client.post(
        "/v1/brands",
        content=b"{}",
        headers={**key, "content-type": "application/json", "content-length": "lots"},
    )
    assert bad_length.status_code == 400


def test_cors_is_off_unless_configured(settings, session: Session) -> None:
    key = {"X-API-Key": make_key(session, make_workspace(session))}
    closed = TestClient(create_app(settings))
    preflight = {"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    assert (
        "access-control-allow-origin" not in closed.options("/v1/brands", headers=preflight).headers
    )
    plain = closed.get("/v1/brands", headers={**key, "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in plain.headers
    settings.cors_origins = ["https://dashboard.example"]
    opened = TestClient(create_app(settings))
    allowed = opened.get("/v1/brands", headers={**key, "Origin": "https://dashboard.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://dashboard.example"
    refused = opened.get("/v1/brands", headers={**key, "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in refused.headers


def test_errors_are_problem_documents_never_500(settings, session: Session) -> None:
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    ws = make_workspace(session)
    make_brand(session, ws, "Nuvola")
    key = {"X-API-Key": make_key(session, ws)}
    cases = [
        ("get", "/v1/no-such-route", None, 404),
        ("put", "/v1/brands", None, 405),
        ("get", "/v1/brands/not-a-number", None, 422),
        ("get", "/v1/brands/99999999999999999999999", None, 422),
        ("post", "/v1/brands", {"name": "A", "aliases": "not a list"}, 422),
        ("post", "/v1/brands", {"name": "B", "unknown": 1}, 422),
        ("post", "/v1/brands", {"name": "C", "query": "Nuvola AND (Zero"}, 422),
        ("patch", "/v1/brands/1", {"name": None, "bogus": True}, 422),
        ("get", "/v1/analytics/share-of-voice?start=9999-12-31T23:59:59-05:00", None, 422),
        ("get", "/v1/analytics/share-of-voice?start=yesterday", None, 422),
        ("get", "/v1/mentions?q=%00", None, 422),
        ("get", "/v1/mentions?q=50%25", None, 200),
    ]
    for method, path, body, status in cases:
        response = getattr(client, method)(path, headers=key, **({"json": body} if body else {}))
        assert response.status_code == status, (method, path, response.text)
        if status >= 400:
            assert response.headers["content-type"].startswith("application/problem+json")
            assert response.json()["status"] == status
    bad_query = client.post(
        "/v1/brands", json={"name": "D", "query": "Nuvola NEAR/x Zero"}, headers=key
    ).json()
    assert isinstance(bad_query["position"], int) and "position" in bad_query["detail"]


def test_security_headers_and_openapi_documents_problems(settings, session: Session) -> None:
    client = TestClient(create_app(settings))
    api = client.get("/v1/health")
    assert api.headers["x-content-type-options"] == "nosniff"
    assert api.headers["cache-control"] == "no-store"
    page = client.get("/")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/v1/analytics/trend"]["get"]
    for status in ("401", "404", "422", "429"):
        assert "application/problem+json" in operation["responses"][status]["content"]
    assert "Retry-After" in operation["responses"]["429"]["headers"]
    assert spec["components"]["schemas"]["Problem"]["required"] == ["title", "status"]
    schemes = spec["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} >= {"apiKey", "http"}
