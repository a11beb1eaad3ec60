"""Sentences and scope: the event's sentences against background ones."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.classifier.lexicon import load_lexicon
from bot.classifier.normalize import normalize
from bot.classifier.scope import background_reason, split_sentences

PUB = datetime(2022, 9, 13, 8, 0, tzinfo=UTC)


def test_split_in_armenian_and_russian() -> None:
    """The Armenian full stop and Russian abbreviations are handled by the segmenter."""
    hy = "Վերնագիր \n ՊՆ-ն հայտնեց։ Երկու զինծառայող զոհվեց։"
    assert len(split_sentences(hy, len("Վերնագիր"), "hy")) == 3
    ru = "Заголовок \n Обстрел начался в 00:05 ч. ночи. Погибли двое военнослужащих."
    spans = split_sentences(ru, len("Заголовок"), "ru")
    assert [ru[a:b] for a, b in spans][-1] == "Погибли двое военнослужащих."


def _reason(sentence: str) -> str:
    norm = normalize(sentence)
    scope = [m for m in load_lexicon().find(norm) if m.layer == "scope"]
    return background_reason(norm, (0, len(sentence)), scope, PUB)


@pytest.mark.parametrize(
    "sentence",
    [
        "Last week, Armenia accused Azerbaijan of killing one of its soldiers.",
        "In August, Azerbaijan said it had lost a soldier.",
        "More than 6,500 people lost their lives in the 2020 war.",
        "About 30,000 people died in the war of the 1990s.",
        "Более 3 тысяч военнослужащих погибли в ходе 44-дневной войны.",
        "Ermənistan keçən həftə iki hərbçisinin həlak olduğunu bildirib.",
        "Անցյալ շաբաթ զոհվել էր մեկ զինծառայող։",
        "So far this year, 12 soldiers have been killed on the border.",
        "An earlier statement from the ministry had put the toll at nine dead.",
        "Ранее в понедельник агентство сообщало о девяти погибших.",
        "Two days earlier, the ministry said a soldier was killed near Jermuk.",
        "It was the third such attack this month.",
        "Двумя днями ранее в ведомстве сообщили о гибели военнослужащего.",
        "В 1998 году рядовой был ранен на этом участке границы.",
        "A day earlier, the ministry said one of its soldiers had been wounded near Ijevan.",
        "Днём ранее в ведомстве сообщили о раненом военнослужащем.",
        "За неделю армия потеряла одиннадцать человек убитыми.",
        "Over the past week the army lost eleven men.",
        "Həmin döyüşlərdə ordunun 40 hərbçisi şəhid olmuşdu.",
        "İki gün əvvəl bir hərbçi yaralanıb.",
    ],
)
def test_background_sentences(sentence: str) -> None:
    """Earlier times, past wars and statistics make a sentence background."""
    assert _reason(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Azerbaijani forces shelled Armenian positions near Sotk on Tuesday.",
        "Two Armenian servicemen were killed on 13 September, the ministry said.",
        "Минобороны Армении сообщило, что погибли двое военнослужащих.",
        "A statement from the ministry put the toll at nine dead.",
        "В понедельник агентство сообщило о девяти погибших.",
        "The ministry said a soldier was killed near Jermuk.",
        "It was the third attack this month.",
        "Ранение получил рядовой Иван Петров 1998 года рождения.",
        "Private Aram Petrosyan, born in 1998, was wounded at his post.",
        "Վիրավորվել է 1998 թ. ծնված շարքային Արամ Պետրոսյանը։",
        "The ministry said one of its soldiers had been wounded near Ijevan.",
        "Ordunun iki hərbçisi şəhid olub.",
        "Армия потеряла одиннадцать человек убитыми.",
    ],
)
def test_event_sentences(sentence: str) -> None:
    """The event told today, this week or on its date is not background; nor is a birth year."""
    assert _reason(sentence) == ""
