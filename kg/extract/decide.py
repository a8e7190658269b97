"""Candidates -> Facts: the decision pass. A logistic model over the candidates'
features (``kg/learn/relation_model.json``, rebuilt by ``kg train``) gives each
candidate the probability that the article states it; that probability is the
fact's confidence, and candidates below the model's threshold are dropped.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import repeat
from pathlib import Path

MODEL_FILE = "relation_model.json"
FORMAT = 1


@dataclass(frozen=True)
class RelationModel:
    """Weights by feature name, an intercept and the decision threshold.

    >>> model = RelationModel({"acquired|rule=acquired": 2.0}, intercept=-1.0)
    >>> round(model.probability(["acquired|rule=acquired", "unknown"]), 3)
    0.731
    """

    weights: dict[str, float]
    intercept: float = 0.0
    threshold: float = 0.5
    rule_threshold: float = 0.5
    """The bar for a fact a rule (``patterns.yaml``) stated; ``threshold`` is the bar
    for a pair no rule stated."""
    meta: dict = field(default_factory=dict)

    def probability(self, features: Iterable[str]) -> float:
        weights = self.weights
        z = self.intercept + sum(map(weights.get, features, repeat(0.0)))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "meta": self.meta,
                "threshold": self.threshold,
                "rule_threshold": self.rule_threshold,
                "intercept": round(self.intercept, 6),
                "weights": {k: round(v, 6) for k, v in sorted(self.weights.items())},
            },
            indent=0,
            sort_keys=False,
        )

    @classmethod
    def from_json(cls, text: str) -> RelationModel:
        raw = json.loads(text)
        if raw.get("format") != FORMAT:
            raise ValueError(f"relation model format {raw.get('format')!r}; expected {FORMAT}")
        return cls(
            weights={str(k): float(v) for k, v in raw["weights"].items()},
            intercept=float(raw["intercept"]),
            threshold=float(raw["threshold"]),
            rule_threshold=float(raw.get("rule_threshold", raw["threshold"])),
            meta=dict(raw.get("meta", {})),
        )


def model_path() -> Path:
    return Path(str(resources.files("kg.learn"))) / MODEL_FILE


@cache
def bundled_model() -> RelationModel | None:
    """The shipped model, or None before one is trained (extraction is then rules only)."""
    path = model_path()
    if not path.exists():
        return None
    return RelationModel.from_json(path.read_text(encoding="utf-8"))
