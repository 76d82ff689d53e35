"""Language identification: lingua behind a cache, with a Thai shortcut."""

from __future__ import annotations

from typing import Any

import pytest

from nlp.langid import DEFAULT_LANGUAGES, LanguageIdentifier, clean_for_detection


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier()


class CountingDetector:
    """Stands in for lingua's detector and counts calls."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls = 0

    def detect_language_of(self, text: str) -> Any:
        self.calls += 1
        return self.inner.detect_language_of(text)

    def detect_languages_in_parallel_of(self, texts: list[str]) -> Any:
        self.calls += len(texts)
        return self.inner.detect_languages_in_parallel_of(texts)


def test_default_language_set() -> None:
    assert len(DEFAULT_LANGUAGES) == 20
    for code in ("en", "de", "id", "th", "es", "fr", "it", "pt", "ar", "hi", "ms", "zh"):
        assert code in DEFAULT_LANGUAGES


def test_detects_common_languages(identifier: LanguageIdentifier) -> None:
    texts = [
        "I absolutely love the new phone, the battery lasts all day!",
        "Ich finde den Kundenservice wirklich schrecklich und werde nie wieder bestellen.",
        "Pelayanannya sangat ramah dan makanannya enak sekali, pasti kembali lagi.",
        "El servicio fue excelente y la comida estaba deliciosa, volveremos pronto.",
        "Le service client est vraiment nul, je ne commanderai plus jamais ici.",
        "هذا المنتج رائع جدا وأنصح الجميع بشرائه",
        "この商品は本当に素晴らしいです。また買いたいと思います。",
    ]
    assert identifier.detect(texts) == ["en", "de", "id", "es", "fr", "ar", "ja"]


def test_thai_shortcut_is_exact_and_skips_lingua() -> None:
    ident = LanguageIdentifier()
    texts = [
        "อร่อยมาก บริการดีเยี่ยม",
        "ไปจองมาแล้ว Mitsubishi Attrage ได้หลังสงกรานต์เลย รอขับอยู่",  # Latin brand names inside
    ]
    assert ident.detect(texts) == ["th", "th"]
    assert ident._detector is None  # lingua was never built


def test_thai_shortcut_off_when_thai_not_allowed() -> None:
    ident = LanguageIdentifier(["en", "de"])
    assert ident.detect_one("อร่อยมาก บริการดีเยี่ยม") in ("en", "de", None)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "😂😂😂🔥", "ok", "12345 !!!", "@someone https://t.co/xyz", None],
)
def test_no_evidence_gives_none(identifier: LanguageIdentifier, text: str | None) -> None:
    assert identifier.detect_one(text) is None


def test_odd_input_does_not_crash(identifier: LanguageIdentifier) -> None:
    out = identifier.detect(
        [
            "broken \ud800 surrogate in an english sentence about phones",
            "mixed ภาษาไทย and English and 日本語 in one post",
            "word " * 20_000,
        ]
    )
    assert out[0] == "en"
    assert out[1] in DEFAULT_LANGUAGES
    assert out[2] in DEFAULT_LANGUAGES


def test_results_are_cached_by_text() -> None:
    ident = LanguageIdentifier(["en", "de"])
    counting = CountingDetector(ident._get_detector())
    ident._detector = counting
    text = "This is clearly an English sentence about a product."
    assert ident.detect([text, text, text]) == ["en", "en", "en"]
    assert ident.detect_one(text) == "en"
    assert counting.calls == 1


def test_a_batch_gets_what_one_by_one_gets() -> None:
    texts = [
        "This is clearly an English sentence about a product.",
        "Das Essen war sehr gut, aber der Service nicht",
        "Makanannya enak sekali dan pelayanannya ramah",
        "ร้านนี้อร่อยมาก แนะนำเลย",
        "",
        "ok",
        "🙂🙂🙂",
        "This is clearly an English sentence about a product.",  # twice in one batch
        "Le service client est vraiment nul",
        None,
    ]
    one_by_one = [LanguageIdentifier().detect_one(t) for t in texts]  # type: ignore[arg-type]
    batch = LanguageIdentifier()
    counting = CountingDetector(batch._get_detector())
    batch._detector = counting
    assert batch.detect(texts) == one_by_one
    assert one_by_one[:4] == ["en", "de", "id", "th"] and one_by_one[4:7] == [None] * 3
    assert counting.calls == 4  # each distinct Latin-script text once; Thai needs no lingua
    assert batch.detect(texts) == one_by_one and counting.calls == 4  # now cached


def test_cache_is_bounded() -> None:
    ident = LanguageIdentifier(["en", "de"], cache_size=2)
    ident.detect(["the first english sentence", "der zweite deutsche Satz", "a third one here"])
    assert len(ident._cache) == 2
    assert "the first english sentence" not in ident._cache


def test_restricted_languages_only_returns_those() -> None:
    ident = LanguageIdentifier(["en", "de"])
    out = ident.detect(["Le service client est vraiment nul", "Das Essen war sehr gut"])
    assert all(code in ("en", "de", None) for code in out)
    assert out[1] == "de"


def test_single_language() -> None:
    ident = LanguageIdentifier(["id"])
    assert ident.detect(["apa saja boleh", "😂"]) == ["id", None]


def test_unknown_code_rejected() -> None:
    with pytest.raises(ValueError, match="xx"):
        LanguageIdentifier(["en", "xx"])
    with pytest.raises(ValueError):
        LanguageIdentifier([])


def test_clean_for_detection() -> None:
    cleaned = clean_for_detection("@brand check https://x.co/a #SuperDeal now")
    assert "@brand" not in cleaned and "https" not in cleaned
    assert "SuperDeal" in cleaned and "#" not in cleaned
