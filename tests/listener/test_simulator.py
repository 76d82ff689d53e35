from __future__ import annotations

import re
import string
from collections import Counter
from datetime import datetime, timedelta

import numpy as np
import pytest

from listener import simulator_texts as tx
from listener.base import Batch, Collector, CollectorError, get_collector_factory
from listener.simulator import (
    DEFAULT_LANGUAGE_MIX,
    DEFAULT_START,
    ScenarioEvent,
    ScenarioSimulator,
)
from models.types import MentionIn

# Our own list of phrases that claim a product made someone ill, in all four languages.
CLAIM_KEYWORDS = (
    "threw up",
    "throwing up",
    "vomit",
    "food poisoning",
    "stomach cramps",
    "hospital",
    "übergeben",
    "erbrochen",
    "erbrechen",
    "bauchkrämpfe",
    "lebensmittelvergiftung",
    "krankenhaus",
    "notaufnahme",
    "muntah",
    "keracunan",
    "rumah sakit",
    "kram perut",
    "sakit perut",
    "อาเจียน",
    "อ้วก",
    "อาหารเป็นพิษ",
    "โรงพยาบาล",
    "ปวดท้อง",
)
ORDINARY_KINDS = {"organic", "hard_negative", "app_review", "news", "reply"}
BRAND_TOKENS = {"Nuvola": "nuvola", "Fizzly": "fizzly", "Brisa": "brisa"}


def has_claim_phrase(text: str) -> bool:
    lowered = text.lower()
    return any(k in lowered for k in CLAIM_KEYWORDS)


def truth(m: MentionIn) -> dict:
    return m.extra["sim"]


def when(m: MentionIn) -> datetime:
    assert m.created_at is not None
    return m.created_at


@pytest.fixture(scope="module")
def sim() -> ScenarioSimulator:
    return ScenarioSimulator(seed=7)


@pytest.fixture(scope="module")
def stream(sim: ScenarioSimulator) -> list[MentionIn]:
    return sim.generate()


@pytest.fixture(scope="module")
def events(sim: ScenarioSimulator) -> dict[str, ScenarioEvent]:
    return {e.kind: e for e in sim.events}


def ordinary(stream: list[MentionIn]) -> list[MentionIn]:
    return [m for m in stream if truth(m)["kind"] in ORDINARY_KINDS and truth(m)["event"] is None]


# --- determinism -------------------------------------------------------------------


def test_same_seed_gives_byte_identical_stream_and_events(stream, events):
    again = ScenarioSimulator(seed=7)
    assert [m.model_dump_json() for m in again.generate()] == [m.model_dump_json() for m in stream]
    assert {e.kind: e for e in again.events} == events


def test_different_seeds_differ(stream):
    other = ScenarioSimulator(seed=8).generate()
    assert [m.text for m in other[:200]] != [m.text for m in stream[:200]]
    assert {m.created_at for m in other} != {m.created_at for m in stream}


def test_generate_returns_copies(sim):
    first = sim.generate()
    first[0].text = "changed"
    first[0].extra["sim"]["brands"].append("Other")
    first[0].extra["note"] = 1
    again = sim.generate()[0]
    assert again.text != "changed"
    assert "Other" not in again.extra["sim"]["brands"] and "note" not in again.extra


# --- volume, languages, sentiment ---------------------------------------------------


def test_evening_is_busier_than_night(stream):
    english = [m for m in ordinary(stream) if m.language == "en"]
    by_hour = Counter(when(m).hour for m in english)
    evening = np.mean([by_hour[h] for h in (18, 19, 20, 21)])
    night = np.mean([by_hour[h] for h in (2, 3, 4, 5)])
    assert evening > 3 * night
    # In each audience's local time the same rhythm holds for every language.
    offsets = {"en": 0, "de": 1, "id": 7, "th": 7}
    for lang, offset in offsets.items():
        local = Counter(
            (when(m) + timedelta(hours=offset)).hour for m in ordinary(stream) if m.language == lang
        )
        assert sum(local[h] for h in (19, 20, 21)) > 2 * sum(local[h] for h in (2, 3, 4)), lang


def test_weekends_are_busier_than_weekdays(stream):
    per_day = Counter(when(m).date() for m in ordinary(stream))
    weekend = [n for d, n in per_day.items() if d.weekday() >= 5]
    weekday = [n for d, n in per_day.items() if d.weekday() < 5]
    assert len(weekend) == 4 and len(weekday) == 10
    assert np.mean(weekend) > 1.05 * np.mean(weekday)


def test_language_mix_matches_configuration(stream):
    posts = ordinary(stream)
    shares = Counter(m.language for m in posts)
    for lang, expected in DEFAULT_LANGUAGE_MIX.items():
        assert shares[lang] / len(posts) == pytest.approx(expected, abs=0.03), lang


def test_custom_language_mix():
    posts = ScenarioSimulator(seed=3, days=4, events=False, language_mix={"en": 1, "th": 1})
    langs = Counter(m.language for m in posts.generate())
    assert set(langs) == {"en", "th"}
    assert langs["th"] / sum(langs.values()) == pytest.approx(0.5, abs=0.06)


def test_brand_volumes(stream, sim):
    quiet_days = [
        d
        for d in range(sim.days)
        if d not in (5, 6, 9, 10, 11)  # launch and illness days
    ]
    per_brand_day = Counter(
        (truth(m)["brand"], (m.created_at - sim.start).days)
        for m in stream
        if truth(m)["event"] is None
    )

    def daily(brand: str) -> float:
        return float(np.mean([per_brand_day[(brand, d)] for d in quiet_days]))

    assert 150 <= daily("Nuvola") <= 250
    assert daily("Fizzly") > daily("Nuvola") > daily("Brisa") > 60


def test_sentiment_mix_per_brand(stream):
    posts = [m for m in ordinary(stream) if truth(m)["kind"] != "news"]
    shares = {}
    for brand in BRAND_TOKENS:
        counts = Counter(truth(m)["sentiment"] for m in posts if truth(m)["brand"] == brand)
        total = sum(counts.values())
        shares[brand] = {s: counts[s] / total for s in ("positive", "neutral", "negative")}
        assert all(0.1 < v < 0.6 for v in shares[brand].values()), (brand, shares[brand])
    assert shares["Brisa"]["negative"] > shares["Nuvola"]["negative"] + 0.08
    assert shares["Brisa"]["negative"] > shares["Fizzly"]["negative"]


def test_scale_multiplies_volume(stream):
    small = ScenarioSimulator(seed=7, scale=0.5).generate()
    assert 0.4 < len(small) / len(stream) < 0.6


# --- fields -------------------------------------------------------------------------


def test_records_are_well_formed(stream, sim):
    ids = [m.external_id for m in stream]
    assert len(set(ids)) == len(ids)
    times = [m.created_at for m in stream]
    assert times == sorted(times)
    assert sim.start <= times[0] and times[-1] < sim.end
    assert {m.source for m in stream} == {
        "twitter",
        "reddit",
        "mastodon",
        "news",
        "appstore",
        "bluesky",
    }
    assert {m.language for m in stream} == {"en", "de", "id", "th"}
    for m in stream:
        assert "{" not in m.text and "}" not in m.text, m.text
        host = re.match(r"https://([^/]+)/", m.url or "")
        assert host and re.search(r"\.example\.(com|org|net)$", host.group(1)), m.url
        # Every post names its brand, so brand queries downstream can find it.
        assert BRAND_TOKENS[truth(m)["brand"]] in m.text.lower(), m.text
    news_hosts = {m.url.split("/")[2] for m in stream if m.source == "news"}
    assert "news.example.com" in news_hosts and len(news_hosts) >= 5


def test_replies_point_at_earlier_posts(stream):
    position = {m.external_id: i for i, m in enumerate(stream)}
    replies = [m for m in stream if m.parent_external_id is not None]
    assert len(replies) > 500
    for m in replies:
        parent = stream[position[m.parent_external_id]]
        assert parent.created_at < m.created_at
        assert m.thread_external_id in position
        assert stream[position[m.thread_external_id]].parent_external_id is None
        if not m.is_owned:
            assert m.text.startswith(parent.author + " ")


def test_brand_accounts_answer_complaints_and_questions(stream):
    position = {m.external_id: i for i, m in enumerate(stream)}
    owned = [m for m in stream if m.is_owned]
    assert {m.author for m in owned} == {"@nuvoladrinks", "@fizzly"}
    answered_kinds: Counter[str] = Counter()
    for m in owned:
        if m.parent_external_id is None:
            continue
        parent = stream[position[m.parent_external_id]]
        delay = m.created_at - parent.created_at
        assert timedelta(minutes=1) < delay <= timedelta(hours=10)
        assert parent.author in m.text
        assert truth(parent)["brand"] == truth(m)["brand"]
        answered_kinds[truth(parent)["sentiment"]] += 1
    assert answered_kinds["negative"] > 100 and answered_kinds["neutral"] > 20
    assert not any(m.is_owned for m in stream if m.author not in {"@nuvoladrinks", "@fizzly"})


def test_authors_and_engagement_are_heavy_tailed(stream):
    posts = [m for m in stream if m.source not in ("news",) and not m.is_owned]
    per_author = Counter(m.author for m in posts)
    assert per_author.most_common(1)[0][1] >= 20
    assert sum(1 for n in per_author.values() if n == 1) > 300
    followers = np.array([m.author_followers for m in posts], dtype=float)
    assert followers.max() > 200 * np.median(followers)
    likes = np.array([m.likes for m in posts], dtype=float)
    ranks_f = followers.argsort().argsort()
    ranks_l = likes.argsort().argsort()
    assert np.corrcoef(ranks_f, ranks_l)[0, 1] > 0.4
    with_country = sum(1 for m in posts if m.country) / len(posts)
    assert 0.2 < with_country < 0.8


def test_texts_are_varied(stream):
    texts = [m.text for m in stream if truth(m)["kind"] != "reshare"]
    assert len(set(texts)) / len(texts) > 0.6
    for lang in ("en", "de", "id", "th"):
        texts = [m.text for m in stream if m.language == lang and truth(m)["kind"] != "reshare"]
        assert len(set(texts)) / len(texts) > 0.5, lang


def test_tricky_cases_are_present(stream):
    texts = [m.text.lower() for m in ordinary(stream)]
    assert any("sick" in t and "nuvola" in t for t in texts)  # slang or illness not blamed
    assert sum(1 for m in ordinary(stream) if truth(m)["kind"] == "hard_negative") > 50
    assert any("delivery late again" in t for t in texts)
    assert sum(1 for t in texts if t.rstrip(" " + "".join(tx.EMOJI["neutral"])).endswith("?")) > 100


# --- events -------------------------------------------------------------------------


def test_events_are_reported(events, sim):
    assert set(events) == {"launch", "illness_claim"}
    assert events["launch"].start == sim.start + timedelta(days=5, hours=8)
    assert events["illness_claim"].start == sim.start + timedelta(days=9, hours=14)
    assert events["illness_claim"].product == "Nuvola Citrus"
    assert all(e.brand == "Nuvola" for e in events.values())


def test_launch_raises_nuvola_positive_volume(stream, events):
    launch = events["launch"]

    def nuvola(offset_days: int, sentiment: str | None = None) -> int:
        lo = launch.start + timedelta(days=offset_days)
        return sum(
            1
            for m in stream
            if truth(m)["brand"] == "Nuvola"
            and lo <= m.created_at < lo + timedelta(days=1)
            and (sentiment is None or truth(m)["sentiment"] == sentiment)
        )

    before = [-3, -2, -1]
    positive_before = np.mean([nuvola(d, "positive") for d in before])
    assert nuvola(0, "positive") > 2.5 * positive_before
    assert 1.8 < nuvola(0) / np.mean([nuvola(d) for d in before]) < 3.5
    first_zero = min(m.created_at for m in stream if "nuvola zero" in m.text.lower())
    assert first_zero >= launch.start


def test_launch_news_is_syndicated_near_identically(stream, events):
    ids = set(events["launch"].external_ids)
    news = [m for m in stream if m.external_id in ids and m.source == "news" and m.language == "en"]
    assert len(news) >= 5
    assert len({m.url.split("/")[2] for m in news}) == len(news)
    leads = {m.text.split("\n\n")[1][:200] for m in news}
    assert len(leads) == 1


def test_illness_ground_truth_is_consistent(stream, events):
    crisis = events["illness_claim"]
    by_id = {m.external_id: m for m in stream}
    claims = [by_id[i] for i in crisis.claim_ids]
    assert [c.created_at for c in claims] == sorted(c.created_at for c in claims)
    assert crisis.threshold_time == claims[9].created_at
    assert sum(1 for c in claims if c.created_at <= crisis.threshold_time) >= 10
    assert timedelta(hours=2) <= crisis.threshold_time - crisis.start <= timedelta(hours=4)
    assert crisis.alert_deadline == crisis.threshold_time + timedelta(minutes=30)
    # Slow start: one or two posts an hour for the first couple of hours.
    first_two_hours = [c for c in claims if c.created_at < crisis.start + timedelta(hours=2)]
    assert 1 <= len(first_two_hours) <= 5
    assert set(crisis.claim_ids) <= set(crisis.external_ids)
    for c in claims:
        assert truth(c)["harm_claim"] and truth(c)["sentiment"] == "negative"
        assert "nuvola citrus" in c.text.lower()
        assert has_claim_phrase(c.text), c.text
    langs = Counter(c.language for c in claims)
    assert set(langs) == {"en", "de", "id", "th"} and langs["en"] > len(claims) / 2


def test_illness_spreads_through_reshares_and_peaks(stream, events):
    crisis = events["illness_claim"]
    by_id = {m.external_id: m for m in stream}
    claims = [by_id[i] for i in crisis.claim_ids]
    reshares = [c for c in claims if truth(c)["kind"] == "reshare"]
    assert len(reshares) > 200
    for rt in reshares:
        source = by_id[rt.extra["reshare_of"]]
        assert rt.text == f"RT {source.author}: {source.text}"
        assert source.created_at < rt.created_at
    quotes = [c for c in claims if truth(c)["kind"] == "claim_quote"]
    assert quotes and all(by_id[q.extra["quote_of"]].text in q.text for q in quotes)
    originals = [c for c in claims if truth(c)["kind"] == "claim_original"]
    assert np.median([c.shares for c in originals]) > np.median(
        [m.shares for m in ordinary(stream) if m.source == "twitter"]
    )
    per_5min = Counter((c.created_at - crisis.start) // timedelta(minutes=5) for c in claims)
    peak_bin, peak = per_5min.most_common(1)[0]
    assert peak >= 20
    assert timedelta(hours=3) < peak_bin * timedelta(minutes=5) < timedelta(hours=9)

    def claims_between(lo_h: float, hi_h: float) -> int:
        lo, hi = crisis.start + timedelta(hours=lo_h), crisis.start + timedelta(hours=hi_h)
        return sum(1 for c in claims if lo <= c.created_at < hi)

    # Decays over about a day and a half.
    assert 0 < claims_between(20, 36) < 0.2 * claims_between(4, 8)
    assert claims_between(36, 48) == 0
    assert crisis.end - crisis.start > timedelta(hours=24)


def test_brand_answers_some_illness_claims(stream, events):
    crisis = events["illness_claim"]
    ids = set(crisis.claim_ids)
    answers = [
        m
        for m in stream
        if m.is_owned and m.parent_external_id in ids and m.author == "@nuvoladrinks"
    ]
    assert len(answers) >= 10
    assert all(not has_claim_phrase(m.text) for m in answers)


def test_no_illness_claims_outside_the_event(stream, events):
    crisis = events["illness_claim"]
    members = set(crisis.external_ids)
    outside = [m for m in stream if m.external_id not in members]
    flagged = [m.text for m in outside if has_claim_phrase(m.text)]
    assert flagged == []
    assert all(
        not (crisis.start <= m.created_at <= crisis.end) or truth(m)["event"] is None
        for m in outside
    )
    # Hard negatives ("sick" as slang, illness not blamed on a drink) occur outside it.
    hard = [m for m in outside if truth(m)["kind"] == "hard_negative"]
    assert any(m.created_at < crisis.start for m in hard)


@pytest.mark.parametrize("seed, scale", [(1, 1.0), (2, 1.0), (3, 0.5), (11, 0.3)])
def test_threshold_within_two_to_four_hours_across_seeds(seed, scale):
    sim = ScenarioSimulator(seed=seed, scale=scale)
    crisis = next(e for e in sim.events if e.kind == "illness_claim")
    assert crisis.threshold_time is not None
    assert timedelta(hours=2) <= crisis.threshold_time - crisis.start <= timedelta(hours=4)


def test_events_can_be_switched_off():
    sim = ScenarioSimulator(seed=7, events=False)
    posts = sim.generate()
    assert sim.events == []
    assert not any(has_claim_phrase(m.text) for m in posts)
    assert not any("nuvola zero" in m.text.lower() for m in posts)
    assert all(truth(m)["event"] is None for m in posts)


def test_short_window_omits_events_that_do_not_fit():
    sim = ScenarioSimulator(seed=5, days=7)
    assert [e.kind for e in sim.events] == ["launch"]
    assert not any(has_claim_phrase(m.text) for m in sim.generate())
    assert max(when(m) for m in sim.generate()) < DEFAULT_START + timedelta(days=7)


# --- collector protocol -------------------------------------------------------------


def test_is_a_registered_collector():
    factory = get_collector_factory("simulator")
    collector = factory(seed=2, days=1)
    assert isinstance(collector, ScenarioSimulator)
    assert isinstance(collector, Collector)
    assert collector.kind == "simulator"


def test_collect_yields_time_ordered_batches(sim, stream):
    batches = list(sim.collect("ignored", {}))
    assert all(isinstance(b, Batch) for b in batches)
    assert [len(b.mentions) for b in batches[:-1]] == [500] * (len(batches) - 1)
    assert [b.done for b in batches] == [False] * (len(batches) - 1) + [True]
    assert batches[-1].cursor == {"offset": len(stream)}
    assert [m for b in batches for m in b.mentions] == stream
    # The query does not filter: all three brands come back.
    assert {truth(m)["brand"] for m in batches[0].mentions} == set(BRAND_TOKENS)


def test_resumed_run_continues_exactly_where_it_stopped(stream):
    first_run = ScenarioSimulator(seed=7, batch_size=700)
    collected: list[MentionIn] = []
    cursor: dict = {}
    for i, batch in enumerate(first_run.collect("Nuvola", cursor)):
        collected.extend(batch.mentions)
        cursor = batch.cursor
        if i == 2:
            break
    assert cursor == {"offset": 2100}
    second_run = ScenarioSimulator(seed=7, batch_size=700)
    for batch in second_run.collect("Nuvola", cursor):
        collected.extend(batch.mentions)
        cursor = batch.cursor
    assert [m.model_dump_json() for m in collected] == [m.model_dump_json() for m in stream]
    leftover = list(second_run.collect("Nuvola", cursor))
    assert len(leftover) == 1 and leftover[0].mentions == [] and leftover[0].done


@pytest.mark.parametrize("cursor", [{"offset": -1}, {"offset": "3"}, {"offset": True}])
def test_bad_cursor_is_a_collector_error(cursor):
    with pytest.raises(CollectorError):
        next(iter(ScenarioSimulator(days=1).collect("", cursor)))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"days": 0},
        {"scale": 0.0},
        {"scale": float("nan")},
        {"language_mix": {"fr": 1.0}},
        {"batch_size": 0},
    ],
)
def test_invalid_settings_are_rejected(kwargs):
    with pytest.raises(ValueError):
        ScenarioSimulator(**kwargs)


def test_start_accepts_iso_strings():
    sim = ScenarioSimulator(days=1, start="2027-03-01T00:00:00Z")
    posts = sim.generate()
    assert when(posts[0]).year == 2027 and sim.events == []


# --- brands and phrase banks --------------------------------------------------------


def test_brands_describe_queries_and_handles():
    brands = {b["name"]: b for b in ScenarioSimulator.brands()}
    assert set(brands) == {"Nuvola", "Fizzly", "Brisa"}
    nuvola = brands["Nuvola"]
    assert nuvola["query"] == 'Nuvola OR "Nuvola Drinks" OR @nuvoladrinks OR #nuvola'
    assert nuvola["owned_handles"] == ["@nuvoladrinks"]
    assert {"Nuvola Drinks", "@nuvoladrinks", "#nuvola"} <= set(nuvola["aliases"])
    assert "Nuvola Zero" in nuvola["products"]
    assert brands["Fizzly"]["owned_handles"] == ["@fizzly"]
    assert "@brisa_soda" in brands["Brisa"]["query"] and '"Brisa Soda"' in brands["Brisa"]["query"]
    assert all(b["competitor_group"] == "soft-drinks" for b in brands.values())
    assert [b["is_own_brand"] for b in brands.values()].count(True) == 1


def _regular_phrases() -> list[str]:
    phrases: list[str] = []
    for lang in tx.ORGANIC.values():
        for parts in lang.values():
            for group in parts.values():
                phrases.extend(group)
    for bank in (tx.APP_REVIEWS, tx.NEWS, tx.LAUNCH):
        for lang_bank in bank.values():
            for group in lang_bank.values():
                phrases.extend(group)
    phrases.extend(text for pairs in tx.HARD_NEGATIVES.values() for _, text in pairs)
    return phrases


def test_regular_phrase_banks_never_claim_illness():
    assert [p for p in _regular_phrases() if has_claim_phrase(p)] == []


def test_every_body_names_a_brand():
    placeholders = ("{p}", "{b}", "{h}", "{z}")
    for lang in tx.ORGANIC.values():
        for parts in lang.values():
            for body in parts["bodies"]:
                assert any(p in body for p in placeholders), body
    for bank in (tx.CLAIM_ORIGINALS, tx.CLAIM_ME_TOO):
        for bodies in bank.values():
            assert all("{p}" in b and has_claim_phrase(b.replace("{p}", "x")) for b in bodies)


def test_placeholders_are_known():
    known = {"p", "b", "h", "c", "city", "z", "who", "whom", "when", "user", "n"}
    for phrase in _regular_phrases():
        fields = {f for _, f, _, _ in string.Formatter().parse(phrase) if f is not None}
        assert fields <= known, phrase
