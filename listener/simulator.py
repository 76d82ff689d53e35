"""A deterministic, seeded stream of mentions for the demo and for tests.

`ScenarioSimulator` is a collector like any other (``kind = "simulator"``): it
yields `MentionIn` records in time order for a fictional sparkling-drinks market
with three brands, Nuvola (ours) and the competitors Fizzly and Brisa, over a
window of days. Volume follows a daily rhythm (quiet nights, an evening peak, in
each language's local time) and a weekly one (busier weekends) with Poisson
noise; texts are composed natively in English, German, Indonesian and Thai.

With ``events=True`` two scenarios are injected, with ground truth in
`ScenarioSimulator.events`:

- ``launch``: Nuvola Zero launches at ``start + 5 days 08:00``; Nuvola volume
  rises two- to threefold for about a day, mostly praise, plus syndicated news
  articles with near-identical text and the brand's announcement and its reshares.
- ``illness_claim``: from ``start + 9 days 14:00`` a claim that Nuvola Citrus made
  people ill starts with one or two posts an hour, then spreads through reshares
  ("RT @user: ..."), quotes and people claiming the same, peaks a few hours later
  at tens of posts per five minutes and decays over about a day and a half.
  `ScenarioEvent.threshold_time` is when the 10th claim post appeared: the crisis
  alert must fire by `ScenarioEvent.alert_deadline` (30 minutes later).

Outside the illness event no post claims that a product made anyone ill.

Every record carries its ground truth in ``extra["sim"]`` for evaluation only
(pipelines must not read it): ``brand`` (the brand the post is about), ``brands``
(all brands it names), ``sentiment`` (positive, neutral, negative), ``event``
(None, "launch" or "illness_claim"), ``harm_claim`` (True only for posts that claim
or repeat the illness claim) and ``kind``: organic, hard_negative (illness words
or "sick" as slang, nothing blamed on a product), reply, app_review, news, launch,
owned_post, owned_reply, reshare, claim_original, claim_me_too, claim_quote,
crisis_question, crisis_reaction. Reshares and quotes also carry
``extra["reshare_of"]`` / ``extra["quote_of"]``, the external_id they copy.

The same seed and settings always give the same records, byte for byte.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any

import numpy as np

from listener import simulator_texts as tx
from listener.base import Batch, CollectorError
from models.types import MentionIn

DEFAULT_START = datetime(2026, 11, 1, tzinfo=UTC)
"""Start of the simulated window unless told otherwise (a Sunday, midnight UTC)."""

DEFAULT_LANGUAGE_MIX: Mapping[str, float] = {"en": 0.65, "de": 0.15, "id": 0.12, "th": 0.08}
"""Share of ordinary posts per language (ISO 639-1)."""

CLAIM_ALERT_THRESHOLD = 10
"""The n-th claim post whose time is recorded as `ScenarioEvent.threshold_time`."""

ALERT_DEADLINE = timedelta(minutes=30)
"""How soon after `threshold_time` the product must raise the crisis alert."""

LAUNCH_AT = timedelta(days=5, hours=8)
"""When the Nuvola Zero launch begins, relative to the window's start."""

ILLNESS_AT = timedelta(days=9, hours=14)
"""When the first illness claim appears, relative to the window's start."""

COMPETITOR_GROUP = "soft-drinks"

# Relative posting activity per local hour (0-23): quiet nights, an evening peak.
_HOURLY = np.array(
    [
        0.55,
        0.35,
        0.22,
        0.15,
        0.13,
        0.18,
        0.35,
        0.60,
        0.80,
        0.90,
        0.95,
        1.00,
        1.10,
        1.05,
        1.00,
        1.00,
        1.05,
        1.20,
        1.40,
        1.60,
        1.70,
        1.60,
        1.30,
        0.90,
    ]
)
_HOURLY = _HOURLY / _HOURLY.mean()
# Monday..Sunday, local time: people post more at the weekend.
_WEEKDAY = (0.95, 0.95, 0.97, 1.0, 1.08, 1.2, 1.15)
# Where each language's audience mostly lives, as hours from UTC.
_TZ_OFFSET = {"en": 0, "de": 1, "id": 7, "th": 7}

_SOURCE_MIX: tuple[tuple[str, float], ...] = (
    ("twitter", 0.47),
    ("bluesky", 0.17),
    ("reddit", 0.13),
    ("mastodon", 0.10),
    ("appstore", 0.07),
    ("news", 0.06),
)
_SOCIAL_MIX: tuple[tuple[str, float], ...] = (
    ("twitter", 0.55),
    ("bluesky", 0.2),
    ("reddit", 0.15),
    ("mastodon", 0.1),
)
_SOCIAL = frozenset({"twitter", "bluesky", "reddit", "mastodon"})
_NEWS_SENTIMENT: tuple[tuple[str, float], ...] = (
    ("neutral", 0.65),
    ("positive", 0.2),
    ("negative", 0.15),
)
_LAUNCH_SENTIMENT: tuple[tuple[str, float], ...] = (
    ("positive", 0.72),
    ("neutral", 0.2),
    ("negative", 0.08),
)
_CLAIM_LANGUAGE_MIX: tuple[tuple[str, float], ...] = (
    ("en", 0.70),
    ("de", 0.12),
    ("id", 0.10),
    ("th", 0.08),
)
_COUNTRIES: dict[str, tuple[tuple[str, float], ...]] = {
    "en": (("US", 0.42), ("GB", 0.30), ("AU", 0.10), ("CA", 0.08), ("IE", 0.05), ("SG", 0.05)),
    "de": (("DE", 0.75), ("AT", 0.15), ("CH", 0.10)),
    "id": (("ID", 1.0),),
    "th": (("TH", 1.0),),
}
_POOL_SIZE = {"en": 2400, "de": 600, "id": 550, "th": 400}
_OUTLETS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "en": (
        ("Example News", "news.example.com", "US"),
        ("Daily Ledger", "dailyledger.example.com", "GB"),
        ("The City Post", "thecitypost.example.org", "US"),
        ("Market Desk", "marketdesk.example.net", "US"),
        ("Food & Trade Weekly", "foodtrade.example.com", "GB"),
        ("Morning Wire", "morningwire.example.net", "AU"),
        ("Harbour Herald", "harbourherald.example.org", "IE"),
    ),
    "de": (
        ("Tagesblatt", "tagesblatt.example.org", "DE"),
        ("Wirtschaft Kompakt", "wirtschaft-kompakt.example.com", "DE"),
        ("Alpenkurier", "alpenkurier.example.net", "AT"),
    ),
    "id": (
        ("Kabar Harian", "kabarharian.example.com", "ID"),
        ("Warta Niaga", "wartaniaga.example.net", "ID"),
    ),
    "th": (
        ("Khao Chao Daily", "khaochao.example.com", "TH"),
        ("Bangkok Brief", "bangkokbrief.example.org", "TH"),
    ),
}
_SUBREDDITS = {
    "en": ("sodapop", "drinks", "snackexchange", "grocery"),
    "de": ("getraenke", "de_snacks"),
    "id": ("indonesia_jajan",),
    "th": ("thailand_food",),
}
_CLAIM_EMOJI = ("😡", "😳", "🤢", "😰", "⚠️", "😭")
_NEWS_NUMBERS = ("80", "120", "150", "200", "250", "400", "600")

# The illness claim's shape: claims per hour at the peak (scale 1), the logistic
# rise (midpoint, width) and the exponential decay after the peak, in hours.
_ILLNESS_PEAK_PER_HOUR = 300.0
_ILLNESS_RISE_MID_H = 3.8
_ILLNESS_RISE_WIDTH_H = 0.55
_ILLNESS_PEAK_H = 5.5
_ILLNESS_DECAY_H = 5.0
_ILLNESS_SEED_PHASE_H = 2.0
_ILLNESS_LENGTH_H = 36.0
_LAUNCH_LIFT = 2.5
_LAUNCH_LENGTH_H = 26.0


@dataclass(frozen=True)
class _BrandSpec:
    name: str
    aliases: tuple[str, ...]
    products: tuple[str, ...]
    query: str
    handle: str
    company_names: tuple[str, ...]
    hashtags: tuple[str, ...]
    daily_mentions: float
    sentiment_mix: tuple[tuple[str, float], ...]
    account_followers: int
    answers_customers: bool


_BRANDS: tuple[_BrandSpec, ...] = (
    _BrandSpec(
        name="Nuvola",
        aliases=("Nuvola Drinks", "@nuvoladrinks", "#nuvola"),
        products=("Nuvola Citrus", "Nuvola Berry", "Nuvola Zero"),
        query='Nuvola OR "Nuvola Drinks" OR @nuvoladrinks OR #nuvola',
        handle="@nuvoladrinks",
        company_names=("Nuvola", "Nuvola Drinks"),
        hashtags=("#nuvola",),
        daily_mentions=160.0,
        sentiment_mix=(("positive", 0.42), ("neutral", 0.40), ("negative", 0.18)),
        account_followers=184_000,
        answers_customers=True,
    ),
    _BrandSpec(
        name="Fizzly",
        aliases=("@fizzly", "#fizzly"),
        products=("Fizzly Lime", "Fizzly Cherry", "Fizzly Cola"),
        query="Fizzly OR @fizzly OR #fizzly",
        handle="@fizzly",
        company_names=("Fizzly",),
        hashtags=("#fizzly",),
        daily_mentions=190.0,
        sentiment_mix=(("positive", 0.36), ("neutral", 0.44), ("negative", 0.20)),
        account_followers=412_000,
        answers_customers=True,
    ),
    _BrandSpec(
        name="Brisa",
        aliases=("Brisa Soda", "@brisa_soda"),
        products=("Brisa Mango", "Brisa Ginger"),
        query='Brisa OR "Brisa Soda" OR @brisa_soda',
        handle="@brisa_soda",
        company_names=("Brisa", "Brisa Soda"),
        hashtags=(),
        daily_mentions=100.0,
        sentiment_mix=(("positive", 0.26), ("neutral", 0.40), ("negative", 0.34)),
        account_followers=96_000,
        answers_customers=False,
    ),
)
_BRAND_BY_NAME = {b.name: b for b in _BRANDS}
_LAUNCH_PRODUCT = "Nuvola Zero"
_CLAIM_PRODUCT = "Nuvola Citrus"


@dataclass(frozen=True)
class ScenarioEvent:
    """Ground truth for one injected scenario.

    Attributes:
        kind: ``"launch"`` or ``"illness_claim"``.
        brand: The brand the event is about.
        start: When the event begins (its first post is at or after this).
        end: When its last post appeared.
        description: One sentence a human can read.
        external_ids: Every record the event produced, in time order: posts,
            reshares, quotes, news, the brand's own replies and statements.
        product: The product at the centre of it.
        claim_ids: For ``illness_claim``: the posts that claim or repeat the claim
            (originals, "me too" posts, reshares and quotes), in time order.
        threshold_time: For ``illness_claim``: when the 10th claim post appeared;
            None if fewer than 10 fit in the window.
        peak_time: Start of the busiest five minutes of the event.
    """

    kind: str
    brand: str
    start: datetime
    end: datetime
    description: str
    external_ids: tuple[str, ...]
    product: str | None = None
    claim_ids: tuple[str, ...] = ()
    threshold_time: datetime | None = None
    peak_time: datetime | None = None

    @property
    def alert_deadline(self) -> datetime | None:
        """Latest time at which a crisis alert meets the requirement, if any."""
        if self.threshold_time is None:
            return None
        return self.threshold_time + ALERT_DEADLINE


class ScenarioSimulator:
    """Seeded collector of simulated mentions for Nuvola, Fizzly and Brisa.

    Example:
        >>> sim = ScenarioSimulator(seed=7, days=14)
        >>> mentions = sim.generate()
        >>> crisis = next(e for e in sim.events if e.kind == "illness_claim")
    """

    kind = "simulator"

    def __init__(
        self,
        seed: int = 7,
        days: int = 14,
        start: datetime | str = DEFAULT_START,
        scale: float = 1.0,
        events: bool = True,
        *,
        batch_size: int = 500,
        language_mix: Mapping[str, float] | None = None,
    ) -> None:
        """Configure the scenario; nothing is generated until first needed.

        Args:
            seed: Seed for numpy's random Generator; same seed, same stream.
            days: Length of the window in days.
            start: Start of the window, a datetime or an ISO 8601 string; naive
                values are taken as UTC.
            scale: Multiplies every volume (ordinary posts, launch, illness claim
                growth). The illness claim reaches 10 posts within 2-4 hours from
                about scale 0.3 upwards.
            events: Inject the launch and the illness claim.
            batch_size: Mentions per `Batch` from `collect`.
            language_mix: Share of ordinary posts per language; keys among
                ``en``, ``de``, ``id``, ``th``. Defaults to `DEFAULT_LANGUAGE_MIX`.

        Raises:
            ValueError: A setting is out of range or a language is unknown.
        """
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise ValueError(f"days must be a positive integer, got {days!r}")
        if not (math.isfinite(scale) and scale > 0):
            raise ValueError(f"scale must be a positive number, got {scale!r}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size!r}")
        mix = dict(DEFAULT_LANGUAGE_MIX if language_mix is None else language_mix)
        unknown = sorted(set(mix) - set(tx.LANGUAGES))
        if unknown:
            raise ValueError(f"unsupported languages {unknown}; known: {list(tx.LANGUAGES)}")
        total = sum(mix.values())
        if total <= 0 or any(v < 0 for v in mix.values()):
            raise ValueError("language_mix needs non-negative shares with a positive sum")
        self.seed = int(seed)
        self.days = days
        self.start = _as_utc(start)
        self.scale = float(scale)
        self.inject_events = bool(events)
        self.batch_size = batch_size
        self.language_mix = {lang: mix[lang] / total for lang in tx.LANGUAGES if lang in mix}
        self._built: tuple[list[MentionIn], list[ScenarioEvent]] | None = None

    @property
    def end(self) -> datetime:
        """End of the window (exclusive)."""
        return self.start + timedelta(days=self.days)

    @property
    def events(self) -> list[ScenarioEvent]:
        """Ground truth of the injected events that start inside the window."""
        return list(self._build()[1])

    @staticmethod
    def brands() -> list[dict[str, Any]]:
        """Describe the simulated brands as plain dicts, ready to register.

        Returns:
            One dict per brand with ``name``, ``aliases``, ``products``,
            ``competitor_group``, ``query`` (boolean syntax: ``OR``, quoted
            phrases, @handles, #hashtags), ``owned_handles`` and ``is_own_brand``
            (True for Nuvola, the brand the demo monitors; the others are its
            competitors).
        """
        return [
            {
                "name": b.name,
                "aliases": list(b.aliases),
                "products": list(b.products),
                "competitor_group": COMPETITOR_GROUP,
                "query": b.query,
                "owned_handles": [b.handle],
                "is_own_brand": b.name == "Nuvola",
            }
            for b in _BRANDS
        ]

    def generate(self) -> list[MentionIn]:
        """Return the whole stream in time order.

        Returns:
            Fresh copies of the records, so callers may modify them.
        """
        return [_copy(m) for m in self._build()[0]]

    def collect(self, query: str, cursor: dict[str, Any]) -> Iterator[Batch]:
        """Yield the stream in batches of `batch_size`, resuming after `cursor`.

        The simulator always produces all three brands: `query` is ignored and
        brand matching happens downstream with each brand's query.

        Args:
            query: Ignored.
            cursor: ``{"offset": n}``, the number of records already emitted, as
                returned by a previous batch; empty to start from the beginning.

        Yields:
            Batches in time order, each with the cursor after it; ``done`` is True
            on the last one. A finished stream yields one empty, done batch.

        Raises:
            CollectorError: The cursor is not of the form ``{"offset": n >= 0}``.
        """
        offset = _read_offset(cursor)
        stream = self._build()[0]
        if offset >= len(stream):
            yield Batch(mentions=[], cursor={"offset": len(stream)}, done=True)
            return
        for begin in range(offset, len(stream), self.batch_size):
            stop = min(begin + self.batch_size, len(stream))
            yield Batch(
                mentions=[_copy(m) for m in stream[begin:stop]],
                cursor={"offset": stop},
                done=stop >= len(stream),
            )

    def _build(self) -> tuple[list[MentionIn], list[ScenarioEvent]]:
        if self._built is None:
            self._built = _Scenario(self).run()
        return self._built


def _copy(mention: MentionIn) -> MentionIn:
    """Copy a cached record, including its (shallow, known-shape) ``extra``."""
    copied = mention.model_copy()
    extra = dict(mention.extra)
    truth = dict(extra["sim"])
    truth["brands"] = list(truth["brands"])
    extra["sim"] = truth
    copied.extra = extra
    return copied


def _as_utc(value: datetime | str) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _read_offset(cursor: Mapping[str, Any] | None) -> int:
    if not cursor:
        return 0
    offset = cursor.get("offset", 0)
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise CollectorError("simulator", f"bad cursor {dict(cursor)!r}: need offset >= 0")
    return offset


# --- randomness ----------------------------------------------------------------------


class _Rand:
    """Cheap scalar draws from a numpy Generator, buffered for speed."""

    _BLOCK = 8192

    def __init__(self, gen: np.random.Generator) -> None:
        self._gen = gen
        self._buf: list[float] = []
        self._i = 0

    def u(self) -> float:
        if self._i >= len(self._buf):
            self._buf = self._gen.random(self._BLOCK).tolist()
            self._i = 0
        value = self._buf[self._i]
        self._i += 1
        return value

    def chance(self, p: float) -> bool:
        return self.u() < p

    def pick(self, items: Sequence[str]) -> str:
        return items[int(self.u() * len(items))]

    def weighted(self, table: tuple[tuple[str, float], ...]) -> str:
        total = sum(w for _, w in table)
        x = self.u() * total
        for key, weight in table:
            x -= weight
            if x < 0:
                return key
        return table[-1][0]

    def lognormal_seconds(self, median_s: float, sigma: float, low: float, high: float) -> int:
        # Box-Muller from two buffered uniforms; 1 - u keeps log() away from 0.
        z = math.sqrt(-2.0 * math.log(1.0 - self.u())) * math.cos(2.0 * math.pi * self.u())
        return int(min(high, max(low, median_s * math.exp(sigma * z))))


class _AuthorPool:
    """Handles of one language's posters, with Zipf-like activity."""

    def __init__(self, lang: str, size: int, gen: np.random.Generator, r: _Rand) -> None:
        names, words = tx.HANDLE_PARTS[lang]
        seen: set[str] = set()
        handles: list[str] = []
        attempts = 0
        while len(handles) < size and attempts < size * 50:
            attempts += 1
            name, word = r.pick(names), r.pick(words)
            digits = str(int(r.u() * 99) + 1)
            pattern = int(r.u() * 5)
            handle = (
                f"{name}_{word}",
                f"{name}{digits}",
                f"{word}_{name}",
                f"{name}{word}{digits[-1]}",
                f"{name}_{word}{digits}",
            )[pattern]
            if handle not in seen:
                seen.add(handle)
                handles.append("@" + handle)
        self.handles = handles
        # Heavy-tailed audiences: median about 180 followers, a few with 100k+.
        self.followers = (gen.lognormal(5.2, 1.9, len(handles)) + 3).astype(np.int64).tolist()
        countries = _COUNTRIES[lang]
        self.countries = [r.weighted(countries) if r.chance(0.45) else None for _ in handles]
        ranks = np.arange(len(handles), dtype=float)
        weights = 1.0 / (ranks + 30.0)
        self._cum = list(accumulate((weights / weights.sum()).tolist()))

    def draw(self, r: _Rand) -> int:
        return min(bisect_right(self._cum, r.u()), len(self.handles) - 1)


# --- drafts --------------------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    t: int
    brand: str
    lang: str
    source: str
    author: str
    followers: int | None
    text: str
    sentiment: str
    kind: str
    country: str | None = None
    event: str | None = None
    harm_claim: bool = False
    is_owned: bool = False
    parent: int | None = None
    reshare_of: int | None = None
    quote_of: int | None = None
    question: bool = False
    mentions: tuple[str, ...] = ()
    engagement: float = 1.0
    share_ratio: float = 0.15


def _rules(*rules: tuple[float, str, str]) -> tuple[tuple[float, str, re.Pattern[str], str], ...]:
    """Compile (probability, word, replacement) rules; the plain word is a cheap pre-check."""
    return tuple((p, word, re.compile(rf"\b{re.escape(word)}\b"), new) for p, word, new in rules)


_NOISE_RULES: dict[str, tuple[tuple[float, str, re.Pattern[str], str], ...]] = {
    "en": _rules(
        (0.5, "you", "u"),
        (0.5, "really", "rly"),
        (0.5, "though", "tho"),
        (0.4, "because", "bc"),
        (0.3, "I'm", "im"),
        (0.3, "don't", "dont"),
        (0.3, "can't", "cant"),
        (0.3, "going to", "gonna"),
        (0.2, "so", "sooo"),
        (0.3, "please", "pls"),
        (0.3, "thanks", "thx"),
        (0.3, "what", "wat"),
    ),
    "de": _rules(
        (0.3, "nicht", "nich"),
        (0.3, "ist", "is"),
        (0.3, "habe", "hab"),
        (0.2, "gerade", "grad"),
        (0.3, "einfach", "einfach mal"),
        (0.3, "wirklich", "echt"),
    ),
    "id": _rules(
        (0.4, "nggak", "ga"),
        (0.4, "banget", "bgt"),
        (0.4, "yang", "yg"),
        (0.3, "udah", "udh"),
        (0.3, "aku", "aq"),
        (0.3, "gimana", "gmn"),
        (0.3, "sama", "sm"),
        (0.3, "di mana", "dimana"),
    ),
    # Thai has no spaces between words, so these are plain substrings.
    "th": (
        (0.3, "มาก", re.compile("มาก"), "มากกก"),
        (0.25, "จริงๆ", re.compile("จริงๆ"), "จริงงง"),
        (0.2, "ไหม", re.compile("ไหม"), "มั้ย"),
    ),
}
_BRAND_TOKENS = ("nuvola", "fizzly", "brisa")


class _Scenario:
    """One generation run: draws drafts, then turns them into records and events."""

    def __init__(self, sim: ScenarioSimulator) -> None:
        self.sim = sim
        self.gen = np.random.default_rng(sim.seed)
        self.r = _Rand(self.gen)
        self.total_s = sim.days * 86_400
        self.drafts: list[_Draft] = []
        self.pools = {
            lang: _AuthorPool(lang, _POOL_SIZE[lang], self.gen, self.r) for lang in tx.LANGUAGES
        }
        launch_s = int(LAUNCH_AT.total_seconds())
        illness_s = int(ILLNESS_AT.total_seconds())
        self.launch_s = launch_s if sim.inject_events and launch_s < self.total_s else None
        self.illness_s = illness_s if sim.inject_events and illness_s < self.total_s else None

    def run(self) -> tuple[list[MentionIn], list[ScenarioEvent]]:
        lam = self._hourly_rates()
        self._ordinary(lam)
        if self.launch_s is not None:
            self._launch(lam)
        self._conversation_replies()
        self._owned_replies()
        if self.illness_s is not None:
            self._illness()
        return self._finish()

    # -- volume ------------------------------------------------------------------------

    def _hourly_rates(self) -> np.ndarray:
        """Expected ordinary posts per (brand, language, hour of the window)."""
        sim = self.sim
        hours = math.ceil(self.total_s / 3600)
        langs = list(sim.language_mix)
        lam = np.zeros((len(_BRANDS), len(langs), hours))
        day_noise = self.gen.lognormal(0.0, 0.08, (len(_BRANDS), sim.days + 1))
        for li, lang in enumerate(langs):
            offset = timedelta(hours=_TZ_OFFSET[lang])
            local = [sim.start + timedelta(hours=h) + offset for h in range(hours)]
            shape = np.array([_HOURLY[t.hour] * _WEEKDAY[t.weekday()] for t in local])
            for bi, brand in enumerate(_BRANDS):
                noise = day_noise[bi, np.arange(hours) // 24]
                lam[bi, li] = (
                    brand.daily_mentions / 24 * sim.language_mix[lang] * shape * noise * sim.scale
                )
        return lam

    def _ordinary(self, lam: np.ndarray) -> None:
        counts = self.gen.poisson(lam)
        langs = list(self.sim.language_mix)
        for bi, li, h in zip(*np.nonzero(counts), strict=True):
            for _ in range(int(counts[bi, li, h])):
                t = int(h) * 3600 + int(self.r.u() * 3600)
                self._ordinary_post(_BRANDS[bi], langs[li], t)

    def _ordinary_post(self, brand: _BrandSpec, lang: str, t: int) -> None:
        r = self.r
        source = r.weighted(_SOURCE_MIX)
        if source == "news":
            self._news_post(brand, lang, t)
            return
        author = self.pools[lang].draw(r)
        if source == "appstore":
            sentiment = r.weighted(brand.sentiment_mix)
            text, mentions = self._fill(r.pick(tx.APP_REVIEWS[lang][sentiment]), brand, lang, t)
            self._add_author_post(
                brand,
                lang,
                t,
                source,
                author,
                text,
                sentiment,
                "app_review",
                mentions,
                engagement=0.05,
            )
            return
        if r.chance(0.03):
            sentiment, body = tx.HARD_NEGATIVES[lang][int(r.u() * len(tx.HARD_NEGATIVES[lang]))]
            kind = "hard_negative"
        else:
            sentiment = r.weighted(brand.sentiment_mix)
            body = r.pick(tx.ORGANIC[lang][sentiment]["bodies"])
            kind = "organic"
        question = "?" in body and sentiment == "neutral"
        if source == "reddit" and r.chance(0.4):
            # Reddit posts run longer: a second paragraph in the same mood.
            second = r.pick(tx.ORGANIC[lang][sentiment]["bodies"])
            body = f"{body}\n\n{second[0].upper()}{second[1:]}"
        text, mentions = self._compose(brand, lang, sentiment, t, body, social=True)
        draft = self._add_author_post(
            brand, lang, t, source, author, text, sentiment, kind, mentions
        )
        draft.question = question

    def _add_author_post(
        self,
        brand: _BrandSpec,
        lang: str,
        t: int,
        source: str,
        author: int,
        text: str,
        sentiment: str,
        kind: str,
        mentions: tuple[str, ...],
        *,
        event: str | None = None,
        engagement: float = 1.0,
        share_ratio: float = 0.15,
        harm_claim: bool = False,
    ) -> _Draft:
        pool = self.pools[lang]
        draft = _Draft(
            t=t,
            brand=brand.name,
            lang=lang,
            source=source,
            author=pool.handles[author],
            followers=pool.followers[author],
            text=text,
            sentiment=sentiment,
            kind=kind,
            country=pool.countries[author],
            event=event,
            mentions=mentions,
            engagement=engagement,
            share_ratio=share_ratio,
            harm_claim=harm_claim,
        )
        self.drafts.append(draft)
        return draft

    def _news_post(
        self,
        brand: _BrandSpec,
        lang: str,
        t: int,
        *,
        text: str | None = None,
        outlet: tuple[str, str, str] | None = None,
        sentiment: str | None = None,
        event: str | None = None,
    ) -> _Draft:
        r = self.r
        if outlet is None:
            outlets = _OUTLETS[lang]
            outlet = outlets[int(r.u() * len(outlets))]
        mentions: tuple[str, ...] = (brand.name,)
        if text is None:
            sentiment = r.weighted(_NEWS_SENTIMENT)
            text, mentions = self._fill(r.pick(tx.NEWS[lang][sentiment]), brand, lang, t)
        draft = _Draft(
            t=t,
            brand=brand.name,
            lang=lang,
            source="news",
            author=outlet[0],
            followers=None,
            text=text,
            sentiment=sentiment or "neutral",
            kind="news",
            country=outlet[2],
            event=event,
            mentions=mentions,
            engagement=0.2,
            share_ratio=0.3,
        )
        self.drafts.append(draft)
        return draft

    # -- text ------------------------------------------------------------------------

    def _fill(
        self, template: str, brand: _BrandSpec, lang: str, t: int, **fixed: str
    ) -> tuple[str, tuple[str, ...]]:
        """Fill placeholders; return the text and the brands it names."""
        r = self.r
        named = [brand.name]
        text = template
        for key, value in fixed.items():
            text = text.replace("{" + key + "}", value)
        if "{p}" in text:
            text = text.replace("{p}", self._product(brand, t))
        if "{b}" in text:
            text = text.replace("{b}", r.pick(brand.company_names))
        if "{h}" in text:
            text = text.replace("{h}", brand.handle)
        if "{z}" in text:
            text = text.replace("{z}", _LAUNCH_PRODUCT)
        if "{c}" in text:
            rival = _BRANDS[int(r.u() * len(_BRANDS))]
            if rival is brand:
                rival = _BRANDS[(_BRANDS.index(brand) + 1) % len(_BRANDS)]
            text = text.replace("{c}", self._product(rival, t))
            named.append(rival.name)
        if "{city}" in text:
            text = text.replace("{city}", r.pick(tx.CITIES[lang]))
        if "{n}" in text:
            text = text.replace("{n}", r.pick(_NEWS_NUMBERS))
        return text, tuple(named)

    def _product(self, brand: _BrandSpec, t: int) -> str:
        r = self.r
        if brand.name == "Nuvola":
            launched = self.launch_s is not None and t >= self.launch_s
            x = r.u() * (1.25 if launched else 1.0)
            if x < 0.3:
                return "Nuvola"
            if x < 0.65:
                return "Nuvola Citrus"
            return "Nuvola Berry" if x < 1.0 else _LAUNCH_PRODUCT
        if r.chance(0.3):
            return brand.name
        return r.pick([p for p in brand.products if p != _LAUNCH_PRODUCT])

    def _compose(
        self,
        brand: _BrandSpec,
        lang: str,
        sentiment: str,
        t: int,
        body: str,
        *,
        social: bool,
    ) -> tuple[str, tuple[str, ...]]:
        """Build a post around `body` from openers, closers, emoji and hashtags."""
        r = self.r
        parts = tx.ORGANIC[lang][sentiment]
        has_opener = r.chance(0.35)
        pieces = [r.pick(parts["openers"])] if has_opener else []
        pieces.append(body)
        text = " ".join(pieces)
        if r.chance(0.4):
            closer = r.pick(parts["closers"])
            if lang == "th" or text[-1] in "?!.:":
                text = f"{text} {closer}"
            else:
                text = text + r.pick((" ", ". ", "! ", ", ", " - ")) + closer
        text, mentions = self._fill(text, brand, lang, t)
        if not has_opener and lang in ("en", "de") and r.chance(0.85 if lang == "de" else 0.5):
            text = text[0].upper() + text[1:]
        if social:
            text = self._noise(text, lang, sentiment)
        if r.chance({"positive": 0.5, "neutral": 0.15, "negative": 0.3}[sentiment]):
            emoji = r.pick(tx.EMOJI[sentiment])
            text += " " + (emoji * (2 + int(r.u() * 2)) if r.chance(0.25) else emoji)
        if r.chance(0.22):
            if brand.hashtags and r.chance(0.6):
                text += " " + r.pick(brand.hashtags)
            else:
                text += " " + r.pick(tx.HASHTAGS[lang])
        return text, mentions

    def _noise(self, text: str, lang: str, sentiment: str) -> str:
        """Slang, shortcuts and the odd typo, as people actually type."""
        r = self.r
        for p, word, pattern, new in _NOISE_RULES[lang]:
            if word in text and pattern.search(text) and r.chance(p):
                text = pattern.sub(new, text, count=1)
        if lang in ("en", "de") and r.chance(0.18 if lang == "en" else 0.1):
            text = text.lower()
        if lang in ("en", "de", "id") and r.chance(0.06):
            text = self._typo(text)
        if sentiment != "neutral" and lang != "th" and r.chance(0.08):
            text = text.rstrip(".!") + "!!!"
        if lang == "id" and sentiment != "negative" and r.chance(0.08):
            text += " wkwk"
        if lang == "th" and sentiment == "positive" and r.chance(0.1):
            text += " 555"
        return text

    def _typo(self, text: str) -> str:
        words = text.split(" ")
        candidates = [
            i
            for i, w in enumerate(words)
            if len(w) >= 5 and w.isalpha() and not any(b in w.lower() for b in _BRAND_TOKENS)
        ]
        if not candidates:
            return text
        i = candidates[int(self.r.u() * len(candidates))]
        w = words[i]
        j = 1 + int(self.r.u() * (len(w) - 2))
        words[i] = w[: j - 1] + w[j] + w[j - 1] + w[j + 1 :]
        return " ".join(words)

    # -- launch ----------------------------------------------------------------------

    def _launch(self, lam: np.ndarray) -> None:
        assert self.launch_s is not None
        r = self.r
        nuvola = _BRAND_BY_NAME["Nuvola"]
        t0 = self.launch_s
        langs = list(self.sim.language_mix)
        first_hour = t0 // 3600
        hours = np.arange(first_hour, min(lam.shape[2], first_hour + int(_LAUNCH_LENGTH_H)))
        since = (hours * 3600 + 1800 - t0) / 3600.0
        envelope = np.minimum(1.0, since) * np.exp(-np.maximum(0.0, since - 2.0) / 14.0)
        extra = self.gen.poisson(_LAUNCH_LIFT * envelope * lam[0][:, hours])
        for li, k in zip(*np.nonzero(extra), strict=True):
            lang, hour = langs[li], int(hours[k])
            for _ in range(int(extra[li, k])):
                low = max(hour * 3600, t0)
                t = low + int(r.u() * ((hour + 1) * 3600 - low))
                sentiment = r.weighted(_LAUNCH_SENTIMENT)
                body = r.pick(tx.LAUNCH[lang][sentiment])
                text, mentions = self._compose(nuvola, lang, sentiment, t, body, social=True)
                draft = self._add_author_post(
                    nuvola,
                    lang,
                    t,
                    r.weighted(_SOCIAL_MIX),
                    self.pools[lang].draw(r),
                    text,
                    sentiment,
                    "launch",
                    mentions,
                    event="launch",
                    engagement=1.5,
                )
                draft.question = "?" in body and sentiment == "neutral"
        announcements: dict[str, int] = {}
        for i, (lang, text) in enumerate(tx.LAUNCH_ANNOUNCEMENT.items()):
            announcements[lang] = len(self.drafts)
            self._owned_post(nuvola, lang, t0 + i * 600, text, "positive", "launch")
        for _ in range(round(30 * self.sim.scale)):
            lang = r.weighted(_CLAIM_LANGUAGE_MIX)
            source_i = announcements[lang]
            t = self.drafts[source_i].t + r.lognormal_seconds(5400, 1.0, 60, 8 * 3600)
            self._reshare(source_i, t, "positive", "launch", harm_claim=False)
        for lang, (headlines, body) in tx.LAUNCH_NEWS.items():
            for outlet in _OUTLETS[lang][: 5 if lang == "en" else 2]:
                t = t0 + 3600 + int(r.u() * 5 * 3600)
                text = f"{r.pick(headlines)}\n\n{body}{r.pick(tx.LAUNCH_NEWS_TAILS)}"
                self._news_post(
                    nuvola, lang, t, text=text, outlet=outlet, sentiment="neutral", event="launch"
                )

    def _owned_post(
        self, brand: _BrandSpec, lang: str, t: int, text: str, sentiment: str, event: str | None
    ) -> _Draft:
        draft = _Draft(
            t=t,
            brand=brand.name,
            lang=lang,
            source="twitter",
            author=brand.handle,
            followers=brand.account_followers,
            text=text,
            sentiment=sentiment,
            kind="owned_post",
            event=event,
            is_owned=True,
            mentions=(brand.name,),
            engagement=1.0,
            share_ratio=0.3,
        )
        self.drafts.append(draft)
        return draft

    def _reshare(
        self, source_i: int, t: int, sentiment: str, event: str | None, *, harm_claim: bool
    ) -> _Draft:
        src = self.drafts[source_i]
        r = self.r
        author = self.pools[src.lang].draw(r)
        draft = self._add_author_post(
            _BRAND_BY_NAME[src.brand],
            src.lang,
            t,
            "twitter" if r.chance(0.75) else "bluesky",
            author,
            f"RT {src.author}: {src.text}",
            sentiment,
            "reshare",
            src.mentions,
            event=event,
            engagement=0.15,
            share_ratio=0.05,
            harm_claim=harm_claim,
        )
        draft.reshare_of = source_i
        return draft

    # -- replies ---------------------------------------------------------------------

    def _conversation_replies(self) -> None:
        """Other users answer some posts, in the same language, minutes to hours later."""
        r = self.r
        for i in range(len(self.drafts)):
            parent = self.drafts[i]
            if parent.source not in _SOCIAL or parent.is_owned or parent.kind == "reshare":
                continue
            if not r.chance(0.07):
                continue
            n = 1 + int(r.chance(0.35)) + int(r.chance(0.1))
            brand = _BRAND_BY_NAME[parent.brand]
            for _ in range(n):
                t = parent.t + r.lognormal_seconds(1500, 1.0, 60, 12 * 3600)
                sentiment = r.weighted(brand.sentiment_mix)
                body = r.pick(tx.ORGANIC[parent.lang][sentiment]["bodies"])
                text, mentions = self._compose(brand, parent.lang, sentiment, t, body, social=True)
                author = self.pools[parent.lang].draw(r)
                draft = self._add_author_post(
                    brand,
                    parent.lang,
                    t,
                    parent.source,
                    author,
                    f"{parent.author} {text}",
                    sentiment,
                    "reply",
                    mentions,
                )
                draft.parent = i
                draft.question = "?" in body and sentiment == "neutral"

    def _owned_replies(self) -> None:
        """The brands' care teams answer some complaints and questions."""
        r = self.r
        for i in range(len(self.drafts)):
            post = self.drafts[i]
            brand = _BRAND_BY_NAME[post.brand]
            if (
                not brand.answers_customers
                or post.is_owned
                or post.source not in _SOCIAL
                or post.kind == "reshare"
            ):
                continue
            if post.sentiment == "negative" and r.chance(0.2):
                intent = "complaint"
            elif post.question and r.chance(0.25):
                intent = "question"
            else:
                continue
            t = post.t + r.lognormal_seconds(2700, 0.9, 120, 10 * 3600)
            self._owned_reply(i, t, intent, post.event)

    def _owned_reply(self, parent_i: int, t: int, intent: str, event: str | None) -> None:
        post = self.drafts[parent_i]
        brand = _BRAND_BY_NAME[post.brand]
        text = self.r.pick(tx.OWNED_REPLIES[brand.name][post.lang][intent])
        self.drafts.append(
            _Draft(
                t=t,
                brand=brand.name,
                lang=post.lang,
                source=post.source,
                author=brand.handle,
                followers=brand.account_followers,
                text=text.replace("{user}", post.author),
                sentiment="neutral",
                kind="owned_reply",
                event=event,
                is_owned=True,
                parent=parent_i,
                mentions=(brand.name,),
                engagement=0.3,
            )
        )

    # -- the illness claim -----------------------------------------------------------

    def _illness_times(self) -> list[int]:
        assert self.illness_s is not None
        r, t0 = self.r, self.illness_s
        seed_phase = int(_ILLNESS_SEED_PHASE_H * 3600)
        n_seed = min(5, 1 + int(self.gen.poisson(2.0)))
        times = [t0 + 180 + int(r.u() * 120)]
        times += [t0 + 600 + int(r.u() * (seed_phase - 600)) for _ in range(n_seed - 1)]
        minutes = np.arange(seed_phase // 60, int(_ILLNESS_LENGTH_H * 60))
        hours = minutes / 60.0
        rise = 1.0 / (1.0 + np.exp(-(hours - _ILLNESS_RISE_MID_H) / _ILLNESS_RISE_WIDTH_H))
        decay = np.exp(-np.maximum(0.0, hours - _ILLNESS_PEAK_H) / _ILLNESS_DECAY_H)
        per_minute = self.sim.scale * _ILLNESS_PEAK_PER_HOUR / 60.0 * rise * decay
        counts = self.gen.poisson(per_minute)
        for m in np.nonzero(counts)[0]:
            for _ in range(int(counts[m])):
                times.append(t0 + int(minutes[m]) * 60 + int(r.u() * 60))
        return sorted(times)

    def _illness(self) -> None:
        assert self.illness_s is not None
        r, t0 = self.r, self.illness_s
        nuvola = _BRAND_BY_NAME["Nuvola"]
        times = self._illness_times()
        seed_end = t0 + int(_ILLNESS_SEED_PHASE_H * 3600)
        sources = np.zeros(len(times), dtype=np.int64)
        source_t = np.zeros(len(times))
        source_w = np.zeros(len(times))
        n_sources = 0
        answerable: list[int] = []
        for t in times:
            hours = (t - t0) / 3600.0
            if t < seed_end:
                kind = "me_too" if n_sources and r.chance(0.2) else "original"
            elif hours < 12:
                kind = r.weighted(
                    (
                        ("original", 0.17),
                        ("me_too", 0.13),
                        ("reshare", 0.40),
                        ("quote", 0.12),
                        ("question", 0.07),
                        ("reaction", 0.11),
                    )
                )
            else:
                kind = r.weighted(
                    (
                        ("original", 0.08),
                        ("me_too", 0.08),
                        ("reshare", 0.34),
                        ("quote", 0.10),
                        ("question", 0.15),
                        ("reaction", 0.25),
                    )
                )
            if kind in ("reshare", "quote") and n_sources == 0:
                kind = "original"
            if kind in ("reshare", "quote"):
                w = source_w[:n_sources] * np.exp(-(t - source_t[:n_sources]) / (4 * 3600.0))
                cum = np.cumsum(w)
                k = min(int(np.searchsorted(cum, r.u() * cum[-1], side="right")), n_sources - 1)
                src_i = int(sources[k])
                if kind == "reshare":
                    self._reshare(src_i, t, "negative", "illness_claim", harm_claim=True)
                else:
                    self._quote(src_i, t)
                continue
            lang = r.weighted(_CLAIM_LANGUAGE_MIX)
            author = self.pools[lang].draw(r)
            source = r.weighted(_SOCIAL_MIX)
            if kind in ("original", "me_too"):
                text = self._claim_text(lang, kind)
                draft = self._add_author_post(
                    nuvola,
                    lang,
                    t,
                    source,
                    author,
                    text,
                    "negative",
                    f"claim_{kind}",
                    (nuvola.name,),
                    event="illness_claim",
                    engagement=5.0 if kind == "original" else 2.0,
                    share_ratio=0.6 if kind == "original" else 0.4,
                    harm_claim=True,
                )
                index = len(self.drafts) - 1
                sources[n_sources] = index
                source_t[n_sources] = t
                source_w[n_sources] = (draft.followers or 1) ** 0.7
                n_sources += 1
                answerable.append(index)
                continue
            bank = tx.CLAIM_QUESTIONS if kind == "question" else tx.CRISIS_REACTIONS
            text, mentions = self._fill(r.pick(bank[lang]), nuvola, lang, t, p=_CLAIM_PRODUCT)
            self._add_author_post(
                nuvola,
                lang,
                t,
                source,
                author,
                text,
                "neutral" if kind == "question" else "negative",
                f"crisis_{kind}",
                mentions,
                event="illness_claim",
                engagement=1.2,
                share_ratio=0.2,
            )
        for i in answerable:
            if r.chance(0.12):
                delay = r.lognormal_seconds(2100, 0.6, 300, 6 * 3600)
                self._owned_reply(i, self.drafts[i].t + delay, "crisis", "illness_claim")
        for k, (lang, text) in enumerate(tx.CRISIS_STATEMENT.items()):
            self._owned_post(
                nuvola, lang, t0 + 6 * 3600 + k * 1200, text, "neutral", "illness_claim"
            )
        for lang, (headlines, body) in tx.CRISIS_NEWS.items():
            for outlet in _OUTLETS[lang][: 4 if lang == "en" else 1]:
                t = t0 + 16 * 3600 + int(r.u() * 6 * 3600)
                self._news_post(
                    nuvola,
                    lang,
                    t,
                    text=f"{r.pick(headlines)}\n\n{body}",
                    outlet=outlet,
                    sentiment="neutral",
                    event="illness_claim",
                )

    def _claim_text(self, lang: str, kind: str) -> str:
        r = self.r
        bank = tx.CLAIM_ORIGINALS if kind == "original" else tx.CLAIM_ME_TOO
        people = tx.CLAIM_PEOPLE[lang]
        nuvola = _BRAND_BY_NAME["Nuvola"]
        text = r.pick(bank[lang])
        if r.chance(0.55):
            closer = r.pick(tx.CLAIM_CLOSERS[lang])
            text = f"{text} {closer}" if lang == "th" else f"{text}. {closer}"
        text, _ = self._fill(
            text,
            nuvola,
            lang,
            0,
            p=_CLAIM_PRODUCT,
            who=r.pick(people["who"]),
            whom=r.pick(people["whom"]),
            when=r.pick(people["when"]),
        )
        if lang in ("en", "de", "id"):
            text = text[0].upper() + text[1:]
            if lang == "de":
                text = re.sub(r"([.!?] )(\w)", lambda m: m.group(1) + m.group(2).upper(), text)
            if lang == "en" and r.chance(0.3):
                text = text.lower()
            elif r.chance(0.05):
                text = text.upper()
        if r.chance(0.3):
            text += " " + r.pick(_CLAIM_EMOJI)
        return text

    def _quote(self, source_i: int, t: int) -> None:
        src = self.drafts[source_i]
        nuvola = _BRAND_BY_NAME["Nuvola"]
        comment, _ = self._fill(self.r.pick(tx.QUOTE_COMMENTS[src.lang]), nuvola, src.lang, t)
        draft = self._add_author_post(
            nuvola,
            src.lang,
            t,
            "twitter" if self.r.chance(0.75) else "bluesky",
            self.pools[src.lang].draw(self.r),
            f"{comment} “{src.text}”",
            "negative",
            "claim_quote",
            src.mentions,
            event="illness_claim",
            engagement=1.5,
            share_ratio=0.3,
            harm_claim=True,
        )
        draft.quote_of = source_i

    # -- records ---------------------------------------------------------------------

    def _finish(self) -> tuple[list[MentionIn], list[ScenarioEvent]]:
        drafts = self.drafts
        order = sorted(
            (i for i, d in enumerate(drafts) if 0 <= d.t < self.total_s),
            key=lambda i: (drafts[i].t, i),
        )
        ids = {old: f"sim{self.sim.seed}-{new:06d}" for new, old in enumerate(order)}
        reshared = np.zeros(len(drafts), dtype=np.int64)
        answered = np.zeros(len(drafts), dtype=np.int64)
        for i in order:
            d = drafts[i]
            if d.reshare_of is not None:
                reshared[d.reshare_of] += 1
            if d.quote_of is not None:
                reshared[d.quote_of] += 1
            if d.parent is not None:
                answered[d.parent] += 1
        idx = np.array(order, dtype=np.int64)
        reach = np.array(
            [drafts[i].followers or (20_000 if drafts[i].source == "news" else 300) for i in order],
            dtype=float,
        )
        weight = np.array([drafts[i].engagement for i in order])
        share_ratio = np.array([drafts[i].share_ratio for i in order])
        noise = self.gen.lognormal(0.0, 0.9, len(order))
        mu = 0.03 * reach**0.8 * weight * noise
        likes = self.gen.poisson(mu)
        shares = self.gen.poisson(mu * share_ratio) + reshared[idx]
        replies = self.gen.poisson(mu * 0.06) + answered[idx]
        records: list[MentionIn] = []
        for n, i in enumerate(order):
            d = drafts[i]
            root = i
            while drafts[root].parent is not None:
                root = drafts[root].parent  # type: ignore[assignment]
            truth: dict[str, Any] = {
                "brand": d.brand,
                "brands": list(d.mentions),
                "sentiment": d.sentiment,
                "kind": d.kind,
                "event": d.event,
                "harm_claim": d.harm_claim,
            }
            extra: dict[str, Any] = {"sim": truth}
            if d.reshare_of is not None:
                extra["reshare_of"] = ids[d.reshare_of]
            if d.quote_of is not None:
                extra["quote_of"] = ids[d.quote_of]
            records.append(
                MentionIn(
                    external_id=ids[i],
                    text=d.text,
                    source=d.source,
                    url=self._url(d, n),
                    author=d.author,
                    author_followers=d.followers,
                    language=d.lang,
                    created_at=self.sim.start + timedelta(seconds=d.t),
                    likes=int(likes[n]),
                    shares=int(shares[n]),
                    replies=int(replies[n]),
                    parent_external_id=ids[d.parent] if d.parent is not None else None,
                    thread_external_id=ids[root] if d.parent is not None else None,
                    is_owned=d.is_owned,
                    country=d.country,
                    extra=extra,
                )
            )
        return records, self._events(order, ids, records)

    def _url(self, d: _Draft, n: int) -> str:
        number = 10**17 + (self.sim.seed % 10_000) * 10**11 + n
        handle = d.author.lstrip("@")
        when = self.sim.start + timedelta(seconds=d.t)
        if d.source == "twitter":
            return f"https://twitter.example.com/{handle}/status/{number}"
        if d.source == "bluesky":
            return f"https://bsky.example.com/profile/{handle}.bsky.example.com/post/{number:x}"
        if d.source == "mastodon":
            return f"https://mastodon.example.org/@{handle}/{number}"
        if d.source == "reddit":
            subs = _SUBREDDITS[d.lang]
            return f"https://reddit.example.com/r/{subs[n % len(subs)]}/comments/{number:x}/"
        if d.source == "appstore":
            return f"https://apps.example.com/{d.brand.lower()}/reviews/{number}"
        domain = next((o[1] for o in _OUTLETS[d.lang] if o[0] == d.author), "news.example.com")
        words = re.findall(r"[a-z0-9]+", d.text.split("\n")[0].split(".")[0].lower())[:8]
        slug = "-".join(words) or "article"
        return f"https://{domain}/{when:%Y/%m/%d}/{slug}-{number % 1_000_000}"

    def _events(
        self, order: list[int], ids: dict[int, str], records: list[MentionIn]
    ) -> list[ScenarioEvent]:
        found: list[ScenarioEvent] = []
        position = {old: n for n, old in enumerate(order)}
        for kind, offset, product, description in (
            (
                "launch",
                self.launch_s,
                _LAUNCH_PRODUCT,
                "Nuvola Zero launches: a day of mostly positive posts, the brand's announcement "
                "and its reshares, and syndicated news articles with near-identical text.",
            ),
            (
                "illness_claim",
                self.illness_s,
                _CLAIM_PRODUCT,
                "A viral claim that Nuvola Citrus made people ill: a few posts an hour at first, "
                "then reshares, quotes and copycat claims peaking hours later, decaying over "
                "about a day and a half.",
            ),
        ):
            if offset is None:
                continue
            members = [i for i in order if self.drafts[i].event == kind]
            if not members:
                continue
            times = [records[position[i]].created_at for i in members]
            claims = [i for i in members if self.drafts[i].harm_claim]
            threshold = None
            if kind == "illness_claim" and len(claims) >= CLAIM_ALERT_THRESHOLD:
                threshold = records[position[claims[CLAIM_ALERT_THRESHOLD - 1]]].created_at
            bins: dict[int, int] = {}
            for i in members:
                bins[self.drafts[i].t // 300] = bins.get(self.drafts[i].t // 300, 0) + 1
            peak_bin = max(bins, key=lambda b: (bins[b], -b))
            found.append(
                ScenarioEvent(
                    kind=kind,
                    brand="Nuvola",
                    start=self.sim.start + timedelta(seconds=offset),
                    end=max(t for t in times if t is not None),
                    description=description,
                    external_ids=tuple(ids[i] for i in members),
                    product=product,
                    claim_ids=tuple(ids[i] for i in claims),
                    threshold_time=threshold,
                    peak_time=self.sim.start + timedelta(seconds=peak_bin * 300),
                )
            )
        return found
