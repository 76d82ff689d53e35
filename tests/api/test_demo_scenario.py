"""The demo's crisis requirement, end to end on the simulator's stream.

The real pipeline runs: `run_demo` ingests the simulated mentions (ground truth
stripped), analyses them with the configured sentiment model (the bundled n-gram
model by default) and `HarmClassifier`, and runs live detection. Then:

* the illness claim raises exactly one harm alert for Nuvola, no later than 30
  simulated minutes after the 10th claim post and not before the claim began;
* its evidence holds the claim posts;
* the product launch raises no crisis alert (harm, negative, negative share).

The whole demo runs once for the module (about 30 s on one idle core), so it is
not marked slow.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from api.services.demo import DemoResult, run_demo
from api.services.detection import CRISIS_KINDS, detect_workspace
from api.services.workspaces import get_workspace
from models import AlertEvidence, Mention
from models.db import make_engine
from models.settings import Settings
from models.topic import Topic, TopicAssignment
from tests.nlp.test_topics import modeler as topic_modeler


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("demo") / "data", database_url=None, workspace="demo"
    )
    if settings.sentiment_model == "builtin:ngram":
        from nlp.sentiment import BUNDLED_NGRAM_PATH

        if not BUNDLED_NGRAM_PATH.exists():
            pytest.skip(f"bundled sentiment model not built yet ({BUNDLED_NGRAM_PATH})")
    # The packaged MiniLM (what `make demo` uses) is too slow for a test: the hashing
    # encoder of the topic tests stands in, the rest of the topic pipeline is real.
    return run_demo(settings, days=14, seed=7, topic_modeler=topic_modeler())


def _nuvola(demo: DemoResult) -> int:
    return next(s.brand_id for s in demo.stats if s.name == "Nuvola")


def test_the_illness_claim_raises_exactly_one_timely_harm_alert(demo: DemoResult) -> None:
    illness = next(e for e in demo.events if e.kind == "illness_claim")
    assert illness.threshold_time is not None and illness.alert_deadline is not None
    harm = [a for a in demo.alerts if a.kind == "harm" and a.brand_id == _nuvola(demo)]
    assert len(harm) == 1, [(a.kind, a.started_at, a.title) for a in demo.alerts]
    alert = harm[0]
    assert illness.start <= alert.started_at <= illness.alert_deadline
    assert alert.severity in ("high", "critical")
    assert "harm" in alert.why and "expected" in alert.why


def test_the_harm_alert_shows_the_claim_posts(demo: DemoResult) -> None:
    illness = next(e for e in demo.events if e.kind == "illness_claim")
    alert = next(a for a in demo.alerts if a.kind == "harm" and a.brand_id == _nuvola(demo))
    engine = make_engine(demo.database_url)
    try:
        with Session(engine) as session:
            shown = session.execute(
                select(Mention.external_id)
                .join(AlertEvidence, col(AlertEvidence.mention_id) == col(Mention.id))
                .where(AlertEvidence.alert_id == alert.id, AlertEvidence.kind == "post")
            ).all()
    finally:
        engine.dispose()
    shown_ids = {row[0] for row in shown}
    assert len(shown_ids) >= 3
    claims = set(illness.claim_ids)
    assert len(shown_ids & claims) >= 0.8 * len(shown_ids)


def test_the_launch_raises_no_crisis_alert(demo: DemoResult) -> None:
    launch = next(e for e in demo.events if e.kind == "launch")
    overlapping = [
        a
        for a in demo.alerts
        if a.kind in CRISIS_KINDS
        and a.started_at <= launch.end
        and (a.last_seen_at or a.started_at) >= launch.start
    ]
    assert overlapping == [], [(a.kind, a.started_at, a.title) for a in overlapping]


def test_running_detection_again_adds_nothing(demo: DemoResult) -> None:
    engine = make_engine(demo.database_url)
    try:
        with Session(engine) as session:
            workspace = get_workspace(session, "demo")
            report = detect_workspace(session, workspace.id or 0)
    finally:
        engine.dispose()
    assert report.buckets == 0 and report.opened == [] and report.escalated == []


def test_topics_are_fitted_and_the_harm_alert_cites_its_themes(demo: DemoResult) -> None:
    assert demo.topics and demo.topic_message is None
    alert = next(a for a in demo.alerts if a.kind == "harm" and a.brand_id == _nuvola(demo))
    engine = make_engine(demo.database_url)
    try:
        with Session(engine) as session:
            cited = session.execute(
                select(AlertEvidence).where(
                    AlertEvidence.alert_id == alert.id, AlertEvidence.kind == "topic"
                )
            ).scalars().all()
            assigned = session.execute(select(TopicAssignment)).scalars().all()
            for item in cited:
                topic = session.get(Topic, item.detail["topic_id"])
                assert topic is not None and topic.label == item.detail["label"]
                assert item.detail["share"] >= 0.2
    finally:
        engine.dispose()
    assert len(assigned) > 0.5 * demo.ingest.inserted  # most posts land in a topic
    # The claim posts are alike: at least one topic holds a fifth of them and is cited.
    assert cited, alert.evidence
    assert any(line.startswith("themes: ") for line in alert.evidence)
