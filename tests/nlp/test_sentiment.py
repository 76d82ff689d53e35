"""Sentiment models: the bundled n-gram model, the Hugging Face wrapper, and loading."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nlp.sentiment import (
    BUNDLED_NGRAM_PATH,
    FLAG_EMPTY,
    LABELS,
    HFSentimentModel,
    ModelLoadError,
    NgramFeatureConfig,
    NgramSentimentModel,
    SentimentModel,
    SentimentResult,
    coerce_text,
    load_sentiment_model,
    normalize_text,
    resolve_label_map,
)

REPO_ROOT = Path(__file__).resolve().parents[2]

BAD_INPUTS: list[Any] = [
    "",
    "   \n\t",
    "😂😂😂🔥",
    "lorem ipsum dolor sit amet, consectetur " * 2_500,  # 100 kB
    "mixed ภาษาไทย and English ¡hola! 日本語 مرحبا",
    None,
    "lone \ud800 surrogate",
    b"bytes \xff input",
    12345,
]


def check_result(r: SentimentResult, version: str) -> None:
    assert r.label in LABELS
    assert set(r.scores) == set(LABELS)
    assert sum(r.scores.values()) == pytest.approx(1.0, abs=1e-9)
    assert all(0.0 <= v <= 1.0 for v in r.scores.values())
    assert r.scores[r.label] == max(r.scores.values())
    assert r.model_version == version


# --------------------------------------------------------------------------- helpers


def test_normalize_text() -> None:
    assert normalize_text("@Brand sooooo   good!!!!!! https://t.co/x") == "@user sooo good!!! http"
    assert normalize_text("อร่อยมากกกกกก") == "อร่อยมากกก"


def test_coerce_text() -> None:
    assert coerce_text(None) == ""
    assert coerce_text(b"caf\xc3\xa9") == "café"
    assert coerce_text("a\x00b") == "ab"
    assert coerce_text("x\ud800y").encode("utf-8")  # no UnicodeEncodeError
    assert coerce_text(3) == "3"


# --------------------------------------------------------------------------- label maps


@pytest.mark.parametrize(
    ("model_labels", "expected"),
    [
        (["LABEL_0", "LABEL_1", "LABEL_2"], ["negative", "neutral", "positive"]),
        (["LABEL_0", "LABEL_1"], ["negative", "positive"]),
        (["Negative", "Neutral", "Positive"], ["negative", "neutral", "positive"]),
        (["POS", "NEG", "NEU"], ["positive", "negative", "neutral"]),
        (["negative", "positive"], ["negative", "positive"]),
        (
            ["1 star", "2 stars", "3 stars", "4 stars", "5 stars"],
            ["negative", "negative", "neutral", "positive", "positive"],
        ),
        (
            [f"LABEL_{i}" for i in range(5)],
            ["negative", "negative", "neutral", "positive", "positive"],
        ),
    ],
)
def test_resolve_label_map_conventions(model_labels: list[str], expected: list[str]) -> None:
    assert resolve_label_map(model_labels) == expected


def test_resolve_label_map_explicit() -> None:
    names = ["bad", "meh", "good"]
    with pytest.raises(ValueError, match="label_map"):
        resolve_label_map(names)
    assert resolve_label_map(names, {"BAD": "negative", "meh": "neutral", "good": "positive"}) == [
        "negative",
        "neutral",
        "positive",
    ]
    # class indices as keys
    assert resolve_label_map(names, {"0": "positive", "1": "positive", "2": "negative"}) == [
        "positive",
        "positive",
        "negative",
    ]
    with pytest.raises(ValueError, match="no entry"):
        resolve_label_map(names, {"bad": "negative"})
    with pytest.raises(ValueError, match="values"):
        resolve_label_map(names, {"bad": "awful", "meh": "neutral", "good": "positive"})


# --------------------------------------------------------------------------- tiny HF model

WORDS = [
    "the", "phone", "is", "good", "bad", "great", "terrible", "service", "i", "love",
    "hate", "it", "this", "not", "very", "ok",
]  # fmt: skip


def make_tiny_bert(path: Path, id2label: dict[int, str] | None = None, seed: int = 0) -> Path:
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    path.mkdir(parents=True, exist_ok=True)
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS, *letters]
    vocab += [f"##{c}" for c in letters]
    vocab_file = path / "vocab.txt"
    vocab_file.write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(vocab_file=str(vocab_file), do_lower_case=True)
    labels = id2label or {0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=37,
        max_position_embeddings=64,
        num_labels=len(labels),
        id2label=labels,
        label2id={v: k for k, v in labels.items()},
    )
    torch.manual_seed(seed)
    model = BertForSequenceClassification(config)
    with torch.no_grad():  # bigger logits than the default init, so labels differ
        model.classifier.weight.normal_(0, 2.0)
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_bert(tmp_path_factory.mktemp("tiny-bert"))


def reference_probs(path: Path, texts: list[str], max_length: int) -> np.ndarray:
    """Softmax of the model's logits, one text at a time, without our wrapper."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModelForSequenceClassification.from_pretrained(path).eval()
    out = []
    with torch.no_grad():
        for t in texts:
            enc = tok(t, truncation=True, max_length=max_length, return_tensors="pt")
            out.append(torch.softmax(model(**enc).logits[0], -1).numpy())
    return np.array(out)


def test_hf_model_loads_and_predicts(tiny_bert: Path) -> None:
    model = load_sentiment_model(str(tiny_bert), max_length=16, batch_size=2)
    assert isinstance(model, HFSentimentModel)
    assert isinstance(model, SentimentModel)
    assert model.version == f"hf:{tiny_bert}"
    assert model.label_for_class == ["negative", "neutral", "positive"]
    long_text = " ".join(["the phone is very good"] * 20)  # about 100 word pieces
    texts = [
        "i love this phone",
        "the service is terrible",
        "",
        "i love this phone",  # duplicate
        long_text,
        "ok",
        "xyzzy qwerty",  # word pieces from letters
    ]
    results = model.predict(texts, langs=["en", "en", None, "en", "en", "de", None])
    assert len(results) == len(texts)
    for r in results:
        check_result(r, model.version)
    assert [r.language for r in results] == ["en", "en", None, "en", "en", "de", None]
    assert results[2].flags == (FLAG_EMPTY,)
    assert results[2].scores == pytest.approx({k: 1 / 3 for k in LABELS})
    assert results[0] == results[3]
    assert [r.truncated for r in results] == [False, False, False, False, True, False, False]
    # Scores equal an unbatched, unsorted forward pass mapped LABEL_0/1/2 -> neg/neu/pos.
    non_empty = [0, 1, 4, 5, 6]
    ref = reference_probs(tiny_bert, [texts[i] for i in non_empty], max_length=16)
    ours = np.array([[results[i].scores[k] for k in LABELS] for i in non_empty])
    np.testing.assert_allclose(ours, ref, atol=1e-5)


def test_hf_model_bad_inputs_never_stop_a_batch(tiny_bert: Path) -> None:
    model = HFSentimentModel(str(tiny_bert), max_length=16)
    results = model.predict(BAD_INPUTS)
    assert len(results) == len(BAD_INPUTS)
    for r in results:
        check_result(r, model.version)
    assert results[0].flags == results[1].flags == results[5].flags == (FLAG_EMPTY,)
    assert results[3].truncated  # 100 kB
    assert model.predict([]) == []


def test_hf_temperature_and_custom_label_map(tiny_bert: Path) -> None:
    base = HFSentimentModel(str(tiny_bert))
    warm = HFSentimentModel(str(tiny_bert), temperature=3.0)
    swapped = HFSentimentModel(
        str(tiny_bert),
        label_map={"LABEL_0": "positive", "LABEL_1": "neutral", "LABEL_2": "negative"},
    )
    assert "T=3" in warm.version
    texts = ["i love this phone", "the service is terrible", "ok"]
    triples = zip(base.predict(texts), warm.predict(texts), swapped.predict(texts), strict=True)
    for b, w, s in triples:
        assert w.label == b.label
        assert max(w.scores.values()) < max(b.scores.values())
        assert s.scores["positive"] == pytest.approx(b.scores["negative"])
        assert s.scores["negative"] == pytest.approx(b.scores["positive"])


def test_hf_two_class_and_star_models(tmp_path: Path) -> None:
    two = make_tiny_bert(tmp_path / "two", {0: "NEGATIVE", 1: "POSITIVE"})
    results = HFSentimentModel(str(two)).predict(["i love it", "i hate it"])
    for r in results:
        assert r.scores["neutral"] == 0.0
        assert r.scores["negative"] + r.scores["positive"] == pytest.approx(1.0)
    stars = make_tiny_bert(tmp_path / "stars", {i: f"{i + 1} stars" for i in range(5)})
    star_model = HFSentimentModel(str(stars))
    ref = reference_probs(stars, ["the phone is good"], max_length=128)[0]
    r = star_model.predict(["the phone is good"])[0]
    assert r.scores["negative"] == pytest.approx(ref[0] + ref[1], abs=1e-5)
    assert r.scores["neutral"] == pytest.approx(ref[2], abs=1e-5)
    assert r.scores["positive"] == pytest.approx(ref[3] + ref[4], abs=1e-5)


def test_hf_unmappable_labels_need_a_label_map(tmp_path: Path) -> None:
    odd = make_tiny_bert(tmp_path / "odd", {0: "bad", 1: "meh", 2: "good"})
    with pytest.raises(ValueError, match="label_map"):
        load_sentiment_model(str(odd))
    model = load_sentiment_model(
        f"hf:{odd}", label_map={"bad": "negative", "meh": "neutral", "good": "positive"}
    )
    check_result(model.predict(["good"])[0], model.version)


def test_hf_missing_model_raises_load_error(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError):
        HFSentimentModel(str(tmp_path / "no" / "such" / "model"))


# --------------------------------------------------------------------------- bundled model


@pytest.fixture(scope="module")
def bundled() -> SentimentModel:
    return load_sentiment_model("builtin:ngram")


def test_bundled_artifact_is_small_and_cached(bundled: SentimentModel) -> None:
    assert BUNDLED_NGRAM_PATH.exists()
    assert BUNDLED_NGRAM_PATH.stat().st_size < 10_000_000
    assert isinstance(bundled, NgramSentimentModel)
    assert isinstance(bundled, SentimentModel)
    assert bundled.version.startswith("ngram-")
    assert 0.05 < bundled.temperature < 20
    assert load_sentiment_model("builtin:ngram") is bundled
    assert load_sentiment_model(str(BUNDLED_NGRAM_PATH)).version == bundled.version


OBVIOUS = {
    "en": (
        "I love this phone, it is absolutely amazing! Best purchase ever :)",
        "This is the worst service I have ever had. Terrible, I hate it.",
    ),
    "de": (
        "Ich liebe dieses Produkt, es ist wunderbar und einfach super!",
        "Der schlechteste Kundenservice überhaupt, einfach furchtbar und enttäuschend.",
    ),
    "id": (
        "makanannya enak sekali dan pelayanannya sangat ramah, saya suka sekali",
        "pelayanan sangat buruk dan makanannya tidak enak, saya kecewa",
    ),
    "th": (
        "อร่อยมาก ชอบมากๆ บริการดีเยี่ยม ประทับใจสุดๆ",
        "แย่มาก บริการห่วย ไม่ประทับใจเลย ผิดหวังมาก",
    ),
}


@pytest.mark.parametrize("lang", sorted(OBVIOUS))
def test_bundled_obvious_examples(bundled: SentimentModel, lang: str) -> None:
    positive, negative = OBVIOUS[lang]
    # with the language given, and with it detected
    for langs in ([lang, lang], None):
        pos, neg = bundled.predict([positive, negative], langs=langs)
        assert pos.label == "positive", (lang, pos)
        assert neg.label == "negative", (lang, neg)
        assert pos.scores["positive"] > 0.5
        assert neg.scores["negative"] > 0.5
        # the language is echoed; detected only by models that use it
        expected = lang if langs is not None or getattr(bundled, "uses_language", False) else None
        assert pos.language == expected and neg.language == expected


def test_bundled_bad_inputs(bundled: SentimentModel) -> None:
    results = bundled.predict(BAD_INPUTS)
    assert len(results) == len(BAD_INPUTS)
    for r in results:
        check_result(r, bundled.version)
    for i in (0, 1, 5):
        assert results[i].flags == (FLAG_EMPTY,)
        assert results[i].label == "neutral"
        assert results[i].scores == pytest.approx({k: 1 / 3 for k in LABELS})
    assert results[3].truncated
    assert not any(r.truncated for i, r in enumerate(results) if i != 3)
    assert all(r.flags == () for i, r in enumerate(results) if i not in (0, 1, 5))
    assert bundled.predict([]) == []


def test_bundled_langs_passed_through_and_checked(bundled: SentimentModel) -> None:
    texts = ["great product", "great product", "produk bagus"]
    results = bundled.predict(texts, langs=["en", None, "id"])
    assert [r.language for r in results] == ["en", None, "id"]
    with pytest.raises(ValueError, match="langs"):
        bundled.predict(texts, langs=["en"])


def test_bundled_order_and_duplicates(bundled: SentimentModel) -> None:
    texts = ["I hate this", "I love this", "I hate this", "meh whatever"]
    batch = bundled.predict(texts, langs=["en"] * 4)
    single = [bundled.predict([t], langs=["en"])[0] for t in texts]
    assert batch == single
    assert batch[0] == batch[2]


def test_ngram_save_load_roundtrip(tmp_path: Path) -> None:
    config = NgramFeatureConfig(n_features=2**10, language_bits=6, languages=("de", "en"))
    rng = np.random.default_rng(1)
    model = NgramSentimentModel(
        coef=rng.normal(size=(3, config.n_columns)).astype(np.float32),
        intercept=np.array([0.1, 0.0, -0.1], dtype=np.float32),
        idf=rng.uniform(1, 3, size=config.n_features).astype(np.float32),
        config=config,
        temperature=1.7,
        version="ngram-test",
    )
    path = tmp_path / "m.npz"
    model.save(path)
    loaded = load_sentiment_model(f"ngram:{path}")
    assert isinstance(loaded, NgramSentimentModel)
    assert loaded.config == config
    assert loaded.version == "ngram-test" and loaded.temperature == pytest.approx(1.7)
    texts = ["some text", "noch ein Text", "word " * 2000]
    langs: list[str | None] = ["en", "de", None]
    # float16 storage: probabilities agree to about 3 decimals
    np.testing.assert_allclose(
        loaded.predict_proba(texts, langs), model.predict_proba(texts, langs), atol=5e-3
    )
    # the language block changes scores; an unknown language uses shared weights only
    z_en = model.logits(["some text"], ["en"])[0]
    z_de = model.logits(["some text"], ["de"])[0]
    z_none = model.logits(["some text"], [None])[0]
    z_fr = model.logits(["some text"], ["fr"])[0]
    assert not np.allclose(z_en, z_de)
    np.testing.assert_allclose(z_none, z_fr)
    assert model.logits(texts)[1].tolist() == [False, False, True]
    # a different temperature keeps the arg-max and the weights
    warm = loaded.with_temperature(5.0)  # type: ignore[attr-defined]
    assert (warm.predict_proba(texts).argmax(1) == loaded.predict_proba(texts).argmax(1)).all()


class FixedDetector:
    """A language detector that calls every non-empty text `code`."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.calls = 0

    def detect(self, texts: Any) -> list[str | None]:
        self.calls += 1
        return [self.code if t.strip() else None for t in texts]


def test_ngram_detects_language_only_when_it_uses_one() -> None:
    config = NgramFeatureConfig(n_features=2**10, language_bits=6, languages=("de", "en"))
    rng = np.random.default_rng(2)
    weights = {
        "coef": rng.normal(size=(3, config.n_columns)).astype(np.float32),
        "intercept": np.zeros(3, dtype=np.float32),
        "idf": np.ones(config.n_features, dtype=np.float32),
    }
    detector = FixedDetector("de")
    model = NgramSentimentModel(**weights, config=config, language_identifier=detector)
    assert model.uses_language
    detected = model.predict(["ein Text", ""])
    assert [r.language for r in detected] == ["de", None]
    assert detected[0].scores == model.predict(["ein Text"], langs=["de"])[0].scores
    assert detected[0].scores != model.predict(["ein Text"], langs=["en"])[0].scores
    assert detector.calls == 1
    plain_config = NgramFeatureConfig(n_features=2**10)
    plain = NgramSentimentModel(
        coef=weights["coef"][:, : plain_config.n_columns],
        intercept=weights["intercept"],
        idf=weights["idf"],
        config=plain_config,
        language_identifier=detector,
    )
    assert not plain.uses_language
    assert plain.predict(["ein Text"])[0].language is None
    assert detector.calls == 1


def test_ngram_load_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError):
        NgramSentimentModel.load(tmp_path / "missing.npz")
    bad = tmp_path / "bad.npz"
    np.savez(bad, coef=np.zeros(3))
    with pytest.raises(ModelLoadError):
        NgramSentimentModel.load(bad)


def test_load_sentiment_model_spec_errors() -> None:
    with pytest.raises(ValueError, match="unknown built-in"):
        load_sentiment_model("builtin:nope")
    with pytest.raises(ValueError, match="label_map"):
        load_sentiment_model("builtin:ngram", label_map={"a": "negative"})


def test_importing_nlp_is_light() -> None:
    code = (
        "import sys, nlp.sentiment, nlp.langid, nlp.metrics, nlp.calibration\n"
        "heavy = [m for m in ('torch', 'transformers', 'sklearn', 'lingua') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, check=True)
