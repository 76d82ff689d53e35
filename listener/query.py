"""The brand query language: boolean queries that decide whether a mention is about a brand.

PR teams describe a brand the way Brandwatch, Meltwater or Talkwalker users do::

    (nuvola OR "nuvola drinks" OR #nuvola OR @nuvola) AND NOT site:nuvola.com
    nuvola NEAR/3 (sick OR ill OR vomit*) lang:de

`parse_query` turns such text into a small tree of frozen dataclasses (`Query` nodes);
`Query.matches` evaluates the tree against a `QueryDoc`. Parse once, match many: every
node compiles what it needs (regexes, lookup keys) when it is built, and a `QueryDoc`
tokenises its text once, on first use, however many queries are matched against it.

Syntax, from loosest to tightest binding:

* ``a OR b`` — either side.
* ``a AND b`` or just ``a b`` — both sides (implicit AND between adjacent operands).
* ``a NEAR/n b`` — both within ``n`` words of each other, in either order: at most ``n``
  other words between them (``NEAR/0`` means adjacent). ``NEAR/nf`` also demands that
  ``a`` comes first. Operands are words, wildcards, tags, phrases, OR-groups of those, or
  other NEARs (``(cake OR pie) NEAR/2 (birthday OR party)``).
* ``NOT a`` or ``-a`` — ``a`` does not match. The ``-`` shorthand applies only to a ``-``
  that starts a token and is directly followed by the operand (``-juice``, ``-"apple pie"``,
  ``-(a OR b)``); a hyphen inside a word (``co-op``) is punctuation. So ``-5`` is ``NOT 5``.
* ``( ... )`` groups.

Keywords (``AND``, ``OR``, ``NOT``, ``NEAR/n``) are case-insensitive; quote one to search for
the word itself (``"not"``). So ``and``/``or``/``not``/``near`` written bare are operators.

Terms:

* ``nuvola`` — a word, matched case-insensitively on word boundaries, so ``apple`` does not
  match ``pineapple``. Words are runs of Unicode letters, digits, ``_`` and combining marks;
  every other character separates words, so ``apple`` matches ``Apple's`` and the bare term
  ``coca-cola`` is the phrase ``"coca cola"``. Text is compared after NFKC normalisation and
  case folding (``STRASSE`` matches ``Straße``, full-width letters match ASCII); accents are
  kept (``schon`` does not match ``schön``).
* ``"nuvola drinks"`` — an exact phrase: the words adjacent and in this order.
* ``drink*`` — ``*`` stands for any number of word characters and ``?`` for exactly one
  (``s?ng`` matches sing, sang, song). A term may not start with a wildcard. Wildcards work
  inside phrases and tags too (``"nuvola drink*"``, ``#nuvola*``).
* ``#nuvola`` / ``@nuvola`` — the hashtag or handle token exactly (case-insensitively);
  ``#nuvola`` does not match the plain word nuvola, nor ``#nuvoladrinks``.
* A plain word also matches the same word used as a hashtag (``nuvola`` matches
  ``#nuvola``), as people tag the words they mean; it does not match a handle
  (``@nuvola``), which names an account rather than mentioning the word. Write ``@nuvola``
  to include replies to the brand's account.
* Terms in scripts written without spaces between words (Thai, Lao, Khmer, Myanmar, Chinese,
  Japanese kana) match as substrings, since word boundaries cannot be seen: ``กาแฟ``
  matches ``ร้านกาแฟดี``. In phrases and NEAR such a term occupies the space-delimited chunk
  that contains it.
* Emoji are words of one character each: ``🤮`` matches ``so gross🤮🤮``.

Field filters (the value may be quoted; ``lang:(de OR fr)`` is short for
``(lang:de OR lang:fr)``):

* ``lang:de`` — the mention's language; ``lang:pt`` also matches ``pt-BR``.
* ``source:reddit`` — the collector kind; ``*``/``?`` wildcards allowed.
* ``author:someone`` — the author name or handle (a leading ``@`` is ignored); wildcards allowed.
* ``site:example.com`` — the URL's host is ``example.com`` or one of its subdomains; a
  leading ``www.`` or scheme in the value is dropped; ``site:reddit.com/r/foo`` also demands
  the path prefix ``/r/foo``.
* ``country:de`` — the mention's country code.

``language:`` is accepted for ``lang:``. Any other ``name:`` (letters then a colon) is an
error; quote text such as ``"re:invent"`` to search for it.

Limits: a query is at most `MAX_QUERY_CHARS` characters and nests at most `MAX_DEPTH`
levels (parentheses, NOTs and NEAR chains); beyond that, or on any other mistake,
`parse_query` raises `QuerySyntaxError` with the 0-based character position.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from abc import ABC, abstractmethod
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Protocol
from urllib.parse import urlsplit

if TYPE_CHECKING:  # only for annotations: keeps this module's import light
    from models.types import MentionIn

__all__ = [
    "MAX_DEPTH",
    "MAX_NEAR_DISTANCE",
    "MAX_QUERY_CHARS",
    "And",
    "Element",
    "Field",
    "FIELD_NAMES",
    "Handle",
    "Hashtag",
    "Near",
    "Not",
    "Or",
    "Phrase",
    "Query",
    "QueryDoc",
    "QuerySyntaxError",
    "Term",
    "Word",
    "brand_query",
    "parse_query",
]

MAX_QUERY_CHARS = 2_000
"""Longest query text `parse_query` accepts."""

MAX_DEPTH = 50
"""Deepest nesting of parentheses, NOTs and NEAR chains `parse_query` accepts."""

MAX_NEAR_DISTANCE = 1_000
"""Largest ``n`` in ``NEAR/n``."""

FIELD_NAMES: tuple[str, ...] = ("author", "country", "lang", "site", "source")
"""Canonical field names, as `Field.name` holds them."""

_FIELD_ALIASES: dict[str, str] = {name: name for name in FIELD_NAMES} | {"language": "lang"}
_WILDCARD_FIELDS = frozenset({"author", "source"})

_KEYWORDS = frozenset({"and", "or", "not", "near"})
_UPPER_KEYWORDS = frozenset(word.upper() for word in _KEYWORDS)
_QUOTES = '"“”„'
_BARE_STOP = frozenset("()" + _QUOTES)

# Emoji and pictographs: each is a one-character token. Skin-tone modifiers, variation
# selectors and zero-width joiners are dropped by `_normalize`, so 👍🏽 is 👍.
_EMOJI = (
    "\u00a9\u00ae\u2190-\u21ff\u2300-\u23ff\u25a0-\u27bf\u2b00-\u2bff"
    "\u3030\u303d\u3297\u3299\U0001f000-\U0001faff"
)

# Scripts written without spaces between words: terms in them match as substrings.
_NO_SPACE_SCRIPT = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]"
)

_TRANSLATE: dict[int, str | None] = {
    0x200B: " ",  # zero-width space separates words (used so in Thai and Khmer)
    0x2122: " ",  # ™ and ℠: NFKC would glue "TM" onto the brand name
    0x2120: " ",
    0x00AD: None,  # soft hyphen
    0x200C: None,  # zero-width (non-)joiners and word joiner: invisible, often obfuscation
    0x200D: None,
    0x2060: None,
    0xFEFF: None,
    0xFE0E: None,  # variation selectors after emoji
    0xFE0F: None,
} | {code: None for code in range(0x1F3FB, 0x1F400)}


_TRANSLATE_RE = re.compile("[" + "".join(re.escape(chr(code)) for code in _TRANSLATE) + "]")


def _normalize(text: str) -> str:
    """Return `text` NFKC-normalised and case-folded, the form all matching happens in."""
    if text.isascii():  # the common case: NFKC changes nothing and casefold is lower
        return text.lower()
    if _TRANSLATE_RE.search(text) is not None:  # translate() is slow; most texts need none
        text = text.translate(_TRANSLATE)
    text = unicodedata.normalize("NFKC", text).casefold()
    return unicodedata.normalize("NFKC", text)


@functools.cache
def _mark_class() -> str:
    r"""Return a regex character-class body with every combining mark.

    Python's ``\\w`` leaves out combining marks, which would split Thai, Hindi or
    decomposed Latin words apart; words here are ``\\w`` followed by ``\\w`` or marks.
    Computed once, on first use, so importing this module stays cheap. Only the Basic
    Multilingual Plane: the few supplementary-plane marks (historic scripts) would double
    the tokeniser's cost, since the regex engine tests them one range at a time.
    """
    ranges: list[str] = []
    start = prev = -2
    for code in range(0x300, 0x10000):
        if unicodedata.category(chr(code)) in ("Mn", "Mc", "Me"):
            if code != prev + 1:
                if start >= 0:
                    ranges.append(f"{chr(start)}-{chr(prev)}")
                start = code
            prev = code
    ranges.append(f"{chr(start)}-{chr(prev)}")
    return "".join(ranges)


@functools.cache
def _doc_token_re() -> re.Pattern[str]:
    """Tokens of a normalised document: words, #hashtags, @handles and emoji."""
    marks = _mark_class()
    return re.compile(rf"(?:(?<![\w#@])[#@])?\w[\w{marks}]*|[{_EMOJI}]")


@functools.cache
def _query_element_re() -> re.Pattern[str]:
    """Elements of a normalised query term: like document tokens, plus ``*`` and ``?``."""
    marks = _mark_class()
    return re.compile(rf"(?:(?<![\w#@*?])[#@])?[\w*?][\w{marks}*?]*|[{_EMOJI}]")


def _wildcard_regex(body: str) -> str:
    """Translate a term body with ``*``/``?`` into a regex over word characters."""
    word_char = rf"[\w{_mark_class()}]"
    parts = []
    for char in body:
        if char == "*":
            parts.append(f"{word_char}*")
        elif char == "?":
            parts.append(word_char)
        else:
            parts.append(re.escape(char))
    return "".join(parts)


# --------------------------------------------------------------------------- errors


class QuerySyntaxError(ValueError):
    """A brand query could not be parsed.

    Attributes:
        message: What is wrong, in words.
        position: 0-based character offset into the query where the problem is.
        query: The query text, when known (used by `pretty`).
    """

    def __init__(self, message: str, position: int, query: str | None = None) -> None:
        super().__init__(message, position)
        self.message = message
        self.position = position
        self.query = query

    def __str__(self) -> str:
        return f"{self.message} (at position {self.position})"

    def pretty(self) -> str:
        """Render the query line with a caret under the error position, then the message.

        Returns:
            Two or three lines: the query line that holds the position, a line with ``^``
            under the offending character, and the message after the caret. Without a
            known query, just the message and position.
        """
        if self.query is None:
            return str(self)
        line_start = self.query.rfind("\n", 0, self.position) + 1
        line_end = self.query.find("\n", self.position)
        if line_end < 0:
            line_end = len(self.query)
        line = self.query[line_start:line_end]
        pad = []
        for char in self.query[line_start : self.position]:
            if char == "\t":
                pad.append("\t")
            elif unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
                continue
            elif unicodedata.east_asian_width(char) in ("W", "F"):
                pad.append("  ")
            else:
                pad.append(" ")
        return f"{line}\n{''.join(pad)}^ {self.message}"


# --------------------------------------------------------------------------- documents


class _DocIndex:
    """A document tokenised for matching; built once per `QueryDoc`."""

    __slots__ = (
        "author",
        "country",
        "lang",
        "source",
        "text",
        "token_set",
        "tokens",
        "url",
        "_positions",
        "_site",
        "_sorted",
    )

    def __init__(self, doc: QueryDoc) -> None:
        self.text = _normalize(doc.text)
        self.tokens: list[str] = _doc_token_re().findall(self.text)
        self.token_set = frozenset(self.tokens)
        self.lang = doc.lang.casefold().replace("_", "-").strip() if doc.lang else None
        self.source = doc.source.casefold().strip() if doc.source else None
        self.author = _normalize(doc.author).strip().lstrip("@") if doc.author else None
        self.country = doc.country.casefold().strip() if doc.country else None
        self.url = doc.url
        self._positions: dict[str, list[int]] | None = None
        self._sorted: list[str] | None = None
        self._site: tuple[str, str] | None = None

    def positions(self) -> dict[str, list[int]]:
        """Token → ascending positions, built on first need (phrases, NEAR)."""
        if self._positions is None:
            positions: dict[str, list[int]] = {}
            for i, token in enumerate(self.tokens):
                positions.setdefault(token, []).append(i)
            self._positions = positions
        return self._positions

    def sorted_tokens(self) -> list[str]:
        """Distinct tokens in sorted order, built on first need (wildcards)."""
        if self._sorted is None:
            self._sorted = sorted(self.token_set)
        return self._sorted

    def site(self) -> tuple[str, str]:
        """The URL's host (lower case, no port) and case-folded path; empty when unknown."""
        if self._site is None:
            host = path = ""
            if self.url:
                url = self.url.strip()
                if "://" not in url and not url.startswith("//"):
                    url = "//" + url
                try:
                    parts = urlsplit(url)
                    host = (parts.hostname or "").rstrip(".")
                    path = parts.path.casefold()
                except ValueError:
                    host = path = ""
            self._site = (host, path)
        return self._site


@dataclass(frozen=True, slots=True)
class QueryDoc:
    """What a query is matched against: a text and a few filterable attributes.

    The text is tokenised once, on the first match, and kept, so matching many queries
    against one document costs one tokenisation.

    Attributes:
        text: The mention's text.
        lang: Language code (``de``, ``pt-BR``), for ``lang:``.
        source: Collector kind (``reddit``, ``rss``), for ``source:``.
        author: Author name or handle, for ``author:``.
        url: The mention's URL, for ``site:``.
        country: Country code, for ``country:``.
    """

    text: str
    lang: str | None = None
    source: str | None = None
    author: str | None = None
    url: str | None = None
    country: str | None = None
    _index: _DocIndex | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def from_mention(cls, mention: MentionIn) -> QueryDoc:
        """Build the query view of a collected mention.

        Args:
            mention: A mention as a collector produced it.

        Returns:
            A `QueryDoc` with the mention's text, language, source, author, URL and country.
        """
        return cls(
            text=mention.text,
            lang=mention.language,
            source=mention.source,
            author=mention.author,
            url=mention.url,
            country=mention.country,
        )

    @property
    def tokens(self) -> tuple[str, ...]:
        """The normalised tokens the text is matched on (``#``/``@`` kept on tags)."""
        return tuple(self._tokenised().tokens)

    def _tokenised(self) -> _DocIndex:
        """Return the tokenised form, building it on first call."""
        if self._index is None:
            object.__setattr__(self, "_index", _DocIndex(self))
        assert self._index is not None
        return self._index


# --------------------------------------------------------------------------- matchers


class _Matcher(Protocol):
    """How one element (word, hashtag, handle) finds itself in a document."""

    def present(self, idx: _DocIndex) -> bool: ...

    def token_matches(self, token: str) -> bool: ...

    def positions(self, idx: _DocIndex) -> list[int]: ...


class _ExactMatcher:
    """Element without wildcards: set lookups of its token forms."""

    __slots__ = ("keys",)

    def __init__(self, keys: tuple[str, ...]) -> None:
        self.keys = keys

    def present(self, idx: _DocIndex) -> bool:
        token_set = idx.token_set
        for key in self.keys:
            if key in token_set:
                return True
        return False

    def token_matches(self, token: str) -> bool:
        return token in self.keys

    def positions(self, idx: _DocIndex) -> list[int]:
        positions = idx.positions()
        found = [positions[key] for key in self.keys if key in positions]
        if not found:
            return []
        if len(found) == 1:
            return found[0]
        return sorted(p for group in found for p in group)


class _PatternMatcher:
    """Element with wildcards: a sorted-token range scan from its literal prefix."""

    __slots__ = ("regex", "starts", "pure_prefix")

    def __init__(self, starts: tuple[str, ...], regex: re.Pattern[str], pure_prefix: bool):
        self.starts = starts
        self.regex = regex
        self.pure_prefix = pure_prefix

    def _matching_tokens(self, idx: _DocIndex, first_only: bool) -> list[str]:
        tokens = idx.sorted_tokens()
        found = []
        for start in self.starts:
            i = bisect_left(tokens, start)
            while i < len(tokens) and tokens[i].startswith(start):
                if self.pure_prefix or self.regex.fullmatch(tokens[i]):
                    found.append(tokens[i])
                    if first_only:
                        return found
                i += 1
        return found

    def present(self, idx: _DocIndex) -> bool:
        return bool(self._matching_tokens(idx, first_only=True))

    def token_matches(self, token: str) -> bool:
        return self.regex.fullmatch(token) is not None

    def positions(self, idx: _DocIndex) -> list[int]:
        positions = idx.positions()
        return sorted(p for token in self._matching_tokens(idx, False) for p in positions[token])


class _SubstringMatcher:
    """Word in a script without spaces: found anywhere in the text."""

    __slots__ = ("needle", "regex")

    def __init__(self, needle: str, regex: re.Pattern[str] | None) -> None:
        self.needle = needle
        self.regex = regex

    def present(self, idx: _DocIndex) -> bool:
        if self.regex is None:
            return self.needle in idx.text
        return self.regex.search(idx.text) is not None

    def token_matches(self, token: str) -> bool:
        if self.regex is None:
            return self.needle in token
        return self.regex.search(token) is not None

    def positions(self, idx: _DocIndex) -> list[int]:
        return [i for i, token in enumerate(idx.tokens) if self.token_matches(token)]


# --------------------------------------------------------------------------- AST


Span = tuple[int, int]
"""First and last token position (inclusive) of one occurrence."""


class Query(ABC):
    """A node of a parsed brand query; every node is itself a query.

    Nodes are frozen dataclasses compared structurally, so
    ``parse_query(str(q)) == q``. Build them with `parse_query` or `brand_query`, or
    directly (``And((Word("nuvola"), Not(Field("lang", "de"))))``).
    """

    _cost: ClassVar[int] = 1

    def matches(self, doc: QueryDoc | str) -> bool:
        """Tell whether a document matches this query.

        Args:
            doc: The document; a plain string is taken as a text without attributes.
                Reuse one `QueryDoc` across queries: it is tokenised only once.

        Returns:
            True when the document satisfies the query.
        """
        if isinstance(doc, str):
            doc = QueryDoc(doc)
        return self._eval(doc._tokenised())

    def terms(self) -> tuple[Term, ...]:
        """Return the positive search terms, for highlighting evidence.

        Terms under a NOT are left out, as are field filters; duplicates are removed and
        the order of first appearance kept.

        Returns:
            The `Word`, `Hashtag`, `Handle` and `Phrase` nodes a match can rest on.
        """
        found: list[Term] = []
        self._collect_terms(found)
        return tuple(dict.fromkeys(found))

    @abstractmethod
    def _eval(self, idx: _DocIndex) -> bool:
        """Evaluate against a tokenised document."""

    @abstractmethod
    def _collect_terms(self, out: list[Term]) -> None:
        """Append positive terms to `out`."""

    @abstractmethod
    def __str__(self) -> str:
        """Render as query text that parses back to an equal tree."""

    def _spans(self, idx: _DocIndex) -> list[Span]:
        """Occurrences of a positional node (terms, phrases, OR of them, NEAR)."""
        raise TypeError(f"{type(self).__name__} has no word positions")


def _is_positional(node: Query) -> bool:
    """Whether `node` may be an operand of NEAR (it has word positions)."""
    if isinstance(node, Element | Phrase | Near):
        return True
    if isinstance(node, Or):
        return all(_is_positional(item) for item in node.items)
    return False


@dataclass(frozen=True)
class Element(Query):
    """One token pattern: base of `Word`, `Hashtag` and `Handle`.

    Attributes:
        text: The normalised body (for tags, without ``#``/``@``); may hold ``*``/``?``.
    """

    text: str
    _matcher: _Matcher = field(init=False, repr=False, compare=False)

    prefix: ClassVar[str] = ""
    """The token prefix this element matches: ``""``, ``"#"`` or ``"@"``."""
    _match_prefixes: ClassVar[tuple[str, ...]] = ("",)

    def __post_init__(self) -> None:
        if type(self) is Element:
            raise TypeError("Element is abstract: build a Word, Hashtag or Handle")
        if not isinstance(self.text, str):
            raise TypeError(f"{type(self).__name__} text must be a str")
        text = _normalize(self.text)
        # Tags need a word body (not an emoji), and only the class says which prefix.
        if _query_element_re().fullmatch(self.prefix + text) is None or text[:1] in ("#", "@"):
            raise ValueError(
                f"{type(self).__name__} needs exactly one word without spaces or punctuation"
                f" (and without {self.prefix or '#/@'}), got {self.text!r}"
            )
        if text[0] in "*?":
            raise ValueError(f"a wildcard cannot start a term: {self.text!r}")
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "_matcher", self._build_matcher(text))

    def _build_matcher(self, text: str) -> _Matcher:
        wild = "*" in text or "?" in text
        if not self.prefix and _NO_SPACE_SCRIPT.search(text):
            regex = re.compile(_wildcard_regex(text.rstrip("*"))) if wild else None
            return _SubstringMatcher(text, regex)
        if not wild:
            return _ExactMatcher(tuple(p + text for p in self._match_prefixes))
        literal = re.split(r"[*?]", text, maxsplit=1)[0]
        prefixes = "|".join(re.escape(p) for p in self._match_prefixes)
        regex = re.compile(f"(?:{prefixes}){_wildcard_regex(text)}")
        pure_prefix = text.endswith("*") and text.count("*") == 1 and "?" not in text
        return _PatternMatcher(tuple(p + literal for p in self._match_prefixes), regex, pure_prefix)

    @property
    def is_wildcard(self) -> bool:
        """Whether the element holds ``*`` or ``?``."""
        return "*" in self.text or "?" in self.text

    def _eval(self, idx: _DocIndex) -> bool:
        return self._matcher.present(idx)

    def _spans(self, idx: _DocIndex) -> list[Span]:
        return [(p, p) for p in self._matcher.positions(idx)]

    def _collect_terms(self, out: list[Term]) -> None:
        out.append(self)

    def _phrase_str(self) -> str:
        return self.prefix + self.text

    def __str__(self) -> str:
        return self._phrase_str()


@dataclass(frozen=True)
class Word(Element):
    """A word (or wildcard pattern); also matches the same word as a hashtag.

    Attributes:
        text: The word, normalised (NFKC, case-folded) on construction.
    """

    _match_prefixes: ClassVar[tuple[str, ...]] = ("", "#")

    def __str__(self) -> str:
        if self.text in _KEYWORDS or self.text.upper() in _UPPER_KEYWORDS:
            return f'"{self.text}"'
        return self.text


@dataclass(frozen=True)
class Hashtag(Element):
    """A hashtag, matched as the whole tag token (``#nuvola``, not ``#nuvoladrinks``).

    Attributes:
        text: The tag body without ``#``, normalised on construction.
    """

    prefix: ClassVar[str] = "#"
    _match_prefixes: ClassVar[tuple[str, ...]] = ("#",)


@dataclass(frozen=True)
class Handle(Element):
    """An account handle, matched as the whole ``@handle`` token.

    Attributes:
        text: The handle without ``@``, normalised on construction.
    """

    prefix: ClassVar[str] = "@"
    _match_prefixes: ClassVar[tuple[str, ...]] = ("@",)


@dataclass(frozen=True)
class Phrase(Query):
    """Two or more elements on adjacent positions, in order (``"nuvola drinks"``).

    Attributes:
        items: The elements, in order.
    """

    items: tuple[Element, ...]
    _cost: ClassVar[int] = 3

    def __post_init__(self) -> None:
        items = tuple(self.items)
        if len(items) < 2 or not all(isinstance(item, Element) for item in items):
            raise ValueError("a Phrase needs two or more Word/Hashtag/Handle items")
        object.__setattr__(self, "items", items)

    def _eval(self, idx: _DocIndex) -> bool:
        for item in self.items:
            if not item._matcher.present(idx):
                return False
        return bool(self._find(idx, first_only=True))

    def _find(self, idx: _DocIndex, first_only: bool) -> list[Span]:
        tokens = idx.tokens
        rest = self.items[1:]
        width = len(self.items)
        found = []
        for start in self.items[0]._matcher.positions(idx):
            if start + width > len(tokens):
                break
            if all(
                item._matcher.token_matches(tokens[start + k])
                for k, item in enumerate(rest, start=1)
            ):
                found.append((start, start + width - 1))
                if first_only:
                    break
        return found

    def _spans(self, idx: _DocIndex) -> list[Span]:
        return self._find(idx, first_only=False)

    def _collect_terms(self, out: list[Term]) -> None:
        out.append(self)

    def __str__(self) -> str:
        return '"' + " ".join(item._phrase_str() for item in self.items) + '"'


Term = Element | Phrase
"""What `Query.terms` returns: the nodes that match text (`Word`, `Hashtag`, `Handle`, `Phrase`)."""


def _ordered_by_cost(items: tuple[Query, ...]) -> tuple[Query, ...]:
    """Evaluation order: cheap checks first, so AND/OR short-circuit early."""
    return tuple(sorted(items, key=lambda item: item._cost))


@dataclass(frozen=True)
class And(Query):
    """All items match. Nested `And` items are flattened on construction.

    Attributes:
        items: Two or more sub-queries.
    """

    items: tuple[Query, ...]
    _order: tuple[Query, ...] = field(init=False, repr=False, compare=False)
    _cost: int = field(init=False, repr=False, compare=False)  # type: ignore[misc]

    def __post_init__(self) -> None:
        items = _flatten(self.items, And)
        object.__setattr__(self, "items", items)
        object.__setattr__(self, "_order", _ordered_by_cost(items))
        object.__setattr__(self, "_cost", sum(item._cost for item in items))

    def _eval(self, idx: _DocIndex) -> bool:
        for item in self._order:
            if not item._eval(idx):
                return False
        return True

    def _collect_terms(self, out: list[Term]) -> None:
        for item in self.items:
            item._collect_terms(out)

    def __str__(self) -> str:
        return " AND ".join(
            f"({item})" if isinstance(item, Or) else str(item) for item in self.items
        )


@dataclass(frozen=True)
class Or(Query):
    """At least one item matches. Nested `Or` items are flattened on construction.

    Attributes:
        items: Two or more sub-queries.
    """

    items: tuple[Query, ...]
    _order: tuple[Query, ...] = field(init=False, repr=False, compare=False)
    _cost: int = field(init=False, repr=False, compare=False)  # type: ignore[misc]

    def __post_init__(self) -> None:
        items = _flatten(self.items, Or)
        object.__setattr__(self, "items", items)
        object.__setattr__(self, "_order", _ordered_by_cost(items))
        object.__setattr__(self, "_cost", sum(item._cost for item in items))

    def _eval(self, idx: _DocIndex) -> bool:
        for item in self._order:
            if item._eval(idx):
                return True
        return False

    def _spans(self, idx: _DocIndex) -> list[Span]:
        return sorted({span for item in self.items for span in item._spans(idx)})

    def _collect_terms(self, out: list[Term]) -> None:
        for item in self.items:
            item._collect_terms(out)

    def __str__(self) -> str:
        return " OR ".join(str(item) for item in self.items)


def _flatten(items: Iterable[Query], kind: type[And] | type[Or]) -> tuple[Query, ...]:
    flat: list[Query] = []
    for item in items:
        if not isinstance(item, Query):
            raise TypeError(f"{kind.__name__} items must be Query nodes, got {item!r}")
        if isinstance(item, kind):
            flat.extend(item.items)
        else:
            flat.append(item)
    if len(flat) < 2:
        raise ValueError(f"{kind.__name__} needs at least two items")
    return tuple(flat)


@dataclass(frozen=True)
class Not(Query):
    """The item does not match.

    Attributes:
        item: The negated sub-query.
    """

    item: Query
    _cost: int = field(init=False, repr=False, compare=False)  # type: ignore[misc]

    def __post_init__(self) -> None:
        if not isinstance(self.item, Query):
            raise TypeError(f"Not needs a Query node, got {self.item!r}")
        object.__setattr__(self, "_cost", self.item._cost)

    def _eval(self, idx: _DocIndex) -> bool:
        return not self.item._eval(idx)

    def _collect_terms(self, out: list[Term]) -> None:
        return None

    def __str__(self) -> str:
        if isinstance(self.item, And | Or | Near):
            return f"NOT ({self.item})"
        return f"NOT {self.item}"


@dataclass(frozen=True)
class Near(Query):
    """Both operands occur with at most `distance` other words between them.

    Attributes:
        left: A positional operand: element, phrase, OR of those, or another `Near`.
        right: Likewise.
        distance: Most words allowed between the two occurrences (0 = adjacent).
        ordered: When True (``NEAR/nf``), `left` must come before `right`.
    """

    left: Query
    right: Query
    distance: int
    ordered: bool = False
    _cost: ClassVar[int] = 5

    def __post_init__(self) -> None:
        if not (_is_positional(self.left) and _is_positional(self.right)):
            raise ValueError("NEAR operands must be words, tags, phrases or OR-groups of them")
        if (
            isinstance(self.distance, bool)
            or not isinstance(self.distance, int)
            or not 0 <= self.distance <= MAX_NEAR_DISTANCE
        ):
            raise ValueError(f"NEAR distance must be an int from 0 to {MAX_NEAR_DISTANCE}")

    def _pairs(self, idx: _DocIndex, first_only: bool) -> list[Span]:
        found: list[Span] = []
        right_spans = self.right._spans(idx)
        if not right_spans:
            return found
        limit = self.distance + 1
        for l_start, l_end in self.left._spans(idx):
            for r_start, r_end in right_spans:
                if l_end < r_start and r_start - l_end <= limit:
                    found.append((l_start, r_end))
                elif not self.ordered and r_end < l_start and l_start - r_end <= limit:
                    found.append((r_start, l_end))
                else:
                    continue
                if first_only:
                    return found
        return found

    def _eval(self, idx: _DocIndex) -> bool:
        if not (self.left._eval(idx) and self.right._eval(idx)):
            return False
        return bool(self._pairs(idx, first_only=True))

    def _spans(self, idx: _DocIndex) -> list[Span]:
        return sorted(set(self._pairs(idx, first_only=False)))

    def _collect_terms(self, out: list[Term]) -> None:
        self.left._collect_terms(out)
        self.right._collect_terms(out)

    def __str__(self) -> str:
        left = f"({self.left})" if isinstance(self.left, Or) else str(self.left)
        right = f"({self.right})" if isinstance(self.right, Or | Near) else str(self.right)
        return f"{left} NEAR/{self.distance}{'f' if self.ordered else ''} {right}"


_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*://")


def _field_value(name: str, value: str) -> str:
    """Normalise a field value the way documents are normalised for that field."""
    previous = None
    while previous != value:  # repeat until stable, so normalising twice changes nothing
        previous = value
        value = _normalize(value).strip()
        if name == "lang":
            value = value.replace("_", "-")
        elif name == "author":
            value = value.lstrip("@")
        elif name == "site":
            value = _SCHEME_RE.sub("", value).removeprefix("//").removeprefix("www.")
            value = value.rstrip("/")
    return value


@dataclass(frozen=True)
class Field(Query):
    """A filter on a document attribute (``lang:``, ``source:``, ``author:``, ``site:``, ...).

    Attributes:
        name: One of `FIELD_NAMES` (``language`` is accepted for ``lang``).
        value: The wanted value, normalised on construction (see the module docs).
    """

    name: str
    value: str
    _pattern: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    _host: str = field(init=False, repr=False, compare=False)
    _path: str = field(init=False, repr=False, compare=False)
    _cost: ClassVar[int] = 0

    def __post_init__(self) -> None:
        name = _FIELD_ALIASES.get(str(self.name).casefold())
        if name is None:
            raise ValueError(f"unknown field {self.name!r}; known: {', '.join(FIELD_NAMES)}")
        if not isinstance(self.value, str):
            raise TypeError("a field value must be a str")
        value = _field_value(name, self.value)
        if not value:
            raise ValueError(f"field {name}: needs a value")
        if any(quote in value for quote in _QUOTES):
            raise ValueError(f"field values cannot contain quotes: {self.value!r}")
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "value", value)
        pattern = None
        if name in _WILDCARD_FIELDS and ("*" in value or "?" in value):
            regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in value)
            pattern = re.compile(regex, re.DOTALL)
        object.__setattr__(self, "_pattern", pattern)
        host, _, path = value.partition("/")
        object.__setattr__(self, "_host", host)
        object.__setattr__(self, "_path", "/" + path if path else "")

    def _eval(self, idx: _DocIndex) -> bool:
        name = self.name
        if name == "site":
            host, path = idx.site()
            if not host or not (host == self._host or host.endswith("." + self._host)):
                return False
            return path.startswith(self._path)
        if name == "lang":
            lang = idx.lang
            return lang is not None and (lang == self.value or lang.startswith(self.value + "-"))
        actual = idx.author if name == "author" else idx.source if name == "source" else idx.country
        if actual is None:
            return False
        if self._pattern is not None:
            return self._pattern.fullmatch(actual) is not None
        return actual == self.value

    def _collect_terms(self, out: list[Term]) -> None:
        return None

    def __str__(self) -> str:
        value = self.value
        if any(c.isspace() or c in "()" for c in value):
            value = f'"{value}"'
        return f"{self.name}:{value}"


# --------------------------------------------------------------------------- parser


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # ( ) AND OR NOT NEAR PHRASE TERM FIELD EOF
    pos: int
    text: str
    value: str = ""
    value_pos: int = 0
    distance: int = 0
    ordered: bool = False
    group: bool = False


_FIELD_RE = re.compile(r"([A-Za-z_]+):(.*)", re.DOTALL)
_NEAR_RE = re.compile(r"NEAR/([0-9]{1,7})(F?)", re.ASCII)
_STARTS_OPERAND = frozenset({"(", "PHRASE", "TERM", "FIELD", "NOT"})


def _lex(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(_Token(char, i, char))
            i += 1
        elif char == "-" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] != "-":
            tokens.append(_Token("NOT", i, "-"))  # Brandwatch/Google-style exclusion
            i += 1
        elif char in _QUOTES:
            end = _closing_quote(text, i)
            tokens.append(_Token("PHRASE", i, text[i : end + 1], text[i + 1 : end], i + 1))
            i = end + 1
        else:
            end = i
            while end < n and not text[end].isspace() and text[end] not in _BARE_STOP:
                end += 1
            word = text[i:end]
            token, end = _classify(text, word, i, end)
            tokens.append(token)
            i = end
    tokens.append(_Token("EOF", n, ""))
    return tokens


def _closing_quote(text: str, start: int) -> int:
    for j in range(start + 1, len(text)):
        if text[j] in _QUOTES:
            return j
    raise QuerySyntaxError("unterminated quote", start, text)


def _classify(text: str, word: str, pos: int, end: int) -> tuple[_Token, int]:
    """Turn a bare word into an operator, field or term token; return it and where it ends."""
    upper = word.upper()
    if upper in ("AND", "OR", "NOT"):
        return _Token(upper, pos, word), end
    if upper == "NEAR" or upper.startswith("NEAR/"):
        match = _NEAR_RE.fullmatch(upper)
        if upper == "NEAR":
            raise QuerySyntaxError(
                'NEAR needs a distance, e.g. NEAR/3 (quote "near" to search for the word)',
                pos,
                text,
            )
        if match is None:
            raise QuerySyntaxError(
                f"bad NEAR distance in {word!r}: write NEAR/n or NEAR/nf with n from 0 to "
                f"{MAX_NEAR_DISTANCE}",
                pos + 5,
                text,
            )
        distance = int(match.group(1))
        if distance > MAX_NEAR_DISTANCE:
            raise QuerySyntaxError(
                f"NEAR distance {distance} is too large (at most {MAX_NEAR_DISTANCE})",
                pos + 5,
                text,
            )
        return _Token("NEAR", pos, word, distance=distance, ordered=bool(match.group(2))), end
    field_match = _FIELD_RE.fullmatch(word)
    if field_match is None:
        return _Token("TERM", pos, word), end
    name, value = field_match.group(1), field_match.group(2)
    canonical = _FIELD_ALIASES.get(name.casefold())
    if canonical is None:
        if value.startswith("//"):  # a pasted URL, searched as its words
            return _Token("TERM", pos, word), end
        raise QuerySyntaxError(
            f"unknown field {name + ':'!r}; known fields: {', '.join(FIELD_NAMES)}"
            ' (quote the text to search for it literally, e.g. "re:invent")',
            pos,
            text,
        )
    value_pos = pos + len(name) + 1
    if value:
        return _Token("FIELD", pos, word, value, value_pos, group=False), end
    if end < len(text) and text[end] in _QUOTES:
        close = _closing_quote(text, end)
        value = text[end + 1 : close]
        return _Token("FIELD", pos, text[pos : close + 1], value, end + 1), close + 1
    if end < len(text) and text[end] == "(":
        return _Token("FIELD", pos, word, "", value_pos, group=True), end
    raise QuerySyntaxError(f"field {name + ':'!r} needs a value", value_pos, text)


class _Parser:
    """Recursive descent: or_expr > and_expr > near_expr > unary > primary."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _lex(text)
        self.index = 0
        self.depth = 0

    def error(self, message: str, position: int) -> QuerySyntaxError:
        return QuerySyntaxError(message, position, self.text)

    def peek(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        if token.kind != "EOF":
            self.index += 1
        return token

    def enter(self, token: _Token, levels: int = 1) -> None:
        if self.depth + levels > MAX_DEPTH:
            raise self.error(f"query nests too deeply (more than {MAX_DEPTH} levels)", token.pos)

    def parse(self) -> Query:
        node = self.or_expr(None)
        token = self.peek()
        if token.kind == ")":
            raise self.error("unmatched ')'", token.pos)
        if token.kind != "EOF":  # pragma: no cover - every other token starts an operand
            raise self.error(f"unexpected {token.text!r}", token.pos)
        return node

    def or_expr(self, after: _Token | None) -> Query:
        items = [self.and_expr(after)]
        while self.peek().kind == "OR":
            operator = self.advance()
            items.append(self.and_expr(operator))
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self, after: _Token | None) -> Query:
        items = [self.near_expr(after)]
        while True:
            kind = self.peek().kind
            if kind == "AND":
                operator = self.advance()
                items.append(self.near_expr(operator))
            elif kind in _STARTS_OPERAND:
                items.append(self.near_expr(None))
            else:
                break
        return items[0] if len(items) == 1 else And(tuple(items))

    def near_expr(self, after: _Token | None) -> Query:
        left = self.unary(after)
        chain = 0
        while self.peek().kind == "NEAR":
            operator = self.advance()
            chain += 1
            self.enter(operator, chain)
            right = self.unary(operator)
            if not (_is_positional(left) and _is_positional(right)):
                raise self.error(
                    "NEAR needs words, tags, phrases or OR-groups of them on both sides"
                    " (not AND, NOT or fields)",
                    operator.pos,
                )
            left = Near(left, right, operator.distance, operator.ordered)
        return left

    def unary(self, after: _Token | None) -> Query:
        token = self.peek()
        if token.kind == "NOT":
            self.advance()
            self.enter(token)
            self.depth += 1
            item = self.unary(token)
            self.depth -= 1
            return Not(item)
        return self.primary(after)

    def primary(self, after: _Token | None) -> Query:
        token = self.advance()
        if token.kind == "(":
            self.enter(token)
            if self.peek().kind in (")", "EOF"):
                message = "empty parentheses" if self.peek().kind == ")" else "unclosed '('"
                raise self.error(message, token.pos)
            self.depth += 1
            node = self.or_expr(None)
            self.depth -= 1
            if self.peek().kind != ")":
                raise self.error("unclosed '('", token.pos)
            self.advance()
            return node
        if token.kind == "PHRASE":
            return self.term(token.value, token.pos, quoted=True)
        if token.kind == "TERM":
            return self.term(token.text, token.pos, quoted=False)
        if token.kind == "FIELD":
            return self.field(token)
        # Nothing usable where an operand belongs: say which operator is dangling.
        if token.kind in ("EOF", ")"):
            if after is not None:
                raise self.error(f"{after.text!r} has nothing on its right", after.pos)
            if token.kind == ")":
                raise self.error("unmatched ')'", token.pos)
            raise self.error("query ended where a term was expected", token.pos)
        if after is not None:
            raise self.error(
                f"expected a term after {after.text!r}, found {token.text!r}", token.pos
            )
        raise self.error(f"{token.text!r} has nothing on its left", token.pos)

    def term(self, raw: str, pos: int, quoted: bool) -> Query:
        elements = []
        for match in _query_element_re().finditer(_normalize(raw)):
            chunk = match.group()
            cls: type[Element] = Word
            if chunk[0] in "#@" and len(chunk) > 1:
                cls = Hashtag if chunk[0] == "#" else Handle
                chunk = chunk[1:]
            if chunk[0] in "*?":
                raise self.error(f"a wildcard cannot start a term: {raw!r}", pos)
            try:
                elements.append(cls(chunk))
            except ValueError as exc:  # pragma: no cover - chunks are already normalised
                raise self.error(str(exc), pos) from None
        if not elements:
            what = "quoted phrase" if quoted else f"term {raw!r}"
            raise self.error(f"{what} has no letters, digits or emoji to search for", pos)
        if len(elements) == 1:
            return elements[0]
        return Phrase(tuple(elements))

    def field(self, token: _Token) -> Query:
        name = token.text.split(":", 1)[0]
        if not token.group:
            return self.make_field(name, token.value, token.value_pos)
        paren = self.advance()  # the "(" the lexer saw right after the colon
        values: list[Query] = []
        while True:
            value = self.advance()
            if value.kind == "TERM":
                values.append(self.make_field(name, value.text, value.pos))
            elif value.kind == "PHRASE":
                values.append(self.make_field(name, value.value, value.value_pos))
            elif value.kind == "EOF":
                raise self.error("unclosed '('", paren.pos)
            else:
                raise self.error(f"expected a value for {name + ':'!r}", value.pos)
            follow = self.advance()
            if follow.kind == ")":
                break
            if follow.kind == "EOF":
                raise self.error("unclosed '('", paren.pos)
            if follow.kind != "OR":
                raise self.error(
                    f"values of {name + ':'!r} are separated by OR and closed by ')'", follow.pos
                )
        return values[0] if len(values) == 1 else Or(tuple(values))

    def make_field(self, name: str, value: str, pos: int) -> Field:
        try:
            return Field(name, value)
        except ValueError as exc:
            raise self.error(str(exc), pos) from None


def parse_query(text: str) -> Query:
    """Parse a boolean brand query.

    Args:
        text: The query, e.g. ``(nuvola OR "nuvola drinks") AND NOT site:nuvola.com``.
            See the module documentation for the syntax.

    Returns:
        The root node of the query tree.

    Raises:
        QuerySyntaxError: The query is empty, too long or too deeply nested, or has
            unbalanced parentheses, a dangling operator, an unterminated quote, a bad
            NEAR distance, an unknown field or a term with nothing to search for.
    """
    if not isinstance(text, str):
        raise QuerySyntaxError(f"a query must be text, not {type(text).__name__}", 0)
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(
            f"query is too long ({len(text)} characters; the limit is {MAX_QUERY_CHARS})",
            MAX_QUERY_CHARS,
            text,
        )
    if not text.strip():
        raise QuerySyntaxError("empty query", 0, text)
    return _Parser(text).parse()


def _literal_term(raw: str) -> Term | None:
    """A brand name or alias as a term: one element, or a phrase of several."""
    elements: list[Element] = []
    for chunk in _doc_token_re().findall(_normalize(raw)):
        if chunk[0] == "#" and len(chunk) > 1:
            elements.append(Hashtag(chunk[1:]))
        elif chunk[0] == "@" and len(chunk) > 1:
            elements.append(Handle(chunk[1:]))
        else:
            elements.append(Word(chunk))
    if not elements:
        return None
    if len(elements) == 1:
        return elements[0]
    return Phrase(tuple(elements))


def brand_query(name: str, aliases: Sequence[str] = (), query: str | None = None) -> Query:
    """Build the query that decides whether a mention is about a brand.

    Args:
        name: The brand's name, e.g. ``"Nuvola"``.
        aliases: Other names: multi-word aliases become phrases, aliases starting with
            ``#`` or ``@`` become hashtags or handles. Wildcard characters in aliases are
            taken literally (as separators), not as wildcards.
        query: An explicit boolean query; when given (and not blank) it is used as is and
            the name and aliases are ignored.

    Returns:
        The explicit query parsed, else an OR of the name and aliases (duplicates removed).

    Raises:
        QuerySyntaxError: The explicit query does not parse.
        ValueError: No query was given and neither name nor aliases have anything to search.
    """
    if query is not None and query.strip():
        return parse_query(query)
    terms: list[Query] = []
    for raw in (name, *aliases):
        term = _literal_term(raw)
        if term is not None and term not in terms:
            terms.append(term)
    if not terms:
        raise ValueError(f"brand {name!r} has no name or alias with letters, digits or emoji")
    return terms[0] if len(terms) == 1 else Or(tuple(terms))
