"""Alert delivery through a transactional outbox: nothing is lost, everything is retried.

When detection opens an alert or escalates one (severity up, or a graver kind), it
calls `enqueue_alert` in the *same* transaction that writes the alert: one
`OutboxMessage` per configured channel, carrying a snapshot of what to say. So an
alert is never stored without its deliveries, nor a delivery queued for an alert
that was rolled back.

`deliver_pending` (run by `groundswell alerts deliver`, or a scheduler) sends the
messages that are due:

* ``webhook``: an HTTP POST of a Slack-compatible JSON body (``text`` plus
  ``blocks``: severity and title, why it fired, the top evidence posts, a link);
  any 2xx is success.
* ``email``: a multipart (plain text + HTML) message over SMTP.

A message is claimed before it is sent (its ``next_attempt_at`` is pushed one lease
ahead and committed), so two deliverers do not send it twice and a crash mid-send
only delays it. A failure records ``last_error``, adds one to ``attempts`` and
schedules the next try with exponential backoff (capped); a message is never
dropped. Success sets ``delivered_at``. Delivery is at-least-once: a receiver that
accepted a message whose success could not be recorded gets it again.
"""

from __future__ import annotations

import html
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

import httpx
from sqlalchemy import update
from sqlmodel import Session, col, select

from models import Alert, AlertEvidence, Brand, OutboxMessage
from models.timeutil import ensure_utc, utcnow

__all__ = [
    "DeliveryChannels",
    "DeliveryReport",
    "SmtpConfig",
    "alert_payload",
    "backoff_delay",
    "deliver_pending",
    "email_message",
    "enqueue_alert",
    "pending_messages",
    "slack_body",
]

USER_AGENT = "Groundswell/0.1 alert delivery"
BACKOFF_BASE_SECONDS = 30.0
BACKOFF_CAP_SECONDS = 6 * 3600.0
LEASE_SECONDS = 300.0
_SEVERITY_EMOJI = {"critical": "🔴", "high": "🟠", "medium": "🟡", "low": "🔵"}


@dataclass(frozen=True)
class DeliveryChannels:
    """Where alerts go; built by the CLI (or `api/deps.py`) from Settings.

    Attributes:
        webhook_url: Slack-compatible incoming-webhook URL, or None.
        email_to: Email recipients (one message to all of them).
        link_base: Base URL of the dashboard, for links in messages (optional).
    """

    webhook_url: str | None = None
    email_to: tuple[str, ...] = ()
    link_base: str | None = None

    @property
    def configured(self) -> bool:
        """True when at least one channel is set."""
        return bool(self.webhook_url or self.email_to)


@dataclass(frozen=True)
class SmtpConfig:
    """How to reach the SMTP server.

    Attributes:
        host: Server host name.
        port: Server port.
        sender: The From address.
        timeout: Seconds to wait for the server.
    """

    host: str
    port: int = 25
    sender: str = "groundswell@localhost"
    timeout: float = 10.0


@dataclass
class DeliveryReport:
    """What one `deliver_pending` call did.

    Attributes:
        attempted: Messages tried.
        delivered: Messages sent successfully.
        failed: Messages that failed and were rescheduled.
        errors: ``"#id channel: error"`` per failure.
    """

    attempted: int = 0
    delivered: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- payload


def alert_payload(
    session: Session, alert: Alert, *, event: str, link_base: str | None = None
) -> dict[str, Any]:
    """Snapshot what a message about an alert says (JSON-serialisable).

    Args:
        session: An open session (the alert's evidence must be flushed).
        alert: The alert.
        event: ``"opened"`` or ``"escalated"``.
        link_base: Dashboard base URL for the link, if any.

    Returns:
        Alert fields, why it fired, the top evidence posts and new terms, and a link.
    """
    brand = session.get(Brand, alert.brand_id) if alert.brand_id is not None else None
    items = list(
        session.execute(
            select(AlertEvidence)
            .where(AlertEvidence.alert_id == alert.id)
            .order_by(col(AlertEvidence.kind), col(AlertEvidence.rank))
        ).scalars()
    )
    posts = [
        {
            "author": i.detail.get("author"),
            "text": str(i.detail.get("text") or "")[:280],
            "url": i.detail.get("url"),
            "reach": i.detail.get("reach"),
            "copies": i.detail.get("copies"),
            "created_at": i.detail.get("created_at"),
        }
        for i in items
        if i.kind == "post"
    ][:3]
    terms = [str(i.detail.get("term")) for i in items if i.kind == "term"][:8]
    topics = [
        {k: i.detail.get(k) for k in ("label", "share", "negative_share", "new")}
        for i in items
        if i.kind == "topic"
    ]
    link = None
    if link_base:
        base = link_base.rstrip("/")
        link = f"{base}/brands/{alert.brand_id}" if alert.brand_id is not None else f"{base}/"
    return {
        "event": event,
        "alert_id": alert.id,
        "brand": brand.name if brand is not None else None,
        "kind": alert.kind,
        "severity": alert.severity,
        "status": str(alert.status),
        "title": alert.title,
        "series": alert.series,
        "why": str(alert.why.get("explain", "")),
        "started_at": ensure_utc(alert.started_at).isoformat(),
        "last_seen_at": ensure_utc(alert.last_seen_at).isoformat(),
        "posts": posts,
        "terms": terms,
        "topics": topics,
        "link": link,
    }


def enqueue_alert(
    session: Session, alert: Alert, channels: DeliveryChannels, *, event: str = "opened"
) -> list[OutboxMessage]:
    """Queue one message per configured channel; the caller commits.

    Call it in the transaction that opens or escalates the alert, after its
    evidence is flushed, so the alert and its deliveries are stored together.

    Args:
        session: The open session of that transaction.
        alert: The alert (flushed, so it has an id).
        channels: The configured channels.
        event: ``"opened"`` or ``"escalated"``.

    Returns:
        The queued messages (none when no channel is configured).

    Raises:
        ValueError: If the alert has no id yet.
    """
    if alert.id is None:
        raise ValueError("flush the alert before queueing its delivery")
    if not channels.configured:
        return []
    payload = alert_payload(session, alert, event=event, link_base=channels.link_base)
    now = utcnow()
    messages = []
    if channels.webhook_url:
        messages.append(
            OutboxMessage(
                alert_id=alert.id,
                channel="webhook",
                target=channels.webhook_url[:500],
                payload=payload,
                next_attempt_at=now,
            )
        )
    if channels.email_to:
        messages.append(
            OutboxMessage(
                alert_id=alert.id,
                channel="email",
                target=", ".join(channels.email_to)[:500],
                payload=payload,
                next_attempt_at=now,
            )
        )
    session.add_all(messages)
    session.flush()
    return messages


# --------------------------------------------------------------------------- rendering


def _headline(payload: dict[str, Any]) -> str:
    severity = str(payload.get("severity", "")).upper()
    prefix = "Escalated: " if payload.get("event") == "escalated" else ""
    return f"[{severity}] {prefix}{payload.get('title', '')}"


def slack_body(payload: dict[str, Any]) -> dict[str, Any]:
    """Render a payload as a Slack-compatible incoming-webhook body.

    Args:
        payload: From `alert_payload`.

    Returns:
        ``{"text": ..., "blocks": [...]}``; ``text`` is the plain fallback.
    """
    emoji = _SEVERITY_EMOJI.get(str(payload.get("severity")), "⚪")
    headline = _headline(payload)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": f"{emoji} {headline}"[:150]}},
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": f"*Severity*\n{payload.get('severity')}"},
                {"type": "mrkdwn", "text": f"*Brand*\n{payload.get('brand') or '-'}"},
                {"type": "mrkdwn", "text": f"*Kind*\n{payload.get('kind')}"},
                {"type": "mrkdwn", "text": f"*Since*\n{payload.get('started_at')}"},
            ],
        },
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*Why*\n{payload.get('why')}"}},
    ]
    for post in payload.get("posts", []):
        author = post.get("author") or "?"
        line = f"*@{str(author).lstrip('@')}* (reach {post.get('reach')}, "
        line += f"{post.get('copies') or 0} copies)\n>{post.get('text', '')}"
        if post.get("url"):
            line += f"\n<{post['url']}|open post>"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": line[:2900]}})
    if payload.get("terms"):
        terms = ", ".join(payload["terms"])
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"New terms: {terms}"}]}
        )
    if payload.get("link"):
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Open in Groundswell"},
                        "url": payload["link"],
                    }
                ],
            }
        )
    text = f"{headline} — {payload.get('why')}"
    return {"text": text, "blocks": blocks}


def email_message(
    payload: dict[str, Any], *, sender: str, recipients: Sequence[str]
) -> EmailMessage:
    """Render a payload as a multipart (plain text + HTML) email.

    Args:
        payload: From `alert_payload`.
        sender: The From address.
        recipients: The To addresses.

    Returns:
        The message, ready for `smtplib.SMTP.send_message`.
    """
    headline = _headline(payload)
    lines = [
        headline,
        "",
        f"Brand: {payload.get('brand') or '-'}",
        f"Kind: {payload.get('kind')}   Severity: {payload.get('severity')}",
        f"Since: {payload.get('started_at')}",
        f"Why: {payload.get('why')}",
        "",
        "Top posts:",
    ]
    for post in payload.get("posts", []):
        lines.append(
            f"- @{str(post.get('author') or '?').lstrip('@')} (reach {post.get('reach')}): "
            f"{post.get('text', '')}"
        )
        if post.get("url"):
            lines.append(f"  {post['url']}")
    if payload.get("terms"):
        lines += ["", "New terms: " + ", ".join(payload["terms"])]
    if payload.get("topics"):
        lines += ["", "Themes: " + "; ".join(_theme(t) for t in payload["topics"])]
    if payload.get("link"):
        lines += ["", f"Open: {payload['link']}"]
    e = html.escape
    parts = [
        f"<html><body><h2>{e(headline)}</h2>",
        f"<p><b>Brand:</b> {e(str(payload.get('brand') or '-'))}<br>",
        f"<b>Kind:</b> {e(str(payload.get('kind')))} &middot; ",
        f"<b>Severity:</b> {e(str(payload.get('severity')))}<br>",
        f"<b>Since:</b> {e(str(payload.get('started_at')))}</p>",
        f"<p><b>Why:</b> {e(str(payload.get('why')))}</p>",
        "<h3>Top posts</h3><ul>",
    ]
    for post in payload.get("posts", []):
        author = e(str(post.get("author") or "?").lstrip("@"))
        item = f"<li><b>@{author}</b> (reach {e(str(post.get('reach')))}): "
        item += e(str(post.get("text", "")))
        if post.get("url"):
            item += f' <a href="{e(str(post["url"]))}">open</a>'
        parts.append(item + "</li>")
    parts.append("</ul>")
    if payload.get("terms"):
        parts.append(f"<p><b>New terms:</b> {e(', '.join(payload['terms']))}</p>")
    if payload.get("topics"):
        themes = "; ".join(_theme(t) for t in payload["topics"])
        parts.append(f"<p><b>Themes:</b> {e(themes)}</p>")
    if payload.get("link"):
        parts.append(f'<p><a href="{e(str(payload["link"]))}">Open in Groundswell</a></p>')
    parts.append("</body></html>")
    body_html = "".join(parts)
    message = EmailMessage()
    message["Subject"] = headline[:200]
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message.set_content("\n".join(lines))
    message.add_alternative(body_html, subtype="html")
    return message


# --------------------------------------------------------------------------- sending


def backoff_delay(attempts: int) -> timedelta:
    """Wait before the next try after ``attempts`` failures: 30 s, 1 min, 2 min, … 6 h.

    Args:
        attempts: Failures so far (>= 1).

    Returns:
        The delay.
    """
    seconds = BACKOFF_BASE_SECONDS * 2.0 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, BACKOFF_CAP_SECONDS))


def pending_messages(session: Session, *, now: datetime | None = None) -> list[OutboxMessage]:
    """Undelivered messages, due ones first.

    Args:
        session: An open session.
        now: Only those due at or before this time; None: all undelivered.

    Returns:
        The messages, by next attempt time.
    """
    statement = select(OutboxMessage).where(col(OutboxMessage.delivered_at).is_(None))
    if now is not None:
        statement = statement.where(col(OutboxMessage.next_attempt_at) <= ensure_utc(now))
    statement = statement.order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
    return list(session.execute(statement).scalars())


def _claim(session: Session, message: OutboxMessage, now: datetime) -> bool:
    """Push the message one lease ahead, if nobody else did first; commits."""
    lease_end = now + timedelta(seconds=LEASE_SECONDS)
    result = session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == message.id,
            col(OutboxMessage.delivered_at).is_(None),
            col(OutboxMessage.next_attempt_at) <= now,
        )
        .values(next_attempt_at=lease_end)
    )
    session.commit()
    return bool(getattr(result, "rowcount", 0) == 1)


def _send_webhook(message: OutboxMessage, client: httpx.Client) -> None:
    response = client.post(message.target, json=slack_body(message.payload))
    if not 200 <= response.status_code < 300:
        raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")


def _send_email(message: OutboxMessage, smtp: SmtpConfig | None) -> None:
    if smtp is None:
        raise RuntimeError("SMTP is not configured (set GROUNDSWELL_SMTP_HOST)")
    recipients = [r.strip() for r in message.target.split(",") if r.strip()]
    email = email_message(message.payload, sender=smtp.sender, recipients=recipients)
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as server:
        server.send_message(email, from_addr=smtp.sender, to_addrs=recipients)


def deliver_pending(
    session: Session,
    *,
    http_client: httpx.Client | None = None,
    smtp: SmtpConfig | None = None,
    now: datetime | None = None,
    limit: int = 100,
) -> DeliveryReport:
    """Send every due outbox message; failures are rescheduled, never dropped.

    Args:
        session: An open session (committed per message).
        http_client: Client for webhooks; a fresh one with a 10 s timeout if None.
        smtp: SMTP server for email messages; an email message fails (and is
            retried later) while this is None.
        now: The current time (tests pass it to step through the backoff).
        limit: Most messages to try in this call.

    Returns:
        What was attempted, delivered and failed.
    """
    moment = ensure_utc(now) if now is not None else utcnow()
    report = DeliveryReport()
    own_client = http_client is None
    client = http_client or httpx.Client(timeout=10.0, headers={"User-Agent": USER_AGENT})
    try:
        for message in pending_messages(session, now=moment)[:limit]:
            if not _claim(session, message, moment):
                continue
            report.attempted += 1
            try:
                if message.channel == "webhook":
                    _send_webhook(message, client)
                elif message.channel == "email":
                    _send_email(message, smtp)
                else:
                    raise RuntimeError(f"unknown channel {message.channel!r}")
            except Exception as exc:  # any failure is recorded and retried, never lost
                error = f"{type(exc).__name__}: {exc}"[:1000]
                message.attempts += 1
                message.last_error = error
                message.next_attempt_at = moment + backoff_delay(message.attempts)
                report.failed += 1
                report.errors.append(f"#{message.id} {message.channel}: {error}")
            else:
                message.attempts += 1
                message.delivered_at = moment
                message.last_error = None
                report.delivered += 1
            session.add(message)
            session.commit()
    finally:
        if own_client:
            client.close()
    return report


def _theme(topic: dict[str, Any]) -> str:
    """A cited topic in words: label, share of the incident's posts, negative share, new."""
    text = f"{topic.get('label')} ({float(topic.get('share') or 0):.0%} of posts"
    if topic.get("negative_share") is not None:
        text += f", {float(topic['negative_share']):.0%} negative"
    return text + (", new)" if topic.get("new") else ")")
