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


def _claims(result: Classification) -> set[tuple[str, str, str | None]]:
    return {(c.actor, c.stance, c.accused) for c in result.claims}


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
             "получили ранения. Баку возложил ответственность на вооружённые силы Армении.")
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


def test_side_named_as_the_accused_is_no_speaker() -> None:
    """'The Azerbaijani side broke the ceasefire ... two servicemen were killed' (the Karabakh
    forces' account) never gives the two dead to the Azerbaijani side: a party named without
    a speech word beside it is the one accused, not the one speaking."""
    r = _run(
        "Karabakh forces report losses",
        "Azerbaijan's Defence Ministry said its positions came under fire. Karabakh Armenian "
        "forces gave a different account. According to their statement, the Azerbaijani side "
        "violated the ceasefire with mortars and drones, and two servicemen were killed and "
        "14 wounded.",
    )
    assert _killed(r, "azerbaijani") == 0
    assert _wounded(r, "azerbaijani") == 0
    assert "az_gov" not in {c.actor for c in r.claims}


def test_side_phrase_with_a_speech_word_speaks() -> None:
    """'The Armenian side, in turn, accuses Azerbaijan ...': the Armenian side is the speaker."""
    r = _run(
        "Обстрел Гянджи",
        "Баку возложил ответственность на вооружённые силы Армении. Армянская сторона, в свою "
        "очередь, обвиняет Азербайджан в нарушении режима прекращения огня и обстрелах сёл.",
    )
    assert ("am_gov", "accusation", "azerbaijani") in _claims(r)


def test_a_side_that_only_denies_speaks_for_no_figure() -> None:
    """A local shooting whose only official voice is a ministry denying its people took part:
    the dead are not given to that ministry's side."""
    r = _run(
        "Перестрелка в городе: двое погибших",
        "Во вторник в городе произошла перестрелка между жителями соседних сёл. Двое получили "
        "смертельные огнестрельные ранения, ещё четверо ранены. Пресс-секретарь министра "
        "обороны Шушан Степанян опровергла слухи, заявив, что ни один военнослужащий к "
        "инциденту не причастен.",
    )
    assert [c for c in r.casualties if c.killed or c.wounded] == []


def test_late_sentence_without_speaker_needs_its_own_side() -> None:
    """Past the lead, a sentence naming no speaker and no victim side gives no figure: the
    item's speaker named paragraphs earlier does not make the dead its own."""
    r = _run(
        "Armenia's Defence Ministry reports shelling near Sotk",
        "Azerbaijani forces shelled Armenian positions near Sotk overnight, Armenia's Defence "
        "Ministry said. The shelling lasted several hours. Mortars and artillery were used. "
        "Villagers described the night as frightening. Three people were killed in a car "
        "crash on the Sevan road.",
    )
    assert _killed(r, "armenian") == 0


def test_lead_sentence_takes_the_item_speaker() -> None:
    """In the lead, a figure with no side word is the item's speaker's ('Two servicemen were
    killed', under a ministry's headline)."""
    r = _run(
        "Armenia's Defence Ministry: Azerbaijani forces opened fire near Tegh",
        "Two servicemen were killed in the attack.",
    )
    assert _killed(r, "armenian") == 2


def test_unsided_count_needs_a_speaker_who_accuses() -> None:
    """'seven people died, according to the ministry' with no side in the words and no
    accusation anywhere (an accident, a local crime): the dead are nobody's side, no figure;
    the same count under an accusation of the other side is the ministry's side's dead."""
    quiet = _run("Взрыв", "По данным МИД Азербайджана, погибли по меньшей мере семь человек.")
    assert [c for c in quiet.casualties if c.killed] == []
    accused = _run("Взрыв", "По данным МИД Азербайджана, погибли по меньшей мере семь человек. "
                   "Баку возложил ответственность на вооружённые силы Армении.")
    assert _killed(accused, "azerbaijani") == 7


def test_a_country_as_the_subject_of_a_speech_verb_speaks() -> None:
    """'Baku also accused Armenian forces of shelling towns': Azerbaijan's government accuses
    Armenia, though no institution is named."""
    r = _run(
        "Stepanakert shelled",
        "Karabakh officials said Azerbaijan had used rocket launchers against Stepanakert. "
        "Baku also accused Armenian forces of shelling towns close to the front.",
    )
    assert ("az_gov", "accusation", "armenian") in _claims(r)


def test_it_said_carries_the_speaker_past_an_unresolved_institution() -> None:
    """'It accused Yerevan of ... ahead of the parliamentary election' speaks for the last
    speaker even though 'parliament' names an institution of no known country."""
    r = _run(
        "Border standoff",
        "Armenia's Defence Ministry said Azerbaijani troops had crossed the border. "
        "Azerbaijan's Foreign Ministry rejected the accusations. "
        "It accused Yerevan of provocations at the border ahead of the parliament speaker's "
        "visit.",
    )
    assert ("az_gov", "accusation", "armenian") in _claims(r)


@pytest.mark.parametrize(
    "toll",
    [
        "More than 6,500 people were killed in the war.",
        "За время войны погибли более 6 500 человек.",
        "The conflict has claimed 30,000 lives.",
    ],
)
def test_a_war_toll_in_the_lead_is_background(toll: str) -> None:
    """A past war's toll told in the lead ('6,500 were killed in the war', 'за время войны
    погибли') is no figure of the event, nor does it make the event critical."""
    r = _run(
        "Border clash",
        "Azerbaijani forces shelled Armenian positions near Sotk, Armenia's Defence Ministry "
        "said. " + toll,
    )
    assert [c for c in r.casualties if c.killed or c.wounded] == []
    assert r.severity != "critical"


@pytest.mark.parametrize(
    "text",
    [
        "Armenia's Defence Ministry accused Azerbaijan of shelling Sotk. Among the wounded are "
        "2 children.",
        "Минобороны Армении обвинило Азербайджан в обстреле Сотка. Среди раненых двое детей.",
    ],
)
def test_a_part_of_the_wounded_is_not_the_wounded_total(text: str) -> None:
    """'Among the wounded are 2 children': the children are part of a group whose total the
    report does not give; no wounded figure."""
    r = _run("Sotk shelled", text)
    assert [c for c in r.casualties if c.wounded] == []


def test_a_part_of_the_dead_still_tells_severity() -> None:
    """'Four soldiers named among dead': no figure is made of a part, but four dead still
    make the incident high."""
    r = _run(
        "Syunik: four soldiers named among dead after shelling",
        "Azerbaijani forces fired on positions near Nerkin Hand, Armenia's MoD said.",
    )
    assert r.severity in ("high", "critical")


@pytest.mark.parametrize(
    "text",
    [
        "Azerbaijan's Defence Ministry accused Armenian forces of an attack; the enemy has up "
        "to 30 killed and wounded.",
        "Минобороны Азербайджана обвинило армянские подразделения в атаке; противник потерял "
        "до 30 человек убитыми и ранеными.",
    ],
)
def test_killed_and_wounded_together_is_neither_figure(text: str) -> None:
    """'30 killed and wounded' is a sum of two figures: neither 30 dead nor 30 wounded."""
    r = _run("Attack repelled", text)
    assert [c for c in r.casualties if c.killed or c.wounded] == []


def test_a_third_party_named_after_a_side_speaker_is_not_speaking() -> None:
    """'Armenia's Foreign Ministry accused Azerbaijan of aggression in the zone of the Russian
    peacekeepers': Russia's peacekeepers are where it happened, not a speaker accusing."""
    r = _run(
        "Karabakh flare-up",
        "Armenia's Foreign Ministry accused Azerbaijan of aggression in the zone of "
        "responsibility of the Russian peacekeepers.",
    )
    actors = {(c.actor, c.stance) for c in r.claims}
    assert ("am_gov", "accusation") in actors
    assert not any(a == "third_party" for a, _ in actors)


def test_an_actor_inside_what_a_speaker_says_is_not_speaking() -> None:
    """'The spokesman said that Ilham Aliyev was trying to escalate': Aliyev is talked about;
    '..., while Baku said ...' is a second speaker."""
    r = _run(
        "Soldier killed",
        "Armenia's Foreign Ministry spokesman said that Ilham Aliyev was trying to escalate "
        "the situation with provocations on the border.",
    )
    assert "az_gov" not in {c.actor for c in r.claims}
    assert "am_gov" in {c.actor for c in r.claims}


def test_an_accusation_naming_no_speaker_goes_on_with_the_last_speaker() -> None:
    """'Azerbaijan's ministry said ... . Armenian units then shelled the villages of ...':
    the second sentence still tells the ministry's account, an accusation of Armenia."""
    r = _run(
        "Clash on the border",
        "Armenia's Defence Ministry denied the reports. Azerbaijan's Defence Ministry said its "
        "positions in Tovuz were under fire overnight. Armenian units also fired mortars at "
        "the village of Alibeyli.",
    )
    assert ("az_mod", "accusation", "armenian") in _claims(r)


def test_a_sentence_opening_with_a_country_and_ending_with_a_speech_verb() -> None:
    """Azerbaijani puts the verb last: 'İrəvan, öz növbəsində, Azərbaycanı ... ittiham edir'
    is Armenia's government accusing Azerbaijan."""
    r = _run(
        "Gəncəyə raket zərbəsi",
        "Rəsmi Bakı hücumu cinayət kimi qiymətləndirib. İrəvan, öz növbəsində, Azərbaycanı "
        "atəşkəs rejimini pozmaqda və yaşayış məntəqələrini atəşə tutmaqda ittiham edir.",
    )
    assert ("am_gov", "accusation", "azerbaijani") in _claims(r)


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("Armenian Prime Minister Nikol Pashinyan said Armenian army units were not present "
         "in Karabakh.", "am_gov"),
        ("Ermənistanın baş naziri Nikol Paşinyan Ermənistan ordusunun Qarabağda olmadığını "
         "bildirib.", "am_gov"),
    ],
)
def test_saying_one_s_forces_were_not_there_is_a_denial(text: str, actor: str) -> None:
    """'Armenian army units were not present in Karabakh' denies taking part."""
    r = _run("Karabakh offensive", text)
    assert (actor, "denial", None) in _claims(r)


@pytest.mark.parametrize(
    "earlier",
    [
        "In a similar attack last autumn, three Armenian soldiers were killed.",
        "The last deadly clash, in which four Armenian soldiers were killed, took place near "
        "Tegh.",
        "Прошлой осенью в результате подобного обстрела погибли трое армянских военнослужащих.",
    ],
)
def test_an_earlier_attack_told_in_the_lead_gives_no_figure(earlier: str) -> None:
    """'In a similar attack last autumn, three soldiers were killed' is background."""
    r = _run(
        "Sotk shelled",
        "Armenia's Defence Ministry accused Azerbaijani forces of shelling Armenian positions "
        "near Sotk overnight. " + earlier,
    )
    assert [c for c in r.casualties if c.killed or c.wounded] == []


def test_a_count_spoken_by_an_unnamed_second_voice_has_no_side() -> None:
    """'Azerbaijan said it had lost a soldier, and the Karabakh army said two of its troops had
    been killed and a dozen wounded': 'its' is the Karabakh army's, which the lexicon does not
    name; the two and the twelve never go to Azerbaijan."""
    r = _run(
        "Clash",
        "Azerbaijan said it had lost a soldier, and the Karabakh army said two of its troops "
        "had been killed and more than a dozen wounded.",
        published=None,
    )
    assert _killed(r, "azerbaijani") <= 1
    assert _wounded(r, "azerbaijani") == 0


def test_a_count_does_not_borrow_the_noun_of_the_next_clause() -> None:
    """'Armenia's ministry said two were killed; Baku said three of its soldiers were wounded':
    the two do not take 'its soldiers' (Azerbaijan's) from the next clause."""
    r = _run(
        "Clash",
        "Azerbaijani forces shelled Sotk. Armenia's ministry said two were killed; Baku said "
        "three of its soldiers were wounded.",
    )
    assert _killed(r, "azerbaijani") == 0
