"""Casualty figures: the victim's side from who speaks, where the sentence stands and what it
names (each rule with the sentence where it must not fire). The sentences are written for
these tests, one language per test as the rule covers it."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.classifier import Classification, ItemText, classify

PUB = datetime(2025, 6, 5, 9, 0, tzinfo=UTC)

# An Armenian release past whose lead the figures come.
_AM_LEAD = (
    "Armenia's Defence Ministry accuses Azerbaijan of shelling Sotk. "
    "Azerbaijani forces opened fire on Armenian positions near Sotk overnight. "
    "Mortars were used, the ministry said. "
)
_AZ_LEAD = (
    "Armenian units opened fire on Azerbaijani army positions near Kalbajar overnight, "
    "Azerbaijan's Defence Ministry said. "
)


def _run(title: str, summary: str, lang: str | None = None) -> Classification:
    return classify(ItemText(id="c", title=title, summary=summary, lang=lang, published=PUB))


def _figures(result: Classification) -> set[tuple[str | None, str, int]]:
    out: set[tuple[str | None, str, int]] = set()
    for c in result.casualties:
        for name in ("killed", "wounded"):
            value = getattr(c, name)
            if value:
                out.add((c.side, name, value))
    return out


def test_speaker_past_the_lead_gives_its_own_side() -> None:
    """Past the lead, 'the army said three soldiers were killed in Azerbaijani shelling' is
    the speaker's own side (the speaker carried over from the release, the attack named in
    the sentence); 'the army said three soldiers were killed', with no attack named, may be
    an earlier event or a running total: no figure; when the speaker's own units are the ones
    acting ('its units killed three soldiers') the count is no figure of its side."""
    attack = _run(
        "Sotk shelled",
        _AM_LEAD + "The army said three soldiers were killed in Azerbaijani shelling.",
    )
    assert _figures(attack) == {("armenian", "killed", 3)}
    bare = _run("Sotk shelled", _AM_LEAD + "The army said three soldiers were killed.")
    assert _figures(bare) == set()
    own = _run("Sotk shelled", _AM_LEAD + "The army said three of its soldiers were killed.")
    assert _figures(own) == {("armenian", "killed", 3)}
    acting = _run("Sotk shelled", _AM_LEAD + "The army said its units killed three soldiers.")
    assert _figures(acting) == set()


def test_speaker_rule_needs_hostilities_in_the_item() -> None:
    """A ministry reporting deaths in an item where no side accuses the other (an avalanche)
    gives no figure: only a report of hostilities makes the speaker's side the victims'."""
    r = _run(
        "Avalanche in Tavush",
        "Armenia's Defence Ministry said two soldiers died in an avalanche near a mountain "
        "post. Rescue teams were sent.",
    )
    assert _figures(r) == set()
    hostile = _run("Kalbajar shooting", _AZ_LEAD + "The ministry said two soldiers were killed.")
    assert _figures(hostile) == {("azerbaijani", "killed", 2)}


def test_people_of_neither_party_are_no_side_s() -> None:
    """'Two Russian peacekeepers were wounded', told by one side's ministry, are not that
    side's wounded (nor the attacker's victims); 'two soldiers' in the same place are."""
    third = _run(
        "Sotk shelled", _AM_LEAD + "The ministry said two Russian peacekeepers were wounded."
    )
    assert not any(side in ("armenian", "azerbaijani") for side, _, _ in _figures(third))
    journalists = _run(
        "Sotk shelled", _AM_LEAD + "The ministry said two foreign journalists were wounded."
    )
    assert _figures(journalists) == set()
    soldiers = _run(
        "Sotk shelled", _AM_LEAD + "The ministry said Azerbaijani fire wounded two soldiers."
    )
    assert _figures(soldiers) == {("armenian", "wounded", 2)}


def test_died_of_a_gunshot_wound_is_one_death_not_a_wounded() -> None:
    """'One soldier died of a gunshot wound' is one killed and no wounded; 'one soldier
    received a gunshot wound' is one wounded."""
    died = _run(
        "Kalbajar shooting", _AZ_LEAD + "One soldier died of a gunshot wound, the ministry said."
    )
    assert _figures(died) == {("azerbaijani", "killed", 1)}
    hurt = _run(
        "Kalbajar shooting", _AZ_LEAD + "One soldier received a gunshot wound, the ministry said."
    )
    assert _figures(hurt) == {("azerbaijani", "wounded", 1)}


def test_the_dead_named_are_no_single_death() -> None:
    """'named the dead as A and B' is a group of unknown size, not one death; 'a soldier was
    killed' is one."""
    named = _run(
        "Kalbajar shooting",
        _AZ_LEAD + "The ministry named the dead as Private Ali Mammadov and Sergeant Vugar Aliyev.",
    )
    assert _figures(named) == set()
    one = _run("Kalbajar shooting", _AZ_LEAD + "The ministry said a soldier was killed.")
    assert _figures(one) == {("azerbaijani", "killed", 1)}


def test_including_makes_the_second_count_a_part() -> None:
    """Azerbaijani '12 nəfər, o cümlədən 3 mülki şəxs həlak olub' gives 12 killed (the 3
    civilians are among them); without 'o cümlədən' the nearest count stands."""
    lead = (
        "Müdafiə Nazirliyi bildirib ki, erməni bölmələri Kəlbəcər istiqamətində mövqelərimizi "
        "atəşə tutub. "
    )
    part = _run(
        "Kəlbəcərdə atışma",
        lead + "Hücum nəticəsində 12 nəfər, o cümlədən 3 mülki şəxs həlak olub.",
    )
    assert _figures(part) == {("azerbaijani", "killed", 12)}
    plain = _run("Kəlbəcərdə atışma", lead + "Hücum nəticəsində 3 mülki şəxs həlak olub.")
    assert _figures(plain) == {("azerbaijani", "killed", 3)}


def test_a_side_named_as_the_cause_is_the_attacker() -> None:
    """Russian 'в результате азербайджанской атаки погибли трое военнослужащих' in an
    Armenian release: Azerbaijan caused the deaths, the dead are Armenian; when the sentence
    names the dead as Azerbaijani they are."""
    lead = (
        "Минобороны Армении заявило, что азербайджанские подразделения обстреляли армянские "
        "позиции у Сотка. "
    )
    caused = _run(
        "Обстрел у Сотка", lead + "В результате азербайджанской атаки погибли трое военнослужащих."
    )
    assert _figures(caused) == {("armenian", "killed", 3)}
    named = _run(
        "Обстрел у Сотка",
        lead + "В ходе боя погибли трое азербайджанских военнослужащих.",
    )
    assert _figures(named) == {("azerbaijani", "killed", 3)}


def test_an_army_s_losses_are_its_own_not_its_victims() -> None:
    """Armenian 'Պաշտպանության բանակում զոհվածների թիվը հասել է չորսի' (the number of dead
    in the Defence Army has reached four) is the army's own toll (read in the dative
    'չորսի'); English 'Azerbaijani forces killed two soldiers' keeps the forces the
    attacker."""
    lead = (
        "Ադրբեջանական զինուժը գիշերը հրետակոծել է Սոթքի մոտ գտնվող մեր դիրքերը, "
        "հայտնում է ՀՀ ՊՆ-ն։ "
    )
    toll = _run(
        "Սոթքի մոտ կրակոցներ", lead + "Պաշտպանության բանակում զոհվածների թիվը հասել է չորսի։"
    )
    assert _figures(toll) == {("armenian", "killed", 4)}
    active = _run(
        "Sotk shelled", _AM_LEAD + "Azerbaijani forces killed two soldiers, the army said."
    )
    assert _figures(active) == {("armenian", "killed", 2)}


_KARABAKH_LEAD = (
    "Azerbaijani forces shelled Martakert overnight, Karabakh's Defence Army said. "
    "Sirens sounded across the town. "
)
_TARTAR_LEAD = (
    "Armenian forces shelled Tartar overnight, Azerbaijani officials said. "
    "Azerbaijan confirmed the strike. "
)


def test_an_official_named_by_side_speaks_for_its_side() -> None:
    """'a Karabakh official said 12 people had been killed' is Karabakh's (the Armenian
    side's) figure; the same official named without a speech verb ('visited') speaks for
    nothing, nor do 'officials' a comma away from a side ('Azerbaijani positions near
    Kalbajar, officials said')."""
    said = _run(
        "Fighting in Karabakh",
        _KARABAKH_LEAD + "Later a Karabakh official said 12 people had been killed in the "
        "Azerbaijani shelling.",
    )
    assert _figures(said) == {("armenian", "killed", 12)}
    assert any(c.claimed_by == "karabakh" and c.killed == 12 for c in said.casualties)
    visited = _run(
        "Fighting in Karabakh",
        _KARABAKH_LEAD + "Later a Karabakh official visited 12 people who had been killed.",
    )
    assert _figures(visited) == set()
    elsewhere = _run(
        "Fighting in Karabakh",
        _KARABAKH_LEAD + "Fire hit Azerbaijani positions near Kalbajar, officials said, and "
        "two soldiers were killed.",
    )
    assert not any(c.claimed_by == "az_gov" for c in elsewhere.casualties)


def test_its_institution_is_the_last_speaker_s() -> None:
    """'Its Foreign Ministry said two civilians were killed' after Azerbaijan spoke is
    Azerbaijan's figure (its 'Foreign Ministry' is no foreigner); 'Its Foreign Ministry met
    two civilians who were wounded' says nothing of its own."""
    said = _run(
        "Tartar shelled",
        _TARTAR_LEAD + "Its Foreign Ministry said two civilians were killed by Armenian shelling.",
    )
    assert _figures(said) == {("azerbaijani", "killed", 2)}
    assert [c.claimed_by for c in said.casualties if c.killed] == ["az_gov"]
    met = _run(
        "Tartar shelled", _TARTAR_LEAD + "Its Foreign Ministry met two civilians who were wounded."
    )
    assert _figures(met) == set()


def test_counts_joined_by_and_after_the_casualty_word() -> None:
    """'killed three soldiers and two civilians' gives both groups (two figures of the
    side); 'killed three soldiers, and two civilians fled' gives the soldiers only."""
    both = _run(
        "Tartar shelled",
        _TARTAR_LEAD + "An Armenian shell killed three soldiers and two civilians, the ministry "
        "said.",
    )
    assert _figures(both) == {("azerbaijani", "killed", 3), ("azerbaijani", "killed", 2)}
    fled = _run(
        "Tartar shelled",
        _TARTAR_LEAD + "An Armenian shell killed three soldiers, and two civilians fled, the "
        "ministry said.",
    )
    assert _figures(fled) == {("azerbaijani", "killed", 3)}


def test_one_person_with_an_age_before_the_noun() -> None:
    """'a 45-year-old local resident was killed' is one death (the age is no count); 'local
    residents were killed' gives no number."""
    one = _run(
        "Tartar shelled",
        _TARTAR_LEAD + "The ministry said a 45-year-old local resident was killed by Armenian "
        "shelling.",
    )
    assert _figures(one) == {("azerbaijani", "killed", 1)}
    many = _run(
        "Tartar shelled",
        _TARTAR_LEAD + "The ministry said local residents were killed by Armenian shelling.",
    )
    assert _figures(many) == set()


def test_a_border_named_is_no_party_s_people() -> None:
    """'in the city, 60 km from the Armenian border' does not make the victims Armenian: the
    speaker's side stands; 'Armenian civilians' would."""
    r = _run(
        "Tartar shelled",
        _TARTAR_LEAD + "The ministry said one civilian was killed by Armenian shelling in the "
        "town, which lies about 60 km from the Armenian border.",
    )
    assert _figures(r) == {("azerbaijani", "killed", 1)}
    named = _run(
        "Tartar shelled",
        _TARTAR_LEAD + "The ministry said one Armenian civilian was killed in the town.",
    )
    assert ("azerbaijani", "killed", 1) not in _figures(named)


def test_counts_joined_by_and_before_the_casualty_word() -> None:
    """'Two ethnic Armenian police officers and three Azerbaijani soldiers were killed' gives
    both sides their dead, the first count more than eight words from the verb; a clause
    break (';') between them keeps the first count out."""
    lead = (
        "Azerbaijani troops opened fire on a Karabakh police car near Lachin, Karabakh's "
        "Defence Army said. "
    )
    both = _run(
        "Shootout near Lachin",
        lead + "Two ethnic Armenian police officers and three Azerbaijani soldiers were "
        "killed, officials on both sides said.",
    )
    assert {f for f in _figures(both)} == {("armenian", "killed", 2), ("azerbaijani", "killed", 3)}
    broken = _run(
        "Shootout near Lachin",
        lead + "Two ethnic Armenian police officers died; three Azerbaijani soldiers were "
        "killed, officials on both sides said.",
    )
    assert ("azerbaijani", "killed", 2) not in _figures(broken)
    assert ("azerbaijani", "killed", 3) in _figures(broken)


def test_azerbaijani_martyr_is_azerbaijan_s_dead() -> None:
    """Azerbaijani 'şəhid olub' (was martyred) is said of Azerbaijan's own dead; 'erməni
    əsgəri həlak olub' names the dead as Armenian."""
    lead = (
        "Müdafiə Nazirliyi bildirib ki, erməni bölmələri Kəlbəcər istiqamətində mövqelərimizi "
        "atəşə tutub. Atışma bir saat davam edib. Ərazidə axtarış aparılır. "
    )
    martyr = _run("Kəlbəcərdə atışma", lead + "Atışma zamanı əsgər Elvin Məmmədov şəhid olub.")
    assert _figures(martyr) == {("azerbaijani", "killed", 1)}
    other = _run("Kəlbəcərdə atışma", lead + "Atışma zamanı erməni əsgəri həlak olub.")
    assert ("azerbaijani", "killed", 1) not in _figures(other)


def test_a_side_s_losses_named_give_the_counts_after_them() -> None:
    """Russian 'Потери азербайджанской стороны составили двое погибших и один раненый' (told by
    a third party) are Azerbaijan's 2 dead and 1 wounded; 'Азербайджанская сторона нанесла
    потери' (inflicted losses) gives Azerbaijan no figure."""
    lead = (
        "Минобороны России сообщило о перестрелке у Лачина между азербайджанскими военными и "
        "армянскими полицейскими. "
    )
    own = _run(
        "Перестрелка у Лачина",
        lead + "Потери азербайджанской стороны составили двое погибших и один раненый.",
    )
    assert _figures(own) == {("azerbaijani", "killed", 2), ("azerbaijani", "wounded", 1)}
    inflicted = _run(
        "Перестрелка у Лачина",
        lead + "Азербайджанская сторона нанесла потери, погибли двое и один ранен.",
    )
    assert not any(side == "azerbaijani" for side, _, _ in _figures(inflicted))


def test_according_to_an_office_of_a_side() -> None:
    """Russian 'По данным Генеральной прокуратуры Азербайджана, погибли пятеро мирных
    жителей' past the lead is Azerbaijan's figure; the office named without 'по данным' or a
    speech verb ('сотрудники ... осмотрели район') speaks for nothing."""
    lead = (
        "Армянские подразделения обстреляли Тертер, заявило Минобороны Азербайджана. "
        "Обстрел продолжался два часа. Горели дома. "
    )
    according = _run(
        "Обстрел Тертера",
        lead + "По данным Генеральной прокуратуры Азербайджана, в результате армянского "
        "обстрела погибли пятеро мирных жителей.",
    )
    assert _figures(according) == {("azerbaijani", "killed", 5)}
    visited = _run(
        "Обстрел Тертера",
        lead + "Сотрудники Генеральной прокуратуры Азербайджана осмотрели район, где погибли "
        "пятеро мирных жителей.",
    )
    assert _figures(visited) == set()


def test_a_side_s_weapon_is_the_attacker() -> None:
    """Russian 'при бомбардировке Мартакерта азербайджанской авиацией погибли трое мирных
    жителей', told by Karabakh, are Karabakh's dead (Azerbaijan's aircraft struck); 'погибли
    трое азербайджанских военных' are Azerbaijan's."""
    lead = (
        "Армия обороны Карабаха обвинила Азербайджан в нападении. "
        "Пресс-секретарь президента НКР заявил, что "
    )
    aircraft = _run(
        "Удар по Мартакерту",
        lead + "при бомбардировке Мартакерта азербайджанской авиацией погибли трое мирных жителей.",
    )
    assert _figures(aircraft) == {("armenian", "killed", 3)}
    named = _run(
        "Удар по Мартакерту",
        lead + "при бомбардировке Мартакерта погибли трое азербайджанских военных.",
    )
    assert _figures(named) == {("azerbaijani", "killed", 3)}


def test_a_dozen_is_no_figure() -> None:
    """'more than a dozen wounded' is an approximation, no figure; 'fourteen wounded' is."""
    lead = "Azerbaijani drones struck Karabakh positions, Karabakh's Defence Army said. "
    dozen = _run("Drone strikes", lead + "Two soldiers were killed and more than a dozen wounded.")
    assert _figures(dozen) == {("armenian", "killed", 2)}
    exact = _run("Drone strikes", lead + "Two soldiers were killed and fourteen wounded.")
    assert _figures(exact) == {("armenian", "killed", 2), ("armenian", "wounded", 14)}


def test_groups_of_one_kind_counted_together_add_up() -> None:
    """'killed two conscripts and three officers' is five dead soldiers, one figure; groups
    of different kinds ('two soldiers and three civilians') stay two figures."""
    same = _run(
        "Tartar shelled",
        _TARTAR_LEAD + "An Armenian shell killed two conscripts and three officers, the "
        "ministry said.",
    )
    assert _figures(same) == {("azerbaijani", "killed", 5)}


def test_ages_are_not_counts_joined_to_a_figure() -> None:
    """Russian 'в том числе двое школьников 13 и 14 лет, ещё 30 человек получили ранения':
    30 wounded, not 13 + 30 (the ages are no group)."""
    lead = (
        "Армянские подразделения обстреляли Тертер, заявило Минобороны Азербайджана. "
        "По данным Генеральной прокуратуры Азербайджана, погибли 10 мирных жителей, в том "
        "числе двое школьников 13 и 14 лет, ещё 30 человек получили ранения."
    )
    r = _run("Обстрел Тертера", lead)
    assert _figures(r) == {("azerbaijani", "killed", 10), ("azerbaijani", "wounded", 30)}


def test_as_a_result_tells_the_victims_of_the_act_before() -> None:
    """Russian 'X открыли огонь по автомобилю армянских полицейских. В результате погибли два
    человека': the dead are of the side fired upon (not the accused's); when the car was the
    Russian peacekeepers', the dead are nobody's side."""
    opening = (
        "Минобороны России сообщило о перестрелке у Лачина. Обстановка напряжённая. "
        "По данным российского ведомства, азербайджанские военные открыли огонь по "
    )
    police = _run(
        "Перестрелка у Лачина",
        opening + "автомобилю армянских полицейских. В результате погибли два человека.",
    )
    assert _figures(police) == {("armenian", "killed", 2)}
    peacekeepers = _run(
        "Перестрелка у Лачина",
        opening + "машине российских миротворцев. В результате погибли два человека.",
    )
    assert _figures(peacekeepers) == set()


def test_the_region_s_ombudsman_is_karabakh_s() -> None:
    """'The region's human rights ombudsman said 40 people had been wounded' in a Karabakh
    report is Karabakh's figure; the ombudsman who only 'visited' the wounded gives none."""
    lead = (
        "Azerbaijani forces shelled Martakert overnight, Karabakh's Defence Army said. "
        "Sirens sounded across the town. Shops stayed closed. "
    )
    said = _run(
        "Fighting in Karabakh",
        lead + "The region's human rights ombudsman said 40 people had been wounded in the "
        "Azerbaijani shelling.",
    )
    assert _figures(said) == {("armenian", "wounded", 40)}
    visited = _run(
        "Fighting in Karabakh",
        lead + "The region's human rights ombudsman visited 40 people who had been wounded.",
    )
    assert _figures(visited) == set()


def test_an_office_without_a_country_right_after_a_side_s_speaker() -> None:
    """'The Prosecutor General's Office said 19 civilians had been wounded by Armenian
    shelling' right after Azerbaijan's Foreign Ministry spoke is Azerbaijan's figure, in
    Azerbaijan's voice; past the lead, the same office with no attack named gives no figure
    (it may tell an earlier event or a running total)."""
    opening = (
        "Armenian forces shelled Tartar overnight, Azerbaijani officials said. "
        "Azerbaijan confirmed the strike. Azerbaijan's Foreign Ministry called it a war crime. "
    )
    office = "The Prosecutor General's Office said 19 civilians had been wounded"
    attack = _run("Tartar shelled", opening + office + " by Armenian shelling.")
    assert _figures(attack) == {("azerbaijani", "wounded", 19)}
    assert [c.claimed_by for c in attack.casualties if c.wounded] == ["az_gov"]
    bare = _run("Tartar shelled", opening + office + ".")
    assert _figures(bare) == set()


_TARTAR_AZ = (
    "Ermənistan silahlı qüvvələri gecə Tərtər şəhərini artilleriyadan atəşə tutub. "
    "Bu barədə Müdafiə Nazirliyi məlumat yayıb. Şəhərdə sirenlər səslənib. "
)


def test_according_to_the_statement_never_gives_the_attacker_the_dead() -> None:
    """Azerbaijani 'Açıqlanan məlumata görə, erməni hücumu nəticəsində 3 mülki şəxs həlak
    olub' (according to the information released, 3 civilians died in the Armenian attack)
    never gives the three to Armenia, the attacker; nor does 'Erməni mənbələrinin məlumatına
    görə' (according to Armenian sources), another voice than the ministry's. (Since the
    claims round reads 'erməni' here as a voice, the first abstains instead of giving
    Azerbaijan's figure: see the report of this round.)"""
    released = _run(
        "Tərtər atəşə tutulub",
        _TARTAR_AZ + "Açıqlanan məlumata görə, erməni hücumu nəticəsində 3 mülki şəxs həlak olub.",
    )
    assert ("armenian", "killed", 3) not in _figures(released)
    other = _run(
        "Tərtər atəşə tutulub",
        _TARTAR_AZ
        + "Erməni mənbələrinin məlumatına görə, hücum nəticəsində 3 mülki şəxs həlak olub.",
    )
    assert _figures(other) == set()


def test_an_office_in_an_azerbaijani_report_is_azerbaijan_s() -> None:
    """'Baş Prokurorluq məlumat yayıb ki, ... 2 polis əməkdaşı həyatını itirib' (the
    Prosecutor General's Office reported that two police officers lost their lives): an
    Azerbaijani office's figure; the office named as a place ('binasında') speaks for none."""
    said = _run(
        "Tərtər atəşə tutulub",
        _TARTAR_AZ + "Baş Prokurorluq məlumat yayıb ki, erməni atəşi nəticəsində 2 polis "
        "əməkdaşı həyatını itirib.",
    )
    assert _figures(said) == {("azerbaijani", "killed", 2)}
    place = _run(
        "Tərtər atəşə tutulub",
        _TARTAR_AZ + "Baş Prokurorluq binasında 2 polis əməkdaşı həyatını itirib.",
    )
    assert _figures(place) == set()


def test_a_person_named_and_kin_counted() -> None:
    """'a shell killed Ali Mammadov and three relatives' is four dead; Armenian 'զոհվել են
    Արմեն Սարգսյանը և նրա ընտանիքի երկու անդամ' is three; the same people evacuated are no
    casualties."""
    en = _run(
        "Tartar shelled",
        _TARTAR_LEAD + "Azerbaijan's Foreign Ministry said an Armenian shell killed Ali Mammadov "
        "and three relatives in their home.",
    )
    assert _figures(en) == {("azerbaijani", "killed", 4)}
    lead = "Ադրբեջանական զինուժը գիշերը հրետակոծել է Սոթքի մոտ գտնվող գյուղը, հայտնում է ՀՀ ՊՆ-ն։ "
    hy = _run(
        "Սոթքը հրետակոծվել է",
        lead + "ՀՀ ՊՆ-ն հայտնել է, որ ադրբեջանական հրետակոծության հետևանքով զոհվել են Արմեն "
        "Սարգսյանը և նրա ընտանիքի երկու անդամ։",
    )
    assert _figures(hy) == {("armenian", "killed", 3)}
    evacuated = _run(
        "Սոթքը հրետակոծվել է",
        lead + "ՀՀ ՊՆ-ն հայտնել է, որ Արմեն Սարգսյանը և նրա ընտանիքի երկու անդամ տարհանվել են։",
    )
    assert _figures(evacuated) == set()


def test_a_count_denied_is_no_figure() -> None:
    """'The ministry denied reports that two of its soldiers were killed' and Russian
    'Министерство опровергло сообщения о гибели двух своих военнослужащих' give no figure;
    a denial past a ';' leaves the count before it ('two soldiers were killed; it later
    denied rumours of a retreat')."""
    denied = _run(
        "Kalbajar shooting",
        _AZ_LEAD + "The ministry denied reports that two of its soldiers were killed.",
    )
    assert _figures(denied) == set()
    ru_lead = (
        "Армянские подразделения обстреляли азербайджанские позиции у Кяльбаджара, заявило "
        "Минобороны Азербайджана. Обстрел длился два часа. "
    )
    ru = _run(
        "Кяльбаджар",
        ru_lead + "Министерство опровергло сообщения о гибели двух своих военнослужащих.",
    )
    assert _figures(ru) == set()
    later = _run(
        "Kalbajar shooting",
        _AZ_LEAD + "The ministry said two soldiers were killed; it later denied rumours of a "
        "retreat.",
    )
    assert _figures(later) == {("azerbaijani", "killed", 2)}


def test_a_town_that_lies_somewhere_denies_nothing() -> None:
    """'the city, which lies about 60 km from the border' is no denial (the figure stands);
    'the reports are lies' is one."""
    lies = _run(
        "Tartar shelled",
        _TARTAR_LEAD + "Its Foreign Ministry said one civilian was killed by Armenian shelling "
        "in the city, which lies about 60 km from the border.",
    )
    assert _figures(lies) == {("azerbaijani", "killed", 1)}
    denial = _run(
        "Tartar shelled",
        _TARTAR_LEAD + "Its Foreign Ministry said reports are lies and that no civilian was "
        "killed.",
    )
    assert _figures(denial) == set()


_RU_AZ_LEAD = (
    "Армянские подразделения обстреляли азербайджанские позиции у Кяльбаджара, заявило "
    "Минобороны Азербайджана. Обстрел длился два часа. "
)


def test_deaths_inflicted_take_a_side_from_their_words_only() -> None:
    """Russian 'были уничтожены 14 азербайджанских солдат' (destroyed) are Azerbaijan's dead;
    'его подразделения уничтожили 14 солдат' (its units destroyed 14 soldiers) never become
    the speaker's own dead."""
    named = _run(
        "Кяльбаджар",
        _RU_AZ_LEAD + "Армянская сторона заявила, что при отражении атаки были уничтожены 14 "
        "азербайджанских солдат.",
    )
    assert ("azerbaijani", "killed", 14) in _figures(named)
    own = _run(
        "Кяльбаджар",
        _RU_AZ_LEAD + "Министерство заявило, что его подразделения уничтожили 14 солдат.",
    )
    assert _figures(own) == set()


def test_a_ministry_s_headline_figure_stands_beside_the_other_side_s_estimate() -> None:
    """The headline 'Минобороны Азербайджана сообщило о гибели восьми военнослужащих' keeps
    the ministry's 8 when the body gives only Armenia's estimate of Azerbaijan's dead (14); a
    headline naming no voice yields to the body's exact figure."""
    body = (
        "Армянская сторона заявила, что при отражении атаки были уничтожены 14 "
        "азербайджанских солдат."
    )
    ministry = _run(
        "Минобороны Азербайджана сообщило о гибели восьми военнослужащих", _RU_AZ_LEAD + body
    )
    assert {("azerbaijani", "killed", 8), ("azerbaijani", "killed", 14)} <= _figures(ministry)
    plain = _run("Погибли около десяти азербайджанских военных", _RU_AZ_LEAD + body)
    assert ("azerbaijani", "killed", 10) not in _figures(plain)


def test_a_headline_restating_the_body_s_number_is_not_a_second_figure() -> None:
    """'Four Armenian soldiers dead, Baku cites riposte' over 'Yerevan said Azerbaijani fire
    killed four soldiers' is one figure, Yerevan's: Baku named in the headline did not give
    it."""
    r = _run(
        "Four Armenian soldiers dead, Baku cites 'riposte'",
        "Yerevan said Azerbaijani fire killed four soldiers near Nerkin Hand. Baku's border "
        "guards called it a riposte.",
    )
    four = [c for c in r.casualties if c.killed == 4]
    assert [(c.side, c.claimed_by) for c in four] == [("armenian", "am_gov")]


_KALBAJAR_AZ = (
    "Erməni bölmələri Kəlbəcər istiqamətində mövqelərimizi atəşə tutub, Müdafiə Nazirliyi "
    "bildirib. Atışma iki saat davam edib. Kəndlərdə evlər zədələnib. "
)


def test_the_ministry_named_alone_is_the_last_speaker() -> None:
    """Azerbaijani 'Nazirlik bildirib ki, iki hərbçi həlak olub' (the ministry said two
    servicemen died) is the ministry's own side's figure; 'bölmələrimiz cavab atəşi açıb'
    (our units returned fire) in the same sentence leaves the dead without a side."""
    said = _run(
        "Kəlbəcər",
        _KALBAJAR_AZ + "Nazirlik bildirib ki, erməni atəşi nəticəsində iki hərbçi həlak olub.",
    )
    assert _figures(said) == {("azerbaijani", "killed", 2)}
    returned = _run(
        "Kəlbəcər",
        _KALBAJAR_AZ
        + "Nazirlik bildirib ki, bölmələrimiz cavab atəşi açıb, iki hərbçi həlak olub.",
    )
    assert _figures(returned) == set()


def test_the_enemy_s_dead_destroyed_are_the_other_side_s() -> None:
    """Azerbaijani 'düşmənin 5 hərbçisi məhv edilib' (5 of the enemy's servicemen were
    destroyed) are Armenia's dead: the verb of deaths inflicted is no act of the enemy."""
    r = _run("Kəlbəcər", _KALBAJAR_AZ + "Nazirlik bildirib ki, düşmənin 5 hərbçisi məhv edilib.")
    assert _figures(r) == {("armenian", "killed", 5)}


def test_the_enemy_lost_is_not_the_speaker_s_country() -> None:
    """Russian 'Минобороны Армении сообщило, что противник потерял пятерых военнослужащих'
    gives Azerbaijan five dead, not Armenia (named before 'the enemy'); 'Азербайджан потерял
    пятерых' names the loser."""
    lead = (
        "Азербайджанские подразделения обстреляли армянские позиции у Сотка, сообщило "
        "Минобороны Армении. Обстрел длился два часа. В селе повреждены дома. "
    )
    enemy = _run(
        "Сотк",
        lead + "Минобороны Армении сообщило, что противник потерял пятерых военнослужащих.",
    )
    assert _figures(enemy) == {("azerbaijani", "killed", 5)}
    named = _run(
        "Сотк",
        lead + "Минобороны Армении сообщило, что Азербайджан потерял пятерых военнослужащих.",
    )
    assert _figures(named) == {("azerbaijani", "killed", 5)}


def test_the_next_clause_s_subject_is_not_the_count_s_genitive() -> None:
    """'..., killing one serviceman; Baku said one of its soldiers was wounded': Baku after
    the ';' is not 'serviceman of Baku' (the dead is Armenia's, the wounded Azerbaijan's);
    'two soldiers of the Azerbaijani army were killed' keeps its genitive."""
    r = _run(
        "Armenian soldier shot dead on Nakhichevan border",
        "Armenia's Defense Ministry said Azerbaijani troops opened targeted fire at Yeraskh, "
        "killing one serviceman; Baku said one of its soldiers was wounded.",
    )
    assert ("azerbaijani", "killed", 1) not in _figures(r)
    assert ("azerbaijani", "wounded", 1) in _figures(r)
    genitive = _run(
        "Kalbajar shooting",
        _AZ_LEAD + "The ministry said two soldiers of the Azerbaijani army were killed.",
    )
    assert _figures(genitive) == {("azerbaijani", "killed", 2)}


def test_one_person_named_with_a_side_adjective() -> None:
    """The headline 'Armenian soldier shot dead on Nakhichevan border' is one Armenian dead;
    'Soldier shot dead on Nakhichevan border' names no side."""
    body = "Azerbaijani troops opened fire at Yeraskh, Armenia's Defense Ministry said."
    named = _run("Armenian soldier shot dead on Nakhichevan border", body)
    assert ("armenian", "killed", 1) in _figures(named)
    plain = _run("Soldier shot dead on Nakhichevan border", "Troops opened fire at Yeraskh.")
    assert _figures(plain) == set()


def test_a_side_s_possessive_before_the_count() -> None:
    """Azerbaijani 'erməni tərəfinin 4 hərbçisi həlak olub' (4 servicemen of the Armenian
    side died), told by an Azerbaijani office, are Armenia's dead; 'Ermənistanda, 4 hərbçi'
    (in Armenia, after a comma) is no possessive."""
    owner = _run(
        "Kəlbəcər",
        _KALBAJAR_AZ + "Baş Prokurorluq bildirib ki, erməni tərəfinin 4 hərbçisi həlak olub.",
    )
    assert _figures(owner) == {("armenian", "killed", 4)}
    comma = _run(
        "Kəlbəcər",
        _KALBAJAR_AZ + "Baş Prokurorluq bildirib ki, Ermənistan, 4 hərbçi həlak olub.",
    )
    assert ("armenian", "killed", 4) not in _figures(comma)


def test_a_count_before_a_colon_is_not_the_next_speaker_s() -> None:
    """'At least seven died: Armenia reported four soldiers killed, Azerbaijan three' - the
    seven are both sides' dead summed by the outlet, not Armenia's; 'Seven soldiers died,
    Armenia reported' is Armenia's seven."""
    lead = "Azerbaijani troops opened fire near Tegh, Armenia's Defence Ministry said. "
    summed = _run(
        "Tegh firefight",
        lead + "At least seven died: Armenia reported four soldiers killed, Azerbaijan three dead.",
    )
    assert ("armenian", "killed", 7) not in _figures(summed)
    own = _run("Tegh firefight", lead + "Seven soldiers died, Armenia reported.")
    assert _figures(own) == {("armenian", "killed", 7)}


def test_civilians_of_a_place_that_never_changed_hands() -> None:
    """Russian 'Снаряд, попавший в Товуз, убил двоих мирных жителей' after an accusation: the
    civilians of Tovuz are Azerbaijan's; soldiers there could be either side's (no figure)."""
    lead = (
        "Армянские подразделения обстреляли азербайджанские позиции, заявило Минобороны "
        "Азербайджана. Обстрел длился два часа. Работали спасатели. "
        "Армения обвинила Азербайджан в провокации. "
    )
    civilians = _run("Товуз", lead + "Снаряд, попавший в Товуз, убил двоих мирных жителей.")
    assert _figures(civilians) == {("azerbaijani", "killed", 2)}
    soldiers = _run("Товуз", lead + "Снаряд, попавший в Товуз, убил двоих военнослужащих.")
    assert _figures(soldiers) == set()


def test_a_speaker_s_side_is_not_given_civilians_of_the_other_side_s_town() -> None:
    """'Armenia's Defence Ministry said three civilians were killed in Ganja' gives no
    Armenian figure (Ganja's civilians are Azerbaijan's); 'in Goris' gives Armenia's three."""
    lead = (
        "Armenian forces fired missiles at Azerbaijani cities overnight, Baku said. Sirens "
        "sounded. Rescue teams worked through the night. "
    )
    ganja = _run(
        "Ganja", lead + "Armenia's Defence Ministry said three civilians were killed in Ganja."
    )
    assert ("armenian", "killed", 3) not in _figures(ganja)
    goris = _run("Ganja", lead + "Armenian officials said three civilians were killed in Goris.")
    assert _figures(goris) == {("armenian", "killed", 3)}


def test_died_of_wounds_in_russian_is_one_death() -> None:
    """Russian 'военнослужащий скончался от полученных ранений' is one death, no wounded;
    'военнослужащий получил ранения' is one wounded."""
    died = _run(
        "Кяльбаджар",
        _RU_AZ_LEAD + "Министерство сообщило, что после армянского обстрела военнослужащий "
        "скончался от полученных ранений.",
    )
    assert _figures(died) == {("azerbaijani", "killed", 1)}
    hurt = _run(
        "Кяльбаджар",
        _RU_AZ_LEAD + "Министерство сообщило, что после армянского обстрела военнослужащий "
        "получил ранения.",
    )
    assert _figures(hurt) == {("azerbaijani", "wounded", 1)}


def test_an_army_owning_the_people_is_their_side_not_the_attacker() -> None:
    """'Two servicemen of the Azerbaijani Army' (az genitive, en compound) name the victims'
    side: the army is their owner, never an attacker whose other side gets the count. With
    names between the count and the verb the reader may abstain, but never flips the side."""
    az = "Atışma zamanı Azərbaycan Ordusunun hərbçisi, kiçik çavuş Murad Həsənov yaralanıb."
    assert _figures(_run("Döyüş", az, "az")) <= {("azerbaijani", "wounded", 1)}
    en = "Two Azerbaijani army servicemen were wounded near Kalbajar."
    assert _figures(_run("Border fire", en, "en")) <= {("azerbaijani", "wounded", 2)}
    twin = "Azerbaijani army units fired on the village and killed two residents."
    assert ("azerbaijani", "killed", 2) not in _figures(_run("Border fire", twin, "en"))


def test_azerbaijani_n_of_them_is_a_count() -> None:
    """'beşi yaralanıb' (five of them were wounded) is five wounded, not a single one."""
    title = "Tovuz istiqamətində döyüş: iki hərbçimiz şəhid olub, beşi yaralanıb"
    body = "Müdafiə Nazirliyi bildirib ki, Ermənistan bölmələri mövqelərimizi atəşə tutub."
    wounded = {f[2] for f in _figures(_run(title, body, "az")) if f[1] == "wounded"}
    assert 1 not in wounded


def test_own_forces_acting_in_the_sentence_before_leave_the_dead_unclear() -> None:
    """'Its forces shot down an Armenian helicopter. The crew of two was killed': the dead are
    not the speaker's; with no side in the count's sentence the figure gets no side. The twin,
    the other side attacking in the sentence before, keeps the speaker's own dead."""
    shot = (
        "Azerbaijan's Defence Ministry said its forces shot down an Armenian military "
        "helicopter near Aghdam. The crew of two was killed."
    )
    assert not {f for f in _figures(_run("Helicopter down near Aghdam", shot, "en")) if f[0]}
    hit = (
        "Armenian forces attacked Azerbaijani positions near Kalbajar, Azerbaijan's Defence "
        "Ministry said. Two servicemen were killed."
    )
    assert _figures(_run("Clash near Kalbajar", hit, "en")) == {("azerbaijani", "killed", 2)}
