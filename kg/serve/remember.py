"""Oxigraph's request -> the answer it gave, kept while the store cannot change.

``kg serve`` without ``--allow-update`` holds the store's lock and Oxigraph
opens it read-only, so the same query asked again has the same answer:
kg's front gives it back itself, without the hop to Oxigraph. A dashboard
or a UI page that asks the same questions again costs the front only.

Only what is sure to come out the same is kept: a whole answer (200, at most
``LARGEST`` bytes) to a query sent as plain text (no dataset parameters)
that names none of SPARQL's functions whose value changes from call to
call (``NOW``, ``RAND``, ``UUID``, ``STRUUID``, ``BNODE``) nor ``SERVICE``
(another server's answer may change), and has no ``\\u`` escape (which
could spell one). The word is looked for anywhere, in strings and names
too: a query left out by mistake only costs the hop.

What is kept belongs to one Oxigraph process (its ``generation``): when kg
starts a new one (after a timeout or a crash) it is forgotten, since the new
process opens the store folder afresh and someone may have put another store
in its place.
"""

from __future__ import annotations

import re

from kg.serve.http import Answer

LARGEST = 64 * 1024  # bytes of one kept answer
BUDGET = 1024 * 1024  # bytes of requests and answers kept at once; past it all are dropped
ENTRY = 256  # bytes Python spends on each kept answer besides its request and body
PLAIN_QUERY = b"Content-Type: application/sparql-query\r\n"
VOLATILE = re.compile(
    rb"(?<![A-Za-z])(?:now|rand|uuid|struuid|bnode|service)(?![A-Za-z])|\\u", re.IGNORECASE
)


def same_every_time(message: bytes) -> bool:
    r"""Whether Oxigraph's answer to ``message`` (an HTTP request) depends on the store alone.

    >>> head = b"POST /query HTTP/1.1\r\nContent-Type: application/sparql-query\r\n\r\n"
    >>> same_every_time(head + b"SELECT ?brand { ?p kg:brand ?brand }")
    True
    >>> same_every_time(head + b"SELECT (NOW() AS ?t) {}")
    False
    >>> same_every_time(head + b"SELECT * { SERVICE <http://x/> { ?s ?p ?o } }")
    False
    >>> same_every_time(head.replace(b"sparql-query", b"x-www-form-urlencoded") + b"query=ASK")
    False
    """
    head, _, body = message.partition(b"\r\n\r\n")
    return PLAIN_QUERY in head + b"\r\n" and VOLATILE.search(body) is None


class Remembered:
    r"""Answers to queries, by the request sent to Oxigraph for them.

    >>> kept = Remembered()
    >>> message = b"POST /query HTTP/1.1\r\nContent-Type: application/sparql-query\r\n\r\nASK {}"
    >>> kept.keep(message, Answer(200, b"application/json", b'{"boolean":true}'), generation=1)
    >>> kept.get(message, generation=1).body
    b'{"boolean":true}'
    >>> kept.get(message, generation=2) is None  # a new Oxigraph process: all forgotten
    True
    >>> kept.keep(b"other", Answer(200, b"text/csv", b"x"), 2) or kept.get(b"other", 2)
    """

    __slots__ = ("answers", "generation", "size")

    def __init__(self) -> None:
        self.answers: dict[bytes, Answer] = {}
        self.size = 0
        self.generation = -1

    def get(self, message: bytes, generation: int) -> Answer | None:
        if generation != self.generation:
            self.forget(generation)
            return None
        return self.answers.get(message)

    def keep(self, message: bytes, answer: Answer, generation: int) -> None:
        """Keep ``answer`` to ``message`` if it is whole, short and sure to be the same again."""
        if generation < self.generation:
            return  # from a process already replaced
        if generation != self.generation:
            self.forget(generation)
        if message in self.answers or answer.status != 200 or len(answer.body) > LARGEST:
            return
        if not same_every_time(message):
            return
        size = len(message) + len(answer.body) + ENTRY
        if self.size + size > BUDGET:
            self.forget(generation)
        self.answers[message] = answer
        self.size += size

    def forget(self, generation: int) -> None:
        """Drop every answer; what is kept from now on comes from process ``generation``."""
        self.answers.clear()
        self.size = 0
        self.generation = generation
