"""Feature functions of the incident model: scope in long articles, the age of the event date,
quarrels between locals, over-broad lexicon patterns, languages without a hand lexicon of their
own (new sentences, not corpus items)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.classifier import ItemText, default_classifier
from bot.classifier.features import Evidence

PUB = datetime(2024, 5, 24, 18, 0, tzinfo=UTC)


def _features(title: str, summary: str, published: datetime | None = PUB) -> dict[str, Evidence]:
    item = ItemText(id="t", title=title, summary=summary, published=published)
    return default_classifier().analyse(item).features


_LEAD = (
    "Commissions agree next steps on the Tavush border stretch",
    "The delimitation commissions of Armenia and Azerbaijan agreed on Friday to continue "
    "their work on the stretch of the border near four villages of Tavush, the deputy prime "
    "minister's office said. ",
)
_FILLER = (
    "The commissions will meet again next month to discuss the rules of their joint work. "
    "Experts from both sides will prepare maps for the meeting, the statement said. "
)
_BACKGROUND = (
    "In 2020 the villages were shelled and two soldiers were killed in fighting nearby. "
)


def test_violence_in_background_paragraphs_of_a_long_article_is_not_evidence() -> None:
    """An article's earlier-war paragraph ("In 2020 ... killed") sets no violence feature; the
    same sentence in a short feed item still does (there the whole text is the lead)."""
    long_text = _LEAD[1] + _FILLER * 6 + _BACKGROUND
    assert len(long_text) > 900
    feats = _features(_LEAD[0], long_text)
    assert not {"kill", "fire", "combat"} & set(feats)
    short = _features(_LEAD[0], _LEAD[1] + _BACKGROUND)
    assert {"kill", "fire"} <= set(short)


def test_violence_in_the_lead_of_a_long_article_counts() -> None:
    """The event told in the headline and first sentence keeps its violence features, however
    long the background after it."""
    feats = _features(
        "Azerbaijani fire wounds soldier near Sotk",
        "Azerbaijani units opened fire at Armenian positions near Sotk on Friday morning, "
        "wounding a contract soldier, the Defence Ministry said. " + _FILLER * 7 + _BACKGROUND,
    )
    assert {"fire", "wound", "fire_at_position"} <= set(feats)


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        (datetime(2024, 5, 12, tzinfo=UTC), False),  # 2 days: a follow-up
        (datetime(2024, 5, 24, tzinfo=UTC), True),  # 14 days: a look back
        (datetime(2024, 6, 25, tzinfo=UTC), False),  # 46 days: `date_old`'s case
    ],
)
def test_an_event_date_weeks_before_publication_sets_date_weeks(
    published: datetime, expected: bool
) -> None:
    """`date_weeks` fires for an event one to four weeks before the report, not for a
    follow-up of the same week nor for an old event (which has its own feature)."""
    feats = _features(
        "Rights group publishes report on the shelling of Tegh",
        "The group said Azerbaijani forces shelled Tegh on May 10, damaging homes.",
        published,
    )
    assert ("date_weeks" in feats) is expected


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        pytest.param(
            "В Берде в ходе ссоры между соседями застрелен мужчина",
            "Во вторник в Берде в ходе ссоры между соседями из охотничьего ружья застрелен "
            "45-летний мужчина, ещё один ранен. Минобороны сообщило, что военнослужащие к "
            "инциденту не причастны.",
            id="ru-quarrel-ministry-denies-involvement",
        ),
        pytest.param(
            "Shooting in Ijevan leaves one dead",
            "A man was shot dead in Ijevan after a quarrel between neighbours on Tuesday "
            "evening; police detained a suspect. The incident is not related to the border, "
            "the governor said.",
            id="en-not-related-to-the-border",
        ),
    ],
)
def test_a_quarrel_between_locals_is_violence_explained(title: str, summary: str) -> None:
    """A shooting after a quarrel between neighbours in a border town is explained away even
    when a ministry speaks (to deny its soldiers took part): not an incident."""
    feats = _features(title, summary)
    assert "local_quarrel" in feats
    assert "violence_explained" in feats
    item = ItemText(id="t", title=title, summary=summary, published=PUB)
    assert not default_classifier().classify(item).incident


@pytest.mark.parametrize(
    ("title", "summary", "group"),
    [
        pytest.param(
            "Итоги боя", "Азербайджан сообщил о семи погибших.", "bereaved", id="семи-not-семьи"
        ),
        pytest.param(
            "Погиб контрактник",
            "Военнослужащий-контрактник погиб от огня противника.",
            "drills_arms",
            id="контрактник-not-an-arms-contract",
        ),
        pytest.param(
            "Video posted", "A video posted online shows the shooting.", "position",
            id="posted-not-fr-poste",
        ),
        pytest.param(
            "Սահմանին լարվածությունը պահպանվում է",
            "Տավուշում լարվածությունը պահպանվում է, հայտնում են բնակիչները։",
            "combat",
            id="hy-tension-not-combat",
        ),
    ],
)
def test_over_broad_patterns_do_not_match_other_words(
    title: str, summary: str, group: str
) -> None:
    """A lexicon pattern does not catch a word of another meaning (seven vs families, a
    contract soldier vs an arms contract, English "posted" vs French "poste", tension vs
    fighting)."""
    assert group not in _features(title, summary)


@pytest.mark.parametrize(
    ("title", "summary", "incident"),
    [
        pytest.param(
            "کشته شدن یک سرباز ارمنی در مرز",
            "وزارت دفاع ارمنستان اعلام کرد یک سرباز بر اثر شلیک نیروهای جمهوری آذربایجان به "
            "مواضع ارتش ارمنستان در نزدیکی مرز کشته شد.",
            True,
            id="fa-soldier-killed",
        ),
        pytest.param(
            "دیدار وزرای خارجه ارمنستان و جمهوری آذربایجان",
            "وزرای خارجه دو کشور درباره متن پیمان صلح گفتگو کردند.",
            False,
            id="fa-talks",
        ),
        pytest.param(
            "کشته شدن یک چوپان بر اثر انفجار مین در آغدام",
            "یک چوپان بر اثر انفجار مین از دوران جنگ در آغدام کشته شد.",
            False,
            id="fa-old-landmine",
        ),
    ],
)
def test_persian_reports_are_read(title: str, summary: str, incident: bool) -> None:
    """Persian (Iranian outlets cover the border closely) has fire, casualty, forces and party
    words of its own, and the negative kinds' (talks, mines, ...), so a report of fire on
    positions is flagged and talks or an old mine's victim are not."""
    item = ItemText(id="t", title=title, summary=summary, published=PUB)
    assert default_classifier().classify(item).incident is incident


@pytest.mark.parametrize(
    ("published", "one_sided"),
    [(datetime(2020, 12, 14, tzinfo=UTC), False), (datetime(2025, 3, 2, tzinfo=UTC), True)],
)
def test_a_place_on_the_former_line_of_contact_had_two_sides_until_2023(
    published: datetime, one_sided: bool
) -> None:
    """Before October 2023 shots at a Karabakh village had two sides although the village is
    in Azerbaijan de jure (Karabakh Armenians held it); after it, the same place alone is one
    party's ground."""
    feats = _features(
        "Five wounded in Hin Tagher",
        "Five people were wounded in Hin Tagher when shots were fired, the village head said.",
        published,
    )
    assert ("one_sided" in feats) is one_sided


@pytest.mark.parametrize(
    ("title", "court"),
    [
        ("Court in Baku hears former Karabakh official accused over 2020 shelling", True),
        ("В Баку продолжился суд над бывшими командирами: свидетели рассказали об обстрелах", True),
        ("Azerbaijani forces shelled positions near Tegh, the Defence Ministry said", False),
    ],
)
def test_a_court_in_the_headline_is_a_feature(title: str, court: bool) -> None:
    """A trial, hearing or verdict in the headline sets `title_court` (proceedings about the
    past, not a new event); a ministry's report of fire does not."""
    assert ("title_court" in _features(title, "")) is court
