"""kg: a knowledge-graph builder for news.

Importing kg defines things and does nothing else: no model is loaded and no
file is read until a function asks for it.
"""

from kg.api import KnowledgeGraph
from kg.errors import KGError

__version__ = "0.1.0"
__all__ = ["KGError", "KnowledgeGraph", "__version__"]
