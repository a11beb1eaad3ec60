"""The public surface of bot.classifier."""

from __future__ import annotations

import bot.classifier as classifier
from bot.classifier import Classifier, ItemText, classify, default_classifier
from bot.classifier.features import FEATURES
from bot.classifier.model import load_model


def test_exports() -> None:
    """The package re-exports the contract types and the classifier entry points."""
    expected = {
        "Classifier", "classify", "default_classifier", "ItemText", "Classification",
        "Signal", "Location", "Casualties", "Claim", "Severity", "SEVERITIES", "severity_rank",
    }  # fmt: skip
    assert expected <= set(classifier.__all__)
    for name in classifier.__all__:
        assert hasattr(classifier, name), name


def test_default_classifier_is_shared() -> None:
    """default_classifier() loads the resources once and returns the same instance."""
    assert default_classifier() is default_classifier()
    assert isinstance(default_classifier(), Classifier)


def test_incident_id_left_to_clustering() -> None:
    """The classifier does not assign incident ids (clustering does)."""
    result = classify(ItemText(id="x", title="Enemy opened fire near Sotk"))
    assert "incident_id" not in result.to_json()
    assert result.id == "x"


def test_shipped_weights_cover_every_feature() -> None:
    """The shipped weights name every model feature and a threshold in 0..1."""
    model = load_model()
    assert set(FEATURES) <= set(model.weights)
    assert 0.0 < model.threshold < 1.0


def test_naive_publication_time_is_read_as_utc() -> None:
    """A caller's naive `published` is taken as UTC: the item is judged like its aware twin
    instead of failing on a comparison with the classifier's aware dates."""
    from datetime import UTC, datetime

    title = "Azerbaijani forces shelled positions near Sotk, Armenia's Defence Ministry says"
    naive = ItemText(id="n", title=title, published=datetime(2022, 9, 13, 8))
    aware = ItemText(id="a", title=title, published=datetime(2022, 9, 13, 8, tzinfo=UTC))
    assert naive.published == aware.published
    assert classify(naive).score == classify(aware).score
