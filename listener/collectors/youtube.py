"""YouTube comments through the Data API v3 ``commentThreads.list``.

``GET https://www.googleapis.com/youtube/v3/commentThreads?part=snippet,replies
&videoId=..|allThreadsRelatedToChannelId=..&order=time&maxResults=100
&textFormat=plainText&pageToken=..&searchTerms=..&key=API_KEY`` answers
``{"kind": "youtube#commentThreadListResponse", "nextPageToken": "...",
"pageInfo": {...}, "items": [commentThread]}``
(https://developers.google.com/youtube/v3/docs/commentThreads/list). A thread
has ``snippet.topLevelComment`` (a comment: ``id`` and ``snippet`` with
``textOriginal``/``textDisplay``, ``authorDisplayName``,
``authorChannelId.value``, ``likeCount``, ``publishedAt``, ``videoId``),
``snippet.totalReplyCount`` and, with ``part=replies``, up to five
``replies.comments`` (``snippet.parentId`` is the thread). Errors are Google
error bodies, e.g. 403 ``quotaExceeded`` or ``commentsDisabled``.

The API key comes from the source config or, through the scheduler, from the
``GROUNDSWELL_YOUTUBE_API_KEY`` setting; it is never written into error
reasons. The watermark is the newest top-level ``publishedAt``; replies added
later to an old thread are not seen again (the API has no such filter).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, ClassVar

from listener.base import Batch, CollectorError
from listener.collectors import (
    PassState,
    check_page_settings,
    clip_id,
    count,
    expect_dict,
    expect_list,
    guarded,
    handle_set,
    lookback_floor,
    make_client,
    owned,
    parse_datetime,
)
from listener.http import HttpClient
from models.timeutil import utcnow
from models.types import MentionIn

_ID = re.compile(r"^[A-Za-z0-9_-]{6,64}$")


class YouTubeCollector:
    """Collect the comments on one video, or on every video of a channel.

    Args:
        api_key: A YouTube Data API v3 key.
        video_id: The video (``dQw4w9WgXcQ``); exactly one of this and `channel_id`.
        channel_id: The channel (``UC...``) for all its videos' comments.
        include_replies: Also store the replies the API returns with each thread.
        own_handles: The brand's channel handles (``@nuvola``) or channel ids.
        base_url: API root; tests point it at loopback.
        web_url: Root for comment links stored on mentions.
        page_size: Threads per request (at most 100).
        max_pages: Requests per pass; a longer backlog resumes next pass.
        lookback_days: How far back a first run reaches; 0 or None: no limit.
        http: The shared client; default: one built from the next two.
        allow_private: Let `base_url` be a private address (tests).
        rate_limit_per_minute: Requests a minute (each costs 1 quota unit of 10,000 a day).
        source_name: Stored as each mention's ``source``.
        clock: Current time, for the lookback.

    Raises:
        ValueError: A configuration value is invalid.
    """

    kind = "youtube"
    default_rate_limit_per_minute: ClassVar[float] = 30.0

    def __init__(
        self,
        *,
        api_key: str | None = None,
        video_id: str | None = None,
        channel_id: str | None = None,
        include_replies: bool = True,
        own_handles: str | Iterable[str] | None = None,
        base_url: str = "https://www.googleapis.com/youtube/v3",
        web_url: str = "https://www.youtube.com",
        page_size: int = 100,
        max_pages: int = 10,
        lookback_days: float | None = 7,
        http: HttpClient | None = None,
        allow_private: bool = False,
        rate_limit_per_minute: float | None = None,
        source_name: str = "youtube",
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        if (video_id is None) == (channel_id is None):
            raise ValueError("set exactly one of video_id and channel_id")
        target = str(video_id or channel_id)
        if not _ID.match(target):
            raise ValueError(f"invalid YouTube id {target!r}")
        check_page_settings(page_size, max_pages, most=100)
        self.api_key = api_key
        self.video_id = video_id
        self.channel_id = channel_id
        self.include_replies = include_replies
        self.own_handles = handle_set(own_handles)
        self.base_url = base_url.rstrip("/")
        self.web_url = web_url.rstrip("/")
        self.page_size = page_size
        self.max_pages = max_pages
        self.lookback_days = lookback_days
        self.source_name = source_name
        self.clock = clock
        self.http = make_client(
            http,
            allow_private=allow_private,
            rate_limit_per_minute=rate_limit_per_minute,
            default_rate=self.default_rate_limit_per_minute,
        )

    def collect(self, query: str, cursor: dict[str, Any]) -> Iterator[Batch]:
        """Yield a batch a page, newest thread first, each with the cursor after it.

        Args:
            query: Optional words a comment must contain (``searchTerms``).
            cursor: The last batch's cursor from the previous run, or empty.

        Yields:
            One batch per page.

        Raises:
            CollectorError: No API key, the request failed, or the response is malformed.
        """
        return guarded(self.kind, self._collect(query.strip(), dict(cursor)))

    def _collect(self, query: str, cursor: dict[str, Any]) -> Iterator[Batch]:
        if not self.api_key:
            raise CollectorError(
                self.kind, "no API key: set GROUNDSWELL_YOUTUBE_API_KEY or the source's api_key"
            )
        floor = lookback_floor(self.lookback_days, self.clock())
        state = PassState.load(cursor, floor=floor.timestamp() if floor else None)
        token = state.page
        for page_number in range(1, self.max_pages + 1):
            params = {
                "part": "snippet,replies" if self.include_replies else "snippet",
                "videoId": self.video_id,
                "allThreadsRelatedToChannelId": self.channel_id,
                "order": "time",
                "maxResults": self.page_size,
                "textFormat": "plainText",
                "searchTerms": query or None,
                "pageToken": token,
                "key": self.api_key,
            }
            payload = expect_dict(
                self.http.get(f"{self.base_url}/commentThreads", params=params).json(), "response"
            )
            threads = [expect_dict(t, "thread") for t in expect_list(payload["items"], "items")]
            mentions: list[MentionIn] = []
            reached_old = False
            for thread in threads:
                top = expect_dict(expect_dict(thread["snippet"], "snippet")["topLevelComment"],
                                  "topLevelComment")
                published = parse_datetime(top["snippet"].get("publishedAt"))
                stamp = published.timestamp() if published else None
                state.see(stamp)
                if state.is_old(stamp):
                    reached_old = True
                    continue
                mentions.extend(self._thread(thread, top))
            next_token = payload.get("nextPageToken")
            if reached_old or not threads or not next_token:
                yield Batch(mentions, state.finish(), done=True)
                return
            token = str(next_token)
            yield Batch(mentions, state.advance(token), done=page_number == self.max_pages)

    def _thread(self, thread: dict[str, Any], top: dict[str, Any]) -> list[MentionIn]:
        thread_id = str(thread.get("id") or top["id"])
        total_replies = count(thread["snippet"].get("totalReplyCount"))
        found = []
        first = self._comment(top, parent=None, thread=None, replies=total_replies)
        if first is not None:
            found.append(first)
        if self.include_replies:
            for reply in expect_list((thread.get("replies") or {}).get("comments"), "replies"):
                reply = expect_dict(reply, "reply")
                parent = reply["snippet"].get("parentId") or thread_id
                mention = self._comment(reply, parent=parent, thread=thread_id, replies=0)
                if mention is not None:
                    found.append(mention)
        return found

    def _comment(
        self, comment: dict[str, Any], *, parent: str | None, thread: str | None, replies: int
    ) -> MentionIn | None:
        snippet = expect_dict(comment["snippet"], "comment.snippet")
        # textOriginal is only guaranteed to the comment's author; textDisplay
        # (plain text, as requested) is what an API key gets.
        text = str(snippet.get("textOriginal") or snippet.get("textDisplay") or "")
        if not text.strip():
            return None
        comment_id = str(comment["id"])
        video = snippet.get("videoId") or self.video_id
        author = snippet.get("authorDisplayName")
        channel = (snippet.get("authorChannelId") or {}).get("value")
        extra: dict[str, Any] = {"video_id": video, "author_channel_id": channel}
        if snippet.get("channelId"):
            extra["channel_id"] = snippet["channelId"]
        return MentionIn(
            external_id=clip_id(comment_id),
            text=text,
            source=self.source_name,
            url=f"{self.web_url}/watch?v={video}&lc={comment_id}" if video else None,
            author=author,
            created_at=parse_datetime(snippet.get("publishedAt")),
            likes=count(snippet.get("likeCount")),
            replies=replies,
            parent_external_id=parent,
            thread_external_id=thread,
            is_owned=owned(author, self.own_handles, channel),
            extra={k: v for k, v in extra.items() if v is not None},
        )
