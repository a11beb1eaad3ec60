"""Who says what: speech verbs from one lexicon group, implicit accusations, speakers named by
place or office, denials and their false friends. Sentences written for these tests."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.classifier import Classification, ItemText, classify
from bot.classifier.lexicon import group_pattern
from bot.classifier.normalize import normalize

PUB = datetime(2025, 6, 5, 9, 0, tzinfo=UTC)
_BOT = Path(__file__).resolve().parents[2] / "bot"

# Stems of speech verbs in the four languages: none may appear in a regex of the code.
_SPEECH_STEMS = ("said", "says", "stated", "заяви", "сообщи", "утвержда", "հայտն", "bildir")


def _run(title: str, summary: str = "") -> Classification:
    return classify(ItemText(id="s", title=title, summary=summary, published=PUB))


def _claims(result: Classification) -> set[tuple[str, str, str | None]]:
    return {(c.actor, c.stance, c.accused) for c in result.claims}


def _regex_literals(tree: ast.AST) -> list[str]:
    """The string constants inside every `re.compile(...)` call of a module."""
    out: list[str] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "compile"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
        ):
            for arg in node.args[:1]:
                out += [
                    c.value
                    for c in ast.walk(arg)
                    if isinstance(c, ast.Constant) and isinstance(c.value, str)
                ]
    return out


def test_speech_verbs_live_only_in_the_lexicon() -> None:
    """No module of the bot spells a speech verb in a regex: they come from the `speech` group."""
    offenders = []
    for path in sorted(_BOT.rglob("*.py")):
        for literal in _regex_literals(ast.parse(path.read_text("utf-8"))):
            low = literal.lower()
            offenders += [f"{path.name}: {stem}" for stem in _SPEECH_STEMS if stem in low]
    assert offenders == []


def test_the_check_above_finds_a_spelled_verb() -> None:
    """The scan sees a speech verb spelled inside a regex (so the test above can fail)."""
    tree = ast.parse('import re\nX = re.compile(r"(?:it|he)\\s+" r"(?:said|noted)")\n')
    assert any("said" in lit for lit in _regex_literals(tree))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("the ministry said", "said"),
        ("баку заявил", "заявил"),
        ("azerbaycan tekzib edib", "tekzib edib"),
        ("նախարարությունը հայտնել է", "հայտնել"),
    ],
)
def test_speech_group_pattern_matches_verbs(text: str, found: str) -> None:
    """The `speech` group's pattern finds the verb forms of the four languages."""
    m = re.search(group_pattern("speech", "speech_more"), normalize(text))
    assert m is not None
    assert m.group() == normalize(found)


@pytest.mark.parametrize(
    "text", ["the unsaid", "заявление министерства", "ամբողջ հայտարարությունը"]
)
def test_speech_group_pattern_skips_nouns_and_inner_words(text: str) -> None:
    """Nouns ("заявление", "statement") and words that only contain a verb are no speech."""
    assert re.search(group_pattern("speech", "speech_more"), normalize(text)) is None


def test_condemning_the_attack_accuses_the_other_side() -> None:
    """A side's ministry calling what happened "treacherous", "a war crime" accuses the other."""
    r = _run(
        "Tartar shelled overnight",
        "Azerbaijan's Foreign Ministry called the overnight shelling of Tartar a treacherous "
        "war crime.",
    )
    assert ("az_gov", "accusation", "armenian") in _claims(r)


def test_a_comment_without_condemnation_accuses_no_one() -> None:
    """The same speaker and place without a condemning word is no accusation."""
    r = _run(
        "Tartar shelled overnight",
        "Azerbaijan's Foreign Ministry commented on the overnight shelling of Tartar.",
    )
    assert not any(c.stance == "accusation" and c.actor == "az_gov" for c in r.claims)


def test_condemnation_gives_no_side_to_a_figure() -> None:
    """A condemnation tells no attack on the speaker's own people: a count whose words name
    no side stays without one."""
    r = _run(
        "Journalists wounded near Tartar",
        "Three journalists were wounded near Tartar, Azerbaijan's ombudsman said, "
        "calling it a war crime.",
    )
    assert not any(c.side == "azerbaijani" and c.wounded for c in r.casualties)


def test_an_attack_on_the_speakers_side_gives_its_figure() -> None:
    """The twin: a ministry reporting fire on its positions speaks for the count in its lead."""
    r = _run(
        "Soldiers wounded near Tartar",
        "Three soldiers were wounded when Armenian forces shelled positions near Tartar "
        "Azerbaijan's Defence Ministry said.",
    )
    assert any(c.side == "azerbaijani" and c.wounded == 3 for c in r.casualties)


def test_an_operation_names_its_side_as_the_one_acting() -> None:
    """"в результате азербайджанской военной операции погибли": the speaker accuses Azerbaijan."""
    r = _run(
        "Омбудсмен Карабаха о жертвах",
        "Омбудсмен Карабаха сообщил, что в результате азербайджанской военной операции "
        "погибли десятки человек.",
    )
    assert ("karabakh", "accusation", "azerbaijani") in _claims(r)


def test_a_side_announcing_its_own_operation_accuses_no_one() -> None:
    """A ministry telling of its own side's operation does not accuse its own side."""
    r = _run(
        "Минобороны Азербайджана об операции",
        "Минобороны Азербайджана сообщило о завершении азербайджанской военной операции.",
    )
    assert not any(c.accused == "azerbaijani" for c in r.claims)


def test_missiles_launched_from_a_sides_territory_accuse_it() -> None:
    """"officials in Baku said the missiles had been launched from Armenian territory"."""
    r = _run(
        "Missiles hit Mingachevir",
        "Officials in Baku said the missiles had been launched from Armenian territory.",
    )
    assert ("az_gov", "accusation", "armenian") in _claims(r)


def test_missiles_falling_on_a_sides_territory_accuse_no_one() -> None:
    """The twin: missiles that fell on a side's territory name the victim, not the attacker."""
    r = _run(
        "Missiles hit Mingachevir",
        "Officials in Baku said the missiles had fallen on Azerbaijani territory.",
    )
    assert not any(c.stance == "accusation" and c.accused == "armenian" for c in r.claims)


def test_a_shot_from_the_other_side_is_an_accusation() -> None:
    """"в результате выстрела с азербайджанской стороны", carried to the ministry named before."""
    r = _run(
        "Погиб военнослужащий",
        "Военнослужащий погиб на позиции в Тавуше, сообщили в Минобороны Армении. "
        "По предварительным данным, он получил ранение в результате выстрела с азербайджанской "
        "стороны.",
    )
    assert ("am_mod", "accusation", "azerbaijani") in _claims(r)


def test_a_meeting_with_the_other_side_is_no_accusation() -> None:
    """"встретилась с азербайджанской стороной": no fire, no accusation."""
    r = _run(
        "Встреча комиссий",
        "Армянская делегация, сообщили в Минобороны Армении, встретилась с азербайджанской "
        "стороной в Иджеване.",
    )
    assert not any(c.stance == "accusation" for c in r.claims)


def test_a_side_spoken_to_is_no_speaker() -> None:
    """"the Azerbaijani side was told to leave, the ministry said": Armenia's ministry speaks."""
    r = _run(
        "Armenia says troops crossed near Ishkhanasar",
        "Armenia's Defence Ministry said Azerbaijani troops had crossed the border near "
        "Ishkhanasar. The Azerbaijani side was told to withdraw, the ministry said.",
    )
    assert "az_gov" not in {c.actor for c in r.claims}


def test_a_side_that_says_speaks() -> None:
    """The twin: "the Azerbaijani side said" is Azerbaijan speaking."""
    r = _run(
        "Border dispute near Ishkhanasar",
        "The Azerbaijani side said its units had only taken up positions on its own territory.",
    )
    assert "az_gov" in {c.actor for c in r.claims}


def test_a_version_of_a_capital_is_its_governments() -> None:
    """"По версии Баку, армянские диверсионные группы пытались пересечь линию" accuses Armenia."""
    r = _run(
        "Бои на линии соприкосновения",
        "По версии Баку, армянские диверсионные группы пытались атаковать позиции на линии "
        "соприкосновения.",
    )
    assert ("az_gov", "accusation", "armenian") in _claims(r)


def test_a_version_of_journalists_is_no_government() -> None:
    """The twin: "по версии журналистов" names no government."""
    r = _run(
        "Бои на линии соприкосновения",
        "По версии журналистов, армянские диверсионные группы пытались атаковать позиции на "
        "линии соприкосновения.",
    )
    assert "az_gov" not in {c.actor for c in r.claims}


def test_a_ceasefire_is_no_fire_by_the_side_named() -> None:
    """"В Карабахе объявлено прекращение огня": Karabakh agreeing to a truce acts in no attack,
    so the ombudsman named after it is not made the other side's."""
    r = _run(
        "В Карабахе объявлено прекращение огня; омбудсмен сообщает о жертвах",
        "Власти Карабаха согласились на прекращение огня.",
    )
    assert not any(c.accused == "karabakh" or c.actor.startswith("az") for c in r.claims)


def test_fire_opened_by_a_side_is_still_its_act() -> None:
    """The twin: "Армения открыла огонь" is fire by Armenia."""
    r = _run(
        "Минобороны Азербайджана: армянские подразделения открыли огонь по позициям",
        "Минобороны Азербайджана сообщило, что армянские подразделения открыли огонь по позициям "
        "в Кельбаджаре.",
    )
    assert ("az_mod", "accusation", "armenian") in _claims(r)


def test_a_leader_named_in_what_an_unnamed_ministry_says_is_no_speaker() -> None:
    """"A Foreign Ministry spokesman wrote that Azerbaijan's president was continuing his
    provocations": Azerbaijan is talked about, it does not speak or accuse."""
    r = _run(
        "Soldier killed on the border",
        "A Foreign Ministry spokesman wrote on social media that Azerbaijan's president Ilham "
        "Aliyev was continuing his provocations.",
    )
    assert "az_gov" not in {c.actor for c in r.claims}


def test_a_leader_who_speaks_after_an_unnamed_ministry_is_a_speaker() -> None:
    """The twin: "..., while Aliyev said ..." is a second voice."""
    r = _run(
        "Soldier killed on the border",
        "A Foreign Ministry spokesman wrote on social media that the talks would go ahead, while "
        "Aliyev said Armenian forces had fired first.",
    )
    assert "az_gov" in {c.actor for c in r.claims}


def test_the_outlet_never_denies() -> None:
    """A denial nobody is named for ("no shots were fired, villagers said") is no claim of
    the outlet's."""
    r = _run("Calm near Sotk", "No shots were fired near Sotk overnight, villagers said.")
    assert not any(c.stance == "denial" for c in r.claims)


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("Yerevan denied the claims.", "am_gov"),
        ("В Баку эти обвинения отвергли.", "az_gov"),
        ("Officials in Yerevan dismissed the report as disinformation.", "am_gov"),
        ("Բաքուն հերքել է հայկական կողմի պնդումները։", "az_gov"),
        ("Bakı İrəvanın iddialarını təkzib edib.", "az_gov"),
    ],
)
def test_one_line_denials_by_a_capital(text: str, actor: str) -> None:
    """A capital denying in one line is its government's denial."""
    assert (actor, "denial", None) in _claims(_run("Border incident", text))


def test_a_country_named_as_where_is_not_the_one_firing() -> None:
    """"в Гегаркуникской области Армении произошла перестрелка": Armenia is where, not who."""
    r = _run(
        "Перестрелка в Гаваре",
        "В Гегаркуникской области Армении произошла перестрелка между жителями двух "
        "сел, сообщили в Минобороны Азербайджана.",
    )
    assert not any(c.accused == "armenian" for c in r.claims)


def test_a_country_as_subject_is_the_one_firing() -> None:
    """The twin: "армянские подразделения открыли огонь" names who fired."""
    r = _run(
        "Перестрелка на границе",
        "Армянские подразделения открыли огонь по позициям в Кельбаджаре, сообщили в "
        "Минобороны Азербайджана.",
    )
    assert ("az_mod", "accusation", "armenian") in _claims(r)


def test_fire_from_the_territory_of_a_country_is_still_its_act() -> None:
    """"fired from the territory of Armenia": a place after "from" names who fired."""
    r = _run(
        "Shots at Nakhchivan positions",
        "Azerbaijan's Defence Ministry said its positions in Nakhchivan came under fire from the "
        "territory of Armenia.",
    )
    assert ("az_mod", "accusation", "armenian") in _claims(r)


def test_each_clause_of_a_sentence_has_its_own_speaker() -> None:
    """"Yerevan says Azerbaijani troops fired at Sotk; Baku denies it": Armenia accuses,
    Azerbaijan denies, not one stance for both."""
    r = _run(
        "Fire near Sotk",
        "Yerevan says Azerbaijani troops fired at positions near Sotk; Baku denies it and says "
        "Russian peacekeepers saw no shooting.",
    )
    got = _claims(r)
    assert ("am_gov", "accusation", "azerbaijani") in got
    assert ("az_gov", "denial", None) in got
    assert ("am_gov", "denial", None) not in got
    assert "third_party" not in {c.actor for c in r.claims}


def test_a_list_after_a_semicolon_is_no_clause() -> None:
    """The twin: "near Sotk; Kut" is one clause, and one speaker accuses."""
    r = _run(
        "Fire near Sotk",
        "Armenia's Defence Ministry said Azerbaijani troops fired at positions near Sotk; Kut.",
    )
    assert _claims(r) == {("am_mod", "accusation", "azerbaijani")}


def test_a_ministry_of_a_country_is_not_also_its_government() -> None:
    """"Минобороны Азербайджана утверждает": one speaker, the ministry."""
    r = _run(
        "Перестрелка у Лачина",
        "Минобороны Азербайджана утверждает, что армянские военные открыли огонь по его "
        "подразделению у Лачина.",
    )
    assert {c.actor for c in r.claims} == {"az_mod"}


@pytest.mark.parametrize(
    ("text", "actor", "accused"),
    [
        ("A Karabakh official said Azerbaijani forces had shelled Martuni.", "karabakh",
         "azerbaijani"),
        ("A senior Azerbaijani official said Armenian units had fired at positions near Tovuz.",
         "az_gov", "armenian"),
        ("Armenian units fired at positions near Tovuz, according to official Baku.", "az_gov",
         "armenian"),
        ("Prosecutors in Yerevan said Azerbaijani troops had fired at the village of Khnatsakh.",
         "am_gov", "azerbaijani"),
    ],
)
def test_officials_named_by_place_or_office_speak_for_their_side(
    text: str, actor: str, accused: str
) -> None:
    """"a Karabakh official", "official Baku", "prosecutors in Yerevan" speak for their side."""
    assert (actor, "accusation", accused) in _claims(_run("Shelling reported", text))


def test_official_figures_are_no_speaker() -> None:
    """The twin: "official figures" names no one who speaks for a side."""
    r = _run("Calm on the border", "Official figures show the border was calm in May.")
    assert not any(c.actor in ("am_gov", "az_gov") for c in r.claims)


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("Azerbaijan's Defence Ministry said its units had returned fire in response to a "
         "provocation by Armenian forces near Kalbajar.", ("az_mod", "accusation", "armenian")),
        ("Azerbaijan's Defence Ministry blamed the blast near Lachin on Armenian sabotage groups.",
         ("az_mod", "accusation", "armenian")),
        ("Armenia's Foreign Ministry said Azerbaijani forces had broken the ceasefire near Jermuk.",
         ("am_gov", "accusation", "azerbaijani")),
        ("МИД Азербайджана возложил ответственность за обстрел на армянскую сторону.",
         ("az_gov", "accusation", "armenian")),
        ("Минобороны Армении сообщило, что азербайджанские подразделения нарушили режим "
         "прекращения огня у Сотка.", ("am_mod", "accusation", "azerbaijani")),
        ("ՀՀ ՊՆ-ն հայտնել է, որ ադրբեջանական կողմը սադրանքի է դիմել Սոթքի մոտ։",
         ("am_mod", "accusation", "azerbaijani")),
        ("Müdafiə Nazirliyi bildirib ki, erməni tərəfi Kəlbəcər istiqamətində təxribat törədib.",
         ("az_mod", "accusation", "armenian")),
        ("Минобороны Армении назвало сообщения азербайджанской стороны дезинформацией.",
         ("am_mod", "denial", None)),
        ("ՀՀ ՊՆ-ն հայտարարել է, որ ադրբեջանական կողմի տարածած տեղեկությունը չի համապատասխանում "
         "իրականությանը։", ("am_mod", "denial", None)),
        ("Azərbaycan Müdafiə Nazirliyi erməni tərəfinin yaydığı məlumatın həqiqətə uyğun "
         "olmadığını bildirib.", ("az_mod", "denial", None)),
    ],
)
def test_accusations_and_denials_in_four_languages(
    text: str, claim: tuple[str, str, str | None]
) -> None:
    """Accusing words (provocation, blamed on, broke the ceasefire, возложил ответственность,
    սադրանք, təxribat) and denial formulas give the speaker's stance."""
    assert claim in _claims(_run("Border incident", text))


def test_a_side_keeping_the_ceasefire_is_not_accused() -> None:
    """The twin: "called on both sides to keep the ceasefire" accuses no one."""
    r = _run(
        "Border incident",
        "Armenia's Foreign Ministry called on the sides to keep the ceasefire near Jermuk.",
    )
    assert not any(c.stance == "accusation" for c in r.claims)


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("Azerbaijan's Defence Ministry said the men in the car opened fire and its soldiers "
         "returned fire.", ("az_mod", "accusation", "armenian")),
        ("Минобороны Армении сообщило, что подразделения открыли ответный огонь у Сотка.",
         ("am_mod", "accusation", "azerbaijani")),
    ],
)
def test_returning_fire_says_the_other_side_fired_first(
    text: str, claim: tuple[str, str, str | None]
) -> None:
    """A side's ministry saying its forces returned fire accuses the other side."""
    assert claim in _claims(_run("Shooting on the border", text))


def test_firing_warning_shots_accuses_no_one() -> None:
    """The twin: its soldiers firing warning shots is no account of the other side's fire."""
    r = _run(
        "Shooting on the border",
        "Azerbaijan's Defence Ministry said its soldiers had fired warning shots near Lachin.",
    )
    assert not any(c.stance == "accusation" for c in r.claims)


def test_a_sides_weapon_names_it_as_the_one_acting() -> None:
    """"killed by an Azerbaijani sniper", said by Armenia's ministry, accuses Azerbaijan."""
    r = _run(
        "Soldier killed near Yeraskh",
        "An Armenian soldier was killed by an Azerbaijani sniper near Yeraskh, the Defence "
        "Ministry in Yerevan said.",
    )
    assert ("am_mod", "accusation", "azerbaijani") in _claims(r)


def test_a_sides_weapon_in_a_calm_sentence_accuses_no_one() -> None:
    """The twin: "Azerbaijani drones were seen" tells no attack."""
    r = _run(
        "Drones seen near Yeraskh",
        "Azerbaijani drones were seen over Yeraskh, the Defence Ministry in Yerevan said.",
    )
    assert not any(c.stance == "accusation" for c in r.claims)


def test_rejecting_an_accusation_while_accusing_is_both() -> None:
    """"rejected the accusation and said Azerbaijani troops had opened fire first": Armenia's
    ministry denies and accuses."""
    r = _run(
        "Shooting near Tovuz",
        "Armenia's Defence Ministry rejected the accusation and said Azerbaijani troops had "
        "opened fire first.",
    )
    assert {("am_mod", "accusation", "azerbaijani"), ("am_mod", "denial", None)} <= _claims(r)


def test_denying_the_other_sides_reports_accuses_no_one() -> None:
    """The twin: "denied Azerbaijani reports that its forces fired" only denies; the reports'
    side neither speaks nor is accused."""
    r = _run(
        "Shooting near Tovuz",
        "Armenia's Defence Ministry denied Azerbaijani reports that its forces fired at "
        "positions near Tovuz.",
    )
    assert _claims(r) == {("am_mod", "denial", None)}


def test_the_outlets_accusation_keeps_its_act_and_places() -> None:
    """A report naming no speaker is the outlet's accusation, with the act and the places it
    names (so a ministry channel's own post reads "shelled positions near Sotk")."""
    r = _run(
        "",
        "Units of the Azerbaijani armed forces opened fire from artillery at Armenian combat "
        "positions near Sotk.",
    )
    (claim,) = r.claims
    assert (claim.actor, claim.stance, claim.accused) == ("media", "accusation", "azerbaijani")
    assert claim.action == "shelling"
    assert claim.place_ids == ("am-sotk",)


@pytest.mark.parametrize(
    ("text", "actor", "accused"),
    [
        ("Azərbaycanın Baş Prokurorluğu bildirib ki, erməni silahlı qüvvələri Tovuz rayonunun "
         "kəndlərini atəşə tutub.", "az_gov", "armenian"),
        ("Служба национальной безопасности Армении сообщила, что азербайджанские "
         "военнослужащие пересекли границу у Ишханасара.", "am_gov", "azerbaijani"),
        ("Հայաստանի ազգային անվտանգության ծառայությունը հայտնել է, որ ադրբեջանական "
         "զինծառայողները կրակ են բացել Սոթքի ուղղությամբ։", "am_gov", "azerbaijani"),
    ],
)
def test_prosecutors_and_security_services_speak_for_their_side(
    text: str, actor: str, accused: str
) -> None:
    """A prosecutor's office or a security service of one side accusing the other."""
    assert (actor, "accusation", accused) in _claims(_run("Border incident", text))


def test_a_sides_statement_is_its_account() -> None:
    """"по заявлению армянской стороны" and "the Armenian side's statement says": that side
    speaks, as with a speech verb."""
    r = _run(
        "Перестрелка у Сотка",
        "Армянская сторона в своем заявлении утверждает, что азербайджанские подразделения "
        "открыли огонь у Сотка.",
    )
    assert ("am_gov", "accusation", "azerbaijani") in _claims(r)


def test_villagers_saying_so_do_not_carry_the_ministrys_voice() -> None:
    """"Жители села заявили": a verb with a subject of its own that is no actor does not go
    on with the ministry named before."""
    r = _run(
        "Обстрел у Сотка",
        "Минобороны Армении сообщило об обстреле позиций у Сотка. Жители села заявили, что "
        "азербайджанские военные стреляли и по домам.",
    )
    assert ("am_mod", "accusation", "azerbaijani") not in {
        (c.actor, c.stance, c.accused) for c in r.claims if "Жители" in c.evidence
    }


def test_a_side_that_tells_of_fire_is_not_the_one_firing() -> None:
    """"The Karabakh army says Azerbaijani tanks fired on its lines": the army tells, the
    accused is Azerbaijan, never the side that speaks."""
    r = _run("The Karabakh army says Azerbaijani tanks fired on its lines near Martuni")
    assert not any(c.accused in ("armenian", "karabakh") for c in r.claims)
    assert any(c.accused == "azerbaijani" for c in r.claims)


def test_a_side_whose_army_fired_is_the_one_firing() -> None:
    """The twin: "the Azerbaijani army fired on Karabakh lines" names Azerbaijan acting."""
    r = _run(
        "The Azerbaijani army fired on Karabakh lines near Martuni, officials in Stepanakert said"
    )
    assert any(c.accused == "azerbaijani" for c in r.claims)
