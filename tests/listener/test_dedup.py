"""Tests for deduplication (listener/dedup.py)."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHash
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from listener.dedup import (
    NearDuplicateIndex,
    canonical_url,
    dedup_key,
    exact_key,
    is_unspaced_script,
    looks_truncated,
    normalise_text,
    repost_handle,
    text_tokens,
    url_key,
)
from models.types import MentionIn

REPO = Path(__file__).resolve().parents[2]

RECALL = (
    "Acme Foods is recalling its crunchy peanut butter after dozens of customers "
    "reported getting sick, the company said on Tuesday."
)
ARTICLE_BODY = (
    "The company said the recall covers jars sold in twelve states between March and "
    "May. Health officials linked at least forty cases of salmonella to the product, and "
    "six people were taken to hospital. Customers should not eat the peanut butter and "
    "can return it to the store for a full refund, a spokesperson said in a statement. "
    "Acme said it had stopped production at the plant while inspectors examine the "
    "equipment and the supply of roasted peanuts. The firm, which employs about two "
    "thousand people, has faced questions about its safety record before: a smaller "
    "recall of granola bars two years ago followed complaints about metal fragments. "
    "Shares in the company fell four percent in early trading after the announcement, "
    "and analysts said the cost of the recall could reach tens of millions of dollars. "
    "Regulators said they would publish the full list of affected batch numbers on "
    "their website later this week and urged anyone with symptoms to see a doctor."
)
THAI = "ร้านนี้อาหารอร่อยมาก บริการดีเยี่ยม พนักงานน่ารักทุกคน ราคาไม่แพงด้วย แนะนำเลยค่ะ"
GERMAN = (
    "Die neue Kaffeemaschine von Acme ist nach zwei Wochen kaputt gegangen und der "
    "Kundenservice der Firma reagiert seit Tagen überhaupt nicht auf meine Anfragen."
)


# --------------------------------------------------------------------------- URLs


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # tracking parameters go, the rest are sorted
        (
            "https://example.com/story?utm_source=tw&utm_medium=social&id=7&fbclid=abc",
            "https://example.com/story?id=7",
        ),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        (
            "https://example.com/a?gclid=1&mc_cid=2&mc_eid=3&igshid=4&ref=5&ref_src=6&si=7&spm=8"
            "&yclid=9&_ga=10&pk_campaign=11&keep=yes",
            "https://example.com/a?keep=yes",
        ),
        # scheme, host case, www, default port, fragment, trailing slash
        ("HTTP://WWW.Example.COM:80/News/Story/#comments", "https://example.com/News/Story"),
        ("https://example.com:443/", "https://example.com/"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        ("https://example.com.", "https://example.com/"),
        # AMP variants
        ("https://example.com/news/story/amp", "https://example.com/news/story"),
        ("https://example.com/news/story/amp/", "https://example.com/news/story"),
        ("https://amp.example.com/news/story", "https://example.com/news/story"),
        ("https://example.com/news/story?amp=1", "https://example.com/news/story"),
        ("https://example.com/news/story?outputType=amp", "https://example.com/news/story"),
        ("https://example.com/news/story.amp.html", "https://example.com/news/story.html"),
        ("https://example.com/amp/news/story", "https://example.com/news/story"),
        ("https://www.google.com/amp/s/www.bbc.co.uk/news/123.amp", "https://bbc.co.uk/news/123"),
        (
            "https://www-bbc-co-uk.cdn.ampproject.org/c/s/www.bbc.co.uk/news/123",
            "https://bbc.co.uk/news/123",
        ),
        # percent-encoding: unreserved decoded, others upper-case, non-ASCII encoded
        ("https://example.com/%7euser/%c3%a9t%C3%A9", "https://example.com/~user/%C3%A9t%C3%A9"),
        ("https://example.com/été", "https://example.com/%C3%A9t%C3%A9"),
        ("https://example.com/s?q=a+b", "https://example.com/s?q=a%20b"),
        ("https://example.com/s?q=a%20b", "https://example.com/s?q=a%20b"),
        ("https://example.com/a/./b/../c//d", "https://example.com/a/c/d"),
        # hosts
        ("https://münchen.de/x", "https://xn--mnchen-3ya.de/x"),
        ("https://mobile.twitter.com/acme/status/1?s=20&t=abc", "https://x.com/acme/status/1"),
        ("https://youtu.be/dQw4w9WgXcQ?si=share", "https://youtube.com/watch?v=dQw4w9WgXcQ"),
        ("https://m.example.org/page", "https://example.org/page"),
        # scheme-less
        ("example.com/a?utm_source=x", "https://example.com/a"),
        ("//example.com/a", "https://example.com/a"),
    ],
)
def test_canonical_url(raw: str, expected: str) -> None:
    assert canonical_url(raw) == expected


def test_twitter_share_parameter_only_stripped_on_twitter() -> None:
    assert canonical_url("https://twitter.com/a/status/1?s=20") == "https://x.com/a/status/1"
    assert canonical_url("https://shop.example.com/search?s=shoes") == (
        "https://shop.example.com/search?s=shoes"
    )


def test_equivalent_urls_share_a_canonical_form() -> None:
    variants = [
        "https://www.example.com/news/recall?id=5",
        "http://example.com/news/recall/?utm_campaign=spring&id=5#top",
        "https://amp.example.com/news/recall/amp?id=5&amp=1",
        "  https://EXAMPLE.com:443/news/recall?id=5&fbclid=XyZ  ",
    ]
    assert len({canonical_url(v) for v in variants}) == 1
    assert len({url_key(v) for v in variants}) == 1


@pytest.mark.parametrize(
    "junk",
    [
        "  not a url  ",
        "love it!",
        "mailto:support@example.com",
        "javascript:alert(1)",
        "ftp://example.com/file",
        "https://",
        "https://exa mple.com/",
        "https://example.com:99999/",
        "http://[::1",
        "",
        "\x00\x01",
    ],
)
def test_junk_comes_back_stripped(junk: str) -> None:
    assert canonical_url(junk) == junk.strip()
    assert url_key(junk) is None


@given(st.text())
@settings(max_examples=300)
def test_canonical_url_never_raises(text: str) -> None:
    result = canonical_url(text)
    assert isinstance(result, str)
    assert result.startswith("https://") or result == text.strip()


_URL_PARTS = st.fixed_dictionaries(
    {
        "scheme": st.sampled_from(["http", "https", "HTTPS"]),
        "host": st.sampled_from(
            [
                "example.com",
                "WWW.Example.com",
                "amp.news.example.co.uk",
                "m.shop.example.org",
                "münchen.de",
                "example.com.",
                "[2001:db8::1]",
                "twitter.com",
                "youtu.be",
            ]
        ),
        "port": st.sampled_from(["", ":80", ":443", ":8080"]),
        "path": st.lists(
            st.text(alphabet="abcAB09-._~%é /+:@", max_size=6) | st.just("amp") | st.just(".."),
            max_size=4,
        ),
        "query": st.lists(
            st.tuples(
                st.sampled_from(["utm_source", "a", "B", "ref", "amp", "q", "s", "v", ""]),
                st.text(alphabet="xy1 %+&=é", max_size=4),
            ),
            max_size=4,
        ),
        "fragment": st.text(alphabet="abc", max_size=3),
    }
)


@given(_URL_PARTS)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_canonical_url_is_idempotent(parts: dict[str, object]) -> None:
    path = "/" + "/".join(parts["path"])  # type: ignore[arg-type]
    query = "&".join(f"{k}={v}" for k, v in parts["query"])  # type: ignore[attr-defined]
    url = f"{parts['scheme']}://{parts['host']}{parts['port']}{path}"
    url += f"?{query}" if query else ""
    url += f"#{parts['fragment']}" if parts["fragment"] else ""
    once = canonical_url(url)
    assert canonical_url(once) == once
    if once.startswith("https://"):
        assert "utm_source" not in once
        assert "#" not in once


# --------------------------------------------------------------------------- keys


def test_exact_key_format_and_normalisation() -> None:
    key = exact_key("RSS ", " 12345")
    assert re.fullmatch(r"id:[0-9a-f]{32}", key)
    assert key == exact_key("rss", "12345")
    assert exact_key("youtube", "AbC") != exact_key("youtube", "abc")  # ids keep their case
    assert exact_key("rss", "12345") != exact_key("reddit", "12345")
    # The separator keeps the two parts apart.
    assert exact_key("ab", "c") != exact_key("a", "bc")


def test_keys_are_stable_across_processes() -> None:
    code = (
        "from listener.dedup import exact_key, url_key;"
        "print(exact_key('rss', 'x1'));print(url_key('https://www.example.com/a?utm_source=1'))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1
    assert outputs.pop().split() == [exact_key("rss", "x1"), url_key("https://example.com/a")]


def test_url_key() -> None:
    key = url_key("https://www.example.com/a?utm_source=1")
    assert key is not None and re.fullmatch(r"url:[0-9a-f]{32}", key)
    assert key == url_key("http://example.com/a/")
    assert key != url_key("https://example.com/b")
    assert url_key(None) is None
    assert url_key("   ") is None


def test_dedup_key_prefers_the_url() -> None:
    with_url = MentionIn(
        external_id="1", text="x", source="rss", url="https://www.example.com/p?utm_source=a"
    )
    assert dedup_key(with_url) == url_key("https://example.com/p")
    same_page = MentionIn(external_id="other", text="y", source="web", url="http://example.com/p/")
    assert dedup_key(same_page) == dedup_key(with_url)

    without = MentionIn(external_id="42", text="x", source="reddit")
    assert dedup_key(without) == exact_key("reddit", "42")
    junk_url = MentionIn(external_id="42", text="x", source="reddit", url="not a link")
    assert dedup_key(junk_url) == exact_key("reddit", "42")


# --------------------------------------------------------------------------- text


def test_normalise_text_strips_repost_markup() -> None:
    original = normalise_text(RECALL)
    assert normalise_text(f"RT @acmenews: {RECALL}") == original
    assert normalise_text(f"RT @a: RT @b: {RECALL}") == original
    assert normalise_text(f"{RECALL} via @reuters https://t.co/AbC123") == original
    assert normalise_text(f"{RECALL} (h/t @someone) www.example.com/x") == original
    assert normalise_text(f"{RECALL} 🤢🤢 #recall") == original + " recall"
    assert normalise_text("Fish &amp; chips — GREAT!!!") == "fish chips great"
    assert original == original.casefold()
    assert "  " not in original


def test_normalise_text_handles() -> None:
    assert normalise_text("@acme my order never arrived") == "my order never arrived"
    kept = normalise_text("@acme my order never arrived", strip_handles=False)
    assert kept == "acme my order never arrived"
    # e-mail addresses are not handles
    assert "example" in normalise_text("mail me at me@example.org")


def test_normalise_text_german_and_thai() -> None:
    assert normalise_text("Die STRASSE ist schön") == normalise_text("die Straße ist SCHÖN!")
    assert normalise_text("Don’t stop") == normalise_text("dont stop")
    thai = normalise_text(f"{THAI} 😍😍 #อร่อย")
    # Thai vowel and tone marks (combining characters) must survive.
    assert "อร่อย" in thai and "เยี่ยม" in thai


def test_repost_handle() -> None:
    assert repost_handle("RT @AcmeNews: big news") == "acmenews"
    assert repost_handle("RT @a: RT @b: big news") == "b"
    assert repost_handle("so true MT @c: big news") == "c"
    assert repost_handle("big news via @Reuters") == "reuters"
    assert repost_handle("ART @gallery is great") is None
    assert repost_handle("big news") is None


def test_looks_truncated() -> None:
    assert looks_truncated("Acme recalls peanut butter over salmonella fears…")
    assert looks_truncated("Acme recalls peanut butter over... https://t.co/x #news @acme")
    assert looks_truncated("Acme recalls peanut butter [...]")
    assert not looks_truncated("Acme recalls... peanut butter")
    assert not looks_truncated("Acme recalls peanut butter")


def test_unspaced_scripts_use_character_units() -> None:
    assert is_unspaced_script(THAI)
    assert is_unspaced_script("ซื้อ iPhone ใหม่มา ชอบมาก")
    assert is_unspaced_script("東京タワーに行きたい")
    assert not is_unspaced_script(GERMAN)
    assert not is_unspaced_script("12345 !!!")
    tokens, by_chars = text_tokens(normalise_text(THAI))
    assert by_chars and " " not in tokens
    tokens, by_chars = text_tokens(normalise_text(GERMAN))
    assert not by_chars and tokens[:3] == ["die", "neue", "kaffeemaschine"]


# --------------------------------------------------------------------------- index


def test_signatures_equal_datasketch_minhash() -> None:
    index = NearDuplicateIndex()
    rng = np.random.default_rng(3)
    sets = [rng.integers(0, 2**32, size=n, dtype=np.uint32) for n in (1, 5, 40, 3000)]
    sigs = index.signatures(sets)
    for row, values in zip(sigs, sets, strict=True):
        reference = MinHash(num_perm=64, seed=1, hashfunc=int)
        reference.update_batch(values.tolist())
        assert np.array_equal(row, reference.hashvalues)
    with pytest.raises(ValueError):
        index.signatures([np.empty(0, dtype=np.uint32)])


def test_retweets_and_quote_copies_link_to_the_original() -> None:
    index = NearDuplicateIndex()
    assert index.add("orig", RECALL, timestamp=1) is None
    assert index.add("rt", f"RT @acmenews: {RECALL}", timestamp=2) == "orig"
    assert index.add("quote", f"Wow, this is scary: {RECALL}", timestamp=3) == "orig"
    assert index.add("quote2", f"{RECALL} Stay safe everyone 🙏", timestamp=4) == "orig"
    assert index.add("edit", RECALL.replace("dozens", "many"), timestamp=5) == "orig"
    assert index.original_of("orig") is None
    assert index.original_of("quote2") == "orig"


def test_syndicated_article_with_a_new_headline_links() -> None:
    index = NearDuplicateIndex()
    wire = f"Acme recalls peanut butter after salmonella outbreak\n\n{ARTICLE_BODY}"
    index.add("wire", wire, timestamp=10)
    copy = f"PEANUT BUTTER RECALL: what shoppers need to know | {ARTICLE_BODY} Reporting by J. Doe"
    assert index.add("paper", copy, timestamp=20) == "wire"


def test_truncated_share_links_to_the_full_article() -> None:
    index = NearDuplicateIndex()
    full = f"Acme recalls peanut butter after salmonella outbreak. {ARTICLE_BODY}"
    index.add("article", full, timestamp=1)
    first_words = " ".join(full.split()[:20])
    share = f"{first_words}… https://t.co/xyz #food"
    assert index.add("share", share, timestamp=2) == "article"
    # Without the ellipsis a text that merely starts alike is not a copy.
    other = f"{' '.join(full.split()[:12])} and the rest of this post is about something else"
    assert index.add("other", other, timestamp=3) is None


def test_posts_that_share_a_brand_do_not_link() -> None:
    index = NearDuplicateIndex()
    posts = [
        "Just tried the new Acme phone and the battery lasts two full days, really impressed",
        "Just tried the new Acme phone and the screen cracked on the first day, awful quality",
        "Acme phone support kept me on hold for an hour and then hung up on me, never again",
        "Anyone else having problems with the Acme phone update today? Mine keeps rebooting",
        "The Acme phone camera is great at night, took these photos at the concert yesterday",
    ]
    for i, text in enumerate(posts):
        assert index.add(f"p{i}", text, timestamp=i) is None


def test_copy_of_a_copy_links_to_the_root() -> None:
    extra = "this is exactly why I stopped buying it"
    copy = f"{RECALL} {extra}"  # contains all of RECALL
    tail = " ".join(RECALL.split()[8:])
    copy_of_copy = f"{tail} {extra}"  # contained in `copy`, but not close to RECALL

    alone = NearDuplicateIndex()
    alone.add("root", RECALL, timestamp=1)
    assert alone.add("copy2", copy_of_copy, timestamp=3) is None

    index = NearDuplicateIndex()
    index.add("root", RECALL, timestamp=1)
    assert index.add("copy", copy, timestamp=2) == "root"
    assert index.add("copy2", copy_of_copy, timestamp=3) == "root"


def test_earliest_timestamp_is_the_original_even_when_added_later() -> None:
    index = NearDuplicateIndex()
    t0 = datetime(2024, 5, 1, 12, tzinfo=UTC)
    result = index.link_batch(
        [
            ("late", f"RT @acme: {RECALL}", t0 + timedelta(hours=2)),
            ("middle", f"Read this: {RECALL}", t0 + timedelta(hours=1)),
            ("first", RECALL, t0),
        ]
    )
    assert result == {"late": "first", "middle": "first", "first": None}
    # With add(), the earlier arrival becomes the original once it is known.
    index2 = NearDuplicateIndex()
    assert index2.add("copy", f"RT @acme: {RECALL}", timestamp=100.0) is None
    assert index2.add("orig", RECALL, timestamp=50.0) is None
    assert index2.original_of("copy") == "orig"


def test_short_texts_do_not_collapse() -> None:
    index = NearDuplicateIndex()
    result = index.link_batch(
        [
            (f"s{i}", text, i, f"user{i}")
            for i, text in enumerate(["love it!", "Love it!!", "love it ❤️", "LOVE IT"])
        ]
    )
    assert set(result.values()) == {None}
    # A repost of a short text links, to the post of the account it names.
    assert index.add("rt", "RT @user2: love it ❤️", timestamp=10, author="user9") == "s2"
    # ...and only when it says it is a repost.
    assert index.add("again", "love it", timestamp=11, author="user10") is None


def test_short_reposts_without_authors_and_after_prune() -> None:
    index = NearDuplicateIndex()
    # Authors unknown: a repost links to the earliest equal short text.
    result = index.link_batch(
        [("a", "so good", 5), ("b", "So good!", 2), ("c", "RT @z: so good", 6)]
    )
    assert result == {"a": None, "b": None, "c": "b"}

    index = NearDuplicateIndex()
    index.add("old", "love it", timestamp=1, author="alice")
    index.add("new", "love it!", timestamp=5, author="@Alice")
    index.add("bob", "love it", timestamp=2, author="bob")
    assert index.prune(3) == 2
    assert index.add("rt", "RT @alice: love it", timestamp=6, author="carol") == "new"
    assert index.add("rt_bob", "RT @bob: love it", timestamp=7, author="dave") is None


def test_empty_texts_never_link() -> None:
    index = NearDuplicateIndex()
    assert index.add("a", "https://t.co/abc 😍😍", timestamp=1) is None
    assert index.add("b", "https://t.co/abc 😍😍", timestamp=2) is None
    assert len(index) == 2


def test_thai_copies_link_and_other_thai_posts_do_not() -> None:
    index = NearDuplicateIndex()
    assert index.add("th", THAI, timestamp=1) is None
    assert index.add("th_rt", f"RT @foodie: {THAI} 😍", timestamp=2) == "th"
    assert index.add("th_quote", f"เห็นด้วยมาก {THAI}", timestamp=3) == "th"
    others = [
        "โทรศัพท์รุ่นใหม่ของ Acme แบตหมดเร็วมาก ผิดหวังสุดๆ ไม่ซื้ออีกแล้วค่ะ",
        "Acme ส่งของช้ามาก รอมาสองอาทิตย์แล้วยังไม่ได้รับสินค้าเลย แย่มาก",
        "ร้านนี้บริการแย่มาก รออาหารนานเป็นชั่วโมง พนักงานไม่สนใจลูกค้าเลย",
    ]
    for i, text in enumerate(others):
        assert index.add(f"other{i}", text, timestamp=10 + i) is None


def test_german_copies_link() -> None:
    index = NearDuplicateIndex()
    assert index.add("de", GERMAN, timestamp=1) is None
    assert index.add("de_rt", f"RT @kunde: {GERMAN}", timestamp=2) == "de"
    upper = GERMAN.upper() + " 😡"
    assert index.add("de_loud", f"Unglaublich!!! {upper}", timestamp=3) == "de"
    other = (
        "Die neue Kaffeemaschine von Acme macht den besten Espresso, den ich je zu Hause "
        "getrunken habe, und der Milchschäumer ist auch super."
    )
    assert index.add("de_other", other, timestamp=4) is None


def test_link_batch_matches_add_one_by_one() -> None:
    texts = [RECALL, f"RT @x: {RECALL}", GERMAN, f"Read: {GERMAN}", THAI, "love it", ARTICLE_BODY]
    items = [(f"k{i}", text, float(i)) for i, text in enumerate(texts)]
    batch = NearDuplicateIndex().link_batch(items)
    single = NearDuplicateIndex()
    for key, text, ts in items:
        single.add(key, text, timestamp=ts)
    assert batch == {key: single.original_of(key) for key, _, _ in items}
    assert batch["k1"] == "k0" and batch["k3"] == "k2"


def test_adding_a_key_again_changes_nothing() -> None:
    index = NearDuplicateIndex()
    index.add("a", RECALL, timestamp=1)
    index.add("b", f"RT @x: {RECALL}", timestamp=2)
    assert index.add("b", "something else entirely", timestamp=3) == "a"
    assert index.link_batch([("a", RECALL, 1), ("b", RECALL, 2)]) == {"a": None, "b": "a"}
    assert len(index) == 2


def test_viral_story_with_many_copies_keeps_linking() -> None:
    index = NearDuplicateIndex(bucket_cap=4)
    index.add("root", RECALL, timestamp=0)
    items = [(f"q{i}", f"{RECALL} wow{i}", float(i + 1)) for i in range(300)]
    result = index.link_batch(items)
    assert set(result.values()) == {"root"}


def test_serialisation_round_trip() -> None:
    index = NearDuplicateIndex(threshold=0.75)
    index.link_batch(
        [
            ("orig", RECALL, 1, "acmenews"),
            ("rt", f"RT @acmenews: {RECALL}", 2, "bob"),
            ("short", "love it", 3, "carol"),
            ("th", THAI, 4, None),
            ("de", GERMAN, 5, None),
        ]
    )
    restored = NearDuplicateIndex.from_bytes(index.to_bytes())
    assert restored.threshold == 0.75
    assert len(restored) == len(index)
    for key in ("orig", "rt", "short", "th", "de"):
        assert key in restored
        assert restored.original_of(key) == index.original_of(key)
    # The restored index keeps linking exactly as the original would.
    follow_ups = [
        ("rt2", f"RT @acmenews: {RECALL}", 6.0),
        ("quote", f"Oh no: {RECALL}", 7.0),
        ("th2", f"{THAI}!!", 8.0),
        ("short_rt", "RT @carol: love it", 9.0),
        ("new", "A completely unrelated post about the weather in Lisbon this weekend", 10.0),
    ]
    assert restored.link_batch(follow_ups) == index.link_batch(follow_ups)


def test_from_bytes_rejects_other_data() -> None:
    with pytest.raises(ValueError):
        NearDuplicateIndex.from_bytes(b"not an index")
    with pytest.raises(ValueError):
        NearDuplicateIndex.from_bytes(b"")
    # A well-formed archive with a configuration this version does not know.
    index = NearDuplicateIndex()
    index.add("a", RECALL, timestamp=1)
    with np.load(io.BytesIO(index.to_bytes())) as archive:
        arrays = {name: archive[name] for name in archive.files}
    meta = json.loads(bytes(arrays["meta"]))
    meta["config"]["unknown_option"] = 1
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    with pytest.raises(ValueError, match="corrupt"):
        NearDuplicateIndex.from_bytes(buffer.getvalue())


def test_importing_the_module_does_not_load_datasketch() -> None:
    code = "import sys, listener.dedup; print('datasketch' in sys.modules, 'scipy' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "False"]


def test_prune_forgets_old_texts_but_keeps_the_cluster_root() -> None:
    index = NearDuplicateIndex()
    index.add("orig", RECALL, timestamp=100)
    index.add("rt", f"RT @x: {RECALL}", timestamp=200)
    index.add("quote", f"Scary stuff: {RECALL}", timestamp=300)
    index.add("de", GERMAN, timestamp=150)
    index.add("short", "love it", timestamp=120)

    assert index.prune(250) == 4
    assert len(index) == 1
    assert "orig" not in index and "rt" not in index and "quote" in index
    assert index.original_of("quote") == "orig"
    # Later copies still find the story through its remaining member and
    # point at the original, which the database still holds.
    assert index.add("rt2", f"RT @y: {RECALL}", timestamp=400) == "orig"
    # Pruned texts no longer match anything.
    assert index.add("de2", GERMAN, timestamp=410) is None
    assert index.prune(1_000) == 3
    assert len(index) == 0
    assert index.add("fresh", RECALL, timestamp=2_000) is None


def test_prune_keeps_exact_copies_findable() -> None:
    index = NearDuplicateIndex()
    index.add("orig", RECALL, timestamp=1)
    index.add("rt1", f"RT @a: {RECALL}", timestamp=5)  # an exact twin of orig
    index.prune(3)
    assert index.add("rt2", f"RT @b: {RECALL}", timestamp=6) == "orig"


def test_timestamps_may_be_datetimes_or_missing() -> None:
    index = NearDuplicateIndex()
    naive = datetime(2024, 1, 1, 12)
    index.add("a", RECALL, timestamp=naive)
    index.add("b", f"RT @x: {RECALL}")  # stamped with the latest time seen
    assert index.original_of("b") == "a"
    assert index.prune(naive.replace(tzinfo=UTC) + timedelta(seconds=1)) == 2
    with pytest.raises(ValueError):
        index.add("c", RECALL, timestamp=float("nan"))


def test_invalid_parameters() -> None:
    with pytest.raises(ValueError):
        NearDuplicateIndex(threshold=0)
    with pytest.raises(ValueError):
        NearDuplicateIndex(num_perm=4)
    with pytest.raises(ValueError):
        NearDuplicateIndex(containment_min_jaccard=0.9, threshold=0.8)
    with pytest.raises(ValueError):
        NearDuplicateIndex(bucket_cap=0)
