from sqlalchemy import func
from sqlmodel import Session, select

from api.services.ingest import Ingestor
from models import Mention, MentionBrand
from tests.factories import make_brand, make_workspace, mention


def _count(session: Session, model=Mention) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_ingest_is_idempotent_by_source_and_external_id(session: Session) -> None:
    ws = make_workspace(session)
    make_brand(session, ws, "Nuvola", aliases=["Nuvola Drinks"])
    batch = [
        mention("Nuvola Citrus is great", external_id="a"),
        mention("Just had a Nuvola Drinks soda", external_id="b"),
    ]
    first = Ingestor(session, ws.id).ingest(batch)
    assert (first.inserted, first.duplicates) == (2, 0)
    second = Ingestor(session, ws.id).ingest(batch)
    assert (second.inserted, second.duplicates) == (0, 2)
    assert _count(session) == 2


def test_same_external_id_from_another_source_is_another_mention(session: Session) -> None:
    ws = make_workspace(session)
    Ingestor(session, ws.id).ingest(
        [
            mention("hello Nuvola", external_id="1", source="reddit"),
            mention("hello Nuvola", external_id="1", source="mastodon"),
        ]
    )
    assert _count(session) == 2


def test_canonical_url_duplicates_are_skipped(session: Session) -> None:
    ws = make_workspace(session)
    report = Ingestor(session, ws.id).ingest(
        [
            mention("Nuvola launches Zero", url="https://news.example.com/a?utm_source=x"),
            mention("Nuvola launches Zero", url="https://www.news.example.com/a", source="rss"),
        ]
    )
    assert report.inserted == 1
    assert report.duplicates == 1


def test_brand_matching_links_and_owned_flag(session: Session) -> None:
    ws = make_workspace(session)
    nuvola = make_brand(session, ws, "Nuvola", handles=["@nuvoladrinks"])
    fizzly = make_brand(session, ws, "Fizzly")
    Ingestor(session, ws.id).ingest(
        [
            mention("Nuvola beats Fizzly any day", external_id="x1"),
            mention("pineapples are nice", external_id="x2"),
            mention("Thanks for reaching out, DM us!", external_id="x3", author="NuvolaDrinks"),
        ]
    )
    links = session.exec(select(MentionBrand.mention_id, MentionBrand.brand_id)).all()
    by_mention: dict[int, set[int]] = {}
    for mid, bid in links:
        by_mention.setdefault(mid, set()).add(bid)
    rows = {m.external_id: m for m in session.exec(select(Mention)).all()}
    assert by_mention[rows["x1"].id] == {nuvola.id, fizzly.id}
    assert rows["x2"].id not in by_mention
    assert by_mention[rows["x3"].id] == {nuvola.id}
    assert rows["x3"].is_owned and not rows["x1"].is_owned


def test_retweets_link_to_their_original_and_count_both_ways(session: Session) -> None:
    ws = make_workspace(session)
    make_brand(session, ws, "Nuvola")
    text = "My kid threw up after drinking Nuvola Citrus yesterday, never buying it again"
    ingestor = Ingestor(session, ws.id)
    ingestor.ingest([mention(text, external_id="orig", minutes=0)])
    report = ingestor.ingest(
        [
            mention(f"RT @parent: {text}", external_id="rt1", minutes=5),
            mention(f"RT @parent: {text}", external_id="rt2", minutes=6),
        ]
    )
    assert report.near_duplicates == 2
    rows = {m.external_id: m for m in session.exec(select(Mention)).all()}
    assert rows["rt1"].duplicate_of_id == rows["orig"].id
    assert rows["rt2"].duplicate_of_id == rows["orig"].id
    assert rows["orig"].duplicate_of_id is None


def test_unknown_brand_hint_is_reported(session: Session) -> None:
    ws = make_workspace(session)
    make_brand(session, ws, "Nuvola")
    report = Ingestor(session, ws.id).ingest(
        [
            mention("text without names", brand_hint="Nuvola"),
            mention("other text", brand_hint="Acme"),
        ]
    )
    assert report.brand_links == 1
    assert report.unknown_brand_hints == {"Acme": 1}


def test_same_sentence_about_different_brands_is_not_a_duplicate(session: Session) -> None:
    ws = make_workspace(session)
    make_brand(session, ws, "Brisa")
    make_brand(session, ws, "Fizzly")
    make_brand(session, ws, "Nuvola")
    ingestor = Ingestor(session, ws.id)
    report = ingestor.ingest([
        mention("Brisa Ginger or Fizzly, which one should I get for the party tonight?",
                external_id="a"),
        mention("Brisa Ginger or Nuvola, which one should I get for the party tonight?",
                external_id="b", minutes=2),
    ])
    assert report.near_duplicates == 0
    assert all(m.duplicate_of_id is None for m in session.exec(select(Mention)).all())
