from __future__ import annotations

from datetime import UTC, datetime

from listener.collectors import (
    PassState,
    as_list,
    clip_id,
    count,
    handle_set,
    html_to_text,
    owned,
    parse_datetime,
    short_language,
)


def test_html_to_text_keeps_paragraphs_and_decodes_entities() -> None:
    html = ('<p>Nuvola &amp; Fizzly<br/>are <a href="x">great</a></p>\n<p>Second\nline</p>'
            '<script>alert(1)</script><style>p{}</style>')
    assert html_to_text(html) == "Nuvola & Fizzly\nare great\n\nSecond line"
    assert html_to_text(None) == ""
    assert html_to_text("plain\ntext ") == "plain\ntext"


def test_config_helpers() -> None:
    assert as_list("@a, b ,,c") == ["@a", "b", "c"]
    assert as_list(["x", " y "]) == ["x", "y"]
    assert as_list(None) == []
    handles = handle_set("@NuvolaDrinks, nuvola@mastodon.social")
    assert handles == {"nuvoladrinks", "nuvola"}
    assert owned("@nuvoladrinks", handles) and owned("someone", handles, "Nuvola")
    assert not owned("fan", handles) and not owned(None, frozenset())
    assert count(None) == 0 and count("7") == 7 and count(-3) == 0 and count("x") == 0
    assert short_language("en-US") == "en" and short_language("pt_BR") == "pt"
    assert short_language("") is None and short_language("123") is None
    assert clip_id("a" * 512) == "a" * 512
    assert clip_id("a" * 513).startswith("sha256:") and len(clip_id("a" * 513)) == 71


def test_parse_datetime_forms() -> None:
    expected = datetime(2026, 11, 5, 8, 15, tzinfo=UTC)
    assert parse_datetime("2026-11-05T08:15:00Z") == expected
    assert parse_datetime("2026-11-05T01:15:00-07:00") == expected
    assert parse_datetime("2026-11-05T08:15:00") == expected
    assert parse_datetime(expected.timestamp()) == expected
    assert parse_datetime("yesterday") is None and parse_datetime(None) is None


def test_pass_state_moves_the_watermark_only_when_a_pass_completes() -> None:
    state = PassState.load({})
    assert state.threshold is None and not state.is_old(1)
    state.see(100)
    state.see(90)
    assert state.advance("p2") == {"newest": None, "pass": {"page": "p2", "newest": 100}}
    resumed = PassState.load(state.cursor())
    assert (resumed.page, resumed.candidate) == ("p2", 100)
    resumed.see(80)
    assert resumed.finish() == {"newest": 100}
    nxt = PassState.load({"newest": 100}, floor=5)
    assert nxt.threshold == 100
    assert nxt.is_old(99) and not nxt.is_old(100) and not nxt.is_old(101)
    assert nxt.finish() == {"newest": 100}  # nothing newer seen: the watermark stays
    first = PassState.load({}, floor=50)
    assert first.is_old(49) and not first.is_old(50)
    ids = PassState.load({"newest": "99"}, order=lambda v: (len(str(v)), str(v)))
    assert not ids.is_old("100") and ids.is_old("98")
