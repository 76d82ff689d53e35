"""Deduplication: canonical URLs, exact keys and a near-duplicate index.

Social listening counts have to see through retweets and syndication: one story
is counted once and the reach of its copies adds up to the original. Three
layers do that, cheapest first:

1. *Exact keys.* `dedup_key()` gives each mention the key stored on its row: the
   hash of its canonical URL (`canonical_url()` strips tracking parameters,
   ``www.``, AMP variants and so on), or of ``source`` + ``external_id`` when it
   has no URL. Replaying a batch therefore never stores a mention twice.
2. *Text normalisation.* `normalise_text()` strips ``RT @user:`` prefixes,
   ``via @x``, URLs, handles, emoji and punctuation, so that a retweet and its
   original normalise to the same words.
3. *Near duplicates.* `NearDuplicateIndex` keeps MinHash signatures (datasketch's
   scheme, computed in bulk with numpy) of word shingles, or character shingles
   for scripts written without spaces such as Thai, in a banded LSH index, and
   links each new text to the *original* of its cluster: the earliest member,
   transitively, so a copy of a copy points at the root.

Everything here is pure computation: no I/O, no database.
"""

from __future__ import annotations

import hashlib
import html
import io
import itertools
import json
import math
import posixpath
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import numpy as np
import numpy.typing as npt

from models.types import MentionIn

__all__ = [
    "AMP_QUERY_PARAMS",
    "BatchItem",
    "HOST_ALIASES",
    "HOST_PREFIXES",
    "HOST_TRACKING_PARAMS",
    "TRACKING_PARAMS",
    "TRACKING_PREFIXES",
    "NearDuplicateIndex",
    "Timestamp",
    "canonical_url",
    "dedup_key",
    "exact_key",
    "is_unspaced_script",
    "looks_truncated",
    "normalise_text",
    "repost_handle",
    "text_tokens",
    "url_key",
]

Timestamp = datetime | float | int
"""A point in time: an aware or naive (taken as UTC) datetime, or epoch seconds."""

BatchItem = tuple[str, str, Timestamp | None] | tuple[str, str, Timestamp | None, str | None]
"""One `NearDuplicateIndex.link_batch` item: key, text, timestamp[, author]."""

# --------------------------------------------------------------------------- URLs

# fmt: off
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        # Ad-click identifiers.
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid",
        "twclid", "ttclid", "li_fat_id", "epik", "rdt_cid", "scid", "irclickid",
        # Mailchimp, HubSpot, Marketo, Omeda, Vero, Oracle Eloqua and friends.
        "mc_cid", "mc_eid", "_hsenc", "_hsmi", "__hstc", "__hssc", "__hsfp",
        "hsctatracking", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "vero_conv",
        "elqtrackid", "elqtrack", "wickedid", "rb_clickid", "s_cid", "ncid", "cmpid",
        "sr_share", "spm", "_ga", "_gl", "_openstat", "igshid", "igsh", "si",
        # Referrer markers added by share buttons.
        "ref", "ref_src", "ref_url", "referrer", "share", "smid", "cmp",
    }
)
# fmt: on
"""Query parameters that only track a click and never select content (compared casefolded)."""

TRACKING_PREFIXES: tuple[str, ...] = ("utm_", "pk_", "mtm_", "hsa_", "matomo_", "piwik_")
"""Query-parameter name prefixes that are tracking (``utm_source``, ``pk_campaign``...)."""

HOST_TRACKING_PARAMS: dict[str, frozenset[str]] = {
    # Twitter's share sheet appends ?s=20&t=<token>; neither selects the post.
    "x.com": frozenset({"s", "t"}),
    "youtube.com": frozenset({"feature", "pp", "ab_channel"}),
    "open.spotify.com": frozenset({"context", "nd"}),
    "instagram.com": frozenset({"img_index"}),
    "linkedin.com": frozenset({"trk", "trackingid", "lipi", "rcm"}),
    "reddit.com": frozenset({"share_id", "context", "rdt"}),
}
"""Parameters that are tracking only on a given (canonical) host."""

AMP_QUERY_PARAMS: dict[str, frozenset[str]] = {
    "amp": frozenset({"", "1", "true", "yes"}),
    "outputtype": frozenset({"amp"}),
}
"""Query parameters (name → values, casefolded) that only ask for the AMP rendering."""

HOST_PREFIXES: tuple[str, ...] = ("www.", "amp.", "m.", "mobile.")
"""Host prefixes that name the same site as the bare host; removed repeatedly."""

HOST_ALIASES: dict[str, str] = {
    "twitter.com": "x.com",
    "fxtwitter.com": "x.com",
    "vxtwitter.com": "x.com",
    "fixupx.com": "x.com",
}
"""Hosts that serve the same content as another host."""

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_QUERY_SAFE = "/:@!$'()*,;-._~?"
_PCT = re.compile(r"%([0-9A-Fa-f]{2})")
_STRAY_PCT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_BARE_HOST = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,63}\.?(?::\d{1,5})?(?:[/?#]|$)", re.I)
_HOST_OK = re.compile(r"^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$")
_IPV6_OK = re.compile(r"^[0-9a-f:.]+$")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_AMP_EXT = re.compile(r"\.amp((?:\.[A-Za-z0-9]{1,6})?)$")


def canonical_url(url: str) -> str:
    """Return the canonical form of a web address, for deduplication.

    The canonical form is ``https://host[:port]/path[?query]`` with: the scheme
    ``http`` folded into ``https``; the host lowercased, IDNA-encoded, without a
    trailing dot, without userinfo, without the prefixes in `HOST_PREFIXES` and
    mapped through `HOST_ALIASES`; default ports dropped; percent-encoding made
    consistent (unreserved characters decoded, other escapes upper-case,
    non-ASCII encoded as UTF-8); dot segments and repeated slashes removed; no
    trailing slash except for the root; the fragment dropped; query parameters
    decoded, re-encoded and sorted, without tracking parameters
    (`TRACKING_PARAMS`, `TRACKING_PREFIXES`, `HOST_TRACKING_PARAMS`); and AMP
    variants folded into the plain page: an ``amp.`` host, a ``/amp`` path
    suffix or prefix, ``.amp.html``, ``?amp=1`` (`AMP_QUERY_PARAMS`) and the
    Google AMP cache (``google.com/amp/s/...``, ``*.cdn.ampproject.org``).
    ``youtu.be/ID`` becomes ``youtube.com/watch?v=ID``. A scheme-less address
    that starts with a host name (``example.com/a``) is taken as https.

    The function is idempotent and never raises: input that is not an
    http(s) address (junk, ``mailto:``, plain words) comes back stripped of
    surrounding whitespace and otherwise unchanged.

    Args:
        url: The address as found in a post or feed.

    Returns:
        The canonical address, or the stripped input if it is not an http(s) URL.
    """
    if not isinstance(url, str):
        return ""
    result = _canonical_or_none(url)
    return url.strip() if result is None else result


def _canonical_or_none(url: str) -> str | None:
    try:
        return _canonical(url.strip(), depth=0)
    except (ValueError, UnicodeError, TypeError, IndexError):
        return None


def _canonical(raw: str, depth: int) -> str | None:
    if not raw or depth > 3 or any(ch in raw for ch in "\x00\r\n\t"):
        return None
    if raw.startswith("//"):
        raw = "https:" + raw
    elif "://" not in raw and _BARE_HOST.match(raw):
        raw = "https://" + raw
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        return None
    host = _canonical_host(parts.hostname or "")
    if host is None:
        return None
    port = parts.port  # raises ValueError on a bad port: junk
    query = parts.query
    unwrapped = _unwrap_amp_cache(host, parts.path, query, depth)
    if unwrapped is not None:
        return unwrapped
    path = _normalise_path(parts.path)

    if host == "youtu.be" and path.strip("/"):
        video = path.strip("/").split("/")[0]
        host, path = "youtube.com", "/watch"
        query = f"v={video}&{query}" if query else f"v={video}"

    netloc = f"[{host}]" if ":" in host else host
    # The output is https, so 443 is its default whatever the input scheme was.
    if port is not None and port not in (_DEFAULT_PORTS[scheme], 443):
        netloc = f"{netloc}:{port}"
    canonical_query = _canonical_query(query, host)
    return f"https://{netloc}{path}" + (f"?{canonical_query}" if canonical_query else "")


def _canonical_host(hostname: str) -> str | None:
    host = hostname.strip().rstrip(".").lower()
    if not host:
        return None
    if ":" in host:  # IPv6 literal; urlsplit already removed the brackets
        return host if _IPV6_OK.match(host) else None
    if not host.isascii():
        host = host.encode("idna").decode("ascii").lower()
    if not _HOST_OK.match(host):
        return None
    changed = True
    while changed:
        changed = False
        for prefix in HOST_PREFIXES:
            rest = host[len(prefix) :]
            if host.startswith(prefix) and "." in rest:
                host, changed = rest, True
    return HOST_ALIASES.get(host, host)


def _normalise_escapes(text: str, safe: str) -> str:
    """Encode what must be encoded, decode unreserved escapes, upper-case the rest."""
    text = _STRAY_PCT.sub("%25", text)
    text = quote(text, safe=safe + "%")

    def _fix(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else "%" + match.group(1).upper()

    return _PCT.sub(_fix, text)


def _normalise_path(path: str) -> str:
    path = _normalise_escapes(path, _PATH_SAFE)
    for _ in range(8):  # each rule can expose another; stop when stable
        before = path
        path = re.sub(r"/{2,}", "/", path)
        if "/." in path:
            trailing = path.endswith(("/.", "/.."))
            path = posixpath.normpath(path)
            if trailing and path != "/":
                path += "/"
            path = "/" + path.lstrip("/")
        path = path.rstrip("/")
        if path.endswith("/amp"):
            path = path[: -len("/amp")]
        if path.startswith("/amp/") and len(path) > len("/amp/"):
            path = path[len("/amp") :]
        path = _AMP_EXT.sub(r"\1", path)
        path = path or "/"
        if path == before:
            break
    return path


def _canonical_query(query: str, host: str) -> str:
    if not query:
        return ""
    host_specific = HOST_TRACKING_PARAMS.get(host, frozenset())
    kept: list[tuple[str, str]] = []
    for name, value in parse_qsl(query, keep_blank_values=True):
        folded = name.casefold()
        if (
            not name
            or folded in TRACKING_PARAMS
            or folded in host_specific
            or folded.startswith(TRACKING_PREFIXES)
            or value.casefold() in AMP_QUERY_PARAMS.get(folded, frozenset())
        ):
            continue
        kept.append((name, value))
    kept.sort()
    return "&".join(
        f"{quote(name, safe=_QUERY_SAFE)}={quote(value, safe=_QUERY_SAFE)}"
        if value
        else quote(name, safe=_QUERY_SAFE)
        for name, value in kept
    )


def _unwrap_amp_cache(host: str, path: str, query: str, depth: int) -> str | None:
    path = re.sub(r"/{2,}", "/", path)
    inner: str | None = None
    if host in ("google.com", "google.co.uk") and path.startswith("/amp/"):
        inner = path[len("/amp/") :]
    elif host.endswith(".cdn.ampproject.org"):
        match = re.match(r"^/[a-z]/(.+)$", path)
        inner = match.group(1) if match else None
    if not inner:
        return None
    if inner.startswith("s/"):
        target = "https://" + inner[2:]
    else:
        target = "http://" + inner
    if query:
        target += "?" + query
    return _canonical(target, depth + 1)


def _digest(namespace: str, payload: str) -> str:
    digest = hashlib.blake2b(payload.encode("utf-8", "surrogatepass"), digest_size=16)
    return f"{namespace}:{digest.hexdigest()}"


def exact_key(source: str, external_id: str) -> str:
    """Return the exact-dedup key of a post identified by its source and id.

    The source is case-folded and both parts are stripped; the id keeps its case
    (YouTube and many others have case-sensitive ids).

    Args:
        source: The collector kind or source name, e.g. ``"rss"``.
        external_id: The post's id within that source.

    Returns:
        A stable string ``"id:<32 hex digits>"``, the same in every process.
    """
    return _digest("id", f"{source.strip().casefold()}\x1f{external_id.strip()}")


def url_key(url: str | None) -> str | None:
    """Return the exact-dedup key of a web address, or None if it is not one.

    Args:
        url: An address; None, empty or non-http(s) input has no key.

    Returns:
        ``"url:<32 hex digits>"`` of `canonical_url(url)`, or None.
    """
    canonical = _canonical_or_none(url) if url else None
    return None if canonical is None else _digest("url", canonical)


def dedup_key(mention: MentionIn) -> str:
    """Return the key stored on a mention row: its URL key, else source + id.

    Collectors must put a mention's *own* permalink in ``url``: two mentions that
    share a URL (comments that all carry their article's address, say) get one
    key and the second is dropped as a replay of the first.

    Args:
        mention: The mention as a collector produced it.

    Returns:
        `url_key(mention.url)` when the mention has an http(s) URL, otherwise
        `exact_key(mention.source, mention.external_id)`.
    """
    return url_key(mention.url) or exact_key(mention.source, mention.external_id)


# --------------------------------------------------------------------------- text

_RT_MARKER = re.compile(r"(?:^|(?<=\s))(?:RT|MT)\s*:?\s*@(\w{1,50})\s*:?", re.I)
_VIA_MARKER = re.compile(r"[(\[]?\s*\b(?:via|h/t|ht)\s*:?\s*@(\w{1,50})\s*[)\]]?", re.I)
_URL = re.compile(
    r"(?:https?://|www\.)\S+|\bpic\.twitter\.com/\S+|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,24}/\S*",
    re.I,
)
_HANDLE = re.compile(r"(?<![\w@])@\w{1,50}")
_TRUNCATED_TAIL = re.compile(r"\s*\S*(?:…|\.\.\.)\s*$")
_ELLIPSIS_END = re.compile(r"(?:…|\.{3,}|\[(?:…|\.{3})\])(?:\s*[#@]\w+)*[\s\W]*$")
_APOSTROPHES = {ord(c): None for c in "'’ʼ`´"}
# Old clients cut retweets at 140 characters, mid-word, and added "…"; shorter
# retweets that end in an ellipsis were not cut, so their last word is whole.
_CUT_RETWEET_CHARS = 100

_UNSPACED_RUN = re.compile(
    "["
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified
    "\uf900-\ufaff"  # CJK compatibility
    "\U00020000-\U0002fa1f"  # CJK extensions B-F
    "]+"
)
_LETTER = re.compile(r"[^\W\d_]")


class _SeparatorTable(dict[int, str | None]):
    """`str.translate` table that maps punctuation, symbols and emoji to a space.

    Filled lazily, one code point at a time, so it costs nothing for scripts a
    deployment never sees. Letters, digits and combining marks (Thai vowels and
    tone marks, Devanagari matras) stay; variation selectors and joiners go.
    """

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        category = unicodedata.category(char)
        keep = category[0] in "LN" or category in ("Mn", "Mc")
        if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:
            keep = False  # variation selectors (emoji presentation) are Mn
        value: str | None = char if keep else " "
        self[code] = value
        return value


_SEPARATORS = _SeparatorTable(_APOSTROPHES)


def repost_handle(text: str) -> str | None:
    """Return the account a post says it reposts, if it says so.

    Recognises ``RT @user:`` / ``MT @user:`` (old-style retweets, also after a
    comment) and ``via @user`` / ``h/t @user``. For nested retweets
    (``RT @a: RT @b: ...``) the innermost account, the author of the text, wins.

    Args:
        text: The raw post text.

    Returns:
        The case-folded handle without ``@``, or None.
    """
    handles = [m.group(1) for m in _RT_MARKER.finditer(text)]
    if handles:
        return handles[-1].casefold()
    via = _VIA_MARKER.search(text)
    return via.group(1).casefold() if via else None


def looks_truncated(text: str) -> bool:
    """Tell whether a post is cut short: it ends with an ellipsis.

    Trailing URLs, hashtags and handles after the ellipsis are ignored, as in
    ``"Acme recalls peanut butter over salmonella… https://t.co/x #news"``.

    Args:
        text: The raw post text.

    Returns:
        True when the text, without its trailing links and tags, ends in
        ``…``, ``...`` or ``[…]``.
    """
    if "…" not in text and "..." not in text:
        return False
    return _ELLIPSIS_END.search(_URL.sub(" ", text)) is not None


def normalise_text(text: str, *, strip_handles: bool = True) -> str:
    """Normalise a post so that copies of one text come out the same.

    Steps: unescape HTML entities; Unicode NFKC; drop ``RT @user:`` / ``MT``
    markers, ``via @x`` / ``h/t @x`` credits and URLs; drop the word cut by a
    long retweet's trailing ``…``; drop ``@handles`` (or only their ``@`` when
    `strip_handles` is False); join apostrophe contractions; turn punctuation,
    symbols and emoji into spaces (``#tag`` becomes ``tag``); case-fold; collapse
    whitespace.

    Args:
        text: The raw post text.
        strip_handles: Remove mentioned accounts entirely (the default), since
            copies often tag different accounts.

    Returns:
        The normalised text, possibly empty.
    """
    if "&" in text:
        text = html.unescape(text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    # The regexes are the slow part: run each only when its anchor is present.
    has_at = "@" in text
    reposted = has_at and _RT_MARKER.search(text) is not None
    if reposted:
        text = _RT_MARKER.sub(" ", text)
    if has_at:
        text = _VIA_MARKER.sub(" ", text)
    if "/" in text or "www." in text.lower():
        text = _URL.sub(" ", text)
    if reposted and len(text) >= _CUT_RETWEET_CHARS:
        text = _TRUNCATED_TAIL.sub(" ", text)
    if strip_handles and has_at:
        text = _HANDLE.sub(" ", text)
    text = text.translate(_SEPARATORS).casefold()
    return " ".join(text.split())


def is_unspaced_script(text: str, *, min_share: float = 0.3) -> bool:
    """Tell whether a text is mostly in a script written without spaces.

    Thai, Lao, Khmer, Myanmar, Chinese and Japanese do not separate words with
    spaces, so near-duplicate detection shingles them by characters.

    Args:
        text: Any text, raw or normalised.
        min_share: Share of the letters that must be in such scripts.

    Returns:
        True when at least `min_share` of the letters are in such scripts.
    """
    unspaced = sum(len(run) for run in _UNSPACED_RUN.findall(text))
    if not unspaced:
        return False
    # Thai and Myanmar vowel signs are combining marks, not letters: count them
    # on both sides so the share stays a share.
    letters = len(_LETTER.findall(text)) + sum(
        1 for char in text if unicodedata.category(char) in ("Mn", "Mc")
    )
    return letters > 0 and unspaced / letters >= min_share


def text_tokens(normalised: str) -> tuple[list[str], bool]:
    """Split a normalised text into the units it is shingled by.

    Args:
        normalised: Output of `normalise_text`.

    Returns:
        ``(tokens, by_characters)``: words, or the non-space characters when the
        text is in a script without spaces (`is_unspaced_script`).
    """
    if is_unspaced_script(normalised):
        return [c for c in normalised if not c.isspace()], True
    return normalised.split(), False


# --------------------------------------------------------------------------- MinHash

_U32 = np.uint32
_U64 = np.uint64
_GOLDEN = _U32(0x9E3779B1)
_GOLDEN64 = _U64(0x9E3779B97F4A7C15)
_FMIX = (_U32(16), _U32(0x85EBCA6B), _U32(13), _U32(0xC2B2AE35), _U32(16))
_FMIX64 = (_U64(33), _U64(0xFF51AFD7ED558CCD), _U64(33), _U64(0xC4CEB9FE1A85EC53), _U64(33))
_CHUNK_SHINGLES = 1 << 16
_BATCH_CHUNK = 4096
# Band entries waiting in a dict (about 100 bytes each) before a merge into the
# sorted arrays (12 bytes each, but each merge copies them all).
_PENDING_LIMIT = 1 << 18
_CHARS_PER_WORD = 4  # prefix length in characters, per word, for unspaced scripts
_PREFIX_CONTAINMENT = 0.6
_FORMAT_VERSION = 1
# The arrays of an archive: permutations, then per-text arrays, then clusters.
_ARCHIVE_ARRAYS = (
    "perm_a", "perm_b", "sigs", "ts", "seqs", "sizes", "digests", "in_lsh", "prefixes",
    "truncated", "kinds", "clusters",
)  # fmt: skip
_NORMALISATION_VERSION = 1


def _fmix32(values: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    """MurmurHash3's 32-bit finaliser, as datasketch's affine32 scheme applies it."""
    s1, m1, s2, m2, s3 = _FMIX
    values = values ^ (values >> s1)
    values = values * m1
    values = values ^ (values >> s2)
    values = values * m2
    return values ^ (values >> s3)


def _fmix64(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """MurmurHash3's 64-bit finaliser (wrapping arithmetic is intended)."""
    s1, m1, s2, m2, s3 = _FMIX64
    values = values ^ (values >> s1)
    values = values * m1
    values = values ^ (values >> s2)
    values = values * m2
    return values ^ (values >> s3)


_MAX_TOKEN_CHARS = 1 << 15
_POWERS = np.concatenate(
    ([_U64(1)], np.cumprod(np.full(_MAX_TOKEN_CHARS - 1, 0x100000001B3, dtype=_U64)))
)


def _word_hashes(texts: Sequence[str]) -> npt.NDArray[np.uint32]:
    """32-bit hashes of the words of many normalised texts, laid end to end.

    All words of all texts are hashed in one numpy pass (a polynomial hash over
    their code points, then a 64-bit finaliser) rather than one Python call per
    word. The texts must be non-empty with single spaces between words and
    none at the ends, as `normalise_text` leaves them.
    """
    points = np.frombuffer(" ".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if points.size == 0:
        return points
    space = points == 32
    chars = points[~space].astype(_U64)
    lengths = np.diff(np.concatenate(([-1], np.flatnonzero(space), [points.size]))) - 1
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    offsets = np.arange(chars.size) - np.repeat(starts, lengths)
    weighted = chars * _POWERS[np.minimum(offsets, _MAX_TOKEN_CHARS - 1)]
    words = _fmix64(np.add.reduceat(weighted, starts) ^ (lengths.astype(_U64) * _GOLDEN64))
    return (words ^ (words >> _U64(32))).astype(_U32)


def _char_units(text: str) -> npt.NDArray[np.uint32]:
    """The code points of a text's non-space characters."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return points[points != 32]


def _shingle_hashes(units: npt.NDArray[np.uint32], size: int) -> npt.NDArray[np.uint32]:
    """32-bit hashes of the k-grams of one text's unit hashes (k = `size`).

    A text with fewer than k units is a single shingle of all of them.
    """
    if units.size == 0:
        return units
    k = min(size, int(units.size))
    count = units.size - k + 1
    combined = units[:count].copy()
    for offset in range(1, k):
        combined = _fmix32(combined * _GOLDEN + units[offset : offset + count])
    return combined


def _segment_starts(counts: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    return np.cumsum(counts) - counts


def _gather_ranges(
    starts: npt.NDArray[np.int64], counts: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Indices ``starts[i] .. starts[i] + counts[i] - 1`` for every i, concatenated."""
    ends = np.cumsum(counts)
    return np.arange(int(ends[-1]) if ends.size else 0) - np.repeat(ends - counts - starts, counts)


def _many_shingles(
    units: npt.NDArray[np.uint32], counts: npt.NDArray[np.int64], size: int
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64]]:
    """`_shingle_hashes` of many texts whose units lie end to end, in one pass.

    Returns:
        The shingle hashes end to end, and how many belong to each text.
    """
    starts = _segment_starts(counts)
    if size == 1:
        return units, counts
    if (counts < size).any():  # only when min_tokens < word_shingle
        pieces = [
            _shingle_hashes(units[s : s + c], size) for s, c in zip(starts, counts, strict=True)
        ]
        return np.concatenate(pieces), np.array([len(p) for p in pieces], dtype=np.int64)
    # k-grams of the whole run, then keep those that do not straddle two texts.
    combined = _shingle_hashes(units, size)
    lengths = counts - size + 1
    return combined[_gather_ranges(starts, lengths)], lengths


def _prefix_digests(
    units: npt.NDArray[np.uint32], starts: npt.NDArray[np.int64], span: int
) -> npt.NDArray[np.uint64]:
    """A 64-bit digest (never 0) of the first `span` units after each start."""
    rows = units[starts[:, None] + np.arange(span)]
    digests = [hashlib.blake2b(row.tobytes(), digest_size=8).digest() for row in rows]
    return np.frombuffer(b"".join(digests), dtype="<u8").astype(_U64) | _U64(1)


def _signature_digest(signature: npt.NDArray[np.uint32]) -> int:
    """A stable 64-bit digest of a whole signature, to find exact copies in O(1)."""
    digest = hashlib.blake2b(signature.tobytes(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


class _BandIndex:
    """Banded LSH over MinHash signatures, kept in sorted numpy arrays.

    It answers what `datasketch.MinHashLSH` answers (the texts that agree with
    a query on all `rows` values of at least one of `bands` bands; the bands
    are chosen by MinHashLSH itself) but stores a 64-bit key and a 32-bit slot
    per band and text, 12 bytes, where MinHashLSH's dict-of-sets storage takes
    about 300 (6 KB a text at 21 bands, 6 GB for a million texts). New entries
    wait in a dict and are merged into the sorted arrays in bulk; a batch of
    lookups is one `np.searchsorted`. A band answers at most `bucket_cap` of its
    most recent entries, so querying a viral story with thousands of copies
    costs no more than querying a fresh one (any one member links the cluster).
    """

    def __init__(self, bands: int, rows: int, bucket_cap: int) -> None:
        self.bands = bands
        self.rows = rows
        self.bucket_cap = bucket_cap
        self._salt = _fmix64(np.arange(1, bands + 1, dtype=_U64) * _GOLDEN64)
        self._keys = np.empty(0, dtype=_U64)
        self._slots = np.empty(0, dtype=np.int32)
        # key -> slot, or -> list of slots once a key repeats (rare outside copies)
        self._pending: dict[int, int | list[int]] = {}
        self._pending_entries = 0

    def band_keys(self, sigs: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint64]:
        """One 64-bit key per band and signature, shape ``(n, bands)``."""
        n = sigs.shape[0]
        cols = sigs[:, : self.bands * self.rows].astype(_U64).reshape(n, self.bands, self.rows)
        keys = np.repeat(self._salt[None, :], n, axis=0)
        for j in range(self.rows):
            keys = _fmix64(keys * _GOLDEN64 + cols[:, :, j])
        return keys

    def lookup(self, keys: npt.NDArray[np.uint64]) -> list[npt.NDArray[np.int64]]:
        """Slots in the merged arrays that share a band key with each row."""
        n = keys.shape[0]
        empty = np.empty(0, dtype=np.int64)
        if self._keys.size == 0 or n == 0:
            return [empty] * n
        flat = keys.ravel()
        left = np.searchsorted(self._keys, flat, side="left")
        right = np.searchsorted(self._keys, flat, side="right")
        counts = np.minimum(right - left, self.bucket_cap)
        total = int(counts.sum())
        if total == 0:
            return [empty] * n
        ends = np.cumsum(counts)
        positions = np.arange(total) - np.repeat(ends - counts, counts) + np.repeat(left, counts)
        slots = self._slots[positions].astype(np.int64)
        bounds = np.concatenate(([0], np.cumsum(counts.reshape(n, self.bands).sum(axis=1))))
        return [slots[bounds[i] : bounds[i + 1]] for i in range(n)]

    def pending_lookup(self, row: npt.NDArray[np.uint64]) -> list[int]:
        """Slots not yet merged that share a band key with `row`."""
        found: list[int] = []
        for key in self._pending.keys() & row.tolist():
            bucket = self._pending[key]
            if isinstance(bucket, int):
                found.append(bucket)
            else:
                found.extend(bucket[-self.bucket_cap :])
        return found

    def add(self, slot: int, row: npt.NDArray[np.uint64]) -> None:
        """Index one text's band keys (visible to `pending_lookup` at once)."""
        keys = row.tolist()
        clashes = self._pending.keys() & keys
        if clashes:
            for key in clashes:
                bucket = self._pending[key]
                if isinstance(bucket, int):
                    self._pending[key] = [bucket, slot]
                else:
                    bucket.append(slot)
            keys = [key for key in keys if key not in clashes]
        self._pending.update(zip(keys, itertools.repeat(slot)))
        self._pending_entries += self.bands

    def maybe_flush(self) -> None:
        """Merge pending entries once there are many of them."""
        if self._pending_entries > _PENDING_LIMIT:
            self.flush()

    def flush(self) -> None:
        """Merge pending entries into the sorted arrays, newest first per key."""
        if not self._pending:
            return
        keys: list[int] = []
        slots: list[int] = []
        for key, bucket in self._pending.items():
            if isinstance(bucket, int):
                keys.append(key)
                slots.append(bucket)
            else:
                keys.extend([key] * len(bucket))
                slots.extend(reversed(bucket))
        new_keys = np.array(keys, dtype=_U64)
        new_slots = np.array(slots, dtype=np.int32)
        order = np.argsort(new_keys, kind="stable")
        new_keys, new_slots = new_keys[order], new_slots[order]
        at = np.searchsorted(self._keys, new_keys, side="left")
        self._keys = np.insert(self._keys, at, new_keys)
        self._slots = np.insert(self._slots, at, new_slots)
        self._pending.clear()
        self._pending_entries = 0

    def remove(self, dead: npt.NDArray[np.bool_]) -> None:
        """Drop every entry whose slot is marked in `dead` (indexed by slot)."""
        self.flush()
        keep = ~dead[self._slots]
        self._keys = self._keys[keep]
        self._slots = self._slots[keep]

    def load(self, slots: npt.NDArray[np.int64], keys: npt.NDArray[np.uint64]) -> None:
        """Replace the contents with `slots` (newest first) and their band keys."""
        flat_keys = keys.ravel()
        flat_slots = np.repeat(slots.astype(np.int32), self.bands)
        order = np.argsort(flat_keys, kind="stable")
        self._keys = flat_keys[order]
        self._slots = flat_slots[order]
        self._pending.clear()
        self._pending_entries = 0


@dataclass(frozen=True)
class _Prepared:
    """A text reduced to what the index needs: its shingles or its short form."""

    kind: int  # _EMPTY, _SHORT or _LONG
    text: str = ""  # normalised
    units: int = 0  # words, or characters when by_chars
    by_chars: bool = False
    truncated: bool = False
    repost_of: str | None = None


@dataclass(frozen=True)
class _Hashed:
    """A long text's signature, band keys, digest and merged-array candidates."""

    signature: npt.NDArray[np.uint32]
    size: int  # distinct shingles
    prefix: int  # digest of the first words; 0 when the text is too short
    band_keys: npt.NDArray[np.uint64]
    digest: int
    candidates: npt.NDArray[np.int64]


_FREE, _EMPTY, _SHORT, _LONG = 0, 1, 2, 3


@dataclass
class _Cluster:
    root: str
    root_order: tuple[float, int]
    members: set[int]


def _to_epoch(value: Timestamp | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.timestamp()
    number = float(value)
    if math.isnan(number):
        raise ValueError("timestamp is NaN")
    return number


class NearDuplicateIndex:
    """Links each new text to the original it near-duplicates.

    Texts are normalised (`normalise_text`), cut into shingles of
    `word_shingle` words (or `char_shingle` characters for Thai and other
    scripts without spaces) and MinHashed with datasketch's ``affine32`` scheme
    and permutations (vectorised with numpy; `signatures` equals
    ``MinHash.update_batch``). Exact copies (equal signatures) are found through
    a dict; others through banded LSH with the bands `datasketch.MinHashLSH`
    picks for `lsh_threshold`, held in compact numpy arrays (see `_BandIndex`
    for why not MinHashLSH's own storage). A candidate links when its estimated
    Jaccard similarity reaches `threshold`, or when one of the two texts nearly
    contains the other (see `containment`).

    Linked texts form clusters (links are transitive); the *original* of a
    cluster is its earliest member by (timestamp, insertion order). A text added
    without a timestamp is stamped with the latest timestamp seen so far (0.0
    before any), i.e. "now" in stream order.

    Texts with fewer than `min_tokens` words (`min_chars` characters in
    unspaced scripts) are too short for coincidence to be ruled out: "love it!"
    from a thousand people is a thousand mentions. Such a text links only when it
    says it is a repost (``RT @a:``, ``via @a``) *and* its normalised text equals
    an earlier short text exactly; among those, one written by ``@a`` (when
    authors were given) is preferred, and texts by other known authors that are
    not themselves reposts of ``@a`` are never chosen.

    Not thread-safe. Memory is about 0.9 KB a text; `prune()` bounds it to a
    rolling window, and `to_bytes()` / `from_bytes()` carry it across restarts.

    Args:
        threshold: Estimated Jaccard similarity at which two texts are copies.
        num_perm: MinHash permutations; 64 keeps hashing and memory small
            (standard error of the estimate about 0.05 near 0.8).
        word_shingle: Words per shingle for spaced scripts.
        char_shingle: Characters per shingle for unspaced scripts.
        min_tokens: Fewest words for near-duplicate matching.
        min_chars: Fewest characters for near-duplicate matching in unspaced
            scripts.
        containment: Also link when the smaller text's shingles are this
            share contained in the larger one's (a quote with a comment, a
            truncated retweet); None turns this off.
        containment_min_jaccard: Least Jaccard similarity for the containment
            rule, which bounds how much longer a copy may be (about 2x at 0.5).
        lsh_threshold: Candidate threshold of the LSH bands; defaults to 0.1
            below the lowest similarity that can link, so copies near it are
            not missed.
        bucket_cap: Most recent entries per LSH bucket a query looks at.
        prefix_words: A text cut short with "…" also links to a text whose
            first `prefix_words` words are the same (4 characters a word in
            unspaced scripts), when the MinHash estimate says the shorter is
            mostly inside the longer; None turns this off.
        strip_handles: Passed to `normalise_text`.
        seed: Seed of the MinHash permutations.

    Raises:
        ValueError: A parameter is out of range.
    """

    def __init__(
        self,
        *,
        threshold: float = 0.8,
        num_perm: int = 64,
        word_shingle: int = 2,
        char_shingle: int = 4,
        min_tokens: int = 8,
        min_chars: int = 24,
        containment: float | None = 0.9,
        containment_min_jaccard: float = 0.5,
        lsh_threshold: float | None = None,
        bucket_cap: int = 32,
        prefix_words: int | None = 10,
        strip_handles: bool = True,
        seed: int = 1,
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        if num_perm < 8:
            raise ValueError("num_perm must be at least 8")
        if word_shingle < 1 or char_shingle < 1:
            raise ValueError("shingle sizes must be positive")
        if containment is not None and not 0.0 < containment <= 1.0:
            raise ValueError("containment must be in (0, 1] or None")
        if not 0.0 < containment_min_jaccard <= threshold:
            raise ValueError("containment_min_jaccard must be in (0, threshold]")
        if bucket_cap < 1:
            raise ValueError("bucket_cap must be positive")
        if prefix_words is not None and prefix_words < 1:
            raise ValueError("prefix_words must be positive or None")
        lowest = threshold if containment is None else containment_min_jaccard
        if lsh_threshold is None:
            lsh_threshold = max(0.05, lowest - 0.1)
        if not 0.0 < lsh_threshold <= threshold:
            raise ValueError("lsh_threshold must be in (0, threshold]")
        self.threshold = threshold
        self.num_perm = num_perm
        self.word_shingle = word_shingle
        self.char_shingle = char_shingle
        self.min_tokens = max(1, min_tokens)
        self.min_chars = max(1, min_chars)
        self.containment = containment
        self.containment_min_jaccard = containment_min_jaccard
        self.lsh_threshold = lsh_threshold
        self.bucket_cap = bucket_cap
        self.prefix_words = prefix_words
        self.strip_handles = strip_handles
        self.seed = seed

        from datasketch import MinHash, MinHashLSH

        template = MinHash(num_perm=num_perm, seed=seed, scheme="affine32")
        self._perm_a: npt.NDArray[np.uint32] = np.asarray(template.permutations[0], dtype=_U32)
        self._perm_b: npt.NDArray[np.uint32] = np.asarray(template.permutations[1], dtype=_U32)
        # MinHashLSH picks (bands, rows) minimising weighted false positives and
        # negatives; misses cost more than candidates here, which are verified.
        lsh = MinHashLSH(threshold=lsh_threshold, num_perm=num_perm, weights=(0.3, 0.7))
        self._bands: tuple[int, int] = (lsh.b, lsh.r)
        self._reset_storage(capacity=1024)

    # ------------------------------------------------------------------ storage

    def _reset_storage(self, capacity: int) -> None:
        self._lsh = _BandIndex(*self._bands, bucket_cap=self.bucket_cap)
        self._sigs = np.zeros((capacity, self.num_perm), dtype=_U32)
        self._ts = np.zeros(capacity, dtype=np.float64)
        self._seqs = np.zeros(capacity, dtype=np.int64)
        self._sizes = np.zeros(capacity, dtype=np.int64)
        self._digests = np.zeros(capacity, dtype=_U64)
        self._in_lsh = np.zeros(capacity, dtype=np.bool_)
        self._prefixes = np.zeros(capacity, dtype=_U64)
        self._truncated = np.zeros(capacity, dtype=np.bool_)
        self._kinds = np.zeros(capacity, dtype=np.uint8)
        self._keys: list[str | None] = [None] * capacity
        self._free: list[int] = list(range(capacity - 1, -1, -1))
        self._slot_of: dict[str, int] = {}
        self._exact: dict[int, int] = {}
        self._prefix: dict[int, int] = {}
        self._cluster_of: dict[int, int] = {}
        self._clusters: dict[int, _Cluster] = {}
        self._next_cluster = 0
        # Short texts: (text, author, repost_of) per slot, and the earliest slot
        # per (text, author), per text among unknown authors, and per
        # (text, reposted account) among reposts.
        self._short_by_author: dict[tuple[str, str], int] = {}
        self._short_anonymous: dict[str, int] = {}
        self._short_reposts: dict[tuple[str, str], int] = {}
        self._short_meta: dict[int, tuple[str, str | None, str | None]] = {}
        self._seq = 0
        self._clock = 0.0

    def _grow(self) -> None:
        old = self._sigs.shape[0]

        def doubled(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
            return np.concatenate([array, np.zeros_like(array)])

        self._sigs = doubled(self._sigs)
        self._ts = doubled(self._ts)
        self._seqs = doubled(self._seqs)
        self._sizes = doubled(self._sizes)
        self._digests = doubled(self._digests)
        self._in_lsh = doubled(self._in_lsh)
        self._prefixes = doubled(self._prefixes)
        self._truncated = doubled(self._truncated)
        self._kinds = doubled(self._kinds)
        self._keys.extend([None] * old)
        self._free.extend(range(2 * old - 1, old - 1, -1))

    # ------------------------------------------------------------------ hashing

    def _prepare(self, text: str) -> _Prepared:
        normalised = normalise_text(text, strip_handles=self.strip_handles)
        if not normalised:
            return _Prepared(_EMPTY)
        by_chars = is_unspaced_script(normalised)
        spaces = normalised.count(" ")
        if by_chars:
            units, minimum = len(normalised) - spaces, self.min_chars
        else:
            units, minimum = spaces + 1, self.min_tokens
        if units < minimum:
            return _Prepared(_SHORT, text=normalised, repost_of=repost_handle(text))
        return _Prepared(
            _LONG, text=normalised, units=units, by_chars=by_chars, truncated=looks_truncated(text)
        )

    def signatures(self, shingle_sets: Sequence[npt.NDArray[np.uint32]]) -> npt.NDArray[np.uint32]:
        """MinHash many shingle-hash arrays at once.

        Row ``i`` equals ``datasketch.MinHash(num_perm, seed=seed,
        hashfunc=int).update_batch(shingle_sets[i])`` hash values, computed for
        all texts in one numpy pass instead of one object per text.

        Args:
            shingle_sets: One array of 32-bit shingle hashes per text; none empty.

        Returns:
            An array of shape ``(len(shingle_sets), num_perm)``.

        Raises:
            ValueError: One of the arrays is empty.
        """
        lengths = np.array([len(s) for s in shingle_sets], dtype=np.int64)
        if (lengths == 0).any():
            raise ValueError("cannot MinHash an empty shingle set")
        if not shingle_sets:
            return np.empty((0, self.num_perm), dtype=_U32)
        return self._minhash_runs(np.concatenate(shingle_sets).astype(_U32), lengths)

    def _minhash_runs(
        self, shingles: npt.NDArray[np.uint32], lengths: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.uint32]:
        """MinHash signatures of texts whose shingles lie end to end."""
        out = np.empty((lengths.size, self.num_perm), dtype=_U32)
        ends = np.cumsum(lengths)
        first = 0
        while first < lengths.size:
            # Cap the (shingles x num_perm) temporary at about 16 MB.
            base = int(ends[first] - lengths[first])
            last = int(np.searchsorted(ends, base + _CHUNK_SHINGLES, side="right"))
            last = max(last, first + 1)
            hashed = _fmix32(shingles[base : int(ends[last - 1])])
            permuted = hashed[:, None] * self._perm_a[None, :] + self._perm_b[None, :]
            offsets = ends[first:last] - lengths[first:last] - base
            out[first:last] = np.minimum.reduceat(permuted, offsets, axis=0)
            first = last
        return out

    def _hash(self, prepared: Sequence[_Prepared]) -> list[_Hashed]:
        """Signatures, sizes, prefixes, band keys and candidates of long texts."""
        n = len(prepared)
        if not n:
            return []
        self._lsh.maybe_flush()
        sigs = np.empty((n, self.num_perm), dtype=_U32)
        sizes = np.zeros(n, dtype=np.int64)
        prefixes = np.zeros(n, dtype=_U64)
        for by_chars in (False, True):
            rows = np.array([i for i, p in enumerate(prepared) if p.by_chars == by_chars])
            if not rows.size:
                continue
            if by_chars:
                pieces = [_char_units(prepared[i].text) for i in rows.tolist()]
                units = np.concatenate(pieces)
                counts = np.array([len(p) for p in pieces], dtype=np.int64)
                size, span = self.char_shingle, (self.prefix_words or 0) * _CHARS_PER_WORD
            else:
                units = _word_hashes([prepared[i].text for i in rows.tolist()])
                counts = np.array([prepared[i].units for i in rows.tolist()], dtype=np.int64)
                size, span = self.word_shingle, self.prefix_words or 0
            shingles, lengths = _many_shingles(units, counts, size)
            sigs[rows] = self._minhash_runs(shingles, lengths)
            # Distinct shingles per text, for the containment rule, in one sort.
            owner = np.repeat(rows.astype(_U64), lengths)
            distinct = np.unique((owner << _U64(32)) | shingles.astype(_U64)) >> _U64(32)
            sizes += np.bincount(distinct.astype(np.int64), minlength=n)
            if span:
                long_enough = counts > span
                prefixes[rows[long_enough]] = _prefix_digests(
                    units, _segment_starts(counts)[long_enough], span
                )
        band_keys = self._lsh.band_keys(sigs)
        candidates = self._lsh.lookup(band_keys)
        return [
            _Hashed(
                sigs[i],
                int(sizes[i]),
                int(prefixes[i]),
                band_keys[i],
                _signature_digest(sigs[i]),
                candidates[i],
            )
            for i in range(n)
        ]

    # ------------------------------------------------------------------ linking

    def __len__(self) -> int:
        """Return how many texts the index holds."""
        return len(self._slot_of)

    def __contains__(self, key: object) -> bool:
        """Return whether a key was added and not pruned."""
        return key in self._slot_of

    def add(
        self,
        key: str,
        text: str,
        *,
        timestamp: Timestamp | None = None,
        author: str | None = None,
    ) -> str | None:
        """Add a text and return the key of the original it copies.

        Adding a key that is already held changes nothing and returns its
        current original, so replaying a batch is harmless.

        Args:
            key: The mention's key (e.g. `dedup_key`), unique per text.
            text: The raw text.
            timestamp: When it was posted; see the class notes for None.
            author: The author's handle, used only to pick the original of a
                short repost (``RT @author: love it``).

        Returns:
            The key of the cluster's original (its earliest member) when the text
            near-duplicates something held, or None when it is new or is itself
            now the earliest member of its cluster.

        Raises:
            ValueError: The timestamp is NaN.
        """
        if key in self._slot_of:
            return self.original_of(key)
        epoch = _to_epoch(timestamp)
        prepared = self._prepare(text)
        hashed = self._hash([prepared])[0] if prepared.kind == _LONG else None
        self._insert(key, prepared, epoch, author, hashed)
        return self.original_of(key)

    def link_batch(self, items: Iterable[BatchItem]) -> dict[str, str | None]:
        """Add many texts and return, for each key, the original it copies.

        Hashing and LSH lookups run for thousands of texts at once, which is
        several times faster than calling `add` in a loop. The answers are those
        after the whole batch is in: a text whose earlier-timestamped original
        arrives later in the same batch still points at it.

        Args:
            items: ``(key, text, timestamp)`` triples, or
                ``(key, text, timestamp, author)``; timestamp and author may be
                None (see `add`).

        Returns:
            For every key given, the key of its cluster's original, or None for
            the originals themselves and texts without copies.

        Raises:
            ValueError: A timestamp is NaN.
        """
        batch = list(items)
        fresh: list[tuple[str, _Prepared, float | None, str | None]] = []
        seen: set[str] = set()
        for item in batch:
            key = item[0]
            if key in self._slot_of or key in seen:
                continue
            seen.add(key)
            author = item[3] if len(item) > 3 else None
            fresh.append((key, self._prepare(item[1]), _to_epoch(item[2]), author))
        for start in range(0, len(fresh), _BATCH_CHUNK):
            chunk = fresh[start : start + _BATCH_CHUNK]
            long_rows = [i for i, entry in enumerate(chunk) if entry[1].kind == _LONG]
            hashed = dict(zip(long_rows, self._hash([chunk[i][1] for i in long_rows]), strict=True))
            for i, (key, prepared, epoch, author) in enumerate(chunk):
                self._insert(key, prepared, epoch, author, hashed.get(i))
        return {item[0]: self.original_of(item[0]) for item in batch}

    def original_of(self, key: str) -> str | None:
        """Return the current original of a held key.

        Args:
            key: A key that was added.

        Returns:
            The key of the earliest member of its cluster, or None when that is
            the key itself, it has no copies, or it is not held.
        """
        slot = self._slot_of.get(key)
        if slot is None:
            return None
        cluster = self._cluster_of.get(slot)
        if cluster is None:
            return None
        root = self._clusters[cluster].root
        return None if root == key else root

    def _insert(
        self,
        key: str,
        prepared: _Prepared,
        ts: float | None,
        author: str | None,
        hashed: _Hashed | None,
    ) -> None:
        if ts is None:
            ts = self._clock
        else:
            self._clock = max(self._clock, ts)
        if not self._free:
            self._grow()
        slot = self._free.pop()
        self._seq += 1
        self._keys[slot] = key
        self._ts[slot] = ts
        self._seqs[slot] = self._seq
        self._kinds[slot] = prepared.kind
        self._slot_of[key] = slot

        matches: list[int] = []
        if prepared.kind == _LONG and hashed is not None:
            self._sigs[slot] = hashed.signature
            self._sizes[slot] = hashed.size
            self._digests[slot] = hashed.digest
            self._prefixes[slot] = hashed.prefix
            self._truncated[slot] = prepared.truncated
            twin = self._exact.get(hashed.digest)
            if twin is not None:
                # Same signature: an exact copy after normalisation (most
                # retweets). Linking to one twin suffices, and keeping the copy
                # out of the bands keeps viral stories' buckets small.
                matches = [twin]
                self._in_lsh[slot] = False
            else:
                pending = self._lsh.pending_lookup(hashed.band_keys)
                cand = hashed.candidates
                if pending:
                    cand = np.concatenate([cand, np.asarray(pending, dtype=np.int64)])
                if cand.size:
                    matches = self._verify(np.unique(cand), hashed.signature, hashed.size)
                matches.extend(self._prefix_match(prepared, hashed))
                self._lsh.add(slot, hashed.band_keys)
                self._in_lsh[slot] = True
                self._exact[hashed.digest] = slot
            if hashed.prefix and hashed.prefix not in self._prefix:
                self._prefix[hashed.prefix] = slot
        elif prepared.kind == _SHORT:
            matches = self._short_matches(prepared)
            handle = author.lstrip("@").casefold() if author else None
            self._short_meta[slot] = (prepared.text, handle, prepared.repost_of)
            self._register_short(slot)

        if matches:
            self._join(slot, matches)

    def _verify(
        self, cand: npt.NDArray[np.int64], signature: npt.NDArray[np.uint32], size: int
    ) -> list[int]:
        """Keep the LSH candidates that really are copies.

        A candidate is a copy when the estimated Jaccard similarity reaches
        `threshold`, or when one text contains nearly all of the other (a quote
        with a comment added, a retweet cut short by "…"): containment of the
        smaller set, |A ∩ B| / min(|A|, |B|), estimated from the Jaccard estimate
        and the exact set sizes as J (|A| + |B|) / (1 + J), reaches `containment`
        while Jaccard is at least `containment_min_jaccard` (so a text may at
        most about double its original).
        """
        jaccard = np.count_nonzero(self._sigs[cand] == signature, axis=1) / self.num_perm
        eps = 1e-9
        linked = jaccard >= self.threshold - eps
        if self.containment is not None:
            other = self._sizes[cand].astype(np.float64)
            overlap = jaccard * (other + size) / (1.0 + jaccard)
            contained = overlap / np.maximum(1.0, np.minimum(other, size))
            linked |= (jaccard >= self.containment_min_jaccard - eps) & (
                contained >= self.containment - eps
            )
        matches: list[int] = cand[linked].tolist()
        return matches

    def _prefix_match(self, prepared: _Prepared, hashed: _Hashed) -> list[int]:
        """Link a text cut short with "…" and the full text it starts like.

        A share that quotes an article's first sentence and then "…" has too
        few of its shingles for Jaccard, so it links when its first
        `prefix_words` words equal the other's, one of the two is truncated, and
        the shorter is mostly contained in the longer by the MinHash estimate.
        """
        holder = self._prefix.get(hashed.prefix) if hashed.prefix else None
        if holder is None or not (prepared.truncated or self._truncated[holder]):
            return []
        jaccard = np.count_nonzero(self._sigs[holder] == hashed.signature) / self.num_perm
        other = int(self._sizes[holder])
        contained = jaccard * (other + hashed.size) / ((1.0 + jaccard) * min(other, hashed.size))
        return [holder] if contained >= _PREFIX_CONTAINMENT else []

    def _short_matches(self, prepared: _Prepared) -> list[int]:
        handle = prepared.repost_of
        if handle is None:
            return []
        by_author = self._short_by_author.get((prepared.text, handle))
        if by_author is not None:
            return [by_author]
        eligible = [
            slot
            for slot in (
                self._short_anonymous.get(prepared.text),
                self._short_reposts.get((prepared.text, handle)),
            )
            if slot is not None
        ]
        return [min(eligible, key=self._order)] if eligible else []

    def _order(self, slot: int) -> tuple[float, int]:
        return float(self._ts[slot]), int(self._seqs[slot])

    def _register_short(self, slot: int) -> None:
        """Record a short text as the earliest of its kinds where it is."""
        text, author, repost = self._short_meta[slot]
        maps: list[tuple[dict[Any, int], Any]] = []
        if author is not None:
            maps.append((self._short_by_author, (text, author)))
        else:
            maps.append((self._short_anonymous, text))
        if repost is not None:
            maps.append((self._short_reposts, (text, repost)))
        for table, key in maps:
            held = table.get(key)
            if held is None or self._order(slot) < self._order(held):
                table[key] = slot

    def _join(self, slot: int, matches: list[int]) -> None:
        cluster_ids = {self._cluster_of[m] for m in matches if m in self._cluster_of}
        loners = {m for m in matches if m not in self._cluster_of}
        if cluster_ids:
            target = max(cluster_ids, key=lambda c: len(self._clusters[c].members))
        else:
            target = self._next_cluster
            self._next_cluster += 1
            self._clusters[target] = _Cluster(root="", root_order=(math.inf, 0), members=set())
        cluster = self._clusters[target]
        for other_id in cluster_ids - {target}:
            other = self._clusters.pop(other_id)
            for member in other.members:
                self._cluster_of[member] = target
            cluster.members |= other.members
            if other.root_order < cluster.root_order:
                cluster.root, cluster.root_order = other.root, other.root_order
        for member in [*loners, slot]:
            self._cluster_of[member] = target
            cluster.members.add(member)
            order = (float(self._ts[member]), int(self._seqs[member]))
            if order < cluster.root_order:
                key = self._keys[member]
                assert key is not None
                cluster.root, cluster.root_order = key, order

    # ------------------------------------------------------------------ window

    def prune(self, before: Timestamp) -> int:
        """Forget texts stamped before a moment, to bound memory.

        A cluster keeps its original's key while any of its members is held, so
        later copies of a pruned original still point at it.

        Args:
            before: Texts with a timestamp strictly earlier are removed.

        Returns:
            How many texts were removed.

        Raises:
            ValueError: `before` is NaN.
        """
        cutoff = _to_epoch(before)
        assert cutoff is not None
        dead = (self._kinds != _FREE) & (self._ts < cutoff)
        stale = np.flatnonzero(dead).tolist()
        if not stale:
            return 0
        if (dead & self._in_lsh).any():
            self._lsh.remove(dead)
        orphaned: set[int] = set()
        pruned_short = False
        for slot in stale:
            key = self._keys[slot]
            assert key is not None
            kind = int(self._kinds[slot])
            if kind == _LONG:
                prefix = int(self._prefixes[slot])
                if prefix and self._prefix.get(prefix) == slot:
                    del self._prefix[prefix]
            if kind == _LONG and self._in_lsh[slot]:
                digest = int(self._digests[slot])
                if self._exact.get(digest) == slot:
                    del self._exact[digest]
                    orphaned.add(digest)
            elif kind == _SHORT:
                del self._short_meta[slot]
                pruned_short = True
            cluster_id = self._cluster_of.pop(slot, None)
            if cluster_id is not None:
                members = self._clusters[cluster_id].members
                members.discard(slot)
                if not members:
                    del self._clusters[cluster_id]
            del self._slot_of[key]
            self._keys[slot] = None
            self._kinds[slot] = _FREE
            self._in_lsh[slot] = False
            self._free.append(slot)
        if orphaned:
            self._promote_twins(orphaned)
        if pruned_short:
            # Rebuilt rather than patched: an entry may have been the earliest of
            # several, and the next earliest is only known by looking again.
            self._short_by_author.clear()
            self._short_anonymous.clear()
            self._short_reposts.clear()
            for slot in sorted(self._short_meta):
                self._register_short(slot)
        return len(stale)

    def _promote_twins(self, digests: set[int]) -> None:
        """Index a surviving exact copy in place of a pruned one."""
        waiting = np.flatnonzero((self._kinds == _LONG) & ~self._in_lsh)
        if not waiting.size:
            return
        wanted = np.fromiter(digests, dtype=_U64, count=len(digests))
        for slot in waiting[np.isin(self._digests[waiting], wanted)].tolist():
            digest = int(self._digests[slot])
            if digest in self._exact:
                continue
            self._exact[digest] = slot
            self._in_lsh[slot] = True
            self._lsh.add(slot, self._lsh.band_keys(self._sigs[slot : slot + 1])[0])

    # ------------------------------------------------------------------ persistence

    def to_bytes(self) -> bytes:
        """Serialise the index (an uncompressed numpy ``.npz`` archive; no pickle).

        Signatures are random-looking and do not compress, so none is tried.

        Returns:
            Bytes that `from_bytes` turns back into an equal index.
        """
        used = np.flatnonzero(self._kinds != _FREE)
        position = np.full(self._kinds.size, -1, dtype=np.int64)
        position[used] = np.arange(used.size)
        cluster_ids = sorted(self._clusters)
        cluster_index = {cid: i for i, cid in enumerate(cluster_ids)}
        member_cluster = np.full(len(used), -1, dtype=np.int64)
        if self._cluster_of:
            slots = np.fromiter(self._cluster_of.keys(), dtype=np.int64)
            ids = np.fromiter((cluster_index[c] for c in self._cluster_of.values()), np.int64)
            member_cluster[position[slots]] = ids
        meta = {
            "format": _FORMAT_VERSION,
            "normalisation": _NORMALISATION_VERSION,
            "config": self._config(),
            "bands": list(self._bands),
            "seq": self._seq,
            "clock": self._clock,
            "keys": [self._keys[s] for s in used.tolist()],
            "short": [
                [int(position[slot]), *self._short_meta[slot]] for slot in sorted(self._short_meta)
            ],
            "clusters": [
                [c.root, c.root_order[0], c.root_order[1]]
                for c in (self._clusters[cid] for cid in cluster_ids)
            ],
        }
        buffer = io.BytesIO()
        np.savez(
            buffer,
            meta=np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
            perm_a=self._perm_a,
            perm_b=self._perm_b,
            sigs=self._sigs[used],
            ts=self._ts[used],
            seqs=self._seqs[used],
            sizes=self._sizes[used],
            digests=self._digests[used],
            in_lsh=self._in_lsh[used],
            prefixes=self._prefixes[used],
            truncated=self._truncated[used],
            kinds=self._kinds[used],
            clusters=member_cluster,
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> NearDuplicateIndex:
        """Rebuild an index saved by `to_bytes`.

        The archive is read without pickle, so untrusted bytes cannot run code;
        the LSH arrays are rebuilt from the stored signatures.

        Args:
            data: Output of `to_bytes`.

        Returns:
            The restored index, with the configuration it was saved with.

        Raises:
            ValueError: The bytes are not an index archive, or one written by an
                incompatible version.
        """
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as archive:
                meta = json.loads(bytes(archive["meta"]).decode("utf-8"))
                arrays = {name: archive[name] for name in _ARCHIVE_ARRAYS}
        except (OSError, KeyError, ValueError, EOFError, UnicodeDecodeError) as exc:
            raise ValueError("not a NearDuplicateIndex archive") from exc
        if not isinstance(meta, dict) or meta.get("format") != _FORMAT_VERSION:
            raise ValueError("not a NearDuplicateIndex archive of a supported format")
        if meta.get("normalisation") != _NORMALISATION_VERSION:
            raise ValueError("index was built with another text normalisation; rebuild it")
        try:
            return cls._restore(meta, arrays)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise ValueError("corrupt NearDuplicateIndex archive") from exc

    @classmethod
    def _restore(cls, meta: dict[str, Any], arrays: dict[str, Any]) -> NearDuplicateIndex:
        index = cls(**meta["config"])
        index._perm_a = arrays["perm_a"].astype(_U32)
        index._perm_b = arrays["perm_b"].astype(_U32)
        index._bands = (int(meta["bands"][0]), int(meta["bands"][1]))
        count = len(meta["keys"])
        index._reset_storage(capacity=max(1024, 1 << max(0, count - 1).bit_length()))
        index._seq = int(meta["seq"])
        index._clock = float(meta["clock"])
        index._free = list(range(index._sigs.shape[0] - 1, count - 1, -1))
        for name in _ARCHIVE_ARRAYS[2:-1]:
            getattr(index, f"_{name}")[:count] = arrays[name]
        keys: list[str] = meta["keys"]
        index._keys[:count] = keys
        index._slot_of = dict(zip(keys, range(count), strict=True))
        if len(index._slot_of) != count:
            raise ValueError("duplicate keys")
        indexed = np.flatnonzero(index._in_lsh[:count])
        indexed = indexed[np.argsort(-index._seqs[indexed], kind="stable")]
        band_keys = np.concatenate(
            [np.empty((0, index._bands[0]), dtype=_U64)]
            + [
                index._lsh.band_keys(index._sigs[indexed[i : i + _CHUNK_SHINGLES]])
                for i in range(0, indexed.size, _CHUNK_SHINGLES)
            ]
        )
        index._lsh.load(indexed, band_keys)
        index._exact = dict(zip(index._digests[indexed].tolist(), indexed.tolist(), strict=True))
        # The prefix of a story maps to its oldest holder, as when it was built.
        long_slots = np.flatnonzero(index._kinds[:count] == _LONG)
        long_slots = long_slots[np.argsort(index._seqs[long_slots], kind="stable")]
        prefixes = index._prefixes[long_slots]
        unique, first = np.unique(prefixes, return_index=True)
        index._prefix = dict(zip(unique.tolist(), long_slots[first].tolist(), strict=True))
        index._prefix.pop(0, None)
        for slot, text, author, repost in meta["short"]:
            index._short_meta[slot] = (text, author, repost)
            index._register_short(slot)
        for cid, (root, root_ts, root_seq) in enumerate(meta["clusters"]):
            index._clusters[cid] = _Cluster(root, (float(root_ts), int(root_seq)), set())
        member_cluster = arrays["clusters"]
        members = np.flatnonzero(member_cluster >= 0)
        for slot, cid in zip(members.tolist(), member_cluster[members].tolist(), strict=True):
            index._cluster_of[slot] = cid
            index._clusters[cid].members.add(slot)
        index._next_cluster = len(meta["clusters"])
        return index

    def _config(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "num_perm": self.num_perm,
            "word_shingle": self.word_shingle,
            "char_shingle": self.char_shingle,
            "min_tokens": self.min_tokens,
            "min_chars": self.min_chars,
            "containment": self.containment,
            "containment_min_jaccard": self.containment_min_jaccard,
            "lsh_threshold": self.lsh_threshold,
            "bucket_cap": self.bucket_cap,
            "prefix_words": self.prefix_words,
            "strip_handles": self.strip_handles,
            "seed": self.seed,
        }
