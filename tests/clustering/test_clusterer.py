"""Tests of bot.clustering: one incident per real event, follow-up decisions, restore and expiry."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

import bot.clustering as clustering
from bot.classifier.types import (
    Casualties,
    Claim,
    Classification,
    Location,
    Severity,
)
from bot.clustering import (
    Assignment,
    Clusterer,
    IncidentView,
    Report,
    cluster_batch,
    default_id,
    followup_action,
)

# A small stand-in for the gazetteer: ids, coordinates and border sectors.
_PLACES: dict[str, tuple[str, str, str, str, float, float, str | None]] = {
    # id: (name, country, admin, kind, lat, lon, sector)
    "am-sotk": ("Sotk", "AM", "Gegharkunik", "settlement", 40.20, 45.90, "geg-kel"),
    "am-norabak": ("Norabak", "AM", "Gegharkunik", "settlement", 40.16, 45.75, "geg-kel"),
    "az-kelbajar": ("Kalbajar", "AZ", "Kalbajar", "district", 40.10, 46.04, "geg-kel"),
    "am-tegh": ("Tegh", "AM", "Syunik", "settlement", 39.56, 46.48, "syunik-lachin"),
    "am-yeraskh": ("Yeraskh", "AM", "Ararat", "settlement", 39.77, 44.80, "ararat-nakhchivan"),
    "am-chinari": ("Chinari", "AM", "Tavush", "settlement", 40.96, 45.31, "tavush-gazakh"),
    "am-yerevan": ("Yerevan", "AM", "Yerevan", "settlement", 40.18, 44.51, None),
}
_SECTORS = {place_id: row[6] for place_id, row in _PLACES.items()}


def _loc(place_id: str, matched: str) -> Location:
    name, country, admin, kind, lat, lon, _ = _PLACES[place_id]
    return Location(
        id=place_id,
        name=name,
        matched=matched,
        country=country,
        admin=admin,
        lat=lat,
        lon=lon,
        kind=kind,
    )


def _when(day: int, hour: int = 12) -> datetime:
    return datetime(2031, 3, day, hour, tzinfo=UTC)


def _report(
    item_id: str,
    title: str,
    *,
    day: int = 10,
    hour: int = 12,
    summary: str = "",
    lang: str = "en",
    places: tuple[tuple[str, str], ...] = (),
    severity: Severity = "low",
    casualties: tuple[Casualties, ...] = (),
    claims: tuple[Claim, ...] = (),
    weapons: tuple[str, ...] = (),
    event_day: int | None = None,
    source: str | None = None,
) -> Report:
    classification = Classification(
        id=item_id,
        incident=True,
        score=0.9,
        lang=lang,
        severity=severity,
        locations=tuple(_loc(pid, matched) for pid, matched in places),
        casualties=casualties,
        claims=claims,
        weapons=weapons,
        event_date=None if event_day is None else datetime(2031, 3, event_day, tzinfo=UTC),
    )
    return Report(
        item_id=item_id,
        published=_when(day, hour),
        title=title,
        summary=summary,
        source=source,
        perspective=None,
        classification=classification,
    )


def _clusterer(**kwargs: object) -> Clusterer:
    return Clusterer(areas_of=_areas, **kwargs)  # type: ignore[arg-type]


def _areas(location: Location) -> frozenset[str]:
    sector = _SECTORS[location.id]
    return frozenset() if sector is None else frozenset({sector})


_AM_CLAIM = Claim(actor="am_mod", stance="accusation", evidence="...", accused="azerbaijani")
_AZ_CLAIM = Claim(actor="az_mod", stance="accusation", evidence="...", accused="armenian")
_AZ_DENIAL = Claim(actor="az_mod", stance="denial", evidence="...")
_AM_DENIAL = Claim(actor="am_mod", stance="denial", evidence="...")


def _sotk_in_four_languages() -> list[Report]:
    return [
        _report(
            "en1",
            "Soldier wounded as Azerbaijani forces fire on Sotk positions",
            summary="A contract soldier, Garegin Vardanyan, was wounded near Sotk, the MoD said.",
            places=(("am-sotk", "Sotk"),),
            severity="medium",
            casualties=(Casualties(wounded=1, side="armenian", claimed_by="am_mod"),),
            claims=(_AM_CLAIM,),
            hour=8,
        ),
        _report(
            "ru1",
            "У Сотка ранен армянский военнослужащий",
            summary="По данным Минобороны Армении, ранен контрактник Гарегин Варданян.",
            lang="ru",
            places=(("am-sotk", "Сотка"),),
            severity="medium",
            casualties=(Casualties(wounded=1, side="armenian", claimed_by="am_mod"),),
            claims=(_AM_CLAIM,),
            hour=9,
        ),
        _report(
            "hy1",
            "Սոթքում վիրավորվել է զինծառայող",
            summary="Պայմանագրային զինծառայող Գարեգին Վարդանյանը վիրավորվել է։",
            lang="hy",
            places=(("am-sotk", "Սոթքում"),),
            severity="medium",
            casualties=(Casualties(wounded=1, side="armenian", claimed_by="am_mod"),),
            claims=(_AM_CLAIM,),
            hour=10,
        ),
        _report(
            "az1",
            "MN: Kəlbəcər istiqamətində mövqelərimiz atəşə tutulub",
            summary="Ermənistan silahlı qüvvələri Kəlbəcər rayonu istiqamətində atəş açıb.",
            lang="az",
            places=(("az-kelbajar", "Kəlbəcər"),),
            claims=(_AZ_CLAIM,),
            hour=11,
        ),
    ]


def test_same_event_in_four_languages_from_both_sides_is_one_incident() -> None:
    """The same Sotk shooting in en/ru/hy/az, from both sides, becomes one incident."""
    engine = _clusterer()
    assignments = [engine.add(r) for r in _sotk_in_four_languages()]
    assert assignments[0].created
    assert {a.incident_id for a in assignments} == {assignments[0].incident_id}
    assert len(engine) == 1
    assert "other_side_statement" in assignments[3].changes


def test_same_day_events_in_different_sectors_stay_apart() -> None:
    """Two same-day events in different sectors become two incidents."""
    engine = _clusterer()
    a = engine.add(
        _report("a", "Shots fired at Sotk positions", places=(("am-sotk", "Sotk"),), hour=6)
    )
    b = engine.add(
        _report("b", "Shots fired at Yeraskh positions", places=(("am-yeraskh", "Yeraskh"),))
    )
    assert a.created
    assert b.created
    assert a.incident_id != b.incident_id


def test_denial_joins_the_claim_it_denies() -> None:
    """A one-line denial by one side joins the other side's claim of the same day."""
    engine = _clusterer()
    claim = engine.add(
        _report(
            "claim",
            "Baku says Armenian units fired on its positions overnight",
            claims=(_AZ_CLAIM,),
            hour=7,
        )
    )
    denial = engine.add(
        _report("denial", "Yerevan calls Baku's fire report untrue", claims=(_AM_DENIAL,))
    )
    assert denial.incident_id == claim.incident_id
    assert "denial" in denial.changes


def test_later_casualties_edit_and_reply_once() -> None:
    """New deaths yield "casualties"/"new_deaths" and edit_and_reply; a repeat only attaches."""
    engine = _clusterer()
    first = engine.add(
        _report("t1", "Firefight near Tegh", places=(("am-tegh", "Tegh"),), severity="low")
    )
    dead = Casualties(killed=2, side="armenian", kind="servicemen", claimed_by="am_mod")
    update = engine.add(
        _report(
            "t2",
            "Two soldiers killed in Tegh firefight",
            places=(("am-tegh", "Tegh"),),
            severity="high",
            casualties=(dead,),
            hour=15,
        )
    )
    assert update.incident_id == first.incident_id
    assert {"casualties", "new_deaths"} <= update.changes
    assert update.action == "edit_and_reply"
    repeat = engine.add(
        _report(
            "t3",
            "Tegh: two servicemen dead",
            places=(("am-tegh", "Tegh"),),
            severity="high",
            casualties=(dead,),
            hour=16,
        )
    )
    assert repeat.incident_id == first.incident_id
    assert repeat.changes == frozenset()
    assert repeat.action == "attach"
    view = engine.incident(first.incident_id)
    assert view.followups == 1
    assert view.reply_worthy == 1
    assert view.severity == "high"


def test_report_adding_nothing_attaches() -> None:
    """A further source repeating the known facts is attached silently."""
    engine = _clusterer()
    reports = _sotk_in_four_languages()
    engine.add(reports[0])
    again = engine.add(reports[1])
    assert again.changes == frozenset()
    assert again.action == "attach"
    assert followup_action(again, engine.incident(again.incident_id)) == "attach"


def test_followup_action_applies_the_bounds() -> None:
    """Edits stop after the max_followups-th follow-up; replies after max_replies."""
    deaths = Assignment("x", created=False, changes=frozenset({"new_deaths"}))
    place = Assignment("x", created=False, changes=frozenset({"new_place"}))

    class Counts:
        def __init__(self, followups: int, reply_worthy: int) -> None:
            self.followups = followups
            self.reply_worthy = reply_worthy

    assert followup_action(Assignment("x", created=True), Counts(0, 0)) == "alert"
    assert followup_action(deaths, Counts(1, 1)) == "edit_and_reply"
    assert followup_action(deaths, Counts(3, 3), max_replies=2) == "edit"
    assert followup_action(place, Counts(2, 0)) == "edit"
    assert followup_action(place, Counts(5, 0), max_followups=5) == "edit"
    assert followup_action(place, Counts(6, 0), max_followups=5) == "attach"


def test_edits_per_incident_are_bounded() -> None:
    """A busy incident gets at most max_followups edits; later news attaches."""
    engine = _clusterer(max_followups=2)
    actions = []
    for n in range(1, 6):
        dead = Casualties(killed=n, side="armenian", claimed_by="am_mod")
        assignment = engine.add(
            _report(
                f"s{n}",
                "Sotk shelling toll rises",
                places=(("am-sotk", "Sotk"),),
                casualties=(dead,),
                hour=n,
            )
        )
        view = engine.incident(assignment.incident_id)
        assert followup_action(assignment, view, max_followups=2) == assignment.action
        actions.append(assignment.action)
    assert actions == ["alert", "edit_and_reply", "edit_and_reply", "attach", "attach"]


def test_out_of_order_publication_still_joins() -> None:
    """A report published earlier but arriving later joins the incident."""
    engine = _clusterer()
    late = engine.add(
        _report("late", "Chinari under fire again", places=(("am-chinari", "Chinari"),), day=11)
    )
    early = engine.add(
        _report("early", "Fire on Chinari overnight", places=(("am-chinari", "Chinari"),), day=10)
    )
    assert early.incident_id == late.incident_id
    view = engine.incident(late.incident_id)
    assert view.first_published == _when(10)
    assert view.report_ids == ("late", "early")


def test_event_date_in_text_beats_publication_date() -> None:
    """A follow-up naming the event's date joins it even when published days later."""
    engine = _clusterer(window=timedelta(days=1))
    first = engine.add(_report("d1", "Fire at Norabak", places=(("am-norabak", "Norabak"),)))
    later = engine.add(
        _report(
            "d2",
            "Criminal case over the March 10 Norabak firing",
            places=(("am-norabak", "Norabak"),),
            day=14,
            event_day=10,
        )
    )
    assert later.incident_id == first.incident_id


def test_neighbouring_places_in_one_sector_are_compatible() -> None:
    """Norabak and Sotk, in the same sector, the same day, are one incident."""
    engine = _clusterer()
    a = engine.add(_report("n1", "Shooting near Norabak", places=(("am-norabak", "Norabak"),)))
    b = engine.add(_report("n2", "Sotk positions fired on", places=(("am-sotk", "Sotk"),), hour=14))
    assert a.incident_id == b.incident_id
    assert "new_place" in b.changes


def test_seed_then_add_continues_the_same_incident() -> None:
    """After a restart, a seeded incident takes the next report of the same event."""
    reports = _sotk_in_four_languages()
    engine = _clusterer()
    engine.seed("inc-stored", reports[:2])
    assert engine.incident("inc-stored").report_ids == ("en1", "ru1")
    assignment = engine.add(reports[2])
    assert assignment.incident_id == "inc-stored"
    assert not assignment.created
    assert engine.add(reports[0]).duplicate


def test_expire_drops_old_incidents() -> None:
    """expire() forgets incidents past the window and keeps recent ones."""
    engine = _clusterer(window=timedelta(days=2))
    old = engine.add(_report("o", "Fire at Sotk", places=(("am-sotk", "Sotk"),), day=1))
    new = engine.add(_report("n", "Fire at Yeraskh", places=(("am-yeraskh", "Yeraskh"),), day=9))
    gone = engine.expire(_when(10))
    assert gone == (old.incident_id,)
    assert engine.incident_ids == (new.incident_id,)
    with pytest.raises(KeyError):
        engine.incident(old.incident_id)
    assert engine.incident_of("o") is None


def test_replaying_reports_is_idempotent() -> None:
    """Adding the same reports twice changes neither assignments nor the incident view."""
    engine = _clusterer()
    reports = _sotk_in_four_languages()
    first = [engine.add(r).incident_id for r in reports]
    view = engine.incident(first[0])
    replay = [engine.add(r) for r in reports]
    assert [a.incident_id for a in replay] == first
    assert all(a.duplicate and a.action == "attach" for a in replay)
    assert engine.incident(first[0]) == view


def test_cluster_batch_returns_ids_in_input_order() -> None:
    """cluster_batch clusters in publication order and answers in input order."""
    reports = _sotk_in_four_languages()
    yeraskh = _report("y", "Fire at Yeraskh", places=(("am-yeraskh", "Yeraskh"),), hour=13)
    batch = [reports[3], yeraskh, reports[1], reports[0], reports[2]]
    ids = cluster_batch(batch, clusterer=_clusterer())
    assert ids[0] == ids[2] == ids[3] == ids[4]
    assert ids[1] != ids[0]
    assert ids[0] == default_id(reports[0])


def test_war_is_one_incident_across_sectors() -> None:
    """Critical reports of an ongoing war (two critical reports make one) join one incident
    whatever places they name."""
    engine = _clusterer()
    first = engine.add(
        _report("w1", "Offensive: Sotk and Norabak shelled", places=(("am-sotk", "Sotk"),),
                severity="critical")
    )  # fmt: skip
    engine.add(
        _report("w1b", "Dozens killed as offensive hits Sotk", places=(("am-sotk", "Sotk"),),
                severity="critical", hour=15)
    )  # fmt: skip
    second = engine.add(
        _report("w2", "Fighting reaches Tegh", places=(("am-tegh", "Tegh"),), severity="critical",
                day=15)
    )  # fmt: skip
    third = engine.add(
        _report("w3", "Yeraskh quiet, shots reported", places=(("am-yeraskh", "Yeraskh"),),
                severity="low", day=15, hour=18)
    )  # fmt: skip
    assert second.incident_id == first.incident_id
    assert third.created


def test_one_critical_report_is_not_yet_a_war() -> None:
    """A lone report graded critical does not pull a critical report from another sector ten
    days later into its incident (one report's grade may come from a background toll)."""
    engine = _clusterer()
    first = engine.add(
        _report("c1", "Tank fire at Sotk, soldier killed", places=(("am-sotk", "Sotk"),),
                severity="critical")
    )  # fmt: skip
    second = engine.add(
        _report("c2", "Night clashes at Tegh", places=(("am-tegh", "Tegh"),), severity="critical",
                day=20)
    )  # fmt: skip
    assert second.created
    assert second.incident_id != first.incident_id


def test_incident_view_keeps_claims_and_casualties_per_claimant() -> None:
    """The view keeps the highest figure per side and claimant, and each actor's stances."""
    engine = _clusterer()
    a = engine.add(
        _report(
            "v1",
            "Tegh clash",
            places=(("am-tegh", "Tegh"),),
            casualties=(Casualties(killed=3, side="armenian", claimed_by="am_mod"),),
            claims=(_AM_CLAIM,),
            source="armenpress",
        )
    )
    engine.add(
        _report(
            "v2",
            "Tegh clash: Baku's account",
            places=(("am-tegh", "Tegh"),),
            casualties=(
                Casualties(killed=5, side="armenian", claimed_by="az_mod"),
                Casualties(killed=1, side="azerbaijani", claimed_by="az_mod"),
            ),
            claims=(_AZ_CLAIM, _AZ_DENIAL),
            source="apa",
            hour=14,
        )
    )
    view = engine.incident(a.incident_id)
    figures = {(c.side, c.claimed_by): c.killed for c in view.casualties}
    assert figures == {
        ("armenian", "am_mod"): 3,
        ("armenian", "az_mod"): 5,
        ("azerbaijani", "az_mod"): 1,
    }
    stances = {c.actor: set(c.stances) for c in view.claims}
    assert stances == {"am_mod": {"accusation"}, "az_mod": {"accusation", "denial"}}
    assert view.sources == ("armenpress", "apa")
    assert set(view.sides_heard) == {"armenian", "azerbaijani"}


def test_incident_view_round_trips_through_json() -> None:
    """IncidentView.from_json(view.to_json()) gives the same view, via real JSON text."""
    engine = _clusterer()
    ids = [engine.add(r).incident_id for r in _sotk_in_four_languages()]
    view = engine.incident(ids[0])
    assert IncidentView.from_json(json.loads(json.dumps(view.to_json()))) == view


def test_public_names_are_exported() -> None:
    """__all__ names exist in the module."""
    for name in clustering.__all__:
        assert hasattr(clustering, name), name


def test_real_classifier_four_languages_one_incident_other_sector_apart() -> None:
    """Through the real classifier: Sotk in en/ru/hy/az is one incident, Yeraskh another."""
    classifier_module = pytest.importorskip("bot.classifier")
    if not hasattr(classifier_module, "default_classifier"):
        pytest.skip("bot.classifier has no default_classifier yet")
    from bot.classifier.types import ItemText

    classifier = classifier_module.default_classifier()
    texts = [
        (
            "en",
            "Azerbaijani forces fire on Armenian positions near Sotk, one soldier wounded",
            "Armenia's Defence Ministry said Azerbaijani units opened fire at positions near Sotk "
            "in Gegharkunik on the morning of March 3; a contract soldier was wounded.",
        ),
        (
            "ru",
            "У Сотка обстреляны армянские позиции, ранен военнослужащий",
            "Минобороны Армении сообщило, что утром 3 марта азербайджанские подразделения "
            "открыли огонь по позициям у Сотка в Гегаркуникской области; ранен контрактник.",
        ),
        (
            "hy",
            "Սոթքի մոտ ադրբեջանական ստորաբաժանումները կրակ են բացել հայկական դիրքերի ուղղությամբ",
            "ՊՆ-ի հաղորդմամբ՝ մարտի 3-ի առավոտյան Գեղարքունիքի Սոթքի հատվածում վիրավորվել է "
            "պայմանագրային զինծառայող։",
        ),
        (
            "az",
            "MN: Ermənistan silahlı qüvvələri Kəlbəcər istiqamətində mövqelərimizi atəşə tutub",
            "Müdafiə Nazirliyi bildirib ki, 3 mart səhər saatlarında Basarkeçər rayonu "
            "istiqamətindən Kəlbəcər rayonundakı mövqelərimiz atəşə tutulub.",
        ),
        (
            "en",
            "Shots fired at Yeraskh from Sadarak, Armenian border guards say",
            "Border guards said Azerbaijani positions in Sadarak fired at Yeraskh on March 3.",
        ),
    ]
    reports = []
    for n, (lang, title, summary) in enumerate(texts):
        published = datetime(2031, 3, 3, 8 + n, tzinfo=UTC)
        item = ItemText(id=f"x{n}", title=title, summary=summary, lang=lang, published=published)
        reports.append(
            Report(
                item_id=item.id,
                published=published,
                title=title,
                summary=summary,
                source=None,
                perspective=None,
                classification=classifier.classify(item),
            )
        )
    ids = cluster_batch(reports)
    assert len(set(ids[:4])) == 1
    assert ids[4] != ids[0]


def test_placeless_report_joins_the_days_only_major_incident() -> None:
    """A report naming no place joins the one major incident of the day, not a quiet day's."""
    engine = _clusterer()
    clash = engine.add(
        _report("c1", "Heavy fighting near Tegh", places=(("am-tegh", "Tegh"),), severity="high")
    )
    losses = engine.add(
        _report("c2", "Yerevan names the servicemen killed in the clash", hour=20, severity="high")
    )
    assert losses.incident_id == clash.incident_id
    engine.add(_report("c3", "Shots at Chinari", places=(("am-chinari", "Chinari"),), day=11))
    vague = engine.add(_report("c4", "The enemy again fired at our positions", day=11, hour=20))
    assert vague.created


def test_capital_in_a_dateline_is_not_a_place() -> None:
    """ "YEREVAN, ..." datelines do not make two events in different sectors one."""
    engine = _clusterer()
    a = engine.add(
        _report(
            "y1",
            "Soldier wounded at Sotk",
            summary="YEREVAN, March 10. A soldier was wounded at Sotk.",
            places=(("am-yerevan", "YEREVAN"), ("am-sotk", "Sotk")),
        )
    )
    b = engine.add(
        _report(
            "y2",
            "Shots fired at Yeraskh, Yerevan says",
            places=(("am-yeraskh", "Yeraskh"), ("am-yerevan", "Yerevan")),
            hour=14,
        )
    )
    assert a.incident_id != b.incident_id
    assert engine.incident(a.incident_id).location_ids == ("am-sotk",)


def test_wounded_soldier_who_dies_is_one_person() -> None:
    """A report of one wounded, then one of his death in hospital: 1 killed, no wounded."""
    c = _clusterer()
    wounded = Casualties(wounded=1, side="armenian", kind="servicemen", claimed_by="am_mod")
    died = Casualties(
        killed=1, side="armenian", kind="servicemen", claimed_by="am_mod", died_of_wounds=True
    )
    first = c.add(_report("w1", "Soldier wounded near Sotk", places=(("am-sotk", "Sotk"),),
                          casualties=(wounded,), claims=(_AM_CLAIM,), hour=8))
    c.add(_report("w2", "Soldier wounded near Sotk dies in hospital",
                  places=(("am-sotk", "Sotk"),), casualties=(died,), claims=(_AM_CLAIM,),
                  hour=14))
    (figure,) = c.incident(first.incident_id).casualties
    assert (figure.killed, figure.wounded) == (1, None)


def test_raised_toll_replaces_and_a_part_is_not_added() -> None:
    """2 killed, then a toll raised to 3, then '1 killed overnight' (a part): 3 killed."""
    c = _clusterer()
    first = None
    for n, (item, killed) in enumerate((("t1", 2), ("t2", 3), ("t3", 1))):
        figure = Casualties(killed=killed, side="armenian", kind="servicemen", claimed_by="am_mod")
        a = c.add(_report(item, "Soldiers killed near Tegh", places=(("am-tegh", "Tegh"),),
                          casualties=(figure,), claims=(_AM_CLAIM,), hour=8 + n))
        first = first or a
    assert first is not None
    assert [f.killed for f in c.incident(first.incident_id).casualties] == [3]


def test_actor_statement_keeps_acts_and_places() -> None:
    """An accusation's act and places reach the merged view and survive its JSON form."""
    c = _clusterer()
    claim = Claim(actor="am_mod", stance="accusation", evidence="...", accused="azerbaijani",
                  action="shelling", place_ids=("am-sotk",))
    a = c.add(_report("s1", "Shelling near Sotk", places=(("am-sotk", "Sotk"),),
                      claims=(claim,)))
    view = c.incident(a.incident_id)
    (statement,) = view.claims
    assert (statement.actions, statement.place_ids) == (("shelling",), ("am-sotk",))
    assert IncidentView.from_json(json.loads(json.dumps(view.to_json()))) == view
