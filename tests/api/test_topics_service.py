from datetime import timedelta

import numpy as np
import pytest
from sqlmodel import Session, col, select

from api.services.errors import NotFound
from api.services.topics import (
    assign_new_mentions,
    emerging_topics_for,
    fit_topics,
    list_topics,
    topic_detail,
    topic_trend,
    topics_by_sentiment,
)
from models import Mention, MentionBrand, Topic, TopicAssignment
from tests.factories import T0, make_brand, make_workspace
from tests.nlp.test_topics import modeler, posts

END = T0 + timedelta(days=30)


def add_posts(
    session: Session,
    workspace_id: int,
    themes: list[str],
    per_theme: int,
    *,
    seed: int,
    days: tuple[float, float] = (1, 29),
    brand_id: int | None = None,
    negative: str | None = None,
) -> dict[int, str]:
    """Store synthetic posts spread over `days` after T0; return mention id -> theme."""
    texts, labels = posts(themes, per_theme, seed=seed)
    span = days[1] - days[0]
    out = {}
    for i, (text, theme) in enumerate(zip(texts, labels, strict=True)):
        m = Mention(
            workspace_id=workspace_id,
            source="test",
            external_id=f"s{seed}-{i}",
            text=text,
            created_at=T0 + timedelta(days=days[0] + span * i / len(texts)),
            dedup_key=f"s{seed}-{i}",
            sentiment="negative" if theme == negative else "positive",
        )
        session.add(m)
        session.flush()
        if brand_id is not None:
            session.add(MentionBrand(mention_id=m.id, brand_id=brand_id, created_at=m.created_at))
        out[m.id or 0] = theme
    session.commit()
    return out


def topic_of(session: Session, mention_ids: list[int]) -> dict[int, int]:
    rows = session.execute(
        select(TopicAssignment.mention_id, TopicAssignment.topic_id).where(
            col(TopicAssignment.mention_id).in_(mention_ids)
        )
    ).all()
    return {int(m): int(t) for m, t in rows}


def theme_topics(session: Session, themes: dict[int, str]) -> dict[str, int]:
    """The topic most of each theme's mentions are in."""
    assigned = topic_of(session, list(themes))
    out = {}
    for theme in set(themes.values()):
        ids = [assigned[m] for m, t in themes.items() if t == theme and m in assigned]
        out[theme] = max(set(ids), key=ids.count)
    return out


def test_fit_stores_topics_assignments_and_negative_share(session: Session) -> None:
    ws = make_workspace(session)
    themes = add_posts(
        session, ws.id, ["delivery", "battery", "refund"], 40, seed=1, negative="refund"
    )
    refit = fit_topics(session, ws.id, modeler(), end=END, days=30)
    assert refit.method == "bertopic"
    assert refit.n_posts == 120 and refit.n_topics == 3
    assert len(refit.created) == 3 and refit.continued == [] and refit.retired == []
    by_theme = theme_topics(session, themes)
    assert len(set(by_theme.values())) == 3
    refund = session.get(Topic, by_theme["refund"])
    assert refund is not None and refund.negative_share == pytest.approx(1.0)
    battery = session.get(Topic, by_theme["battery"])
    assert battery is not None and battery.negative_share == pytest.approx(0.0)
    for theme, topic_id in by_theme.items():
        topic = session.get(Topic, topic_id)
        assert topic is not None and topic.active and topic.brand_id is None
        assert topic.label and topic.keywords
        assert len(np.frombuffer(topic.centroid or b"", dtype=np.float32)) == 64
        assert topic.representative_ids
        assert all(themes[i] == theme for i in topic.representative_ids)
        assert topic.model_version.startswith("bertopic-")
        assert topic.first_seen_at.replace(tzinfo=None) >= T0.replace(tzinfo=None)
    assigned = session.execute(select(TopicAssignment)).scalars().all()
    assert len(assigned) == round(120 * (1 - refit.outlier_share))
    assert all(0.0 <= a.probability <= 1.0 for a in assigned)
    listed = list_topics(session, ws.id)
    assert [t.size for t in listed] == sorted((t.size for t in listed), reverse=True)
    assert sum(t.size for t in listed) == len(assigned)


def test_refit_keeps_ids_and_labels_retires_and_finds_emerging(session: Session) -> None:
    ws = make_workspace(session)
    first = add_posts(session, ws.id, ["delivery", "battery", "refund"], 40, seed=1)
    fit_topics(session, ws.id, modeler(), end=T0 + timedelta(days=30), days=30)
    before = theme_topics(session, first)
    delivery = session.get(Topic, before["delivery"])
    assert delivery is not None
    delivery.label = "Parcels arriving late"  # an analyst renamed it
    session.commit()

    later = add_posts(
        session, ws.id, ["delivery", "battery"], 40, seed=2, days=(31, 59)
    ) | add_posts(session, ws.id, ["privacy"], 30, seed=3, days=(55, 59.5))
    refit = fit_topics(session, ws.id, modeler(), end=T0 + timedelta(days=60), days=30)
    after = theme_topics(session, later)
    assert after["delivery"] == before["delivery"]
    assert after["battery"] == before["battery"]
    assert sorted(refit.continued) == sorted([before["delivery"], before["battery"]])
    assert refit.retired == [before["refund"]]
    assert refit.created == [after["privacy"]]
    session.expire_all()
    assert session.get(Topic, before["delivery"]).label == "Parcels arriving late"
    assert session.get(Topic, before["refund"]).active is False
    assert [t.id for t in list_topics(session, ws.id, active=False)] == [before["refund"]]

    emerging = {e.topic_id: e for e in refit.emerging}
    assert emerging[after["privacy"]].reason == "new"
    assert emerging[after["privacy"]].count == 30
    assert before["battery"] not in emerging
    privacy = session.get(Topic, after["privacy"])
    assert privacy.extra["emerging"]["reason"] == "new"
    cited = emerging_topics_for(session, ws.id, now=T0 + timedelta(days=60))
    assert [e.topic_id for e in cited] == [after["privacy"]]
    assert "new topic" in cited[0].evidence


def test_brand_scope_and_unknown_brand(session: Session) -> None:
    ws = make_workspace(session)
    acme = make_brand(session, ws, "Acme")
    other = make_brand(session, ws, "Other")
    mine = add_posts(session, ws.id, ["delivery", "battery"], 40, seed=4, brand_id=acme.id)
    add_posts(session, ws.id, ["taste"], 40, seed=5, brand_id=other.id)
    refit = fit_topics(session, ws.id, modeler(), brand_id=acme.id, end=END)
    assert refit.n_posts == 80
    topics = list_topics(session, ws.id, brand_id=acme.id)
    assert len(topics) == 2 and all(t.brand_id == acme.id for t in topics)
    assert set(topic_of(session, list(mine)).values()) == {t.id for t in topics}
    assert list_topics(session, ws.id, brand_id=other.id) == []
    with pytest.raises(NotFound):
        fit_topics(session, ws.id, modeler(), brand_id=9999, end=END)


def test_few_posts_fall_back_without_crashing(session: Session) -> None:
    ws = make_workspace(session)
    add_posts(session, ws.id, ["delivery", "refund"], 8, seed=6)
    refit = fit_topics(session, ws.id, modeler(), end=END)
    assert refit.method == "kmeans"
    assert "only 16 distinct posts" in (refit.message or "")
    assert refit.n_topics >= 1
    empty_ws = make_workspace(session, "empty")
    nothing = fit_topics(session, empty_ws.id, modeler(), end=END)
    assert nothing.method == "empty" and nothing.n_topics == 0


def test_duplicate_links_follow_their_original(session: Session) -> None:
    ws = make_workspace(session)
    themes = add_posts(session, ws.id, ["delivery", "battery", "refund"], 40, seed=7)
    original = next(iter(themes))
    copies = []
    for i in range(25):
        m = Mention(
            workspace_id=ws.id,
            source="test",
            external_id=f"copy{i}",
            text=f"syndicated copy number {i} of something else entirely",
            created_at=T0 + timedelta(days=10),
            dedup_key=f"copy{i}",
            duplicate_of_id=original,
        )
        session.add(m)
        session.flush()
        copies.append(m.id)
    session.commit()
    fit_topics(session, ws.id, modeler(), end=END)
    assigned = topic_of(session, [original, *copies])
    assert len(assigned) == 26 and len(set(assigned.values())) == 1
    # the copies joined their original's theme topic rather than forming one of their own
    (shared,) = set(assigned.values())
    theme_members = [m for m, t in topic_of(session, list(themes)).items() if t == shared]
    assert {themes[m] for m in theme_members} == {themes[original]}
    assert len(theme_members) >= 10


def test_new_mentions_join_existing_topics_and_detail_views(session: Session) -> None:
    ws = make_workspace(session)
    themes = add_posts(
        session, ws.id, ["delivery", "battery", "refund"], 40, seed=8, negative="refund"
    )
    fit_topics(session, ws.id, modeler(), end=END)
    by_theme = theme_topics(session, themes)
    size_before = session.get(Topic, by_theme["battery"]).size
    fresh = add_posts(session, ws.id, ["battery"], 10, seed=9, days=(29.5, 29.9))
    added = assign_new_mentions(session, ws.id, modeler(), since=T0, threshold=0.3)
    assert added == 10
    assert set(topic_of(session, list(fresh)).values()) == {by_theme["battery"]}
    session.expire_all()
    assert session.get(Topic, by_theme["battery"]).size == size_before + 10
    assert assign_new_mentions(session, ws.id, modeler(), since=T0) == 0  # nothing left

    detail = topic_detail(session, ws.id, by_theme["refund"], n_posts=3)
    assert len(detail.representatives) == 3
    assert all(p.sentiment == "negative" for p in detail.representatives)
    assert set(detail.sentiment) == {"negative"}
    split = topics_by_sentiment(session, ws.id)
    assert split[by_theme["battery"]] == {"positive": 50}
    start, end, points = topic_trend(session, ws.id, by_theme["refund"], bucket="day")
    assert sum(p.mentions for p in points) == detail.summary.size
    assert all(p.negative_share in (None, 1.0) for p in points)
    with pytest.raises(NotFound):
        topic_detail(session, ws.id, 424242)
