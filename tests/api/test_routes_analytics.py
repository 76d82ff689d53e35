from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.main import create_app
from api.services import rollups
from api.services.analysis import NlpPipeline, run_analysis
from api.services.analytics import brand_stats, rollup_brand_stats
from api.services.brands import remove_brand
from api.services.ingest import Ingestor
from models import Brand, Mention, MentionBrand
from models.rollup import BrandRollup
from tests.factories import T0, make_brand, make_key, make_workspace, mention


@pytest.fixture()
def client(settings) -> TestClient:
    settings.rate_limit_per_minute = 100_000
    return TestClient(create_app(settings))


# --- a small keyword "model", so analysis runs for real through run_analysis ------------------


@dataclass
class _Label:
    label: str
    scores: dict[str, float] = field(default_factory=dict)


@dataclass
class _Harm:
    probability: float
    is_claim: bool


class KeywordSentiment:
    version = "kw-1"

    def predict(self, texts: list[str], langs: list[str | None] | None = None) -> list[_Label]:
        out = []
        for t in texts:
            low = t.lower()
            label = "negative" if "awful" in low else "positive" if "love" in low else "neutral"
            out.append(_Label(label))
        return out


class KeywordHarm:
    version = "kwharm-1"

    def predict(self, texts: list[str], langs: list[str | None] | None = None) -> list[_Harm]:
        return [_Harm(1.0 if "sick" in t.lower() else 0.0, "sick" in t.lower()) for t in texts]


class EnglishOnly:
    def detect(self, texts: list[str]) -> list[str]:
        return ["en"] * len(texts)


PIPELINE = NlpPipeline(langid=EnglishOnly(), sentiment=KeywordSentiment(), harm=KeywordHarm())
WORDS = ["love", "awful", "fine", "sick", "okay", "meh", "great"]


def _random_stream(rng: random.Random, n: int) -> list:
    items = []
    for i in range(n):
        brand = rng.choice(["Nuvola", "Fizzly", "Brisa", "Nuvola and Fizzly"])
        words = " ".join(rng.choice(WORDS) for _ in range(6))
        text = f"{brand} {words} number {i} with some more words here"
        minutes = rng.uniform(0, 3 * 24 * 60)
        kw: dict[str, Any] = {
            "likes": rng.randint(0, 50),
            "shares": rng.randint(0, 5),
            "replies": rng.randint(0, 3),
            "author_followers": rng.choice([None, rng.randint(0, 100_000)]),
        }
        items.append(mention(text, minutes=minutes, external_id=f"r{i}", **kw))
        if rng.random() < 0.25:  # a retweet of it a little later: a near-duplicate
            items.append(
                mention(
                    f"RT @someone: {text}",
                    minutes=minutes + rng.uniform(0, 90),
                    external_id=f"r{i}-rt",
                    **kw,
                )
            )
    rng.shuffle(items)
    return items


def _setup_brands(session: Session):
    ws = make_workspace(session)
    make_brand(session, ws, "Nuvola", competitor_group="soft", handles=["@nuvola"])
    make_brand(session, ws, "Fizzly", competitor_group="soft")
    make_brand(session, ws, "Brisa", competitor_group="soft")
    return ws


def _as_dicts(stats) -> list[dict[str, Any]]:
    return [vars(s) for s in stats]


@pytest.mark.parametrize("seed", [1, 2])
def test_rollups_equal_raw_aggregates_after_ingest_and_analysis(
    session: Session, seed: int
) -> None:
    rng = random.Random(seed)
    ws = _setup_brands(session)
    stream = _random_stream(rng, 160)
    ingestor = Ingestor(session, ws.id)
    for start in range(0, len(stream), 37):  # several batches, several transactions
        ingestor.ingest(stream[start : start + 37])
    assert session.execute(select(Mention.id).where(Mention.duplicate_of_id.is_not(None))).first()
    run_analysis(session, ws.id, PIPELINE, batch_size=25)
    windows = (
        [(None, None)]
        + [
            (
                T0 + timedelta(minutes=rng.uniform(-60, 3000)),
                T0 + timedelta(minutes=rng.uniform(3000, 5000)),
            )
            for _ in range(6)
        ]
        + [(T0 + timedelta(minutes=10.5), T0 + timedelta(minutes=40.25))]
    )  # inside one hour
    for start, end in windows:
        for dups in (True, False):
            raw = brand_stats(session, ws.id, start=start, end=end, include_duplicates=dups)
            fast = rollup_brand_stats(session, ws.id, start=start, end=end, include_duplicates=dups)
            assert _as_dicts(fast) == _as_dicts(raw), (start, end, dups)
        if start is not None:
            ids = [s.brand_id for s in raw]
            whole = rollups.totals(session, ids, start, end)
            for bucket in ("hour", "day", "week"):
                per_bucket = rollups.series(session, ids, start, end, bucket)
                for brand_id in ids:
                    summed = {
                        c: sum(m[c] for m in per_bucket[brand_id].values()) for c in rollups.COLUMNS
                    }
                    assert summed == whole[brand_id], (bucket, start, end)
    totals = {s.name: s for s in brand_stats(session, ws.id)}
    assert totals["Nuvola"].sentiment["negative"] > 0 and totals["Nuvola"].harm_claims > 0
    assert totals["Nuvola"].unique_mentions < totals["Nuvola"].mentions


def test_reanalysis_moves_counts_between_sentiments(session: Session) -> None:
    ws = _setup_brands(session)
    Ingestor(session, ws.id).ingest([mention("Nuvola love it so much", external_id="1")])
    run_analysis(session, ws.id, PIPELINE)
    before = rollup_brand_stats(session, ws.id, brand_ids=None)
    nuvola = next(s for s in before if s.name == "Nuvola")
    assert nuvola.sentiment == {"negative": 0, "neutral": 0, "positive": 1}

    class Grumpy(KeywordSentiment):
        version = "grumpy-2"

        def predict(self, texts, langs=None):  # type: ignore[no-untyped-def]
            return [_Label("negative") for _ in texts]

    run_analysis(session, ws.id, NlpPipeline(EnglishOnly(), Grumpy(), KeywordHarm()))
    after = next(s for s in rollup_brand_stats(session, ws.id) if s.name == "Nuvola")
    assert after.sentiment == {"negative": 1, "neutral": 0, "positive": 0}
    assert after.mentions == 1


def test_rebuild_gives_the_same_rollups_as_incremental_upkeep(session: Session) -> None:
    ws = _setup_brands(session)
    Ingestor(session, ws.id).ingest(_random_stream(random.Random(5), 60))
    run_analysis(session, ws.id, PIPELINE)

    def snapshot() -> list[tuple]:
        rows = session.execute(
            select(BrandRollup).order_by(BrandRollup.brand_id, BrandRollup.span, BrandRollup.hour)
        )
        return [
            (r.brand_id, r.span, r.hour, *(getattr(r, c) for c in rollups.COLUMNS))
            for r in rows.scalars()
            if r.mentions
        ]

    incremental = snapshot()
    assert {row[1] for row in incremental} == {1, 24}
    rows = rollups.rebuild(session, ws.id)
    session.expire_all()
    assert snapshot() == incremental
    assert rows == len(incremental)


def test_removing_a_brand_removes_its_rollups(session: Session) -> None:
    ws = _setup_brands(session)
    Ingestor(session, ws.id).ingest([mention("Brisa is fine", external_id="1")])
    brisa = session.execute(select(Brand).where(Brand.name == "Brisa")).scalar_one()
    assert session.execute(select(BrandRollup).where(BrandRollup.brand_id == brisa.id)).first()
    remove_brand(session, ws.id, brisa.id)
    assert not session.execute(select(BrandRollup).where(BrandRollup.brand_id == brisa.id)).first()
    assert not session.execute(
        select(MentionBrand).where(MentionBrand.brand_id == brisa.id)
    ).first()


def test_split_range_covers_exactly_the_range() -> None:
    start = datetime(2026, 11, 2, 10, 15, tzinfo=UTC)
    end = datetime(2026, 11, 2, 14, 30, tzinfo=UTC)
    split = rollups.split_range(start, end)
    assert split.whole == (rollups.hour_of(start) + 1, rollups.hour_of(end))
    assert split.edges == (
        (start, datetime(2026, 11, 2, 11, tzinfo=UTC)),
        (datetime(2026, 11, 2, 14, tzinfo=UTC), end),
    )
    inside = rollups.split_range(start, start + timedelta(minutes=5))
    assert inside.whole is None and inside.edges == ((start, start + timedelta(minutes=5)),)
    aligned = rollups.split_range(
        datetime(2026, 11, 2, 10, tzinfo=UTC), datetime(2026, 11, 2, 12, tzinfo=UTC)
    )
    assert aligned.edges == () and aligned.whole is not None
    plan = rollups.plan_range(start, start + timedelta(days=3))
    assert plan.days == (
        rollups.hour_of(datetime(2026, 11, 3, tzinfo=UTC)),
        rollups.hour_of(datetime(2026, 11, 5, tzinfo=UTC)),
    )
    assert plan.hours == (
        (rollups.hour_of(start) + 1, plan.days[0]),
        (plan.days[1], rollups.hour_of(start) + 72),
    )
    assert rollups.bucket_start(
        rollups.bucket_of(rollups.hour_of(start), "week"), "week"
    ) == datetime(2026, 11, 2, tzinfo=UTC)  # a Monday


def _seed_trend(session: Session):
    ws = _setup_brands(session)
    # Day 1: 2 positive, 1 negative; day 2: nothing; day 3: 1 negative and its retweet.
    Ingestor(session, ws.id).ingest(
        [
            mention(
                "Nuvola love this drink so much, really great stuff", external_id="1", minutes=0
            ),
            mention("Nuvola love the new can design, looks great", external_id="2", minutes=60),
            mention("Nuvola is awful today, flat and warm and sad", external_id="3", minutes=120),
            mention(
                "Nuvola tastes awful since the recipe change, why",
                external_id="4",
                minutes=2 * 1440,
                likes=10,
                author_followers=1000,
            ),
            mention(
                "RT @x: Nuvola tastes awful since the recipe change, why",
                external_id="5",
                minutes=2 * 1440 + 5,
                author_followers=50,
            ),
            mention("Fizzly love it", external_id="6", minutes=30, likes=3),
        ]
    )
    run_analysis(session, ws.id, PIPELINE)
    return ws


def test_trend_endpoint_buckets_counts_and_net_sentiment(
    client: TestClient, session: Session
) -> None:
    ws = _seed_trend(session)
    key = {"X-API-Key": make_key(session, ws)}
    nuvola = session.execute(select(Brand).where(Brand.name == "Nuvola")).scalar_one()
    day0 = T0.replace(hour=0)
    params = {
        "brand_id": nuvola.id,
        "bucket": "day",
        "start": day0.isoformat(),
        "end": (day0 + timedelta(days=3)).isoformat(),
    }
    body = client.get("/v1/analytics/trend", params=params, headers=key).json()
    assert body["count"] == 3 and body["brand"] == "Nuvola"
    points = body["data"]
    assert [p["mentions"] for p in points] == [3, 0, 2]
    assert [(p["positive"], p["negative"]) for p in points] == [(2, 1), (0, 0), (0, 2)]
    assert points[0]["net_sentiment"] == pytest.approx(1 / 3)
    assert points[1]["net_sentiment"] is None
    assert points[2]["engagement"] == 10 and points[2]["reach"] == 1050
    unique = client.get(
        "/v1/analytics/trend", params={**params, "include_duplicates": "false"}, headers=key
    ).json()["data"]
    assert [p["mentions"] for p in unique] == [3, 0, 1]
    hourly = client.get(
        "/v1/analytics/trend", params={**params, "bucket": "hour"}, headers=key
    ).json()
    assert hourly["count"] == 72
    assert sum(p["mentions"] for p in hourly["data"]) == 5
    assert hourly["data"][12]["start"] == "2026-11-02T12:00:00Z"
    default = client.get("/v1/analytics/trend", params={"brand_id": nuvola.id}, headers=key).json()
    assert default["end"] == "2026-11-04T13:00:00Z"  # the hour after the latest mention
    assert sum(p["mentions"] for p in default["data"]) == 5


def test_trend_rejects_bad_ranges_and_unknown_brands(client: TestClient, session: Session) -> None:
    ws = _seed_trend(session)
    key = {"X-API-Key": make_key(session, ws)}
    nuvola = session.execute(select(Brand).where(Brand.name == "Nuvola")).scalar_one()
    cases = [
        (
            {"brand_id": nuvola.id, "start": "2026-11-05T00:00:00Z", "end": "2026-11-01T00:00:00Z"},
            422,
        ),
        ({"brand_id": nuvola.id, "start": "1900-01-01T00:00:00Z"}, 422),
        (
            {
                "brand_id": nuvola.id,
                "start": "2000-01-01T00:00:00Z",
                "end": "2026-01-01T00:00:00Z",
                "bucket": "hour",
            },
            422,
        ),  # too many buckets
        ({"brand_id": nuvola.id, "bucket": "fortnight"}, 422),
        ({"brand_id": 999_999}, 404),
        ({"brand_id": 0}, 422),
        ({"brand_id": 10**30}, 422),
        ({}, 422),
    ]
    for params, status in cases:
        response = client.get("/v1/analytics/trend", params=params, headers=key)
        assert response.status_code == status, (params, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")


def test_share_of_voice_by_each_measure(client: TestClient, session: Session) -> None:
    ws = _seed_trend(session)
    other = make_brand(session, ws, "Loner")  # no competitor group
    key = {"X-API-Key": make_key(session, ws)}
    nuvola = session.execute(select(Brand).where(Brand.name == "Nuvola")).scalar_one()

    def shares(**params: Any) -> dict[str, tuple[int, float]]:
        body = client.get("/v1/analytics/share-of-voice", params=params, headers=key).json()
        return {r["brand"]: (r["value"], r["share"]) for r in body["data"]}

    by_mentions = shares(by="mentions")
    assert by_mentions["Nuvola"] == (5, pytest.approx(5 / 6))
    assert by_mentions["Fizzly"] == (1, pytest.approx(1 / 6))
    assert by_mentions["Loner"] == (0, 0.0)
    assert shares(by="mentions", include_duplicates="false")["Nuvola"] == (4, pytest.approx(0.8))
    assert shares(by="unique_mentions")["Nuvola"][0] == 4
    assert shares(by="engagement")["Nuvola"] == (10, pytest.approx(10 / 13))
    assert shares(by="reach")["Nuvola"] == (1050, pytest.approx(1.0))
    assert shares(by="weighted_reach")["Nuvola"] == (1060, pytest.approx(1060 / 1063))
    group = shares(brand_id=nuvola.id)
    assert set(group) == {"Nuvola", "Fizzly", "Brisa"}
    assert set(shares(brand_id=other.id)) == {"Loner"}
    window = shares(
        start=(T0 + timedelta(minutes=90)).isoformat(), end=(T0 + timedelta(days=1)).isoformat()
    )
    assert window["Nuvola"] == (1, 1.0)
    missing = client.get("/v1/analytics/share-of-voice", params={"brand_id": 424242}, headers=key)
    assert missing.status_code == 404


def test_share_of_voice_trend_shares_add_up(client: TestClient, session: Session) -> None:
    ws = _seed_trend(session)
    key = {"X-API-Key": make_key(session, ws)}
    nuvola = session.execute(select(Brand).where(Brand.name == "Nuvola")).scalar_one()
    body = client.get(
        "/v1/analytics/share-of-voice/trend",
        headers=key,
        params={
            "brand_id": nuvola.id,
            "bucket": "day",
            "start": T0.replace(hour=0).isoformat(),
            "end": (T0.replace(hour=0) + timedelta(days=3)).isoformat(),
        },
    ).json()
    assert [b["name"] for b in body["brands"]] == ["Brisa", "Fizzly", "Nuvola"]
    first = {v["brand_id"]: v for v in body["data"][0]["values"]}
    assert body["data"][0]["total"] == 4
    assert first[nuvola.id]["share"] == pytest.approx(0.75)
    for bucket in body["data"]:
        total = sum(v["share"] for v in bucket["values"])
        assert total == pytest.approx(1.0) if bucket["total"] else total == 0


def test_summary_matches_raw_stats(client: TestClient, session: Session) -> None:
    ws = _seed_trend(session)
    key = {"X-API-Key": make_key(session, ws)}
    body = client.get("/v1/analytics/summary", headers=key).json()
    raw = {s.name: s for s in brand_stats(session, ws.id)}
    for row in body["data"]:
        expected = raw[row["brand"]]
        assert row["mentions"] == expected.mentions
        assert row["sentiment"] == expected.sentiment
        assert row["net_sentiment"] == pytest.approx(expected.net_sentiment)


def test_top_authors_and_influencers(client: TestClient, session: Session) -> None:
    ws = _setup_brands(session)
    Ingestor(session, ws.id).ingest(
        [
            mention("Nuvola love it", external_id="1", author="@fan", author_followers=10, likes=1),
            mention("Nuvola love it again", external_id="2", author="@fan", author_followers=12),
            mention(
                "Nuvola is awful",
                external_id="3",
                author="@star",
                author_followers=90_000,
                likes=500,
            ),
            mention("Nuvola here: thanks all", external_id="4", author="@nuvola"),
        ]
    )
    run_analysis(session, ws.id, PIPELINE)
    key = {"X-API-Key": make_key(session, ws)}
    nuvola = session.execute(select(Brand).where(Brand.name == "Nuvola")).scalar_one()
    by_count = client.get(
        "/v1/analytics/authors", params={"brand_id": nuvola.id}, headers=key
    ).json()["data"]
    assert [a["author"] for a in by_count] == ["@fan", "@star"]  # own account left out
    assert by_count[0]["mentions"] == 2 and by_count[0]["followers"] == 12
    assert by_count[0]["net_sentiment"] == 1.0
    influencers = client.get(
        "/v1/analytics/authors",
        headers=key,
        params={"brand_id": nuvola.id, "by": "followers", "limit": 1},
    ).json()
    assert [a["author"] for a in influencers["data"]] == ["@star"]
    with_owned = client.get(
        "/v1/analytics/authors",
        headers=key,
        params={"brand_id": nuvola.id, "include_owned": "true"},
    ).json()
    assert "@nuvola" in {a["author"] for a in with_owned["data"]}


def test_segments_by_language_source_and_country(client: TestClient, session: Session) -> None:
    ws = _setup_brands(session)
    Ingestor(session, ws.id).ingest(
        [
            mention("Nuvola love it", external_id="1", language="en", country="GB"),
            mention(
                "Nuvola ist awful", external_id="2", language="de", country="DE", source="reddit"
            ),
            mention("Nuvola love es", external_id="3", language="de"),
            mention("Nuvola sin idioma", external_id="4", language="xx"),
        ]
    )
    run_analysis(session, ws.id, PIPELINE)
    key = {"X-API-Key": make_key(session, ws)}
    nuvola = session.execute(select(Brand).where(Brand.name == "Nuvola")).scalar_one()

    def seg(dimension: str) -> dict[str | None, dict[str, Any]]:
        body = client.get(
            "/v1/analytics/segments",
            headers=key,
            params={"brand_id": nuvola.id, "dimension": dimension},
        ).json()
        assert body["dimension"] == dimension
        return {row["value"]: row for row in body["data"]}

    languages = seg("language")
    assert languages["de"]["mentions"] == 2 and languages["de"]["share"] == 0.5
    assert languages["de"]["negative"] == 1 and languages["de"]["positive"] == 1
    assert seg("source")["reddit"]["mentions"] == 1
    countries = seg("country")
    assert countries[None]["mentions"] == 2 and countries["GB"]["net_sentiment"] == 1.0
    bad = client.get(
        "/v1/analytics/segments", params={"brand_id": nuvola.id, "dimension": "planet"}, headers=key
    )
    assert bad.status_code == 422


def test_response_rate_and_median_response_time(client: TestClient, session: Session) -> None:
    ws = _setup_brands(session)
    Ingestor(session, ws.id).ingest(
        [
            mention("Nuvola is awful, where is my order?", external_id="q1", minutes=0),
            mention("Nuvola love the taste", external_id="q2", minutes=10),
            mention("Nuvola why so flat?", external_id="q3", minutes=20),
            mention("Nuvola ok", external_id="q4", minutes=30, source="reddit"),
            # Replies by the brand's own account: 30 min and 2 h; a second, later reply to q1.
            mention(
                "@a sorry! DM us",
                external_id="r1",
                author="@nuvola",
                parent_external_id="q1",
                minutes=30,
            ),
            mention(
                "@a any news?",
                external_id="r1b",
                author="@nuvola",
                parent_external_id="q1",
                minutes=300,
            ),
            mention(
                "@c we changed nothing",
                external_id="r3",
                author="@nuvola",
                parent_external_id="q3",
                minutes=140,
            ),
            # Same external id on another source is not an answer; nor is a stranger's reply.
            mention(
                "@d hi",
                external_id="r4",
                author="@nuvola",
                parent_external_id="q4",
                minutes=40,
                source="twitter2",
            ),
            mention(
                "Nuvola me too",
                external_id="r2",
                author="@other",
                parent_external_id="q2",
                minutes=15,
            ),
        ]
    )
    run_analysis(session, ws.id, PIPELINE)
    key = {"X-API-Key": make_key(session, ws)}
    nuvola = session.execute(select(Brand).where(Brand.name == "Nuvola")).scalar_one()
    body = client.get("/v1/analytics/response", params={"brand_id": nuvola.id}, headers=key).json()
    assert body["owned_accounts"] == ["@nuvola"]
    assert body["mentions"] == 5  # q1-q4 and @other's reply; own posts are not counted
    assert body["answered"] == 2
    assert body["response_rate"] == pytest.approx(2 / 5)
    assert body["median_response_seconds"] == pytest.approx((30 * 60 + 120 * 60) / 2)
    questions = client.get(
        "/v1/analytics/response", headers=key, params={"brand_id": nuvola.id, "scope": "questions"}
    ).json()
    assert (questions["mentions"], questions["answered"]) == (2, 2)
    negative = client.get(
        "/v1/analytics/response", headers=key, params={"brand_id": nuvola.id, "scope": "negative"}
    ).json()
    assert (negative["mentions"], negative["answered"]) == (1, 1)
    assert negative["median_response_seconds"] == 1800
    fizzly = session.execute(select(Brand).where(Brand.name == "Fizzly")).scalar_one()
    none = client.get("/v1/analytics/response", params={"brand_id": fizzly.id}, headers=key).json()
    assert none["mentions"] == 0 and none["response_rate"] is None
