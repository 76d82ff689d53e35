"""A threaded HTTP server on loopback that answers collectors like the real APIs would.

Routes map a path to a canned `Reply`, a list of replies (served in turn, the last
one repeating), or a handler that builds a reply from the `RecordedRequest`
(for pagination). Every request is recorded, so tests can assert the query
parameters, the User-Agent and conditional GET headers. Replies can be slow,
stream a huge body without holding it in memory, declare a length and then
cut the body short, or redirect (loops included). Nothing leaves 127.0.0.1.

Use it as a context manager::

    with LoopbackServer() as server:
        server.route("/feed", Reply(body=RSS, content_type="application/rss+xml"))
        collector = RssCollector(allow_private=True)
        ...

`reddit_listing` is a fake of Reddit's listing endpoints shared by the Reddit
collector tests and the scheduler's crash test.
"""

from __future__ import annotations

import json
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class Reply:
    """One canned response.

    body: bytes, str, a JSON-able dict/list (sent as JSON), or an iterable of byte
    chunks (streamed with no Content-Length, the connection closed at the end).
    cut_at: declare the full Content-Length but send only this many bytes, then close.
    """

    status: int = 200
    body: Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None
    delay: float = 0.0

    cut_at: int | None = None

    def encoded(self) -> tuple[bytes | Iterable[bytes], str]:
        body = self.body
        if isinstance(body, (dict, list)):
            return json.dumps(body).encode(), self.content_type or "application/json"
        if isinstance(body, str):
            return body.encode("utf-8"), self.content_type or "text/plain; charset=utf-8"
        if isinstance(body, bytes):
            return body, self.content_type or "application/octet-stream"
        return body, self.content_type or "application/octet-stream"


Handler = Callable[[RecordedRequest], Reply]
Route = Reply | list[Reply] | Handler


def json_reply(obj: Any, status: int = 200, **kw: Any) -> Reply:
    return Reply(status=status, body=json.dumps(obj).encode(), content_type="application/json",
                 **kw)


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status=status, headers={"Location": location})


def huge_body(size: int, chunk: int = 256 * 1024) -> Iterator[bytes]:
    """`size` bytes of JSON-looking filler, generated chunk by chunk."""
    block = b" " * chunk
    sent = 0
    yield b"["
    sent += 1
    while sent < size:
        piece = block[: min(chunk, size - sent)]
        yield piece
        sent += len(piece)


class LoopbackServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[RecordedRequest] = []
        self._turns: dict[str, int] = {}
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True,
                                        kwargs={"poll_interval": 0.05})

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def route(self, path: str, route: Route) -> None:
        with self._lock:
            self.routes[path] = route
            self._turns[path] = 0

    def requests_to(self, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _reply_for(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self.requests.append(request)
            route = self.routes.get(request.path)
            if isinstance(route, list):
                turn = self._turns.get(request.path, 0)
                self._turns[request.path] = turn + 1
                return route[min(turn, len(route) - 1)]
        if route is None:
            return json_reply({"error": "not found", "path": request.path}, status=404)
        if isinstance(route, Reply):
            return route
        try:
            return route(request)
        except Exception:  # a bug in a fake: show it to the test
            return Reply(status=599, body=traceback.format_exc())


def _make_handler(server: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            request = RecordedRequest(
                method=self.command,
                path=parts.path,
                query=parse_qs(parts.query, keep_blank_values=True),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            reply = server._reply_for(request)
            if reply.delay and server.stopping.wait(reply.delay):
                return
            payload, content_type = reply.encoded()
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", content_type)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if isinstance(payload, bytes):
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    if self.command != "HEAD":
                        sent = payload if reply.cut_at is None else payload[: reply.cut_at]
                        self.wfile.write(sent)
                else:
                    self.end_headers()
                    for chunk in payload:
                        if server.stopping.is_set():
                            break
                        self.wfile.write(chunk)
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass

        do_GET = _handle
        do_POST = _handle
        do_HEAD = _handle

    return _Handler


# --------------------------------------------------------------------------- fake APIs


def reddit_post(n: int, created_utc: float, **over: Any) -> dict[str, Any]:
    """A Reddit link (t3) in the listing's documented shape."""
    data: dict[str, Any] = {
        "id": f"p{n:05d}",
        "name": f"t3_p{n:05d}",
        "title": f"Nuvola post number {n}",
        "selftext": f"Body of post {n}: tried the new flavour.",
        "author": f"user{n % 97}",
        "author_fullname": f"t2_u{n % 97}",
        "subreddit": "sodapop",
        "subreddit_name_prefixed": "r/sodapop",
        "permalink": f"/r/sodapop/comments/p{n:05d}/nuvola_post_number_{n}/",
        "url": f"https://www.reddit.com/r/sodapop/comments/p{n:05d}/nuvola_post_number_{n}/",
        "created_utc": created_utc,
        "score": n % 50,
        "ups": n % 50,
        "upvote_ratio": 0.9,
        "num_comments": n % 7,
        "num_crossposts": n % 3,
        "over_18": False,
        "is_self": True,
    }
    data.update(over)
    return {"kind": "t3", "data": data}


def reddit_listing(
    children: list[dict[str, Any]], *, page_delay: float = 0.0, max_limit: int = 100
) -> Handler:
    """Serve `children` (newest first) as a Reddit Listing paged by ``limit`` and ``after``.

    Mirrors https://www.reddit.com/dev/api#listings: ``after`` is the fullname of
    the last item of the previous page; the response's ``data.after`` is the
    fullname of this page's last item, or null on the last page.
    """

    def handle(request: RecordedRequest) -> Reply:
        limit = min(int(request.arg("limit", "25") or 25), max_limit)
        after = request.arg("after")
        start = 0
        if after:
            names = [c["data"]["name"] for c in children]
            if after not in names:
                page: list[dict[str, Any]] = []
                return json_reply(_listing(page, None), delay=page_delay)
            start = names.index(after) + 1
        page = children[start : start + limit]
        more = start + limit < len(children)
        next_after = page[-1]["data"]["name"] if page and more else None
        return json_reply(_listing(page, next_after), delay=page_delay,
                          headers={"x-ratelimit-remaining": "99", "x-ratelimit-used": "1"})

    return handle


def _listing(page: list[dict[str, Any]], after: str | None) -> dict[str, Any]:
    return {
        "kind": "Listing",
        "data": {
            "after": after,
            "dist": len(page),
            "modhash": "",
            "geo_filter": None,
            "children": page,
            "before": None,
        },
    }
