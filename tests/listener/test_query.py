"""Tests for the brand query language (listener/query.py)."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import listener.query as query_module
from listener.query import (
    MAX_DEPTH,
    MAX_QUERY_CHARS,
    And,
    Element,
    Field,
    Handle,
    Hashtag,
    Near,
    Not,
    Or,
    Phrase,
    Query,
    QueryDoc,
    QuerySyntaxError,
    Word,
    brand_query,
    parse_query,
)
from models.types import MentionIn


def matches(query: str, text: str, **attrs: str | None) -> bool:
    return parse_query(query).matches(QueryDoc(text, **attrs))


# --------------------------------------------------------------------------- words


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("apple", "I love Apple", True),
        ("apple", "APPLE!!!", True),
        ("APPLE", "an apple a day", True),
        ("apple", "pineapple juice", False),
        ("apple", "applesauce", False),
        ("apple", "Apple's new phone", True),  # possessive: the apostrophe separates words
        ("apple", "(apple)", True),
        ("apple", "apple_pie", False),  # underscore is a word character
        ("iphone15", "my iPhone15 broke", True),
        ("iphone", "my iPhone15 broke", False),
        ("coca-cola", "I drink Coca Cola daily", True),  # punctuation inside a term splits it
        ("coca-cola", "Coca-Cola!", True),
        ("coca-cola", "cola coca", False),
        ("example.com", "see example.com now", True),
        ("nuvola", "Nuvola™ is great", True),  # ™ must not glue onto the name
        ("nuvola", "ｎｕｖｏｌａ rocks", True),  # full-width letters
        ("nuvola", "nu\u200dvola", True),  # zero-width joiner obfuscation
        ("nuvola", "nu\u00advola", True),  # soft hyphen
    ],
)
def test_word_matching(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("drink*", "drinks", True),
        ("drink*", "Drinking now", True),
        ("drink*", "drink", True),
        ("drink*", "redrink", False),
        ("drink*", "dri", False),
        ("s?ng", "we sang", True),
        ("s?ng", "a song", True),
        ("s?ng", "sng", False),
        ("s?ng", "sting", False),
        ("col*r", "colour", True),
        ("col*r", "color", True),
        ("col*r", "colors", False),
        ("vomit*", "she was vomiting all night", True),
        ("#nuvola*", "#NuvolaDrinks", True),
        ("#nuvola*", "nuvoladrinks", False),
        ("nuvola*", "#NuvolaDrinks", True),  # a plain word matches a hashtag body
        ("nuvola*", "@nuvolashop", False),  # ...but not a handle
        ("@nuvola*", "@nuvola_de", True),
    ],
)
def test_wildcards(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


# --------------------------------------------------------------------------- phrases


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ('"nuvola drinks"', "I love Nuvola drinks.", True),
        ('"nuvola drinks"', "drinks by nuvola", False),
        ('"nuvola drinks"', "nuvola sparkling drinks", False),
        ('"nuvola drinks"', "nuvola, drinks", True),  # punctuation is not a word
        ('"nuvola drink*"', "nuvola drinking water", True),
        ('"#nuvola drinks"', "#nuvola drinks", True),
        ('"#nuvola drinks"', "nuvola drinks", False),
        ('"nuvola drinks"', "#nuvola drinks", True),
        ('"made me sick"', "Nuvola made me sick!", True),
        ('"made me sick"', "made me feel sick", False),
        ('"not bad"', "honestly not bad", True),
        ('"and"', "salt and pepper", True),
        ('"and"', "salt, pepper", False),
    ],
)
def test_phrases(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


def test_phrase_at_end_of_text_and_repeated_first_word() -> None:
    assert matches('"a b"', "a a a b")
    assert not matches('"a b"', "b a")
    assert not matches('"x y z"', "x y")


def test_curly_quotes_make_phrases() -> None:
    assert parse_query("“nuvola drinks”") == parse_query('"nuvola drinks"')
    assert parse_query("„nuvola drinks“") == parse_query('"nuvola drinks"')


# --------------------------------------------------------------------------- NEAR


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("nuvola NEAR/0 sick", "nuvola sick", True),
        ("nuvola NEAR/0 sick", "sick nuvola", True),
        ("nuvola NEAR/0 sick", "nuvola made sick", False),
        ("nuvola NEAR/2 sick", "nuvola made me sick", True),
        ("nuvola NEAR/2 sick", "sick after I drank nuvola", False),
        ("nuvola NEAR/3 sick", "sick after I drank nuvola", True),
        ("nuvola NEAR/2 sick", "nuvola made me very sick", False),
        ("nuvola NEAR/2f sick", "nuvola made me sick", True),
        ("nuvola NEAR/2f sick", "sick of nuvola", False),
        ("nuvola NEAR/2 sick", "sick of nuvola", True),
        ("nuvola near/2 sick", "sick of nuvola", True),
        ('"nuvola drinks" NEAR/1 sick', "the nuvola drinks made sick people", True),
        ('"nuvola drinks" NEAR/1 sick', "sick people, nuvola drinks", True),
        ('"nuvola drinks" NEAR/1 sick', "sick people who love nuvola drinks", False),
        ("nuvola NEAR/1 vomit*", "nuvola, vomiting", True),
        ("(cake OR pie) NEAR/2 (birthday OR party)", "a pie for the party", True),
        ("(cake OR pie) NEAR/2 (birthday OR party)", "a pie for our big party", False),
        ("#nuvola NEAR/1 sick", "#nuvola sick", True),
        ("#nuvola NEAR/1 sick", "nuvola sick", False),
        ("(christmas NEAR/1 gift) NEAR/1 wife", "christmas gift wife", True),
        ("christmas NEAR/1 gift NEAR/1 wife", "wife lovely christmas gift", True),
        ("christmas NEAR/1 gift NEAR/1 wife", "wife was not happy christmas gift", False),
    ],
)
def test_near(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


def test_near_needs_two_distinct_occurrences() -> None:
    assert not matches("apple NEAR/3 apple", "apple pie")
    assert matches("apple NEAR/3 apple", "apple and apple")
    assert not matches("apple NEAR/3 appl*", "apple pie")
    assert not matches('"apple pie" NEAR/2 pie', "apple pie")
    assert matches('"apple pie" NEAR/2 pie', "apple pie and pie")


def test_near_distance_bounds_both_directions_long_text() -> None:
    filler = " ".join(f"w{i}" for i in range(40))
    text = f"nuvola {filler} sick"
    assert matches("nuvola NEAR/40 sick", text)
    assert not matches("nuvola NEAR/39 sick", text)
    assert matches("sick NEAR/40 nuvola", text)
    assert not matches("sick NEAR/40f nuvola", text)


# --------------------------------------------------------------------------- NOT and precedence


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("nuvola NOT juice", "nuvola soda", True),
        ("nuvola NOT juice", "nuvola juice", False),
        ("nuvola AND NOT juice", "nuvola juice", False),
        ("NOT juice", "anything at all", True),
        ("NOT juice", "juice", False),
        ("NOT NOT juice", "juice", True),
        ("nuvola -juice", "nuvola soda", True),  # '-' starting a token is NOT
        ("nuvola -juice", "nuvola juice", False),
        ('nuvola -"apple juice"', "nuvola juice apple", True),
        ('nuvola -"apple juice"', "nuvola apple juice", False),
        ("nuvola -(juice OR soda)", "nuvola soda", False),
        ("co-op", "the co op shop", True),  # a hyphen inside a term is punctuation
        ("nuvola - juice", "nuvola - juice", None),  # a lone '-' has nothing to search
        ("apple not pie", "apple pie", False),
        ("apple Or pie", "pie", True),
    ],
)
def test_not(query: str, text: str, expected: bool | None) -> None:
    if expected is None:
        with pytest.raises(QuerySyntaxError, match="no letters"):
            parse_query(query)
        return
    assert matches(query, text) is expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("a OR b AND c", Or((Word("a"), And((Word("b"), Word("c")))))),
        ("a AND b OR c", Or((And((Word("a"), Word("b"))), Word("c")))),
        ("a b OR c", Or((And((Word("a"), Word("b"))), Word("c")))),
        ("a OR b c", Or((Word("a"), And((Word("b"), Word("c")))))),
        ("NOT a AND b", And((Not(Word("a")), Word("b")))),
        ("NOT a OR b", Or((Not(Word("a")), Word("b")))),
        ("a AND b NEAR/1 c", And((Word("a"), Near(Word("b"), Word("c"), 1)))),
        ("a NEAR/1 b OR c", Or((Near(Word("a"), Word("b"), 1), Word("c")))),
        ("a NEAR/1 b NEAR/2 c", Near(Near(Word("a"), Word("b"), 1), Word("c"), 2)),
        ("a NEAR/1 (b NEAR/2 c)", Near(Word("a"), Near(Word("b"), Word("c"), 2), 1)),
        ("(a OR b) c", And((Or((Word("a"), Word("b"))), Word("c")))),
        ("a OR (b OR c)", Or((Word("a"), Word("b"), Word("c")))),
        ("((a))", Word("a")),
        ("a and b or not c", Or((And((Word("a"), Word("b"))), Not(Word("c"))))),
        ("a -b", And((Word("a"), Not(Word("b"))))),
        ("-a NEAR/1 b", None),
    ],
)
def test_precedence_structure(query: str, expected: Query | None) -> None:
    if expected is None:  # NOT binds tighter than NEAR, and NEAR refuses a NOT operand
        with pytest.raises(QuerySyntaxError, match="NEAR needs words"):
            parse_query(query)
        return
    assert parse_query(query) == expected


def test_precedence_semantics() -> None:
    # OR binds loosest: "a OR b AND c" is "a OR (b AND c)".
    assert matches("a OR b AND c", "a")
    assert not matches("a OR b AND c", "b")
    assert not matches("(a OR b) AND c", "a")
    # NOT binds tightest: it applies to "a" only.
    assert matches("NOT a AND b", "b")
    assert not matches("NOT a AND b", "a b")


# --------------------------------------------------------------------------- hashtags and handles


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("#nuvola", "love #Nuvola", True),
        ("#nuvola", "love nuvola", False),
        ("#nuvola", "love #nuvoladrinks", False),
        ("#nuvola", "love @nuvola", False),
        ("@nuvola", "hey @Nuvola your can leaked", True),
        ("@nuvola", "hey nuvola", False),
        ("@nuvola", "hey #nuvola", False),
        ("@nuvola", "mail info@nuvola.com", False),  # an e-mail address is not a handle
        ("nuvola", "mail info@nuvola.com", True),
        ("nuvola", "love #Nuvola", True),  # documented choice: plain word matches tag body
        ("nuvola", "hey @nuvola", False),  # ...but not a handle
        ("nuvola OR @nuvola", "hey @nuvola", True),
        ("#nuvola", "C#nuvola", False),  # '#' inside a word does not start a tag
        ("#nuvola", "##nuvola", False),
    ],
)
def test_hashtags_and_handles(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


# --------------------------------------------------------------------------- languages


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        # German
        ("müller", "Herr MÜLLER sagt", True),
        ("MÜLLER", "herr müller", True),
        ("müller", "Herr Mu\u0308ller (decomposed)", True),
        ("straße", "Die STRASSE ist nass", True),
        ("strasse", "in der Straße", True),
        ("schön", "Das ist schon gut", False),  # accents are kept
        ("schön", "Wie schön!", True),
        ("übel*", "mir ist Übelkeit gekommen", True),
        ('"mir ist schlecht"', "Nach dem Nuvola: mir ist schlecht.", True),
        ("nuvola NEAR/3 übel", "Übel war mir nach Nuvola", True),
        # Indonesian
        ("makan", "saya makan nasi", True),
        ("makan", "nasi sudah dimakan", False),  # word boundary, no affix stripping
        ("*makan", "x", None),  # leading wildcard: syntax error (checked below)
        ("minum*", "minuman ini enak banget", True),
        ('"enak banget"', "Minuman ini ENAK BANGET!", True),
        ("sakit NEAR/2 perut", "perut saya sakit setelah minum", True),
        # Thai: no spaces between words, so Thai terms match as substrings
        ("กาแฟ", "ร้านกาแฟดีมาก", True),
        ("กาแฟ", "ชาเย็นอร่อย", False),
        ("ดี", "ร้านกาแฟดีมาก", True),
        ("กาแฟ NEAR/1 อร่อย", "กาแฟร้านนี้ อร่อยมาก", True),
        ("กาแฟ NEAR/0 อร่อย", "กาแฟร้านนี้ ไม่ได้ อร่อยมาก", False),
        ("#กาแฟ", "ชอบ #กาแฟ มาก", True),
        ("#กาแฟ", "ชอบกาแฟมาก", False),
        ("ท้องเสีย OR อาเจียน", "กินแล้วท้องเสียเลย", True),
        # Emoji are words of one character.
        ("🤮", "so gross🤮🤮", True),
        ("👍", "great 👍🏽", True),  # skin-tone modifier dropped
        ("nuvola 🤮", "nuvola made me 🤮", True),
    ],
)
def test_multilingual(query: str, text: str, expected: bool | None) -> None:
    if expected is None:
        with pytest.raises(QuerySyntaxError):
            parse_query(query)
        return
    assert matches(query, text) is expected


# --------------------------------------------------------------------------- fields


@pytest.mark.parametrize(
    ("query", "attrs", "expected"),
    [
        ("lang:de", {"lang": "de"}, True),
        ("lang:DE", {"lang": "de"}, True),
        ("lang:de", {"lang": "en"}, False),
        ("lang:de", {}, False),
        ("lang:pt", {"lang": "pt-BR"}, True),
        ("lang:pt-br", {"lang": "pt_BR"}, True),
        ("lang:pt-br", {"lang": "pt"}, False),
        ("lang:p", {"lang": "pt"}, False),
        ("language:de", {"lang": "de"}, True),
        ("lang:(de OR fr)", {"lang": "fr"}, True),
        ("lang:(de OR fr)", {"lang": "it"}, False),
        ("source:reddit", {"source": "Reddit"}, True),
        ("source:reddit", {"source": "rss"}, False),
        ("source:red*", {"source": "reddit"}, True),
        ("author:someone", {"author": "@SomeOne"}, True),
        ("author:@someone", {"author": "someone"}, True),
        ("author:someone", {"author": "someone_else"}, False),
        ("author:some*", {"author": "someone_else"}, True),
        ('author:"John Smith"', {"author": "john smith"}, True),
        ("site:example.com", {"url": "https://example.com/a"}, True),
        ("site:example.com", {"url": "https://www.Example.com/a"}, True),
        ("site:example.com", {"url": "http://blog.shop.example.com:8080/"}, True),
        ("site:example.com", {"url": "https://notexample.com/"}, False),
        ("site:example.com", {"url": "https://example.com.evil.net/"}, False),
        ("site:example.com", {"url": "example.com/no-scheme"}, True),
        ("site:example.com", {"url": "https://[broken"}, False),
        ("site:example.com", {}, False),
        ("site:www.example.com", {"url": "https://example.com/"}, True),
        ("site:https://example.com/", {"url": "https://shop.example.com/"}, True),
        ("site:reddit.com/r/nuvola", {"url": "https://old.reddit.com/r/Nuvola/x"}, True),
        ("site:reddit.com/r/nuvola", {"url": "https://reddit.com/r/cats/"}, False),
        ("country:de", {"country": "DE"}, True),
        ("country:de", {"country": "AT"}, False),
    ],
)
def test_fields(query: str, attrs: dict[str, str], expected: bool) -> None:
    assert matches(query, "some text", **attrs) is expected


def test_fields_combine_with_terms() -> None:
    q = parse_query("nuvola NEAR/3 (sick OR übel) lang:de NOT site:nuvola.com")
    assert q.matches(QueryDoc("Nuvola macht mir übel", lang="de", url="https://x.de/"))
    assert not q.matches(QueryDoc("Nuvola macht mir übel", lang="en", url="https://x.de/"))
    assert not q.matches(QueryDoc("Nuvola macht mir übel", lang="de", url="https://nuvola.com/"))
    assert not q.matches(QueryDoc("Nuvola ist lecker", lang="de"))


def test_field_group_is_an_or_of_fields() -> None:
    assert parse_query("lang:(de OR fr)") == Or((Field("lang", "de"), Field("lang", "fr")))
    assert parse_query('author:("john smith" OR bob)') == Or(
        (Field("author", "John Smith"), Field("author", "bob"))
    )


def test_pasted_url_is_a_phrase_not_a_field() -> None:
    q = parse_query("https://nuvola.com")
    assert q == Phrase((Word("https"), Word("nuvola"), Word("com")))


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("query", "position", "fragment"),
    [
        ("", 0, "empty query"),
        ("   \n ", 0, "empty query"),
        ("(apple OR pear", 0, "unclosed '('"),
        ("apple (pear", 6, "unclosed '('"),
        ("apple)", 5, "unmatched ')'"),
        (")", 0, "unmatched ')'"),
        ("()", 0, "empty parentheses"),
        ("apple AND", 6, "'AND' has nothing on its right"),
        ("apple OR", 6, "'OR' has nothing on its right"),
        ("NOT", 0, "'NOT' has nothing on its right"),
        ("apple -)", 6, "'-' has nothing on its right"),
        ("(apple AND)", 7, "'AND' has nothing on its right"),
        ("OR apple", 0, "'OR' has nothing on its left"),
        ("(AND apple)", 1, "'AND' has nothing on its left"),
        ("apple AND OR pear", 10, "expected a term after 'AND', found 'OR'"),
        ("apple NEAR/2", 6, "'NEAR/2' has nothing on its right"),
        ('apple "nuvola drinks', 6, "unterminated quote"),
        ('author:"john', 7, "unterminated quote"),
        ("apple NEAR/x pear", 11, "bad NEAR distance"),
        ("apple NEAR/-1 pear", 11, "bad NEAR distance"),
        ("apple NEAR/2.5 pear", 11, "bad NEAR distance"),
        ("apple NEAR/5000 pear", 11, "too large"),
        ("apple NEAR pear", 6, "NEAR needs a distance"),
        ("apple NEAR/2 lang:de", 6, "NEAR needs words"),
        ("NOT apple NEAR/2 pear", 10, "NEAR needs words"),
        ("(a AND b) NEAR/2 c", 10, "NEAR needs words"),
        ("apple foo:bar", 6, "unknown field 'foo:'"),
        ("re:invent", 0, "unknown field 're:'"),
        ("lang: de", 5, "needs a value"),
        ("lang:", 5, "needs a value"),
        ("author:@", 7, "needs a value"),
        ("lang:(de AND fr)", 9, "separated by OR"),
        ("lang:(de OR", 5, "unclosed '('"),
        ("lang:()", 6, "expected a value"),
        ('apple ""', 6, "no letters"),
        ("apple !!!", 6, "no letters"),
        ("*apple", 0, "wildcard cannot start"),
        ("apple ?ear", 6, "wildcard cannot start"),
        ("#*x", 0, "wildcard cannot start"),
    ],
)
def test_error_positions(query: str, position: int, fragment: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse_query(query)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.position == position, err.pretty()
    assert fragment in err.message
    assert f"position {position}" in str(err)


def test_pretty_puts_caret_under_position() -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse_query("nuvola AND (sick OR")
    lines = info.value.pretty().splitlines()
    assert lines[0] == "nuvola AND (sick OR"
    assert lines[1].index("^") == info.value.position == 17
    assert info.value.message in lines[1]


def test_pretty_on_later_line_and_wide_characters() -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse_query("nuvola\nดี 全部 AND")
    err = info.value
    first, caret = err.pretty().splitlines()[:2]
    assert first == "ดี 全部 AND"
    # ดี is 2 code points in 1 column (a combining vowel); 全部 is two wide characters.
    assert caret.index("^") == 1 + 1 + 4 + 1


def test_limits_raise_syntax_errors_not_recursion_errors() -> None:
    too_long = "a " * (MAX_QUERY_CHARS // 2) + "b"
    with pytest.raises(QuerySyntaxError, match="too long") as info:
        parse_query(too_long)
    assert info.value.position == MAX_QUERY_CHARS
    for deep in (
        "(" * 900 + "a" + ")" * 900,
        "(" * 1500,
        "NOT " * 400 + "a",
        " NEAR/1 ".join(["a"] * 200),
    ):
        with pytest.raises(QuerySyntaxError, match="nests too deeply"):
            parse_query(deep)
    ok = "(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH
    assert parse_query(ok) == Word("a")
    assert parse_query("NOT " * MAX_DEPTH + "a").matches("b") is (MAX_DEPTH % 2 == 1)


def test_non_string_query_is_a_syntax_error() -> None:
    with pytest.raises(QuerySyntaxError):
        parse_query(None)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- AST API


def test_nodes_normalise_and_validate() -> None:
    assert Word("Nuvola") == Word("nuvola")
    assert Word("STRASSE") == Word("straße")
    assert And((Word("a"), And((Word("b"), Word("c"))))).items == (Word("a"), Word("b"), Word("c"))
    assert Field("language", "DE") == Field("lang", "de")
    assert Field("site", "https://www.Example.com/") == Field("site", "example.com")
    for bad in (
        lambda: Word("coca-cola"),
        lambda: Word(""),
        lambda: Word("*x"),
        lambda: Hashtag("#x"),
        lambda: Hashtag("👍"),
        lambda: Phrase((Word("a"),)),
        lambda: Or((Word("a"),)),
        lambda: Near(Word("a"), Field("lang", "de"), 1),
        lambda: Near(Word("a"), Word("b"), -1),
        lambda: Field("foo", "bar"),
        lambda: Field("lang", "  "),
        lambda: Field("author", 'a"b'),
    ):
        with pytest.raises(ValueError):
            bad()
    with pytest.raises(TypeError):
        And((Word("a"), "b"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Element("a")


def test_str_round_trips_examples() -> None:
    for text in (
        '(nuvola OR "nuvola drinks" OR #nuvola OR @nuvola) AND NOT site:nuvola.com',
        "a NEAR/2f (b OR c) NEAR/0 d",
        '"not" AND "near" AND "or" AND "and" lang:(de OR fr)',
        'author:"john smith" NOT (a AND b) NOT (x NEAR/3 y)',
        "NOT NOT a OR b*",
        "กาแฟ OR 👍 OR müller",
    ):
        q = parse_query(text)
        assert parse_query(str(q)) == q, str(q)


def test_terms_are_positive_text_terms_only() -> None:
    q = parse_query('(nuvola OR "nuvola drinks") NEAR/3 sick* #nuvola lang:de NOT juice nuvola')
    assert q.terms() == (
        Word("nuvola"),
        Phrase((Word("nuvola"), Word("drinks"))),
        Word("sick*"),
        Hashtag("nuvola"),
    )
    assert [str(t) for t in q.terms()] == ["nuvola", '"nuvola drinks"', "sick*", "#nuvola"]
    assert parse_query("NOT a").terms() == ()


def test_query_doc_from_mention() -> None:
    mention = MentionIn(
        external_id="1",
        text="Nuvola made me sick",
        source="reddit",
        url="https://old.reddit.com/r/x",
        author="someone",
        language="en",
        country="US",
    )
    doc = QueryDoc.from_mention(mention)
    assert (doc.text, doc.lang, doc.source, doc.author, doc.url, doc.country) == (
        "Nuvola made me sick",
        "en",
        "reddit",
        "someone",
        "https://old.reddit.com/r/x",
        "US",
    )
    q = parse_query("nuvola NEAR/2 sick source:reddit site:reddit.com lang:en author:someone")
    assert q.matches(doc)
    assert doc.tokens == ("nuvola", "made", "me", "sick")


def test_document_is_tokenised_once(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[object] = []
    original = query_module._DocIndex

    class Counting(original):  # type: ignore[misc, valid-type]
        def __init__(self, doc: QueryDoc) -> None:
            built.append(doc)
            super().__init__(doc)

    monkeypatch.setattr(query_module, "_DocIndex", Counting)
    doc = QueryDoc("Nuvola drinks made me sick #nuvola", lang="en")
    queries = [
        parse_query(q)
        for q in ("nuvola", '"nuvola drinks"', "drink*", "nuvola NEAR/3 sick", "lang:en", "NOT x")
    ]
    assert [q.matches(doc) for q in queries] == [True, True, True, True, True, True]
    assert len(built) == 1


def test_tokens_of_mixed_text() -> None:
    doc = QueryDoc("Ich trinke Nuvola™ 👍🏽 #NuvolaDrinks @nuvola_de info@x.com Straße")
    assert doc.tokens == (
        "ich",
        "trinke",
        "nuvola",
        "👍",
        "#nuvoladrinks",
        "@nuvola_de",
        "info",
        "x",
        "com",
        "strasse",
    )


# --------------------------------------------------------------------------- brand_query


def test_brand_query_from_name_and_aliases() -> None:
    q = brand_query("Nuvola", ["Nuvola Drinks", "@nuvola", "#NuvolaDrinks", "nuvola", " "])
    assert q == Or(
        (
            Word("nuvola"),
            Phrase((Word("nuvola"), Word("drinks"))),
            Handle("nuvola"),
            Hashtag("nuvoladrinks"),
        )
    )
    assert q.matches("reply to @nuvola")
    assert q.matches("#NuvolaDrinks forever")
    assert not q.matches("pineapple nuvolas")


def test_brand_query_aliases_are_literal() -> None:
    q = brand_query("Dr. Pepper*", [])
    assert q == Phrase((Word("dr"), Word("pepper")))
    assert not q.matches("dr peppermint")
    assert brand_query("AND", []) == Word("and")
    assert brand_query("AND", []).matches("salt and pepper")


def test_brand_query_explicit_query_wins() -> None:
    q = brand_query("Nuvola", ["Nuvola Drinks"], "nuvola NOT juice")
    assert q == parse_query("nuvola NOT juice")
    assert brand_query("Nuvola", [], "   ") == Word("nuvola")
    with pytest.raises(QuerySyntaxError):
        brand_query("Nuvola", [], "nuvola AND")
    with pytest.raises(ValueError):
        brand_query("!!!", ["", "  "])


# --------------------------------------------------------------------------- properties

WORDS = ["nuvola", "drinks", "sick", "apple", "pie", "müller", "straße", "makan", "กาแฟ", "and"]
PLAIN = ["nuvola", "drinks", "sick", "apple", "pie", "müller", "makan", "x1"]

word_texts = st.sampled_from(WORDS + ["drink*", "s?ck", "nuv*la", "not", "near", "or", "👍"])
tag_texts = st.sampled_from(["nuvola", "drinks", "nuvola*", "müller", "กาแฟ", "x_1"])
elements = st.one_of(word_texts.map(Word), tag_texts.map(Hashtag), tag_texts.map(Handle))
phrases = st.lists(elements, min_size=2, max_size=3).map(lambda items: Phrase(tuple(items)))
distances = st.integers(min_value=0, max_value=4)


def _near(draw_children: st.SearchStrategy[Query]) -> st.SearchStrategy[Query]:
    return st.builds(Near, draw_children, draw_children, distances, st.booleans())


positional: st.SearchStrategy[Query] = st.recursive(
    st.one_of(elements, phrases),
    lambda children: st.one_of(
        st.lists(children, min_size=2, max_size=3).map(lambda items: Or(tuple(items))),
        _near(children),
    ),
    max_leaves=4,
)
fields = st.one_of(
    st.builds(Field, st.just("lang"), st.sampled_from(["de", "pt-br", "id", "th"])),
    st.builds(Field, st.just("source"), st.sampled_from(["reddit", "rss", "red*"])),
    st.builds(Field, st.just("author"), st.sampled_from(["john smith", "bob", "a(b)"])),
    st.builds(Field, st.just("site"), st.sampled_from(["example.com", "reddit.com/r/x"])),
    st.builds(Field, st.just("country"), st.sampled_from(["de", "id"])),
)
queries: st.SearchStrategy[Query] = st.recursive(
    st.one_of(elements, phrases, fields, positional),
    lambda children: st.one_of(
        st.lists(children, min_size=2, max_size=3).map(lambda items: And(tuple(items))),
        st.lists(children, min_size=2, max_size=3).map(lambda items: Or(tuple(items))),
        children.map(Not),
    ),
    max_leaves=6,
)

doc_words = st.sampled_from(
    WORDS + ["#nuvola", "@nuvola", "Nuvola's", "drinking", "sack", "#müller", "ร้านกาแฟดี", "👍", ","]
)
docs = st.builds(
    QueryDoc,
    st.lists(doc_words, max_size=10).map(" ".join),
    lang=st.sampled_from([None, "de", "pt-BR", "th"]),
    source=st.sampled_from([None, "reddit", "rss"]),
    author=st.sampled_from([None, "bob", "John Smith"]),
    url=st.sampled_from([None, "https://www.example.com/a", "https://reddit.com/r/x/1"]),
    country=st.sampled_from([None, "DE"]),
)

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

QUERY_ALPHABET = st.sampled_from(
    [
        "a",
        "b",
        "AND",
        "or",
        "NOT",
        "NEAR/2",
        "NEAR/x",
        "(",
        ")",
        '"',
        "*",
        "#",
        "@",
        "lang:de",
        "foo:",
        "lang:(",
        "😀",
        "ü",
        "กาแฟ",
        "\n",
        ":",
        "?",
        "-",
        "“",
    ]
)


@FAST
@given(st.text(max_size=80))
def test_arbitrary_text_only_raises_syntax_errors(text: str) -> None:
    try:
        q = parse_query(text)
    except QuerySyntaxError as err:
        assert 0 <= err.position <= len(text)
        assert "^" in err.pretty()
        return
    assert parse_query(str(q)) == q


@FAST
@given(st.lists(QUERY_ALPHABET, max_size=25).map(" ".join), st.lists(QUERY_ALPHABET).map("".join))
def test_query_like_text_only_raises_syntax_errors(spaced: str, glued: str) -> None:
    for text in (spaced, glued):
        try:
            q = parse_query(text)
        except QuerySyntaxError as err:
            assert 0 <= err.position <= len(text)
            continue
        assert parse_query(str(q)) == q


@FAST
@given(queries)
def test_generated_ast_round_trips_through_str(q: Query) -> None:
    text = str(q)
    assert parse_query(text) == q, text


@FAST
@given(queries, queries, docs)
def test_de_morgan(a: Query, b: Query, doc: QueryDoc) -> None:
    not_or = parse_query(f"NOT (({a}) OR ({b}))")
    and_not = parse_query(f"NOT ({a}) AND NOT ({b})")
    assert not_or.matches(doc) == and_not.matches(doc)
    not_and = parse_query(f"NOT (({a}) AND ({b}))")
    or_not = parse_query(f"NOT ({a}) OR NOT ({b})")
    assert not_and.matches(doc) == or_not.matches(doc)
    assert not_or.matches(doc) == (not a.matches(doc) and not b.matches(doc))


@FAST
@given(positional, positional, distances, docs)
def test_near_is_symmetric_and_implies_and(a: Query, b: Query, n: int, doc: QueryDoc) -> None:
    near = Near(a, b, n)
    assert near.matches(doc) == Near(b, a, n).matches(doc)
    ordered = Near(a, b, n, ordered=True)
    assert near.matches(doc) == (ordered.matches(doc) or Near(b, a, n, True).matches(doc))
    if near.matches(doc):
        assert a.matches(doc) and b.matches(doc)
        assert Near(a, b, n + 1).matches(doc)


@FAST
@given(st.lists(st.sampled_from(PLAIN), min_size=2, max_size=3), docs)
def test_phrase_equals_ordered_adjacency(words: list[str], doc: QueryDoc) -> None:
    phrase = Phrase(tuple(Word(w) for w in words))
    chain: Query = Word(words[0])
    for w in words[1:]:
        chain = Near(chain, Word(w), 0, ordered=True)
    assert phrase.matches(doc) == chain.matches(doc)


@FAST
@given(
    st.sampled_from(PLAIN),
    st.lists(
        st.one_of(
            st.sampled_from(PLAIN),
            st.sampled_from(PLAIN).map(lambda w: "#" + w),
            st.sampled_from(PLAIN).map(lambda w: w.upper()),
            st.sampled_from(PLAIN).map(lambda w: "pre" + w),
            st.sampled_from(PLAIN).map(lambda w: w + "s"),
        ),
        max_size=8,
    ),
    st.lists(st.sampled_from([" ", ", ", "! ", " (", ") ", "'s "]), min_size=8, max_size=8),
)
def test_word_matches_like_a_word_boundary_regex(
    word: str, pieces: list[str], seps: list[str]
) -> None:
    text = "".join(p + s for p, s in zip(pieces, seps, strict=False))
    oracle = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text.casefold()) is not None
    assert parse_query(word).matches(text) == oracle
    prefix = word[:3]
    wild_oracle = re.search(rf"(?<!\w){re.escape(prefix)}\w*", text.casefold()) is not None
    assert parse_query(prefix + "*").matches(text) == wild_oracle


@FAST
@given(docs)
def test_reused_document_gives_same_answers(doc: QueryDoc) -> None:
    qs = [parse_query(t) for t in ("nuvola", "drink*", "nuvola NEAR/2 sick", "#nuvola", "lang:de")]
    first = [q.matches(doc) for q in qs]
    fresh = [
        q.matches(QueryDoc(doc.text, doc.lang, doc.source, doc.author, doc.url, doc.country))
        for q in qs
    ]
    assert first == fresh == [q.matches(doc) for q in qs]


def test_nfkc_casefold_is_stable_for_terms() -> None:
    # Element texts are normalised when built; normalising again must change nothing,
    # otherwise str() of a parsed query would not parse back to the same tree.
    for sample in ("ǰ", "İstanbul", "ﬁne", "Ⅻ", "ｎｕｖｏｌａ", "Mu\u0308ller", "ß"):
        for chunk in parse_query(f'"{sample}"').terms():
            assert parse_query(str(chunk)) == chunk
    assert unicodedata.normalize("NFKC", Word("ﬁne").text) == "fine"
