"""Alert delivery through the outbox: a flaky webhook and a real SMTP server on loopback."""

from __future__ import annotations

import email
import json
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlmodel import Session, select

from api.services.delivery import (
    DeliveryChannels,
    SmtpConfig,
    backoff_delay,
    deliver_pending,
    enqueue_alert,
    pending_messages,
    slack_body,
)
from models import Alert, AlertEvidence, Mention, OutboxMessage
from models.timeutil import utcnow
from tests.factories import T0, make_brand, make_workspace


@pytest.fixture()
def alert(session: Session) -> Alert:
    """A harm alert with one evidence post and one new term."""
    ws = make_workspace(session)
    brand = make_brand(session, ws, "Nuvola")
    mention = Mention(
        workspace_id=ws.id or 0,
        source="twitter",
        external_id="e1",
        text="Nuvola Citrus made my kid throw up <script>",
        author="@worried_parent",
        author_followers=5400,
        created_at=T0,
        dedup_key="k1",
        url="https://twitter.example.com/worried_parent/status/1",
        is_harm=True,
    )
    session.add(mention)
    session.flush()
    row = Alert(
        workspace_id=ws.id or 0,
        brand_id=brand.id,
        fingerprint=f"brand:{brand.id}",
        kind="harm",
        severity="high",
        title="Harm claims about Nuvola: 7 posts (expected 0.12)",
        series="harm",
        why={"explain": "harm: observed 7 vs expected 0.125, p=1e-09 <= 0.0001"},
        started_at=T0,
        last_seen_at=T0,
    )
    session.add(row)
    session.flush()
    session.add(
        AlertEvidence(
            alert_id=row.id or 0,
            mention_id=mention.id,
            rank=0,
            kind="post",
            detail={
                "author": mention.author,
                "text": mention.text,
                "url": mention.url,
                "reach": 5400,
                "copies": 3,
            },
        )
    )
    session.add(AlertEvidence(alert_id=row.id or 0, rank=0, kind="term", detail={"term": "throw"}))
    session.add(
        AlertEvidence(
            alert_id=row.id or 0,
            rank=0,
            kind="topic",
            detail={"label": "throw up · citrus", "share": 0.4, "negative_share": 0.9, "new": True},
        )
    )
    session.commit()
    return row


class FlakyHook(BaseHTTPRequestHandler):
    """Fails the first `failures` POSTs with 503, then accepts."""

    failures = 2
    bodies: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length))
        type(self).bodies.append(body)
        status = 503 if len(type(self).bodies) <= type(self).failures else 200
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"ok" if status == 200 else b"busy")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def webhook() -> Iterator[tuple[str, type[FlakyHook]]]:
    handler = type("Hook", (FlakyHook,), {"bodies": [], "failures": 2})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", handler
    finally:
        server.shutdown()
        server.server_close()


def test_webhook_failing_twice_is_retried_with_backoff_and_delivered_once(
    session: Session, alert: Alert, webhook: tuple[str, type[FlakyHook]]
) -> None:
    url, hook = webhook
    queued = enqueue_alert(
        session, alert, DeliveryChannels(webhook_url=url, link_base="http://gs.local")
    )
    session.commit()
    assert [m.channel for m in queued] == ["webhook"]
    now = utcnow()

    first = deliver_pending(session, now=now)
    assert (first.attempted, first.delivered, first.failed) == (1, 0, 1)
    message = session.execute(select(OutboxMessage)).scalar_one()
    assert message.attempts == 1 and message.delivered_at is None
    assert "503" in (message.last_error or "")
    assert message.next_attempt_at == now + backoff_delay(1)
    # Not due yet: nothing is sent again.
    assert deliver_pending(session, now=now).attempted == 0

    now = message.next_attempt_at
    second = deliver_pending(session, now=now)
    assert second.failed == 1
    message = session.execute(select(OutboxMessage)).scalar_one()
    assert message.next_attempt_at == now + backoff_delay(2) > now + backoff_delay(1)

    third = deliver_pending(session, now=message.next_attempt_at)
    assert third.delivered == 1
    message = session.execute(select(OutboxMessage)).scalar_one()
    assert message.attempts == 3
    assert message.delivered_at is not None and message.last_error is None
    assert pending_messages(session) == []
    # Delivered once: later runs send nothing more.
    assert deliver_pending(session, now=message.next_attempt_at + timedelta(days=1)).attempted == 0
    assert len(hook.bodies) == 3

    body = hook.bodies[-1]
    assert "Harm claims about Nuvola" in body["text"] and "[HIGH]" in body["text"]
    flat = json.dumps(body["blocks"])
    assert "worried_parent" in flat and "made my kid throw up" in flat
    assert "observed 7 vs expected" in flat
    assert "http://gs.local/brands/" in flat
    assert body["blocks"][0]["type"] == "header"


def test_email_reaches_a_real_smtp_server(session: Session, alert: Alert) -> None:
    controller_mod = pytest.importorskip("aiosmtpd.controller")

    class Collect:
        def __init__(self) -> None:
            self.messages: list[tuple[list[str], bytes]] = []

        async def handle_DATA(self, server: Any, smtp_session: Any, envelope: Any) -> str:  # noqa: N802
            self.messages.append((list(envelope.rcpt_tos), envelope.content))
            return "250 Message accepted for delivery"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Collect()
    controller = controller_mod.Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        enqueue_alert(
            session,
            alert,
            DeliveryChannels(email_to=("pr@example.com", "ceo@example.com")),
        )
        session.commit()
        report = deliver_pending(
            session, smtp=SmtpConfig(host="127.0.0.1", port=port, sender="gs@example.com")
        )
    finally:
        controller.stop()
    assert report.delivered == 1, report.errors
    assert len(handler.messages) == 1
    recipients, raw = handler.messages[0]
    assert sorted(recipients) == ["ceo@example.com", "pr@example.com"]
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert "Harm claims about Nuvola" in str(parsed["Subject"])
    assert parsed["From"] == "gs@example.com"
    plain = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    assert "made my kid throw up" in plain.get_content()
    assert "observed 7 vs expected" in plain.get_content()
    assert "worried_parent" in html.get_content()
    assert "&lt;script&gt;" in html.get_content()  # post text is escaped in HTML
    # the topics the incident's posts fall in are cited, in both parts
    assert "Themes: throw up · citrus (40% of posts, 90% negative, new)" in plain.get_content()
    assert "throw up · citrus" in html.get_content()


def test_email_without_smtp_stays_queued_and_is_retried(session: Session, alert: Alert) -> None:
    enqueue_alert(session, alert, DeliveryChannels(email_to=("pr@example.com",)))
    session.commit()
    report = deliver_pending(session, smtp=None)
    assert report.failed == 1 and "SMTP is not configured" in report.errors[0]
    message = session.execute(select(OutboxMessage)).scalar_one()
    assert message.delivered_at is None and message.attempts == 1
    assert pending_messages(session) == [message]


def test_unreachable_webhook_is_recorded_not_lost(session: Session, alert: Alert) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/nobody-listens"
    enqueue_alert(session, alert, DeliveryChannels(webhook_url=dead))
    session.commit()
    report = deliver_pending(session)
    assert report.failed == 1
    message = session.execute(select(OutboxMessage)).scalar_one()
    assert message.delivered_at is None and message.last_error
    assert message.payload["title"] == alert.title


def test_nothing_is_queued_without_channels(session: Session, alert: Alert) -> None:
    assert enqueue_alert(session, alert, DeliveryChannels()) == []
    assert session.execute(select(OutboxMessage)).first() is None


def test_backoff_grows_and_is_capped() -> None:
    delays = [backoff_delay(n) for n in range(1, 20)]
    assert delays[0] == timedelta(seconds=30)
    assert all(b >= a for a, b in zip(delays, delays[1:], strict=False))
    assert delays[-1] == timedelta(hours=6)


def test_slack_body_without_posts_or_link() -> None:
    body = slack_body(
        {"severity": "low", "title": "Volume spike", "why": "volume: observed 40", "posts": []}
    )
    assert body["text"].startswith("[LOW] Volume spike")
    assert all(b["type"] != "actions" for b in body["blocks"])
