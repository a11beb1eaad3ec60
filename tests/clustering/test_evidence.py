"""Evidence across outlets and languages (issue 13): regions, names, dead of two sides, time."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

from bot.classifier import ItemText, default_classifier
from bot.classifier.batch import classify_lines
from bot.clustering import Clusterer, Report, cluster_batch
from bot.clustering.names import skeleton


def _report(item_id: str, hour: int | None, title: str, summary: str, *, day: int = 5) -> Report:
    """A report classified by the shipped classifier, published on `day` March 2031 at `hour`;
    `hour` None: no time at all."""
    published = datetime(2031, 3, day, hour or 0, tzinfo=UTC)
    cls = default_classifier().classify(ItemText(id=item_id, title=title, summary=summary))
    return Report(
        item_id=item_id, published=published, title=title, summary=summary, source=None,
        perspective=None, classification=cls, timeless=hour is None,
    )  # fmt: skip


_HELICOPTER = (
    "Azerbaijan shoots down Armenian Mi-24 helicopter near Aghdam",
    "Azerbaijan's Defence Ministry said its forces shot down an Armenian military helicopter "
    "near Aghdam on the line of contact; the crew of two was killed.",
)
_NAKHCHIVAN = (
    "Azerbaijani soldier killed on Nakhchivan border",
    "An Azerbaijani serviceman was killed by Armenian fire on the border in Nakhchivan, the "
    "Azerbaijani Defence Ministry said.",
)
_YERASKH = (
    "Armenian soldier killed by sniper near Yeraskh",
    "An Armenian contract serviceman was killed by Azerbaijani sniper fire at a position near "
    "Yeraskh, Armenia's Defence Ministry said.",
)


def test_busy_day_incidents_in_different_sectors_stay_apart() -> None:
    """A downed helicopter at Aghdam, a soldier killed on the Nakhchivan border and a sniper's
    victim at Yeraskh on one day are three incidents, whatever order they arrive in."""
    for order in ((0, 1, 2), (1, 0, 2), (0, 2, 1)):
        reports = [
            _report("h", 8, *_HELICOPTER),
            _report("n", 10, *_NAKHCHIVAN),
            _report("y", 12, *_YERASKH),
        ]
        clusterer = Clusterer()
        ids = {reports[i].item_id: clusterer.add(reports[i]).incident_id for i in order}
        assert len(set(ids.values())) == 3, (order, ids)


def test_region_names_its_sectors() -> None:
    """A report placed only by a region ("Nakhchivan") does not join an incident elsewhere as
    the day's only event."""
    clusterer = Clusterer()
    first = clusterer.add(_report("h", 8, *_HELICOPTER))
    second = clusterer.add(_report("n", 9, *_NAKHCHIVAN))
    assert second.created
    assert second.incident_id != first.incident_id


def test_a_region_alone_does_not_tie_a_village_to_it() -> None:
    """A terse note placed only by a region spanning several sectors ("the Nakhchivan section",
    no side named) and a sniper's victim at Yeraskh, in one of those sectors, on one day, stay
    apart: the shared sector comes from the region only; two notes naming that region join."""
    terse = (
        "Serviceman killed on the border, ministry says",
        "A serviceman was killed by enemy fire on the Nakhchivan section of the border this "
        "morning, the Defence Ministry said.",
    )
    clusterer = Clusterer()
    first = clusterer.add(_report("t", 8, *terse))
    second = clusterer.add(_report("n", 9, *_NAKHCHIVAN))
    sniper = clusterer.add(_report("y", 10, *_YERASKH))
    assert second.incident_id == first.incident_id
    assert sniper.created


def test_names_romanise_to_one_skeleton_in_every_script() -> None:
    """Гафаров, Gafarov and Qafarov; Арутюнян and Հարությունյան fold to one skeleton."""
    assert skeleton("Гафаров", "ru") == skeleton("Gafarov", "en") == skeleton("Qafarov", "az")
    assert skeleton("Арутюнян", "ru") == skeleton("Հարությունյան", "hy")
    assert skeleton("Սաֆարյան", "hy") == skeleton("Safaryan", "en")


def test_russian_g_for_h_romanises_to_the_same_skeleton() -> None:
    """Russian writes h as г in Azerbaijani names and drops it in Armenian ones: Ибрагимов,
    İbrahimov and Ibrahimov; Гасанов, Həsənov and Hasanov; Хачатрян, Khachatryan and
    Խաչատրյան each fold to one skeleton."""
    assert skeleton("Ибрагимов", "ru") == skeleton("İbrahimov", "az") == skeleton("Ibrahimov", "en")
    assert skeleton("Гасанов", "ru") == skeleton("Həsənov", "az") == skeleton("Hasanov", "en")
    khachatryan = skeleton("Khachatryan", "en")
    assert skeleton("Хачатрян", "ru") == khachatryan == skeleton("Խաչատրյան", "hy")


def test_two_reports_naming_the_same_dead_soldier_are_one_incident() -> None:
    """The same killed serviceman, named in Russian and, the next afternoon, in Azerbaijani,
    joins the reports although neither names a place, beside another incident."""
    other = _report("x", 7, *_YERASKH)
    ru = _report(
        "ru", 9, "Минобороны Азербайджана: погиб военнослужащий",
        "Министерство обороны Азербайджана сообщило, что в результате обстрела со стороны "
        "армянских подразделений погиб рядовой Гафаров.",
    )  # fmt: skip
    az = _report(
        "az", 11, "Müdafiə Nazirliyi: əsgərimiz həlak olub",
        "Müdafiə Nazirliyi bildirib ki, Ermənistan silahlı qüvvələrinin atəşi nəticəsində "
        "əsgər Qafarov həlak olub.",
    )  # fmt: skip
    az = replace(az, published=datetime(2031, 3, 6, 13, tzinfo=UTC))
    clusterer = Clusterer()
    clusterer.add(other)
    first = clusterer.add(ru)
    second = clusterer.add(az)
    assert first.incident_id == second.incident_id


def test_a_report_without_time_is_matched_on_content_only() -> None:
    """In a batch, an undated report with no date in its text joins the incident that shares
    its place and the named soldier, not the one at the batch's time; an undated report with
    only a sector in common opens its own incident."""
    dated = _report(
        "d", 9, "Armenian soldier Arman Grigoryan killed near Sotk",
        "Private Arman Grigoryan was killed by Azerbaijani fire at a position near Sotk, "
        "Armenia's Defence Ministry said.",
    )  # fmt: skip
    same = _report(
        "s", None, "Sotk: conscript Grigoryan killed by Azerbaijani fire",
        "The Defence Ministry named the conscript killed near Sotk as Arman Grigoryan.",
    )  # fmt: skip
    vague = _report(
        "v", None, "Shots fired near Norabak",
        "Armenia's Defence Ministry said Azerbaijani units fired at positions near Norabak.",
    )  # fmt: skip
    ids = cluster_batch([same, dated, vague])
    assert ids[0] == ids[1]
    assert ids[2] != ids[1]


def test_batch_never_dates_an_undated_item_by_the_batch_time() -> None:
    """`borderwatch classify`: an undated item whose text gives no date is not joined to a
    dated incident merely because the batch runs on that incident's day."""
    lines = [
        json.dumps({
            "id": "dated", "published": "2031-03-05T09:00:00Z",
            "title": "Azerbaijani forces fire at Armenian positions near Sotk",
            "summary": "Armenia's Defence Ministry said Azerbaijani units opened fire at its "
            "positions near Sotk.",
        }),
        json.dumps({
            "id": "undated",
            "title": "Azerbaijani units fire at positions near Norabak",
            "summary": "Armenia's Defence Ministry said Azerbaijani units opened fire at its "
            "positions near Norabak; there were no casualties.",
        }),
    ]  # fmt: skip
    results, errors = classify_lines(
        enumerate(lines, 1), now=datetime(2031, 3, 5, 12, tzinfo=UTC)
    )
    assert not errors
    assert results[0]["incident_id"] is not None
    assert results[1]["incident_id"] is not None
    assert results[0]["incident_id"] != results[1]["incident_id"]


def test_counts_in_words_tie_reports_across_languages() -> None:
    """"семеро погибших" and "seven of its soldiers killed" are the same figure: a later report
    naming no place joins the day's report naming the same counts, beside a same-day incident
    elsewhere."""
    other = _report("x", 7, *_YERASKH)
    ru = _report(
        "ru", 9, "Баку назвал свои потери: семеро погибших",
        "Минобороны Азербайджана сообщило о гибели семи военнослужащих и ранении еще десяти "
        "в столкновениях в Кельбаджарском районе.",
    )  # fmt: skip
    en = _report(
        "en", 20, "Yerevan now counts six dead from the fighting",
        "The Armenian Defense Ministry said six servicemen were killed; Baku reported seven "
        "of its soldiers killed and ten wounded.",
    )  # fmt: skip
    clusterer = Clusterer()
    clusterer.add(other)
    first = clusterer.add(ru)
    second = clusterer.add(en)
    assert second.incident_id == first.incident_id


_TAVUSH_DATED = (
    "Three Armenian soldiers killed as Azerbaijani unit crosses into Tavush",
    "Three Armenian conscripts were killed when an Azerbaijani group crossed the border near "
    "Chinari in Tavush early on Monday, Armenia's Defence Ministry said.",
)


def test_a_report_without_year_joins_by_the_day_and_month_its_text_names() -> None:
    """An undated report whose text names the day and month ("on March 5") and the same
    village joins the incident of that day; one naming another day and month does not, and
    one sharing only the village and the kind of event (no day, name or figure) does not."""
    dated = _report("d", 9, *_TAVUSH_DATED)
    same_day = _report(
        "s", None, "Armenian soldiers killed in Tavush incursion",
        "On March 5 an Azerbaijani sabotage group tried to enter Armenian positions near "
        "Chinari; soldiers were killed, the Defence Ministry said.",
    )  # fmt: skip
    other_day = _report(
        "o", None, "Armenian soldiers killed in Tavush incursion",
        "On June 20 an Azerbaijani sabotage group tried to enter Armenian positions near "
        "Chinari; soldiers were killed, the Defence Ministry said.",
    )  # fmt: skip
    topic_only = _report(
        "t", None, "Armenian soldiers killed in Tavush incursion",
        "An Azerbaijani sabotage group tried to enter Armenian positions near Chinari; "
        "soldiers were killed, the Defence Ministry said.",
    )  # fmt: skip
    ids = cluster_batch([dated, same_day, other_day, topic_only])
    assert ids[1] == ids[0]
    assert ids[2] != ids[0]
    assert ids[3] != ids[0]


def test_a_report_placed_only_by_the_wars_region_is_of_the_war() -> None:
    """During a war (two critical reports), a lesser report placed only by the region the war
    is fought in (a name of one more serviceman killed "in battles in Karabakh") joins it."""
    war = [
        _report(
            "w1", 8, "Heavy fighting along Karabakh front: dozens killed near Martakert and Hadrut",
            "Azerbaijan launched a large-scale offensive with artillery, tanks and drones along "
            "the line of contact; dozens of soldiers were killed near Martakert and Hadrut, both "
            "sides said.",
        ),
        _report(
            "w2", 12, "Artillery duels continue near Fuzuli and Jabrayil, dozens dead",
            "Heavy artillery and rocket fire continued overnight along the southern front near "
            "Fuzuli and Jabrayil; both sides reported dozens of soldiers killed.",
        ),
    ]  # fmt: skip
    toll = _report(
        "t", 14, "Karabakh army names a serviceman killed in the fighting",
        "The Karabakh Defence Army published the name of a serviceman killed in battles in "
        "Karabakh.", day=6,
    )  # fmt: skip
    clusterer = Clusterer()
    ids = {clusterer.add(r).incident_id for r in war}
    assert len(ids) == 1
    assert clusterer.add(toll).incident_id in ids


def test_a_lesser_placeless_report_is_not_the_days_major_event_for_being_alone() -> None:
    """A sniper's victim reported without a place is not folded into the day's only incident,
    a downed helicopter, on time alone: being the only event of the day weighs fully only when
    both are major."""
    clusterer = Clusterer()
    helicopter = clusterer.add(_report("h", 8, *_HELICOPTER))
    sniper = clusterer.add(
        _report(
            "s", 10, "Serviceman killed by sniper fire, ministry says",
            "A contract serviceman was killed by enemy sniper fire this morning, the Defence "
            "Ministry said.",
        )
    )  # fmt: skip
    assert sniper.created
    assert sniper.incident_id != helicopter.incident_id
