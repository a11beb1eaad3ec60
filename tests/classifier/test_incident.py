"""Incident or not: hard positives and hard negatives in four languages (new sentences)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.classifier import Classification, ItemText, classify

PUB = datetime(2025, 6, 5, 9, 0, tzinfo=UTC)


def _run(title: str, summary: str = "", published: datetime | None = PUB) -> Classification:
    return classify(ItemText(id="t", title=title, summary=summary, published=published))


HARD_POSITIVES = [
    pytest.param(
        "Enemy fire near Berkaber",
        "At 23:40 the enemy fired small arms at positions near Berkaber, the Defence Ministry "
        "said. There were no losses.",
        id="en-terse-enemy",
    ),
    pytest.param(
        "Противник обстрелял позиции у Барекамавана",
        "Около 22:15 противник открыл огонь из стрелкового оружия по позициям у села "
        "Барекамаван, сообщили в Минобороны. Потерь нет.",
        id="ru-terse-enemy",
    ),
    pytest.param(
        "Հակառակորդը կրակ է բացել Չինարիի ուղղությամբ",
        "Ժամը 21:30-ի սահմաններում հակառակորդը հրաձգային զենքերից կրակ է բացել Չինարի գյուղի "
        "ուղղությամբ, հայտնում է ՊՆ-ն։ Կորուստներ չկան։",
        id="hy-terse-enemy",
    ),
    pytest.param(
        "Düşmən Qaymaqlı istiqamətində mövqeləri atəşə tutub",
        "Müdafiə Nazirliyi: gecə saat 02:10-da düşmən Qazax rayonunun Qaymaqlı kəndi "
        "istiqamətində mövqelərimizi iriçaplı pulemyotlardan atəşə tutub, cavab atəşi ilə "
        "susdurulub.",
        id="az-terse-enemy",
    ),
    pytest.param(
        "Yerevan: report of fire at Gadabay positions is disinformation",
        "Armenia's Defence Ministry said Baku's report that Armenian units fired on Azerbaijani "
        "positions in the Gadabay direction on Thursday night is disinformation.",
        id="en-denial",
    ),
    pytest.param(
        "Баку: сообщение об обстреле Сотка не соответствует действительности",
        "Минобороны Азербайджана заявило, что утверждение армянской стороны о том, что "
        "3 июня азербайджанские подразделения обстреляли позиции у Сотка, не соответствует "
        "действительности.",
        id="ru-denial",
    ),
    pytest.param(
        "ՊՆ. Երասխի ուղղությամբ կրակելու մասին պնդումն ապատեղեկատվություն է",
        "Պաշտպանության նախարարությունը հերքում է ադրբեջանական կողմի տարածած տեղեկությունը, թե "
        "հայկական ստորաբաժանումները հունիսի 4-ին կրակ են բացել Նախիջևանի ուղղությամբ։",
        id="hy-denial",
    ),
    pytest.param(
        "MN: Tovuz istiqamətində atəş açılması barədə iddia həqiqətə uyğun deyil",
        "Müdafiə Nazirliyi bildirib ki, Azərbaycan Ordusu bölmələrinin Tavuş istiqamətində "
        "erməni mövqelərini atəşə tutması barədə məlumat həqiqətə uyğun deyil.",
        id="az-denial",
    ),
    pytest.param(
        "Soldier wounded by sniper on Tavush border",
        "An Armenian contract soldier was wounded by Azerbaijani sniper fire near Aygepar this "
        "morning, the ministry said; his life is not in danger.",
        id="en-sniper",
    ),
    pytest.param(
        "Двое военнослужащих взяты в плен у Кельбаджара",
        "По данным Минобороны Армении, азербайджанские военные задержали двух солдат, "
        "заблудившихся в тумане у линии границы в Гегаркунике.",
        id="ru-capture",
    ),
]

HARD_NEGATIVES = [
    pytest.param(
        "Five years since the 44-day war: families remember killed soldiers",
        "On the anniversary of the 2020 war, relatives of soldiers killed in Karabakh gathered "
        "at Yerablur to lay flowers; officials recalled the fierce clashes of that autumn.",
        datetime(2025, 9, 27, tzinfo=UTC),
        id="en-anniversary",
    ),
    pytest.param(
        "Годовщина апрельской войны: в Ереване почтили память погибших",
        "Девять лет назад в боях на линии соприкосновения погибли десятки военнослужащих; "
        "сегодня родные возложили цветы к мемориалу.",
        datetime(2025, 4, 2, tzinfo=UTC),
        id="ru-anniversary",
    ),
    pytest.param(
        "Mirzoyan and Bayramov discuss peace treaty after years of clashes",
        "The foreign ministers met in Abu Dhabi to discuss the draft peace treaty and the "
        "delimitation commissions; both said deadly border clashes like those of 2022 must "
        "not recur.",
        PUB,
        id="en-peace-talks",
    ),
    pytest.param(
        "Переговоры о мирном договоре: стороны обсудили делимитацию",
        "Главы МИД Армении и Азербайджана обсудили работу комиссий по делимитации; по их "
        "словам, вооруженные столкновения на границе должны остаться в прошлом.",
        PUB,
        id="ru-peace-talks",
    ),
    pytest.param(
        "Shepherd wounded by landmine near Fuzuli",
        "A 45-year-old shepherd stepped on an anti-personnel mine while grazing sheep near a "
        "village in Fuzuli district; ANAMA said he was taken to hospital.",
        PUB,
        id="en-landmine",
    ),
    pytest.param(
        "Ağdamda tank əleyhinə mina partlayıb, sürücü yaralanıb",
        "Ağdam rayonunda yük maşını tank əleyhinə minaya düşüb, sürücü xəsarət alıb; ANAMA "
        "ərazinin minatəmizləmə işlərini davam etdirir.",
        PUB,
        id="az-landmine",
    ),
    pytest.param(
        "Russian shelling kills three in Kharkiv region",
        "Artillery and drone strikes on villages in Kharkiv region killed three civilians and "
        "wounded five overnight, Ukrainian officials said.",
        PUB,
        id="en-ukraine",
    ),
    pytest.param(
        "Обстрел Херсона: двое погибших",
        "Украинские власти сообщили, что в результате артиллерийского обстрела Херсона "
        "погибли два человека.",
        PUB,
        id="ru-ukraine",
    ),
    pytest.param(
        "Խաղաղության պայմանագրի շուրջ բանակցությունները շարունակվում են",
        "Արտգործնախարարները քննարկել են սահմանազատման հանձնաժողովների աշխատանքը և "
        "խաղաղության պայմանագրի նախագիծը։",
        PUB,
        id="hy-talks",
    ),
    pytest.param(
        "Conscript dies in avalanche near Jermuk",
        "A conscript serving in Vayots Dzor died after an avalanche hit his unit's post, the "
        "Defence Ministry said; an investigation into the accident is under way.",
        PUB,
        id="en-nonhostile",
    ),
    # Violence words with a named cause that is not enemy action (`violence_explained`).
    pytest.param(
        "Two contract soldiers freeze to death in blizzard on Kalbajar heights",
        "The servicemen lost their way between positions in a snowstorm and died of "
        "hypothermia, the Defence Ministry said; a third is being searched for.",
        PUB,
        id="en-blizzard-deaths",
    ),
    pytest.param(
        "Под Иджеваном перевернулся армейский грузовик, погиб военнослужащий",
        "Военный грузовик съехал в ущелье; один военнослужащий погиб, трое ранены, сообщили "
        "в Минобороны. Возбуждено уголовное дело.",
        PUB,
        id="ru-truck-overturned",
    ),
    pytest.param(
        "Gədəbəydə əsgər silahla ehtiyatsız davranma nəticəsində həlak olub",
        "Hərbi hissədə müddətli həqiqi hərbi xidmət hərbi qulluqçusu xidməti silahından açılan "
        "güllədən həlak olub; Hərbi Prokurorluq cinayət işi başlayıb.",
        PUB,
        id="az-accidental-shot",
    ),
    pytest.param(
        "Füzulidə mühəndis-istehkam işləri zamanı hərbçi minaya düşərək şəhid olub",
        "Müdafiə Nazirliyi bildirib ki, ərazidə əvvəllər basdırılmış piyada əleyhinə mina "
        "partlayıb, hərbi qulluqçu şəhid olub.",
        PUB,
        id="az-mine-death",
    ),
    pytest.param(
        "Villager shot dead in Tavush after quarrel over land",
        "Police detained a neighbour after a 52-year-old man was shot dead with a hunting rifle "
        "in a border village of Tavush; a murder case was opened.",
        PUB,
        id="en-village-shooting",
    ),
    pytest.param(
        "Armenian army holds live-fire artillery exercise in Syunik",
        "Artillery and tank crews fired live rounds at the Syunik training ground during "
        "scheduled exercises, the Defence Ministry said.",
        PUB,
        id="en-live-fire-drills",
    ),
    pytest.param(
        "Iran and Israel trade drone and missile strikes; Baku and Yerevan urge restraint",
        "Dozens of drones and missiles were launched overnight, killing several people, "
        "officials said. Armenia and Azerbaijan called for de-escalation.",
        PUB,
        id="en-other-war-named-neighbours",
    ),
    pytest.param(
        "Патрулирование ОБСЕ у Тавушского участка границы прошло без инцидентов",
        "Наблюдатели ОБСЕ провели плановый мониторинг режима прекращения огня в направлении "
        "Берда; нарушений не зафиксировано, сообщили в Минобороны.",
        PUB,
        id="ru-patrol-no-incidents",
    ),
    pytest.param(
        "EU monitors: border situation remained calm this week",
        "EU observers carried out 40 patrols near Jermuk and Sotk; no incidents of firing "
        "were observed, the mission said.",
        PUB,
        id="en-monitors-calm",
    ),
]

ENEMY_DESPITE_ACCIDENT_WORDS = [
    pytest.param(
        "Enemy fire kills soldier near Sotk during snowstorm",
        "Despite the blizzard, the enemy fired at Armenian positions near Sotk at 05:40, "
        "killing a contract soldier, the Defence Ministry said.",
        id="en-enemy-in-blizzard",
    ),
    pytest.param(
        "Düşmən minalanmış ərazidə mövqelərimizi atəşə tutub",
        "Müdafiə Nazirliyi: saat 03:20-də düşmən Kəlbəcər istiqamətində mövqelərimizi "
        "atəşə tutub, bir hərbi qulluqçu yaralanıb.",
        id="az-enemy-near-minefield",
    ),
    pytest.param(
        "Relative calm broken as enemy fires on Tegh positions",
        "After a relatively calm week, the enemy opened fire from small arms at Armenian "
        "positions near Tegh at 22:10, the Defence Ministry said. There were no losses.",
        id="en-calm-broken",
    ),
    pytest.param(
        "Armenian MoD: Azerbaijani mortar fire on our positions, one shell landed in Iran",
        "Azerbaijani armed forces opened fire with mortars at Armenian positions on Tuesday "
        "night; one shell landed on Iranian territory, the Defence Ministry said.",
        id="en-shell-lands-in-iran",
    ),
    pytest.param(
        "Soldier wounded as shell fell on position near Kut",
        "A contract soldier was wounded when a mortar shell fell on a combat position near "
        "Kut on Monday, the Defence Ministry said.",
        id="en-shell-fell",  # "fell" as in a fall from a height is a non-hostile cue
    ),
    pytest.param(
        "Azerbaijan fires at Armenian positions near Norabak",
        "Azerbaijani units fired small arms at Armenian positions near Norabak overnight, the "
        "Defence Ministry said.",
        id="en-fires-at",  # the verb, not wildfires
    ),
]


@pytest.mark.parametrize(("title", "summary"), HARD_POSITIVES)
def test_hard_positive(title: str, summary: str) -> None:
    """Terse ministry lines, denials, sniper fire and captures are incidents."""
    result = _run(title, summary)
    assert result.incident, [(s.name, round(s.weight, 2)) for s in result.signals]
    assert result.severity is not None


@pytest.mark.parametrize(("title", "summary", "published"), HARD_NEGATIVES)
def test_hard_negative(title: str, summary: str, published: datetime) -> None:
    """Anniversaries, talks, landmines, other wars and accidents are not incidents."""
    result = _run(title, summary, published)
    assert not result.incident, [(s.name, round(s.weight, 2)) for s in result.signals]
    assert result.severity is None


@pytest.mark.parametrize(("title", "summary"), ENEMY_DESPITE_ACCIDENT_WORDS)
def test_enemy_action_is_not_explained_away(title: str, summary: str) -> None:
    """A blizzard, a minefield or a calm week in the text does not hide enemy fire."""
    result = _run(title, summary)
    assert result.incident, [(s.name, round(s.weight, 2)) for s in result.signals]
    assert "violence_explained" not in {s.name for s in result.signals}


def test_every_signal_has_evidence() -> None:
    """Every signal carries a weight and the text that triggered it."""
    title = "Azerbaijani units fire on Sotk"
    summary = "Two soldiers were wounded at 14:20 when Azerbaijani units fired mortars at Sotk."
    result = _run(title, summary)
    assert result.signals
    text = f"{title} {summary}"
    for signal in result.signals:
        assert isinstance(signal.weight, float)
        assert signal.evidence.strip(), signal.name
    fire = next(s for s in result.signals if s.name == "fire")
    assert all(part in text for part in fire.evidence.split(" | "))
    explained = result.to_json(explain=True)
    assert explained["signals"]
    assert explained["facts_basis"]["claims"]


def test_classify_is_deterministic() -> None:
    """The same item gives the same judgement twice (no hidden state)."""
    item = ItemText(id="d", title="Противник обстрелял Норабак", summary="", published=PUB)
    assert classify(item) == classify(item)


def test_score_is_probability() -> None:
    """The score lies in 0..1 and the decision follows it."""
    result = _run("Weather in Yerevan", "Sunny and warm.")
    assert 0.0 <= result.score <= 1.0
    assert not result.incident
