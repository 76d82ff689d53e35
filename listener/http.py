"""The one HTTP client every collector uses.

`HttpClient` wraps `httpx.Client` with what polite, robust collection needs:

- a real User-Agent (`USER_AGENT`) and explicit timeouts;
- retries with exponential backoff and jitter on 429, transient 5xx and
  connection errors or timeouts, honouring ``Retry-After`` (seconds or an HTTP
  date), capped so one source cannot park a worker for an hour;
- a cap on the response size enforced *while streaming* (and up front from
  ``Content-Length``), so a 50 MB answer becomes an error, not a memory spike;
- redirects followed by hand, at most `max_redirects`, each hop checked again;
- a per-client token bucket (`TokenBucket`), so each source keeps to its rate;
- an SSRF guard (`check_url`): a URL whose host resolves to a private,
  loopback, link-local, reserved, multicast or otherwise non-global address is
  refused unless ``allow_private=True`` (tests and trusted LAN deployments).

Errors are `HttpError` subclasses carrying a short, human `reason`; collectors
turn them into `listener.base.CollectorError` so the scheduler can record them
against the source and go on.

Known limit: the guard resolves the host, then httpx resolves it again to
connect, so a DNS answer that changes in between (DNS rebinding) is not caught.
"""

from __future__ import annotations

import ipaddress
import json
import random
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import httpx

USER_AGENT = "Groundswell/0.1 (+https://github.com/groundswell)"
"""Sent with every request, so site operators can see who is calling and why."""

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
"""Largest response body read before the request fails (10 MB)."""

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 507, 508, 509, 520, 521, 522, 523, 524})
"""Statuses worth another try: rate limits and transient server or gateway errors."""

Resolver = Callable[[str, int], list[str]]
"""Maps (host, port) to the IP addresses a connection could go to."""

Params = Mapping[str, str | int | float | bool | None]


class HttpError(Exception):
    """A request failed; `reason` says why in a few words a user can act on.

    Args:
        reason: Short explanation, e.g. ``"HTTP 503 after 4 attempts"``.
        url: The URL that failed, when known.
    """

    def __init__(self, reason: str, *, url: str | None = None) -> None:
        self.reason = reason
        self.url = url
        super().__init__(reason)


class BlockedAddressError(HttpError):
    """The URL is not allowed: a private or otherwise non-public address, or a bad scheme."""


class ResponseTooLargeError(HttpError):
    """The body exceeded the client's `max_bytes`."""


class TooManyRedirectsError(HttpError):
    """More than `max_redirects` redirects, or a redirect loop."""


class HttpStatusError(HttpError):
    """The server answered with an error status (after any retries).

    Attributes:
        status: The HTTP status code.
        body: The first bytes of the body, for diagnostics.
        detail: The error message found in the body, if any.
    """

    def __init__(
        self,
        reason: str,
        *,
        status: int,
        url: str | None = None,
        body: bytes = b"",
        detail: str = "",
    ) -> None:
        super().__init__(reason, url=url)
        self.status = status
        self.body = body
        self.detail = detail


class ConnectionFailedError(HttpError):
    """Connecting, sending or reading failed (including timeouts), after any retries."""


class ResponseDecodeError(HttpError):
    """The body is not what it claims to be (truncated JSON, say)."""


_SECRET_PARAMS = frozenset(
    {"key", "api_key", "apikey", "access_token", "token", "client_secret", "password", "sig"}
)


def redact_url(url: str) -> str:
    """Return `url` with the values of secret-looking query parameters replaced by ``***``.

    Error reasons are stored and shown to users, so API keys passed as query
    parameters (YouTube's ``key``) must not leak into them.

    Args:
        url: Any URL.

    Returns:
        The URL, safe to log.
    """
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = []
    for pair in parts.query.split("&"):
        name, sep, _value = pair.partition("=")
        pairs.append(f"{name}=***" if sep and name.lower() in _SECRET_PARAMS else pair)
    return parts._replace(query="&".join(pairs)).geturl()


# --------------------------------------------------------------------------- SSRF guard


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve a host with the system resolver.

    Args:
        host: A host name or IP literal.
        port: The port (some resolvers need it).

    Returns:
        The distinct addresses, in resolver order.

    Raises:
        BlockedAddressError: The name does not resolve.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise BlockedAddressError(f"cannot resolve host {host!r}: {exc}") from exc
    seen: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in seen:
            seen.append(address)
    return seen


def is_public_address(address: str) -> bool:
    """Return True if an IP address is globally routable and unicast.

    Private, loopback, link-local, reserved, multicast, unspecified, shared
    (CGNAT) and documentation ranges are not public; IPv4-mapped and 6to4/Teredo
    IPv6 forms are judged by the IPv4 address inside.

    Args:
        address: An IPv4 or IPv6 address, optionally with an IPv6 zone (``%eth0``).

    Returns:
        Whether a user-supplied URL may connect to it.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is not None and not is_public_address(str(inner)):
            return False
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or not ip.is_global
    )


def check_url(url: str, *, allow_private: bool, resolver: Resolver = system_resolver) -> None:
    """Refuse URLs a collector must not fetch.

    Only ``http`` and ``https`` are allowed. Unless `allow_private`, every
    address the host resolves to must be public (`is_public_address`).

    Args:
        url: The absolute URL.
        allow_private: Skip the address check (the scheme check still applies).
        resolver: Name resolution, replaceable in tests.

    Raises:
        BlockedAddressError: The URL is refused; `reason` says why.
    """
    shown = redact_url(url)
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise BlockedAddressError(f"only http and https URLs are allowed, not {shown!r}", url=shown)
    host = parts.hostname
    if not host:
        raise BlockedAddressError(f"URL has no host: {shown!r}", url=shown)
    if allow_private:
        return
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError as exc:
        raise BlockedAddressError(f"bad port in {shown!r}", url=shown) from exc
    try:
        addresses = [str(ipaddress.ip_address(host.split("%", 1)[0]))]
    except ValueError:
        addresses = resolver(host, port)
    if not addresses:
        raise BlockedAddressError(f"host {host!r} resolves to no address", url=shown)
    for address in addresses:
        if not is_public_address(address):
            raise BlockedAddressError(
                f"refusing {host}: it resolves to non-public address {address} "
                "(set GROUNDSWELL_ALLOW_PRIVATE_URLS=true to allow)",
                url=shown,
            )


# --------------------------------------------------------------------------- rate limit


class TokenBucket:
    """A thread-safe token bucket: `rate` tokens a second, at most `capacity` saved up.

    Args:
        rate_per_second: Refill rate; must be positive.
        capacity: Burst size; default one second's worth, at least 1.
        clock: Monotonic seconds, replaceable in tests.
        sleep: How to wait, replaceable in tests.

    Raises:
        ValueError: `rate_per_second` or `capacity` is not positive.
    """

    def __init__(
        self,
        rate_per_second: float,
        capacity: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate_per_second <= 0:
            raise ValueError("rate_per_second must be positive")
        self.rate = rate_per_second
        self.capacity = max(1.0, rate_per_second) if capacity is None else capacity
        if self.capacity <= 0:
            raise ValueError("capacity must be positive")
        self._clock = clock
        self._sleep = sleep
        self._tokens = self.capacity
        self._updated = clock()
        self._lock = threading.Lock()

    @classmethod
    def per_minute(cls, requests: float, **kwargs: Any) -> TokenBucket:
        """Build a bucket for `requests` a minute, with a burst of a tenth of that (at least 1)."""
        kwargs.setdefault("capacity", max(1.0, requests / 10))
        return cls(requests / 60.0, **kwargs)

    def acquire(self, tokens: float = 1.0) -> float:
        """Take tokens, waiting for them if the bucket is short.

        Waiters reserve their tokens under the lock and sleep outside it, so
        concurrent callers are served in order without busy-waiting.

        Args:
            tokens: How many to take.

        Returns:
            Seconds waited.
        """
        with self._lock:
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            self._tokens -= tokens
            wait = -self._tokens / self.rate if self._tokens < 0 else 0.0
        if wait > 0:
            self._sleep(wait)
        return wait


# --------------------------------------------------------------------------- responses


@dataclass(frozen=True)
class HttpResponse:
    """A fully read (size-capped) response.

    Attributes:
        url: The final URL, after redirects.
        status: The HTTP status.
        headers: Response headers (case-insensitive).
        content: The body.
    """

    url: str
    status: int
    headers: httpx.Headers
    content: bytes

    @property
    def not_modified(self) -> bool:
        """True for ``304 Not Modified`` (a conditional GET found nothing new)."""
        return self.status == 304

    @property
    def text(self) -> str:
        """The body decoded with the declared charset, UTF-8 otherwise."""
        charset = "utf-8"
        match = re.search(r"charset=([\w.-]+)", self.headers.get("content-type", ""), re.I)
        if match:
            charset = match.group(1)
        try:
            return self.content.decode(charset, errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """Parse the body as JSON.

        Returns:
            The decoded value.

        Raises:
            ResponseDecodeError: The body is empty, truncated or not JSON.
        """
        try:
            return json.loads(self.content)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            shown = redact_url(self.url)
            raise ResponseDecodeError(
                f"invalid JSON from {shown} ({len(self.content)} bytes): {exc}", url=shown
            ) from exc

    def links(self) -> dict[str, str]:
        """Parse the ``Link`` header (RFC 8288) into ``{rel: url}``."""
        return parse_link_header(self.headers.get("link", ""))


_LINK = re.compile(r'<([^>]*)>\s*((?:;\s*[\w*-]+\s*=\s*(?:"[^"]*"|[^;,]*)\s*)*)')
_LINK_PARAM = re.compile(r';\s*([\w*-]+)\s*=\s*(?:"([^"]*)"|([^;,]*))')


def parse_link_header(value: str) -> dict[str, str]:
    """Return ``{rel: url}`` from a ``Link`` header; the first URL wins per rel.

    Args:
        value: The header value, e.g. ``<https://a/?max_id=1>; rel="next"``.

    Returns:
        Each relation type mapped to its URL.
    """
    found: dict[str, str] = {}
    for match in _LINK.finditer(value or ""):
        url, params = match.group(1), match.group(2)
        for name, quoted, bare in _LINK_PARAM.findall(params):
            if name.lower() != "rel":
                continue
            for rel in (quoted or bare).split():
                found.setdefault(rel.lower(), url.strip())
    return found


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date.

    Args:
        value: The header value, or None.
        now: The current time (for HTTP dates); default: now.

    Returns:
        Non-negative seconds, or None if absent or unparseable.
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now or datetime.now(UTC)
    return max(0.0, (when - current).total_seconds())


def rate_limit_reset(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds until a rate-limit window resets, from ``RateLimit-Reset``-style headers.

    Bluesky sends ``ratelimit-reset`` as epoch seconds; Reddit and others send
    ``x-ratelimit-reset`` as seconds from now. Values above 10^9 are taken as epochs.

    Args:
        headers: Response headers (case-insensitive mapping).
        now: Current epoch seconds; default: now.

    Returns:
        Non-negative seconds, or None when no such header parses.
    """
    for name in ("ratelimit-reset", "x-ratelimit-reset", "x-rate-limit-reset"):
        value = headers.get(name)
        if value is None:
            continue
        try:
            number = float(value)
        except ValueError:
            continue
        if number > 1e9:
            number -= time.time() if now is None else now
        return max(0.0, number)
    return None


def error_detail(body: bytes) -> str:
    """Pull the human message out of an error body (JSON APIs, or the first text).

    Understands ``{"error": "..."}``, ``{"message": "..."}``, Google's
    ``{"error": {"message": ..., "errors": [{"reason": ...}]}}`` and XRPC's
    ``{"error": "InvalidRequest", "message": "..."}``.

    Args:
        body: The response body.

    Returns:
        At most 300 characters; empty if there is nothing useful.
    """
    if not body:
        return ""
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        text = body[:2000].decode("utf-8", errors="replace")
        text = re.sub(r"<[^>]+>", " ", text)
        return " ".join(text.split())[:300]
    parts: list[str] = []
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict):
            reasons = [
                str(e.get("reason"))
                for e in error.get("errors", []) or []
                if isinstance(e, dict) and e.get("reason")
            ]
            if reasons:
                parts.append(",".join(reasons))
            if error.get("message"):
                parts.append(str(error["message"]))
        elif error:
            parts.append(str(error))
        for key in ("message", "error_description", "detail"):
            if data.get(key) and str(data[key]) not in parts:
                parts.append(str(data[key]))
    return ": ".join(parts)[:300]


# --------------------------------------------------------------------------- client


@lru_cache(maxsize=1)
def _ssl_context() -> ssl.SSLContext:
    # Loading the CA bundle takes ~0.1 s; every client (one per source pass) shares one.
    return httpx.create_ssl_context()


class _Retry(Exception):
    def __init__(self, error: HttpError, retry_after: float | None = None) -> None:
        super().__init__(error.reason)
        self.error = error
        self.retry_after = retry_after


class HttpClient:
    """A polite, bounded HTTP client for collectors; see the module docstring.

    Thread-safe for concurrent requests (httpx's pool and the bucket lock).

    Args:
        allow_private: Let URLs resolve to private/loopback/link-local addresses.
        timeout: Seconds for connect, read, write and pool waits, each.
        max_retries: Further attempts after the first, for retryable failures.
        backoff_base: Seconds before the first retry; doubles each time.
        backoff_max: Longest backoff between attempts (before jitter).
        max_retry_after: Longest wait a ``Retry-After`` header may ask for.
        max_bytes: Largest body read; larger fails with `ResponseTooLargeError`.
        max_redirects: Most redirects followed for one request.
        rate_limit_per_minute: Requests a minute for this client; None: unlimited.
        user_agent: The User-Agent header.
        headers: Extra headers on every request.
        resolver: Name resolution for the SSRF guard, replaceable in tests.
        sleep: How to wait between attempts, replaceable in tests.
        rng: Source of jitter, replaceable in tests.
        transport: An httpx transport, for tests (``httpx.MockTransport``).
        trust_env: Honour proxy environment variables (off: a proxy would hide
            where requests really go from the SSRF guard).
    """

    def __init__(
        self,
        *,
        allow_private: bool = False,
        timeout: float = 15.0,
        max_retries: int = 3,
        backoff_base: float = 1.0,
        backoff_max: float = 30.0,
        max_retry_after: float = 120.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = 5,
        rate_limit_per_minute: float | None = None,
        user_agent: str = USER_AGENT,
        headers: Mapping[str, str] | None = None,
        resolver: Resolver = system_resolver,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        transport: httpx.BaseTransport | None = None,
        trust_env: bool = False,
    ) -> None:
        if max_retries < 0 or max_redirects < 0 or max_bytes <= 0:
            raise ValueError("max_retries and max_redirects must be >= 0, max_bytes > 0")
        self.allow_private = allow_private
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_retry_after = max_retry_after
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.resolver = resolver
        self._sleep = sleep
        self._rng = rng or random.Random()
        self.bucket = (
            TokenBucket.per_minute(rate_limit_per_minute, sleep=sleep)
            if rate_limit_per_minute
            else None
        )
        base_headers = {"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"}
        base_headers.update(headers or {})
        self._client = httpx.Client(
            headers=base_headers,
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            transport=transport,
            trust_env=trust_env,
            verify=_ssl_context(),
        )

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close pooled connections; a request in flight on another thread then fails."""
        self._client.close()

    def get(
        self,
        url: str,
        *,
        params: Params | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> HttpResponse:
        """GET a URL; see `request`."""
        return self.request("GET", url, params=params, headers=headers)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Params | None = None,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
    ) -> HttpResponse:
        """Send a request with retries, redirects, the size cap and the SSRF guard.

        Args:
            method: The HTTP method.
            url: An absolute http(s) URL.
            params: Query parameters; None values are dropped.
            headers: Extra headers for this request.
            json_body: A JSON body, if any.

        Returns:
            The response for 2xx and 304 statuses.

        Raises:
            BlockedAddressError: The URL (or a redirect target) is refused.
            HttpStatusError: An error status, after retries where retryable.
            ConnectionFailedError: Network errors or timeouts, after retries.
            TooManyRedirectsError: Too many redirects, or a loop.
            ResponseTooLargeError: The body exceeded `max_bytes`.
        """
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        attempt = 0
        while True:
            if self.bucket is not None:
                self.bucket.acquire()
            try:
                return self._attempt(method, url, clean, headers, json_body)
            except _Retry as retry:
                if attempt >= self.max_retries:
                    error = retry.error
                    if attempt:
                        error.reason = f"{error.reason} (after {attempt + 1} attempts)"
                        error.args = (error.reason,)
                    raise error from None
                delay = self._delay(attempt, retry.retry_after)
                attempt += 1
                self._sleep(delay)

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        ceiling = min(self.backoff_max, self.backoff_base * (2**attempt))
        # "Equal jitter": at least half the exponential step, so waits still grow,
        # plus a random half, so many sources do not retry in lockstep.
        return ceiling / 2 + self._rng.uniform(0, ceiling / 2)

    def _attempt(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any],
        headers: Mapping[str, str] | None,
        json_body: Any,
    ) -> HttpResponse:
        try:
            request = self._client.build_request(
                method, url, params=params or None, headers=headers, json=json_body
            )
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError) as exc:
            raise HttpError(f"invalid URL {redact_url(url)!r}: {exc}") from exc
        visited: set[str] = set()
        for hop in range(self.max_redirects + 1):
            real = str(request.url)
            current = redact_url(real)
            check_url(real, allow_private=self.allow_private, resolver=self.resolver)
            visited.add(real)
            try:
                response = self._client.send(request, stream=True, follow_redirects=False)
            except httpx.TimeoutException as exc:
                raise _Retry(
                    ConnectionFailedError(f"timed out fetching {current}", url=current)
                ) from exc
            except (httpx.TransportError, httpx.StreamError) as exc:
                raise _Retry(
                    ConnectionFailedError(f"connection failed for {current}: {exc!r}", url=current)
                ) from exc
            try:
                if response.is_redirect and response.next_request is not None:
                    target = response.next_request
                    if str(target.url) in visited:
                        raise TooManyRedirectsError(
                            f"redirect loop at {current} -> {redact_url(str(target.url))}",
                            url=current,
                        )
                    if hop == self.max_redirects:
                        raise TooManyRedirectsError(
                            f"more than {self.max_redirects} redirects from {redact_url(url)}",
                            url=current,
                        )
                    request = target
                    continue
                content = self._read(response, current)
            finally:
                response.close()
            return self._judge(response, content, real, current)
        raise AssertionError("unreachable")  # pragma: no cover

    def _read(self, response: httpx.Response, url: str) -> bytes:
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise ResponseTooLargeError(
                f"response from {url} is {int(declared)} bytes, over the "
                f"{self.max_bytes}-byte limit",
                url=url,
            )
        body = bytearray()
        try:
            for chunk in response.iter_bytes(chunk_size=65536):
                body += chunk
                if len(body) > self.max_bytes:
                    raise ResponseTooLargeError(
                        f"response from {url} exceeded the {self.max_bytes}-byte limit", url=url
                    )
        except httpx.TimeoutException as exc:
            raise _Retry(ConnectionFailedError(f"timed out reading {url}", url=url)) from exc
        except httpx.DecodingError as exc:
            raise ResponseDecodeError(f"undecodable body from {url}: {exc}", url=url) from exc
        except (httpx.TransportError, httpx.StreamError) as exc:
            raise _Retry(
                ConnectionFailedError(f"connection broke reading {url}: {exc!r}", url=url)
            ) from exc
        return bytes(body)

    def _judge(
        self, response: httpx.Response, content: bytes, url: str, shown: str
    ) -> HttpResponse:
        status = response.status_code
        if 200 <= status < 300 or status == 304:
            return HttpResponse(url=url, status=status, headers=response.headers, content=content)
        detail = error_detail(content)
        reason = f"HTTP {status} from {shown}" + (f": {detail}" if detail else "")
        error = HttpStatusError(
            reason, status=status, url=shown, body=content[:4096], detail=detail
        )
        if status in RETRY_STATUSES:
            wait = parse_retry_after(response.headers.get("retry-after"))
            if wait is None and status == 429:
                wait = rate_limit_reset(response.headers)
            raise _Retry(error, wait)
        raise error
