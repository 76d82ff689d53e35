"""The analysis stage: language, sentiment and harm claims for new mentions.

A mention counts as analysed for the sentiment model version stored on it; after
a model change `groundswell analyze` re-scores everything whose version differs,
so re-analysis is one command. Results are kept per model version.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, or_
from sqlmodel import Session, col, select

from api.services.rollups import track_changes as track_rollup_changes
from models import Brand, HarmResult, Mention, SentimentResult
from models.settings import Settings
from models.timeutil import utcnow

logger = logging.getLogger(__name__)


@dataclass
class NlpPipeline:
    """The NLP components a workspace is analysed with."""

    langid: Any
    sentiment: Any
    harm: Any


def build_pipeline(settings: Settings, *, products: list[str] | None = None) -> NlpPipeline:
    """Build the NLP components the settings describe (models load lazily).

    Args:
        settings: Which sentiment model, label map and device.
        products: Brand and product names the harm classifier treats as blamed objects.

    Returns:
        The pipeline.
    """
    from nlp.harm import HarmClassifier
    from nlp.langid import LanguageIdentifier
    from nlp.sentiment import load_sentiment_model

    label_map = json.loads(settings.sentiment_label_map) if settings.sentiment_label_map else None
    sentiment = load_sentiment_model(
        settings.sentiment_model,
        label_map=label_map,
        device=settings.device,
        batch_size=settings.sentiment_batch_size,
    )
    harm = harm_classifier_for(sentiment, HarmClassifier(products=products or []))
    return NlpPipeline(langid=LanguageIdentifier(), sentiment=sentiment, harm=harm)


def harm_classifier_for(sentiment: Any, harm: Any) -> Any:
    """Give `harm`'s semantic head the sentiment model's encoder, if it was trained on it.

    That is the default model's fine-tuned MiniLM, which embeds English posts anyway.
    With another sentiment model the head stays off and harm claims rest on the lexicon
    and the Thai n-gram scorer.

    Args:
        sentiment: A sentiment model (used when it has ``embed`` and ``encoder_id``).
        harm: A `nlp.harm.HarmClassifier`.

    Returns:
        `harm`.
    """
    embed = getattr(sentiment, "embed", None)
    encoder_id = str(getattr(sentiment, "encoder_id", "") or "")
    if embed is not None and encoder_id and not harm.attach_embedder(embed, encoder_id):
        logger.info("harm semantic head not used: trained on another encoder than %s", encoder_id)
    return harm


def pending_condition(workspace_id: int, version: str, reanalyze: bool = False) -> Any:
    """SQL condition for the workspace's mentions not yet scored by sentiment `version`."""
    condition = col(Mention.workspace_id) == workspace_id
    if reanalyze:
        return condition
    return condition & or_(
        col(Mention.sentiment_version).is_(None),
        col(Mention.sentiment_version) != version,
    )


def register_products(session: Session, workspace_id: int, nlp: NlpPipeline) -> None:
    """Tell the harm classifier the workspace's brand names and aliases (products it blames)."""
    products = [
        name
        for brand in session.execute(
            select(Brand).where(Brand.workspace_id == workspace_id)
        ).scalars()
        for name in (brand.name, *brand.aliases)
    ]
    if products and hasattr(nlp.harm, "add_products"):
        nlp.harm.add_products(products)


def run_analysis(
    session: Session,
    workspace_id: int,
    nlp: NlpPipeline,
    *,
    reanalyze: bool = False,
    batch_size: int = 64,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Score every mention not yet scored by the current sentiment model.

    Args:
        session: An open session; committed after each batch, so a crash loses
            at most one batch of work and nothing already stored.
        workspace_id: The workspace.
        nlp: The components.
        reanalyze: Score everything again, even mentions already scored by this version.
        batch_size: Mentions per batch.
        on_progress: Called with (done, total) after each batch.

    Returns:
        How many mentions were scored.
    """
    version: str = nlp.sentiment.version
    register_products(session, workspace_id, nlp)
    where = pending_condition(workspace_id, version, reanalyze)
    total = session.execute(select(func.count()).select_from(Mention).where(where)).scalar_one()
    done = 0
    last_id = 0
    while True:
        rows = session.execute(
            select(Mention.id, Mention.text, Mention.language)
            .where(where, Mention.id > last_id)  # type: ignore[operator]
            .order_by(Mention.id)  # type: ignore[arg-type]
            .limit(batch_size)
        ).all()
        if not rows:
            break
        last_id = rows[-1][0]
        analyse_batch(session, nlp, list(rows), version)
        session.commit()
        done += len(rows)
        if on_progress is not None:
            on_progress(done, total)
    return done


def analyse_batch(session: Session, nlp: NlpPipeline, rows: list[Any], version: str) -> None:
    """Score one batch of mentions and stage the results in `session` (not committed).

    Shared by `run_analysis` and the workers' `analyze` jobs, which commit the results
    together with the job's completion.

    Args:
        session: An open session.
        nlp: The components.
        rows: ``(id, text, language)`` per mention; a missing language is detected.
        version: The sentiment model's version, stored with each result.
    """
    ids = [r[0] for r in rows]
    texts = [r[1] for r in rows]
    known = [r[2] for r in rows]
    missing = [i for i, lang in enumerate(known) if not lang]
    langs: list[str | None] = list(known)
    if missing:
        detected = nlp.langid.detect([texts[i] for i in missing])
        for i, lang in zip(missing, detected, strict=True):
            langs[i] = lang
    sentiments = nlp.sentiment.predict(texts, langs=langs)
    harms = nlp.harm.predict(texts, langs=langs)
    now = utcnow()
    harm_version = getattr(nlp.harm, "version", "harm")
    session.execute(
        delete(SentimentResult).where(
            SentimentResult.mention_id.in_(ids),  # type: ignore[attr-defined]
            col(SentimentResult.model_version) == version,
        )
    )
    session.execute(
        delete(HarmResult).where(
            HarmResult.mention_id.in_(ids),  # type: ignore[attr-defined]
            col(HarmResult.model_version) == harm_version,
        )
    )
    # Core inserts, not ORM objects: building 2 x 500 table models per batch cost as much
    # as the n-gram model (bench_sentiment.py); nothing reads them back in this session.
    session.execute(
        insert(SentimentResult),
        [
            {
                "mention_id": mid,
                "model_version": version,
                "label": s.label,
                "score_negative": float(s.scores.get("negative", 0.0)),
                "score_neutral": float(s.scores.get("neutral", 0.0)),
                "score_positive": float(s.scores.get("positive", 0.0)),
                "language": lang,
                "truncated": bool(getattr(s, "truncated", False)),
                "created_at": now,
            }
            for mid, s, lang in zip(ids, sentiments, langs, strict=True)
        ],
    )
    session.execute(
        insert(HarmResult),
        [
            {
                "mention_id": mid,
                "model_version": harm_version,
                "probability": float(h.probability),
                "is_claim": bool(h.is_claim),
                "evidence": h.evidence_dict() if hasattr(h, "evidence_dict") else {},
                "created_at": now,
            }
            for mid, h in zip(ids, harms, strict=True)
        ],
    )
    table = Mention.__table__  # type: ignore[attr-defined]
    # --- rollups (api/services/rollups.py): re-count sentiment and harm changes ---
    with track_rollup_changes(session, ids):
        session.execute(
            table.update()
            .where(table.c.id == bindparam("mid"))
            .values(
                sentiment=bindparam("label"),
                sentiment_version=bindparam("version"),
                language=bindparam("lang"),
                harm_probability=bindparam("harm_p"),
                is_harm=bindparam("harm"),
            ),
            [
                {
                    "mid": mid,
                    "label": s.label,
                    "version": version,
                    "lang": lang,
                    "harm_p": float(h.probability),
                    "harm": bool(h.is_claim),
                }
                for mid, s, h, lang in zip(ids, sentiments, harms, langs, strict=True)
            ],
        )
    # --- end rollups ---
