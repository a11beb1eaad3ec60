"""The feature registry and the kinds of reports issue 13 named (negatives and other languages)."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from bot.classifier import ItemText, classify
from bot.classifier.features import FEATURES, PRIOR_INTERCEPT, REGISTRY, prior_weights
from bot.classifier.train import PRIOR_WEIGHTS


def test_every_feature_has_one_prior_and_one_function() -> None:
    """FEATURES, the trainer's priors and the shipped weights name the same features, once."""
    names = [f.name for f in REGISTRY]
    assert len(names) == len(set(names))
    assert tuple(names) == FEATURES
    assert prior_weights() == PRIOR_WEIGHTS
    assert set(PRIOR_WEIGHTS) == set(FEATURES)
    shipped = json.loads(
        resources.files("bot.classifier").joinpath("data/weights.json").read_text("utf-8")
    )
    assert shipped["features"] == list(FEATURES)
    assert set(shipped["weights"]) == set(FEATURES)
    assert PRIOR_INTERCEPT < 0


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        (
            "Mothers of soldiers who died in service rally outside the Defence Ministry",
            "Parents of servicemen killed in non-combat incidents in Tavush and Syunik demanded "
            "an investigation; the police kept them from the building.",
        ),
        (
            "Russian soldier detained after woman beaten in Gyumri",
            "A serviceman of the Russian 102nd military base was detained by military police "
            "after a woman was beaten and wounded in Gyumri, police said.",
        ),
        (
            "В Ехегнадзоре застрелен бывший депутат",
            "Бывший депутат парламента застрелен у своего дома в Ехегнадзоре, сообщила полиция. "
            "Возбуждено уголовное дело об убийстве.",
        ),
        (
            "Kyrgyz and Tajik border guards exchange fire near Kok-Tash, 31 killed",
            "Border guards of both countries opened fire at each other's posts on Friday; the "
            "defence ministries blamed each other for the fighting.",
        ),
        (
            "Two journalists killed by landmine in Kalbajar",
            "Their car struck an anti-tank mine on the road at 11 a.m.; Azerbaijani officials "
            "said the mine had been laid by Armenian forces before they withdrew in 2020.",
        ),
    ],
)
def test_violence_without_an_other_side_is_not_an_incident(title: str, summary: str) -> None:
    """Protests by soldiers' mothers, a foreign soldier's crime, a shooting in a border town,
    another country's border war, a mine whose layer is accused."""
    result = classify(ItemText(id="n", title=title, summary=summary))
    assert not result.incident, [s.name for s in result.signals[:8]]


@pytest.mark.parametrize(
    ("lang", "title", "summary"),
    [
        (
            "de",
            "Aserbaidschanische Armee beschießt armenische Stellungen bei Sotk",
            "Das armenische Verteidigungsministerium meldete am Dienstag Beschuss mit "
            "Mörsern; ein Soldat wurde verwundet.",
        ),
        (
            "fr",
            "L'armée azerbaïdjanaise a ouvert le feu sur des positions arméniennes près de Sotk",
            "Le ministère arménien de la Défense a signalé des tirs de mortier mardi; "
            "un soldat a été blessé.",
        ),
    ],
)
def test_other_languages_flag_the_incident_and_its_place(
    lang: str, title: str, summary: str
) -> None:
    """A German or French report of fire at positions is an incident placed at Sotk."""
    result = classify(ItemText(id=lang, title=title, summary=summary, lang=lang))
    assert result.incident
    assert any(loc.country == "AM" and "sotk" in loc.id.lower() for loc in result.locations), [
        loc.id for loc in result.locations
    ]


def test_bare_months_are_found_in_every_script_but_not_in_other_words() -> None:
    """Months named without a day, inflected or not; "may", "Juniper" and day-month dates are
    not bare months."""
    from bot.classifier.dates import bare_months

    found = bare_months(
        "the September attack; в ноябрьском бою; Սեպտեմբերին; sentyabrda; it may rain; "
        "Juniper; 12 сентября"
    )
    assert [m for m, _ in found] == [9, 11, 9, 9]


def test_a_month_before_publication_counts_against_a_new_incident() -> None:
    """A casualty claim about "the September attack" published in October carries the
    month_before feature."""
    from datetime import UTC, datetime

    from bot.classifier import default_classifier

    analysis = default_classifier().analyse(
        ItemText(
            id="m", title="Speaker: some 430 Azerbaijani soldiers died in September attack",
            published=datetime(2022, 10, 14, tzinfo=UTC),
        )
    )  # fmt: skip
    assert "month_before" in analysis.features


def test_a_deadline_is_not_an_event_date() -> None:
    """"К 17 ноября" (by 17 November) and "by November 17" say when a state was reached, not
    the day of an event; "17 ноября" alone is an event date."""
    from datetime import UTC, datetime

    published = datetime(2021, 11, 18, tzinfo=UTC)
    by = classify(ItemText(
        id="d1", title="Потери подсчитаны",
        summary="К 17 ноября обстановка на границе стабилизировалась.", published=published,
    ))  # fmt: skip
    by_en = classify(ItemText(
        id="d2", title="Losses counted",
        summary="The border was calm by November 17, both sides said.", published=published,
    ))  # fmt: skip
    on = classify(ItemText(
        id="d3", title="Потери подсчитаны",
        summary="17 ноября на границе шли бои.", published=published,
    ))  # fmt: skip
    assert by.event_date is None
    assert by_en.event_date is None
    assert on.event_date == datetime(2021, 11, 17, tzinfo=UTC)


def test_every_feature_defined_in_the_package_is_registered_once() -> None:
    """A `Feature` written in a module of the features package but left out of the registry
    would never count: every one defined there is in `REGISTRY`, once, and nothing else is."""
    import bot.classifier.features as package
    from bot.classifier.features import background, fire, groups, parties, timing
    from bot.classifier.features.base import Feature

    defined = [
        value
        for module in (fire, timing, parties, background)
        for value in vars(module).values()
        if isinstance(value, Feature)
    ]
    defined += list(groups.GROUP_FEATURES)
    assert sorted(f.name for f in defined) == sorted(FEATURES)
    assert {id(f) for f in defined} == {id(f) for f in REGISTRY}
    assert all(hasattr(package, name) for name in package.__all__)
