"""Leave-one-series-out tuning of the spike detector on labelled NAB volume series.

Usage::

    OMP_NUM_THREADS=1 .venv/bin/python scripts/tune_spikes.py --data ../shared/data/volume

For every ``<name>.csv`` (``timestamp,value``) with a ``<name>.windows.json`` beside it
the script runs the live detector over the series exactly as it runs live
(`nlp.spikes.detect_series`: one bucket at a time, no look-ahead) and scores the
buckets that alerted with NAB's standard profile (`nlp.nab.nab_score`), for every
config in a small grid. It then reports:

* the grid: per-series and mean NAB score of every config;
* leave-one-series-out: for each series, the config that scores best on the *other*
  series, and what it scores on the held-out one (the honest estimate);
* the robust pick: the config with the best worst-case score (ties: best mean),
  compared with the current `SpikeConfig` defaults.

Most brands get far fewer mentions than AAPL, FB or GOOG, so each series is also
scored binomially thinned to each ``--thin`` fraction of its volume (same labels, a
fixed seed). Thinned copies belong to their source series: leave-one-out holds them
out together, and the tuning objective is the mean over the remaining series at all
volumes.

Everything runs in this process, single-threaded; the grid is kept small on purpose.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import sys
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from statistics import mean

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlp.nab import NabReport, nab_score, pooled_nab_score  # noqa: E402
from nlp.spikes import SpikeConfig, detect_series, nab_anomaly_scores  # noqa: E402

GRID: dict[str, list[float]] = {
    "tail_log10_p": [6.0, 8.0, 12.0],
    "burst_ratio": [0.75, 1.0],
    "burst_half_life_hours": [168.0, 336.0],
    "cusum_h": [50.0, 80.0],
}
"""Small on purpose: 24 configs; each one runs every series (and its thinned copy)."""


@dataclass
class Series:
    name: str
    source: str
    timestamps: list[datetime]
    values: list[float]
    windows: list[tuple[str, str]]


def thinned(series: Series, fraction: float, seed: int) -> Series:
    """Keep each mention with probability ``fraction``: a lower-volume brand."""
    rng = np.random.default_rng(seed)
    counts = np.asarray(series.values).round().astype(np.int64)
    return Series(
        name=f"{series.name}@{fraction:g}",
        source=series.source,
        timestamps=series.timestamps,
        values=rng.binomial(counts, fraction).astype(float).tolist(),
        windows=series.windows,
    )


def load_series(folder: Path) -> list[Series]:
    series = []
    for path in sorted(folder.glob("*.csv")):
        windows_path = path.with_suffix(".windows.json")
        if not windows_path.exists():
            continue
        with path.open(newline="") as f:
            rows = list(csv.DictReader(f))
        series.append(
            Series(
                name=path.stem.replace("Twitter_volume_", ""),
                source=path.stem.replace("Twitter_volume_", ""),
                timestamps=[datetime.fromisoformat(r["timestamp"]) for r in rows],
                values=[float(r["value"]) for r in rows],
                windows=[tuple(w) for w in json.loads(windows_path.read_text())],
            )
        )
    if not series:
        raise SystemExit(f"no labelled series (*.csv + *.windows.json) in {folder}")
    return series


def evaluate(config: SpikeConfig, s: Series) -> NabReport:
    results = detect_series(s.timestamps, s.values, config)
    return nab_score(
        s.timestamps, nab_anomaly_scores(results), s.windows, threshold=config.threshold
    )


def describe(overrides: dict[str, float]) -> str:
    return ", ".join(f"{k}={v:g}" for k, v in overrides.items()) or "(defaults)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="folder of labelled series")
    parser.add_argument(
        "--thin",
        default="0.3,0.1",
        help="comma-separated volume fractions of the thinned copies ('' for none)",
    )
    args = parser.parse_args()
    originals = load_series(args.data)
    series = list(originals)
    fractions = [float(f) for f in args.thin.split(",") if f.strip()]
    for j, fraction in enumerate(fractions):
        series += [thinned(s, fraction, seed=100 * j + i) for i, s in enumerate(originals)]
    names = [s.name for s in series]
    sources = [s.name for s in originals]

    keys = list(GRID)
    grid = [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*GRID.values())]
    base = SpikeConfig()
    scores: list[dict[str, float]] = []
    print(f"{len(grid)} configs x {len(series)} series; NAB standard profile\n")
    print("  ".join(f"{n:>9}" for n in names) + "     mean  config")
    for overrides in grid:
        config = replace(base, **overrides)
        row = {s.name: evaluate(config, s).score for s in series}
        scores.append(row)
        line = "  ".join(f"{row[n]:9.1f}" for n in names)
        print(f"{line}  {mean(row.values()):7.1f}  {describe(overrides)}")

    print("\nLeave-one-series-out (tune on the other series, score the held-out one):")
    held_out: list[float] = []
    held_out_thin: list[float] = []
    for source in sources:
        train = [s.name for s in series if s.source != source]
        test = [s.name for s in series if s.source == source]
        best = max(range(len(grid)), key=lambda i: mean(scores[i][n] for n in train))
        held_out.append(scores[best][source])
        held_out_thin += [scores[best][n] for n in test if n != source]
        tested = "  ".join(f"{n} {scores[best][n]:5.1f}" for n in test)
        print(
            f"  held out {source:>5}: NAB {tested}  "
            f"(tuned on the others: {mean(scores[best][n] for n in train):5.1f}) "
            f"with {describe(grid[best])}"
        )
    print(f"  mean held-out NAB: {mean(held_out):.1f}", end="")
    if held_out_thin:
        print(f"  (thinned copies: {mean(held_out_thin):.1f})", end="")
    print()

    robust = max(
        range(len(grid)), key=lambda i: (min(scores[i].values()), mean(scores[i].values()))
    )
    print(f"\nRobust pick (best worst-case score): {describe(grid[robust])}")
    print("\nCurrent SpikeConfig defaults:")
    reports = [evaluate(base, s) for s in series]
    for s, report in zip(series, reports, strict=True):
        delays = [str(w.delay) for w in report.windows if w.delay is not None]
        print(
            f"  {s.name:>9}: NAB {report.score:6.1f}  windows hit "
            f"{report.true_positive_windows}/{len(report.windows)}  "
            f"false alarms {report.false_positives} ({report.false_alarms_per_week:.2f}/week)  "
            f"delays {delays}"
        )
    full = reports[: len(originals)]
    print(
        f"  original series: mean NAB {mean(r.score for r in full):.1f}, "
        f"pooled (NAB corpus-style) {pooled_nab_score(full):.1f}"
    )


if __name__ == "__main__":
    main()
