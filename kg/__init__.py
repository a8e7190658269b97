"""kg: a knowledge-graph builder for news.

Importing kg defines things and does nothing else: no model is loaded, no
file is read, and the heavier modules load only when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg.errors import KGError

if TYPE_CHECKING:
    from kg.api import KnowledgeGraph

__version__ = "0.1.0"
__all__ = ["KGError", "KnowledgeGraph", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "KnowledgeGraph":
        from kg.api import KnowledgeGraph

        return KnowledgeGraph
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
