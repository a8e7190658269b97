"""The decision model: fitted reproducibly from examples, saved and read back as JSON."""

from __future__ import annotations

import pytest

from kg.errors import KGError
from kg.extract.decide import RelationModel, bundled_model
from kg.learn.train import Example, fit

EXAMPLES = [
    Example("a", ("acquired|rule=acquired", "acquired|dist=0-1"), 1),
    Example("a", ("acquired|dist=7-10",), 0),
    Example("b", ("acquired|rule=acquired", "acquired|dist=2-3"), 1),
    Example("b", ("acquired|dist=11+", "acquired|btw=say"), 0),
    Example("c", ("acquired|rule=acquired",), 1),
    Example("c", ("acquired|btw=say",), 0),
]


def test_learn_fit_is_reproducible_and_round_trips() -> None:
    pytest.importorskip("sklearn")
    first, second = fit(EXAMPLES), fit(EXAMPLES)
    assert first.to_json() == second.to_json()
    again = RelationModel.from_json(first.to_json())
    assert again.to_json() == first.to_json()
    assert first.probability(["acquired|rule=acquired"]) > 0.5
    assert first.probability(["acquired|btw=say"]) < 0.5
    assert first.meta == {"examples": 6, "positives": 3, "articles": 3, "C": 0.3}


def test_learn_fit_needs_both_labels() -> None:
    pytest.importorskip("sklearn")
    with pytest.raises(KGError, match="no positive and negative examples"):
        fit([e for e in EXAMPLES if e.label == 1])


def test_learn_model_format_is_checked() -> None:
    with pytest.raises(ValueError, match="relation model format 2; expected 1"):
        RelationModel.from_json('{"format": 2, "weights": {}, "intercept": 0, "threshold": 0.5}')


def test_learn_bundled_model_is_small_and_versioned() -> None:
    model = bundled_model()
    assert model is not None
    assert (model.threshold, model.rule_threshold) == (0.7, 0.1)
    assert model.meta["C"] == 0.3
    assert len(model.weights) < 10_000
