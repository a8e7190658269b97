"""Doc -> Extraction: entity mentions and relation facts, with modality.

- ``patterns``: relation patterns and cue words from ``ontologies/patterns.yaml``,
  and the index that finds triggers in a doc.
- ``syntax``: reading the dependency parse (distances, roles, coordination).
- ``mentions``: the article's entity mentions, references resolved.
- ``facts``: relation facts over the mentions (the ``Extractor``).
"""

from kg.extract.facts import Extractor, extractor_for
from kg.extract.mentions import MentionReader
from kg.extract.patterns import RelationPattern, TriggerIndex, TriggerMatch

__all__ = [
    "Extractor",
    "MentionReader",
    "RelationPattern",
    "TriggerIndex",
    "TriggerMatch",
    "extractor_for",
]
