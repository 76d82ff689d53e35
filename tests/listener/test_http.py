from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from listener.http import (
    USER_AGENT,
    BlockedAddressError,
    ConnectionFailedError,
    HttpClient,
    HttpError,
    HttpStatusError,
    ResponseDecodeError,
    ResponseTooLargeError,
    TokenBucket,
    TooManyRedirectsError,
    check_url,
    error_detail,
    is_public_address,
    parse_link_header,
    parse_retry_after,
)
from tests.listener.servers import LoopbackServer, Reply, huge_body, json_reply, redirect


@pytest.fixture()
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as s:
        yield s


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(**kw: object) -> HttpClient:
    kw.setdefault("allow_private", True)
    kw.setdefault("sleep", Sleeps())
    kw.setdefault("timeout", 5.0)
    return HttpClient(**kw)  # type: ignore[arg-type]


def test_get_sends_user_agent_params_and_parses_json(server: LoopbackServer) -> None:
    server.route("/api", json_reply({"ok": True, "items": [1, 2]}))
    with client() as http:
        response = http.get(server.url("/api"), params={"q": "nuvola drinks", "skip": None})
    assert response.status == 200
    assert response.json() == {"ok": True, "items": [1, 2]}
    [request] = server.requests_to("/api")
    assert request.headers["user-agent"] == USER_AGENT
    assert USER_AGENT.startswith("Groundswell/0.1 (+https://")
    assert request.query == {"q": ["nuvola drinks"]}


def test_retries_5xx_with_growing_backoff_then_succeeds(server: LoopbackServer) -> None:
    server.route("/flaky", [Reply(503), Reply(502), Reply(500), json_reply({"ok": 1})])
    sleeps = Sleeps()
    with client(sleep=sleeps, backoff_base=1.0, max_retries=3) as http:
        assert http.get(server.url("/flaky")).json() == {"ok": 1}
    assert len(server.requests_to("/flaky")) == 4
    assert len(sleeps) == 3
    # Equal jitter: attempt k waits between 2**k / 2 and 2**k seconds.
    for attempt, delay in enumerate(sleeps):
        assert 2**attempt / 2 <= delay <= 2**attempt
    assert sleeps == sorted(sleeps)


def test_gives_up_after_max_retries_with_status_and_reason(server: LoopbackServer) -> None:
    server.route("/down", Reply(503, body={"message": "maintenance"}))
    with client(max_retries=2) as http, pytest.raises(HttpStatusError) as info:
        http.get(server.url("/down"))
    assert info.value.status == 503
    assert "after 3 attempts" in info.value.reason
    assert "maintenance" in info.value.reason
    assert len(server.requests_to("/down")) == 3


def test_client_errors_are_not_retried_and_carry_the_api_message(server: LoopbackServer) -> None:
    body = {"error": {"code": 403, "message": "The request cannot be completed because you have "
                      "exceeded your quota.", "errors": [{"reason": "quotaExceeded"}]}}
    server.route("/quota", Reply(403, body=body))
    with client() as http, pytest.raises(HttpStatusError) as info:
        http.get(server.url("/quota"))
    assert info.value.status == 403
    assert "quotaExceeded" in info.value.reason
    assert len(server.requests_to("/quota")) == 1


def test_retry_after_seconds_is_honoured(server: LoopbackServer) -> None:
    server.route("/limited", [Reply(429, headers={"Retry-After": "7"}), json_reply([])])
    sleeps = Sleeps()
    with client(sleep=sleeps) as http:
        assert http.get(server.url("/limited")).json() == []
    assert sleeps == [7.0]


def test_retry_after_http_date_is_honoured_and_capped(server: LoopbackServer) -> None:
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    server.route("/date", [Reply(503, headers={"Retry-After": soon}), json_reply({})])
    server.route("/cap", [Reply(429, headers={"Retry-After": "86400"}), json_reply({})])
    sleeps = Sleeps()
    with client(sleep=sleeps, max_retry_after=60) as http:
        http.get(server.url("/date"))
        http.get(server.url("/cap"))
    assert 25 <= sleeps[0] <= 30
    assert sleeps[1] == 60


def test_parse_retry_after_forms() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120", now=now) == 120
    assert parse_retry_after("Thu, 01 Jan 2026 12:01:30 GMT", now=now) == 90
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now=now) == 0
    assert parse_retry_after("soon", now=now) is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("-5") == 0


def test_connection_refused_is_retried_then_reported() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sleeps = Sleeps()
    with client(sleep=sleeps, max_retries=2) as http, pytest.raises(ConnectionFailedError) as info:
        http.get(f"http://127.0.0.1:{port}/")
    assert "connection failed" in info.value.reason
    assert len(sleeps) == 2


def test_timeout_is_retried_then_reported(server: LoopbackServer) -> None:
    server.route("/slow", Reply(body="late", delay=2.0))
    with client(timeout=0.2, max_retries=1) as http, pytest.raises(ConnectionFailedError) as info:
        http.get(server.url("/slow"))
    assert "timed out" in info.value.reason
    assert len(server.requests_to("/slow")) == 2


def test_declared_oversize_body_is_refused_before_reading(server: LoopbackServer) -> None:
    server.route("/big", Reply(body=b"x" * 5000))
    with client(max_bytes=1000) as http, pytest.raises(ResponseTooLargeError) as info:
        http.get(server.url("/big"))
    assert "5000 bytes" in info.value.reason


def test_streamed_50mb_body_is_cut_at_the_default_limit(server: LoopbackServer) -> None:
    server.route("/huge", lambda _r: Reply(body=huge_body(50 * 1024 * 1024)))
    with client() as http, pytest.raises(ResponseTooLargeError) as info:
        http.get(server.url("/huge"))
    assert "10485760-byte limit" in info.value.reason


def test_truncated_json_is_a_decode_error(server: LoopbackServer) -> None:
    server.route("/cut", Reply(body=b'{"hits": [{"objectID": "1", "title": "Nuv',
                               content_type="application/json"))
    with client() as http:
        response = http.get(server.url("/cut"))
    with pytest.raises(ResponseDecodeError) as info:
        response.json()
    assert "invalid JSON" in info.value.reason


def test_body_shorter_than_its_content_length_is_a_connection_error(
    server: LoopbackServer,
) -> None:
    server.route("/short", Reply(body={"items": list(range(1000))}, cut_at=100))
    with client(max_retries=1) as http, pytest.raises(ConnectionFailedError):
        http.get(server.url("/short"))
    assert len(server.requests_to("/short")) == 2


def test_redirects_are_followed_and_loops_refused(server: LoopbackServer) -> None:
    server.route("/a", redirect("/b", 301))
    server.route("/b", redirect(server.url("/c"), 307))
    server.route("/c", json_reply({"at": "c"}))
    server.route("/loop1", redirect("/loop2"))
    server.route("/loop2", redirect("/loop1"))
    for i in range(10):
        server.route(f"/hop{i}", redirect(f"/hop{i + 1}"))
    with client(max_redirects=3) as http:
        response = http.get(server.url("/a"))
        assert response.json() == {"at": "c"}
        assert response.url.endswith("/c")
        with pytest.raises(TooManyRedirectsError) as loop:
            http.get(server.url("/loop1"))
        assert "loop" in loop.value.reason
        with pytest.raises(TooManyRedirectsError) as chain:
            http.get(server.url("/hop0"))
        assert "more than 3 redirects" in chain.value.reason
    assert len(server.requests_to("/hop3")) == 1
    assert server.requests_to("/hop4") == []


def test_not_modified_is_returned_not_raised(server: LoopbackServer) -> None:
    server.route("/feed", Reply(304))
    with client() as http:
        response = http.get(server.url("/feed"), headers={"If-None-Match": '"v1"'})
    assert response.not_modified
    assert server.requests_to("/feed")[0].headers["if-none-match"] == '"v1"'


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost/",
        "http://10.1.2.3/",
        "http://192.168.0.1/x",
        "http://172.16.5.4/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fd00::1]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://100.64.0.1/",
        "http://240.0.0.1/",
    ],
)
def test_ssrf_guard_refuses_non_public_addresses(url: str) -> None:
    with pytest.raises(BlockedAddressError) as info:
        check_url(url, allow_private=False)
    assert "non-public" in info.value.reason
    check_url(url, allow_private=True)


def test_ssrf_guard_refuses_other_schemes_even_when_private_allowed() -> None:
    for url in ("file:///etc/passwd", "gopher://127.0.0.1/", "ftp://example.com/"):
        with pytest.raises(BlockedAddressError):
            check_url(url, allow_private=True)


def test_public_addresses_pass() -> None:
    assert is_public_address("93.184.216.34")
    assert is_public_address("2606:4700:4700::1111")
    assert not is_public_address("127.0.0.1")
    assert not is_public_address("not an ip")
    check_url("https://news.example/feed", allow_private=False,
              resolver=lambda host, port: ["93.184.216.34"])
    with pytest.raises(BlockedAddressError):
        # One private answer among public ones is enough to refuse.
        check_url("https://news.example/feed", allow_private=False,
                  resolver=lambda host, port: ["93.184.216.34", "10.0.0.7"])


def test_guarded_client_never_connects_to_loopback(server: LoopbackServer) -> None:
    server.route("/admin", json_reply({"secret": 1}))
    with HttpClient(allow_private=False) as http, pytest.raises(BlockedAddressError):
        http.get(server.url("/admin"))
    assert server.requests == []


def test_every_redirect_hop_is_checked_again() -> None:
    seen: list[str] = []

    def app(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.host == "public.example":
            target = {"/to-loopback": "http://127.0.0.1/admin",
                      "/to-internal": "http://intranet.example/"}[request.url.path]
            return httpx.Response(302, headers={"Location": target})
        return httpx.Response(200, json={"leaked": True})

    def resolver(host: str, port: int) -> list[str]:
        return {"public.example": ["93.184.216.34"], "intranet.example": ["10.0.0.5"]}[host]

    with HttpClient(transport=httpx.MockTransport(app), resolver=resolver) as http:
        for path in ("/to-loopback", "/to-internal"):
            with pytest.raises(BlockedAddressError):
                http.get(f"http://public.example{path}")
    assert seen == ["http://public.example/to-loopback", "http://public.example/to-internal"]


def test_token_bucket_spaces_requests() -> None:
    now = [100.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    bucket = TokenBucket(2.0, capacity=1, clock=lambda: now[0], sleep=sleep)
    waits = [bucket.acquire() for _ in range(4)]
    assert waits == [0.0, 0.5, 0.5, 0.5]
    now[0] += 10  # idle time refills only up to the capacity
    assert bucket.acquire() == 0.0
    assert bucket.acquire() == 0.5
    with pytest.raises(ValueError):
        TokenBucket(0)


def test_client_rate_limit_waits_between_requests(server: LoopbackServer) -> None:
    server.route("/r", json_reply({}))
    sleeps = Sleeps()
    with client(sleep=sleeps, rate_limit_per_minute=6) as http:
        http.get(server.url("/r"))
        http.get(server.url("/r"))
    # 6 a minute with a burst of 1: the second request waits about 10 seconds.
    assert len(sleeps) == 1
    assert 9.0 < sleeps[0] <= 10.0


def test_link_header_and_error_detail_parsing() -> None:
    header = ('<https://m.example/api/v1/timelines/tag/x?max_id=109>; rel="next", '
              '<https://m.example/api/v1/timelines/tag/x?min_id=120>; rel="prev"')
    assert parse_link_header(header) == {
        "next": "https://m.example/api/v1/timelines/tag/x?max_id=109",
        "prev": "https://m.example/api/v1/timelines/tag/x?min_id=120",
    }
    assert parse_link_header("") == {}
    assert error_detail(b'{"error": "InvalidRequest", "message": "Bad cursor"}') == (
        "InvalidRequest: Bad cursor"
    )
    assert error_detail(b"<html><body><h1>502 Bad Gateway</h1></body></html>") == (
        "502 Bad Gateway"
    )
    assert error_detail(b"") == ""


def test_invalid_url_is_an_http_error() -> None:
    with client() as http, pytest.raises(HttpError):
        http.get("http://[not-an-ip/")


def test_secrets_are_redacted_from_reasons() -> None:
    from listener.http import redact_url

    assert redact_url("https://g.example/v3/x?part=a&key=SECRET&access_token=T") == (
        "https://g.example/v3/x?part=a&key=***&access_token=***")
    assert redact_url("https://a.example/feed") == "https://a.example/feed"
