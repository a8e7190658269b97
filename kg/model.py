"""The records that flow between stages: Article -> Mention/Fact -> Entity."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Modality(StrEnum):
    ASSERTED = "asserted"
    HEDGED = "hedged"
    NEGATED = "negated"


@dataclass(frozen=True)
class Article:
    """One news article: its text and what is known about where it came from."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None
    path: str | None = None
    author: str | None = None

    @property
    def content_hash(self) -> str:
        import hashlib

        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def document(self) -> str:
        """What extraction reads: the headline as its own paragraph, then the body.

        Headlines state facts too. A body that already opens with its headline is
        read as it is. Evidence offsets (``kg:charStart``) index this text.
        """
        title = " ".join((self.title or "").split())
        body_start = " ".join(self.text.lstrip()[: len(title) + 10].split())
        if not title or body_start.startswith(title):
            return self.text
        return f"{title}\n\n{self.text}"


@dataclass(frozen=True)
class Mention:
    """A stretch of text naming an entity, with the class it was read as.

    ``name`` is the name the mention stands for after in-article resolution
    ("Xiaomi 12 Ultra" for "the 12 Ultra"); ``text`` is what the article says.
    """

    text: str
    name: str
    cls: str
    start_char: int
    end_char: int
    sent_index: int
    gazetteer: bool = False
    anaphor: bool = False
    maker: str | None = None


@dataclass(frozen=True)
class Fact:
    """A relation read from one sentence, before entities get IRIs.

    ``obj`` is a Mention, or a string for literal-valued relations (a year).
    """

    subject: Mention
    predicate: str
    obj: Mention | str
    modality: Modality
    confidence: float
    sentence: str
    sent_start: int
    sent_end: int
    pattern: str


@dataclass(frozen=True)
class Extraction:
    """What extraction reads from one article."""

    article: Article
    mentions: tuple[Mention, ...]
    facts: tuple[Fact, ...]


@dataclass
class Entity:
    """A canonical entity: one IRI per real-world thing, with its surface forms."""

    iri: str
    label: str
    cls: str
    aliases: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class ResolvedFact:
    """A fact whose subject and object are entities (or a literal object)."""

    subject: Entity
    predicate: str
    obj: Entity | str
    modality: Modality
    confidence: float
    sentence: str
    sent_start: int
    sent_end: int
    pattern: str


@dataclass(frozen=True)
class Resolution:
    """An article's entities and facts after resolution."""

    article: Article
    entities: tuple[Entity, ...]
    facts: tuple[ResolvedFact, ...]
