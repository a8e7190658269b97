"""Request text -> a refusal or None: the checks made before a query reaches the parser.

Oxigraph's SPARQL parser and planner recurse, so a query nested a few
hundred levels deep, or a few thousand ``UNION``s long, overflows a server
thread's stack and aborts the whole process. ``SERVICE`` makes the server
fetch a URL of the query's choosing, and ``LOAD`` does the same in an update.
A light scan (strings, IRIs and comments skipped; ``\\u`` escapes read both
ways) measures the text before anything parses it.

>>> refusal("SELECT * WHERE { ?s ?p ?o }", Limits()) is None
True
>>> refusal("SELECT * { SERVICE <http://h/x> { ?s ?p ?o } }", Limits())  # doctest: +ELLIPSIS
'the query uses SERVICE, which makes the server fetch another URL; start kg serve with ...'
>>> refusal('SELECT * WHERE { ?s ?p "SERVICE" }', Limits()) is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate


@dataclass(frozen=True)
class Limits:
    """What one request may hold; every number is checked before parsing or reading on."""

    query_bytes: int = 128 * 1024  # text of one query or update
    nesting: int = 64  # depth of { ( [ combined; Oxigraph's parser overflows near 800
    operators: int = 512  # UNION, OPTIONAL, MINUS, || && + - * / | ^; overflows near 4,000
    body_bytes: int = 16 * 1024 * 1024  # a request body (a Graph Store upload, a form)
    connections: int = 256  # open connections at once; more are answered 503 and closed
    idle_seconds: float = 15.0  # a connection with no request under way is closed after this
    body_seconds: float = 30.0  # time to send a whole request (its head and body)
    allow_service: bool = False  # SERVICE in queries, LOAD in updates


# What the scan skips, left to right: IRIs, strings, comments, variables, prefixed names,
# blank nodes and numbers. What is left is keywords, brackets and operators.
SKIP = re.compile(
    r"""<[^<>"{}|^`\\\x00-\x20]*>"""  # an IRI
    r"""|'''(?:[^'\\]|\\.|'(?!''))*+(?:'''|\Z)"""  # long strings (to the end when open)
    r"""|\"\"\"(?:[^"\\]|\\.|"(?!""))*+(?:\"\"\"|\Z)"""
    r"""|'(?:[^'\\\n\r]|\\.)*+(?:'|$)|"(?:[^"\\\n\r]|\\.)*+(?:"|$)"""  # strings (to the line's end)
    r"""|\#[^\n\r]*+|[?$]\w[\w\u00b7\u0300-\u036f\u203f\u2040]*+"""  # a comment, a variable
    r"""|(?<![\w.-])(?:[^\W\d][\w.-]*+)?:[\w\\%.:-]*+"""  # a prefixed name or blank node
    r"""|(?<![\w.])\d[\d.eE]*+""",  # a number; neither starts inside a word, nor backtracks
    re.DOTALL | re.MULTILINE,
)
OPERATOR = re.compile(r"\|\||&&|[-+*/|^]|\b(?:UNION|OPTIONAL|MINUS)\b", re.IGNORECASE)
BRACKET = re.compile(r"[{}()\[\]]")
FETCHING = re.compile(r"\b(?:SERVICE|LOAD)\b", re.IGNORECASE)
ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class Shape:
    """What the scan saw: deepest nesting, operator count and URL-fetching keywords."""

    depth: int
    operators: int
    fetching: frozenset[str]


def shape(text: str) -> Shape:
    """The nesting, operator count and fetching keywords of SPARQL text.

    >>> shape("SELECT * { { ?a ?b ?c } UNION { ?a ?b 'UNION' } }")
    Shape(depth=2, operators=2, fetching=frozenset())
    >>> shape("LOAD <http://example.org/x> # SERVICE").fetching
    frozenset({'LOAD'})
    """
    bare = SKIP.sub(" ", text)
    steps = (1 if b in "{([" else -1 for b in BRACKET.findall(bare))
    depth = max(accumulate(steps, initial=0))
    operators = len(OPERATOR.findall(bare))
    fetching = {word.upper() for word in FETCHING.findall(bare)}
    return Shape(depth, operators, frozenset(fetching))


def unescaped(text: str) -> str:
    r"""The text with SPARQL's ``\u`` and ``\U`` escapes read, as the grammar allows anywhere.

    >>> unescaped(r"\u0053ERVICE")
    'SERVICE'
    """

    def char(found: re.Match[str]) -> str:
        code = int(found.group(1) or found.group(2), 16)
        return chr(code) if code <= 0x10FFFF else found.group()

    return ESCAPE.sub(char, text)


def plainly_within(text: str, limits: Limits) -> bool:
    """True when even the raw text, nothing skipped, stays within the limits: most queries.

    Every bracket, operator and keyword the scan would count is in the raw
    text too (the scan only removes), so counts in the raw text, without
    word boundaries, bound the scan's. Escapes could hide a keyword: text
    with a backslash is always scanned. (``str.count`` is many times faster
    than a regular expression here.)

    >>> plainly_within("SELECT * { ?s ?p ?o }", Limits())
    True
    >>> plainly_within("SELECT * { ?s ?p 'SERVICE' }", Limits())  # the scan decides
    False
    """
    if "\\" in text or text.count("{") + text.count("(") + text.count("[") > limits.nesting:
        return False
    low = text.lower()
    operators = sum(map(text.count, "-+*/|^")) + text.count("&&")
    operators += low.count("union") + low.count("optional") + low.count("minus")
    if operators > limits.operators:
        return False
    return limits.allow_service or ("service" not in low and "load" not in low)


def refusal(text: str, limits: Limits, kind: str = "query") -> str | None:
    """Why ``text`` (a query or an update) is refused, or None when it may go on to the parser."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.query_bytes:
        return (
            f"the {kind} is {size:,} bytes, over the limit of {limits.query_bytes:,}; "
            "send a shorter one"
        )
    if plainly_within(text, limits):
        return None
    return scanned_refusal(text, limits, kind)


def scanned_refusal(text: str, limits: Limits, kind: str = "query") -> str | None:
    """Why ``text`` is refused after the scan (strings, IRIs and comments skipped), or None."""
    seen = [shape(text)] + ([shape(unescaped(text))] if "\\" in text else [])
    depth = max(s.depth for s in seen)
    if depth > limits.nesting:
        return (
            f"the {kind} nests {depth} levels deep, over the limit of {limits.nesting}; flatten it"
        )
    operators = max(s.operators for s in seen)
    if operators > limits.operators:
        return (
            f"the {kind} chains {operators} operators (UNION, OPTIONAL, ||, +, /...), over the "
            f"limit of {limits.operators}; split it"
        )
    fetching = sorted(set().union(*(s.fetching for s in seen)))
    if fetching and not limits.allow_service:
        return (
            f"the {kind} uses {' and '.join(fetching)}, which makes the server fetch another "
            "URL; start kg serve with --allow-service to allow it"
        )
    return None
