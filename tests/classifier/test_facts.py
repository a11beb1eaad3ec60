"""Fact extraction: casualties, weapons, claims and denials, severity, event dates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.classifier import Classification, ItemText, classify

PUB = datetime(2025, 6, 5, 9, 0, tzinfo=UTC)


def _run(title: str, summary: str = "", published: datetime | None = PUB) -> Classification:
    return classify(ItemText(id="f", title=title, summary=summary, published=published))


def _killed(result: Classification, side: str) -> int:
    return max((c.killed or 0 for c in result.casualties if c.side == side), default=0)


def _wounded(result: Classification, side: str) -> int:
    return max((c.wounded or 0 for c in result.casualties if c.side == side), default=0)


def test_casualties_english_numbers_and_side() -> None:
    """'Two Armenian servicemen were killed and three wounded' -> 2 killed, 3 wounded, armenian."""
    r = _run(
        "Sotk shelling: two soldiers killed",
        "Two Armenian servicemen were killed and three wounded when Azerbaijani forces shelled "
        "positions near Sotk with mortars and drones, the Armenian Defence Ministry said.",
    )
    assert _killed(r, "armenian") == 2
    assert _wounded(r, "armenian") == 3
    cas = next(c for c in r.casualties if c.killed == 2)
    assert cas.kind == "servicemen"
    assert cas.claimed_by == "am_mod"
    assert cas.evidence
    assert set(r.weapons) >= {"mortar", "drone"}


def test_casualties_russian_number_words() -> None:
    """'двое военнослужащих погибли, четверо ранены' read as 2 and 4 of the ministry's side."""
    r = _run(
        "Минобороны Азербайджана сообщило о потерях",
        "Минобороны Азербайджана сообщило, что двое военнослужащих погибли и четверо ранены "
        "в результате минометного обстрела со стороны армянских подразделений.",
    )
    assert _killed(r, "azerbaijani") == 2
    assert _wounded(r, "azerbaijani") == 4
    assert "mortar" in r.weapons


def test_casualties_armenian_number_word() -> None:
    """'երեք զինծառայող վիրավորվել է' -> three wounded, from a sniper."""
    r = _run(
        "Դիպուկահարի կրակից վիրավորվել է երեք զինծառայող",
        "ՊՆ-ն հայտնում է, որ երեք զինծառայող վիրավորվել է հակառակորդի դիպուկահարի կրակից։",
    )
    assert _wounded(r, "armenian") == 3
    assert "sniper" in r.weapons


def test_casualties_azerbaijani_number_word() -> None:
    """'iki hərbçimiz yaralanıb' -> two wounded Azerbaijani servicemen."""
    r = _run(
        "Erməni bölmələrinin atəşi nəticəsində iki hərbçimiz yaralanıb",
        "Müdafiə Nazirliyi bildirib ki, erməni bölmələri Kəlbəcər istiqamətində mövqelərimizi "
        "atəşə tutub, iki hərbçimiz yaralanıb.",
    )
    assert _wounded(r, "azerbaijani") == 2


def test_enemy_losses_are_the_other_side() -> None:
    """'the adversary lost one dead' in an Armenian release is an Azerbaijani casualty."""
    r = _run(
        "Exchange of fire near Norabak",
        "An Armenian soldier was wounded; as a result of retaliatory actions the adversary has "
        "one killed, the Armenian Defence Ministry said.",
    )
    assert _killed(r, "azerbaijani") == 1
    assert _wounded(r, "armenian") == 1


def test_ages_are_not_casualty_counts() -> None:
    """'a 67-year-old woman was killed' is one death, not 67."""
    r = _run(
        "Woman killed by shelling in Tavush village",
        "A 67-year-old woman was killed when Azerbaijani fire hit her house in Movses.",
    )
    assert all((c.killed or 0) <= 1 for c in r.casualties)


def test_weapons_kinds() -> None:
    """Weapons are normalised to kinds: artillery, rocket, tank, aircraft, small arms."""
    r = _run(
        "Heavy fighting on the line",
        "Artillery, Grad rockets, tanks and a helicopter were used; machine-gun fire continued "
        "into the night.",
    )
    assert set(r.weapons) >= {"artillery", "rocket", "tank", "aircraft", "small_arms"}


def test_anti_tank_mine_is_not_a_tank() -> None:
    """An anti-tank mine does not add 'tank' to the weapons."""
    r = _run("Anti-tank mine explodes under tractor", "The driver was hurt.")
    assert "tank" not in r.weapons


def test_accusation_with_accused_side() -> None:
    """An Armenian ministry saying Azerbaijani units fired is an accusation of Azerbaijan."""
    r = _run(
        "Azerbaijani units fire at Armenian positions",
        "Azerbaijani units opened fire at Armenian positions near Kut, the Armenian Defence "
        "Ministry said.",
    )
    claim = next(c for c in r.claims if c.actor == "am_mod")
    assert claim.stance == "accusation"
    assert claim.accused == "azerbaijani"
    assert claim.evidence


@pytest.mark.parametrize(
    ("title", "summary", "actor"),
    [
        (
            "Armenia denies firing on Azerbaijani positions",
            "Armenia's Defence Ministry called Baku's claim that Armenian units fired on "
            "Azerbaijani positions disinformation.",
            "am_mod",
        ),
        (
            "Azerbaijan's Defence Ministry rejects Yerevan's account",
            "Azerbaijan's Defence Ministry said the Armenian claim that its units shelled Sotk "
            "is false.",
            "az_mod",
        ),
        (
            "Минобороны Армении опровергло обстрел",
            "Минобороны Армении назвало сообщение азербайджанских СМИ об обстреле дезинформацией.",
            "am_mod",
        ),
        (
            "Dövlət Sərhəd Xidməti: məlumat həqiqətə uyğun deyil",
            "Dövlət Sərhəd Xidməti Naxçıvan istiqamətində atəş açılması barədə məlumatı təkzib "
            "edib.",
            "az_border",
        ),
    ],
)
def test_denial_with_actor(title: str, summary: str, actor: str) -> None:
    """Denials are recognised and attributed to the denying institution."""
    r = _run(title, summary)
    assert any(c.actor == actor and c.stance == "denial" for c in r.claims), r.claims


@pytest.mark.parametrize(
    ("title", "summary", "severity"),
    [
        (
            "Enemy fires at Chinari, no losses",
            "The enemy fired small arms at positions near Chinari; no one was hurt, the "
            "Defence Ministry said.",
            "low",
        ),
        (
            "Soldier wounded near Yeraskh",
            "An Armenian soldier was wounded by Azerbaijani fire near Yeraskh this morning, the "
            "Defence Ministry said.",
            "medium",
        ),
        (
            "Two soldiers killed as Azerbaijani units open fire near Kut",
            "Two Armenian soldiers were killed when Azerbaijani units opened fire near Kut on "
            "Tuesday, the Defence Ministry said.",
            "high",
        ),
        (
            "Azerbaijani artillery pounds Armenian positions near Jermuk",
            "Azerbaijani artillery shelled Armenian positions near Jermuk overnight, the Defence "
            "Ministry said; no casualties were reported.",
            "high",
        ),
        (
            "Dozens killed as Azerbaijan launches large-scale offensive",
            "At least 60 Armenian servicemen were killed as Azerbaijani forces launched a "
            "large-scale offensive with artillery and drones on Goris, Kapan and Jermuk, the "
            "Defence Ministry said.",
            "critical",
        ),
    ],
)
def test_severity_levels(title: str, summary: str, severity: str) -> None:
    """Severity follows the corpus rules: low, medium, high, critical."""
    r = _run(title, summary)
    assert r.incident
    assert r.severity == severity, [(s.name, s.evidence) for s in r.signals]


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("Azerbaijani units fired on Sotk on September 12, the ministry said.",
         datetime(2024, 9, 13, tzinfo=UTC), datetime(2024, 9, 12, tzinfo=UTC)),
        ("12 сентября азербайджанские подразделения обстреляли позиции у Сотка.",
         datetime(2024, 9, 13, tzinfo=UTC), datetime(2024, 9, 12, tzinfo=UTC)),
        ("Սեպտեմբերի 12-ին հակառակորդը կրակ է բացել Սոթքի ուղղությամբ։",
         datetime(2024, 9, 13, tzinfo=UTC), datetime(2024, 9, 12, tzinfo=UTC)),
        ("12 sentyabr tarixində düşmən Kəlbəcər istiqamətində mövqeləri atəşə tutub.",
         datetime(2024, 9, 13, tzinfo=UTC), datetime(2024, 9, 12, tzinfo=UTC)),
        ("Düşmən oktyabrın 3-ü axşam Tovuz istiqamətində mövqeləri atəşə tutub.",
         datetime(2024, 10, 4, tzinfo=UTC), datetime(2024, 10, 3, tzinfo=UTC)),
        ("Azerbaijani troops fired on Armenian positions on December 30.",
         datetime(2025, 1, 2, tzinfo=UTC), datetime(2024, 12, 30, tzinfo=UTC)),
        ("Azerbaijani troops fired on Armenian positions on Tuesday evening.",
         datetime(2025, 6, 5, tzinfo=UTC), datetime(2025, 6, 3, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_event_date(text: str, published: datetime, expected: datetime) -> None:
    """Dates named in four languages (and weekdays) resolve against the publication date."""
    r = _run("Border report", text, published)
    assert r.event_date == expected


def test_no_event_date_without_publication_for_relative_day() -> None:
    """'yesterday' cannot be resolved when the item has no publication date."""
    r = _run("Shots fired at Armenian positions yesterday", "", None)
    assert r.event_date is None


def test_victim_side_from_the_noun_not_word_order() -> None:
    """'Azerbaijani drone strike ... kills two Armenian soldiers': the two are Armenian, and
    the attacker gets no figure."""
    r = _run("Azerbaijani drone strike near Tegh kills two Armenian soldiers, Armenia MoD says")
    assert _killed(r, "armenian") == 2
    assert _killed(r, "azerbaijani") == 0


def test_background_numbers_never_become_figures() -> None:
    """War tolls, last week's death and August's losses in background sentences give none."""
    r = _run(
        "Clashes near Sotk",
        "Armenia's Defence Ministry said Azerbaijani forces shelled positions near Sotk on "
        "Tuesday. Last week, Armenia said one of its soldiers was killed in a border attack. "
        "In March, the Karabakh army said two of its troops had been killed and a dozen "
        "wounded. More than 6,500 people lost their lives in the 44-day war of 2020.",
    )
    assert not [c for c in r.casualties if c.killed or c.wounded]
    assert "small_arms" not in r.weapons


def test_subtotal_is_not_a_figure() -> None:
    """'twelve killed over four days, four of them overnight' is 12, not 12 and 4."""
    r = _run(
        "Azerbaijan reports losses",
        "Azerbaijan's Defence Ministry said twelve of its servicemen had been killed over "
        "four days, four of them overnight.",
    )
    assert [c.killed for c in r.casualties if c.killed] == [12]
    assert r.casualties[0].side == "azerbaijani"


def test_wounded_soldier_who_dies_is_one_death() -> None:
    """'A soldier wounded yesterday died in hospital' is one killed, no wounded."""
    r = _run(
        "Soldier dies of wounds",
        "A soldier wounded yesterday by Azerbaijani sniper fire died in hospital, Armenia's "
        "Defence Ministry said.",
    )
    assert _killed(r, "armenian") == 1
    assert _wounded(r, "armenian") == 0
    assert r.casualties[0].died_of_wounds


def test_unclear_side_keeps_casualties_without_a_number() -> None:
    """'Fifteen soldiers dead' with no side named anywhere near: casualties, no figure."""
    r = _run("Fifteen soldiers dead as front sees worst flare-up in years")
    assert r.casualties
    assert all(c.killed is None and c.side is None for c in r.casualties)


def test_accusation_and_denial_per_side() -> None:
    """Each ministry's accusation names the other side and the act; a denial is a denial."""
    r = _run(
        "Border clashes",
        "Armenia's Defence Ministry said Azerbaijan launched intensive shelling against "
        "Armenian positions near Jermuk. Azerbaijan's Defence Ministry accused Armenia of "
        "large-scale subversive acts near Kalbajar. Baku denied the Armenian claim as "
        "disinformation.",
    )
    got = {(c.actor, c.stance, c.accused, c.action) for c in r.claims}
    assert ("am_mod", "accusation", "azerbaijani", "shelling") in got
    assert any(a == "az_mod" and s == "accusation" and acc == "armenian" for a, s, acc, _ in got)
    assert any(c.stance == "denial" and c.actor.startswith("az") for c in r.claims)


def test_weapons_landmine_grenade_launcher_small_arms_not_siren() -> None:
    """Landmines and grenade launchers are weapons of their own; bullets are small arms; an
    air-raid siren is no aircraft."""
    r = _run(
        "Fire near Tegh",
        "Azerbaijani units fired grenade launchers and automatic weapons at positions near "
        "Tegh, bullets hit a house and a soldier was wounded by a landmine, the Armenian "
        "Defence Ministry said. Air-raid sirens sounded in Kapan.",
    )
    assert {"grenade_launcher", "small_arms", "landmine"} <= set(r.weapons)
    assert "aircraft" not in r.weapons


def test_enemy_fire_victims_are_the_speakers_side() -> None:
    """'killed by enemy fire' in a ministry's release: its own side's dead, not the enemy's;
    'the adversary has one killed': the other side's."""
    r = _run("Tegh", "Two servicemen were killed by enemy sniper fire near Tegh, Armenia's "
             "Defence Ministry said.")
    assert (_killed(r, "armenian"), _killed(r, "azerbaijani")) == (2, 0)
    r = _run("Norabak", "The adversary has one killed, the Armenian Defence Ministry said.")
    assert (_killed(r, "armenian"), _killed(r, "azerbaijani")) == (0, 1)


def test_side_that_lost_people_is_the_subject() -> None:
    """'Armenia lost four soldiers', 'армия Карабаха потеряла 104 человека': the subject's dead."""
    r = _run("Tegh", "Armenia lost four soldiers and six were wounded, the Armenian Defence "
             "Ministry said.")
    assert (_killed(r, "armenian"), _wounded(r, "armenian")) == (4, 6)
    r = _run("Потери", "По данным Минобороны НКР, армия Карабаха потеряла 104 человека.")
    assert _killed(r, "armenian") == 104


def test_fire_from_a_sides_territory_accuses_that_side() -> None:
    """'shelled from Armenian territory' in Baku's statement accuses the Armenian side."""
    r = _run("Shelling", "Azerbaijan's Defence Ministry said Tovuz villages were shelled from "
             "Armenian territory overnight.")
    got = {(c.actor, c.stance, c.accused) for c in r.claims}
    assert ("az_mod", "accusation", "armenian") in got


def test_another_after_a_count_of_the_other_kind_is_that_count() -> None:
    """'seven killed; another 33 wounded' gives 33 wounded, while 'another 23 killed' alone is
    an increment to a total told elsewhere, not a figure."""
    r = _run("Удар", "По данным МИД Азербайджана, погибли по меньшей мере семь человек, ещё 33 "
             "получили ранения.")
    assert (_killed(r, "azerbaijani"), _wounded(r, "azerbaijani")) == (7, 33)
    r = _run("Имена", "Минобороны Армении опубликовало имена ещё 23 военнослужащих, погибших в "
             "боях.")
    assert not [c for c in r.casualties if c.killed]


def test_armenian_azerbaijani_border_names_no_party() -> None:
    """'on the Armenian-Azerbaijani border' does not make a ministry's own loss unclear."""
    r = _run("Погиб военнослужащий", "Военнослужащий армянской армии погиб в среду на позиции "
             "у армяно-азербайджанской границы, сообщила пресс-служба Министерства обороны "
             "Армении.")
    assert _killed(r, "armenian") == 1
