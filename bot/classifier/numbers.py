"""Head counts in text: "6,500", "6 500", "6.500", "seven", "семеро", "երկու", "iki".

`count_at` reads the count a word token stands for, or None when the token is not a count of
people at all: a clock time, a decimal, a year, a date, an age, a distance or calibre, a model
designation ("BM-21", "Mi-24", "T-72", "the 44-day war"). A number written with thousands
separators is read whole, so "6,500" is never "500".
"""

from __future__ import annotations

import re

from bot.classifier.tokens import Tokens

__all__ = ["BIRTH_BEFORE", "NUMBER_WORDS", "count_at"]

# Number words (normalised: lower case, diacritics folded) in the languages feeds use.
NUMBER_WORDS: dict[str, int] = {
    # en
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "a": 1, "an": 1,  # "dozen": approx.
    "single": 1,
    # ru
    "один": 1, "одного": 1, "одному": 1, "одна": 1, "одной": 1, "одно": 1, "одним": 1,
    "два": 2, "две": 2, "двое": 2, "двух": 2, "двоих": 2, "трое": 3, "три": 3, "трех": 3,
    "троих": 3, "четыре": 4, "четверо": 4, "четырех": 4, "четверых": 4, "пять": 5,
    "пятеро": 5, "пяти": 5, "пятерых": 5, "шесть": 6, "шестеро": 6, "шести": 6,
    "шестерых": 6, "семь": 7, "семеро": 7, "семи": 7, "семерых": 7, "восемь": 8,
    "восьми": 8, "восьмерых": 8, "девять": 9, "девяти": 9, "десять": 10, "десяти": 10,
    "десятерых": 10, "одиннадцать": 11, "одиннадцати": 11, "двенадцать": 12,
    "двенадцати": 12, "тринадцать": 13, "тринадцати": 13, "пятнадцать": 15, "двадцать": 20,
    "двадцати": 20, "тридцать": 30, "сорок": 40, "пятьдесят": 50,
    # ru dative and instrumental ("возросло к трем", "с двумя ранеными")
    "двум": 2, "двумя": 2, "трем": 3, "тремя": 3, "четырем": 4, "четырьмя": 4, "пятью": 5,
    "шестью": 6, "восемью": 8, "десятью": 10,  # not "семью": also "(a) family"
    # uk
    "двоє": 2, "троє": 3, "чотири": 4, "четверо ": 4, "шість": 6, "шістьох": 6,
    "десятьох": 10, "одного ": 1,
    # hy
    "մեկ": 1, "մի": 1, "երկու": 2, "երկուսը": 2, "երկուսն": 2, "երեք": 3, "երեքը": 3,
    "չորս": 4, "չորսը": 4, "հինգ": 5, "հինգը": 5, "վեց": 6, "վեցը": 6, "յոթ": 7, "յոթը": 7,
    "ութ": 8, "ութը": 8, "ինը": 9, "տասը": 10, "տաս": 10, "տասնմեկ": 11, "տասներկու": 12,
    "քսան": 20, "երեսուն": 30, "քառասուն": 40, "հիսուն": 50,
    # hy genitive-dative ("հասել է երեքի": has reached three)
    "երկուսի": 2, "երեքի": 3, "չորսի": 4, "հինգի": 5, "վեցի": 6, "յոթի": 7, "ութի": 8,
    "տասի": 10,
    # az (folded: üç -> uc, dörd -> dord)
    "bir": 1, "biri": 1, "iki": 2, "ikisi": 2, "uc": 3, "ucu": 3, "dord": 4, "dordu": 4,
    "bes": 5, "alti": 6, "yeddi": 7, "sekkiz": 8, "doqquz": 9, "iyirmi": 20, "otuz": 30,
    # az "N of them" ("ikisi şəhid olub, beşi yaralanıb": two of them died, five were wounded)
    "besi": 5, "altisi": 6, "yeddisi": 7, "sekkizi": 8, "doqquzu": 9,
    "qirx": 40, "elli": 50,
    # de, fr, es, nl, cs, hr (a few)
    "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8,
    "zehn": 10, "elf": 11, "zwölf": 12, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5,
    "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "siete": 7, "twee": 2, "drie": 3,
    "dva": 2, "tri": 3, "dvojica": 2, "another": 1,
    # ka, ar
    "ერთი": 1, "ორი": 2, "სამი": 3, "ოთხი": 4, "ხუთი": 5, "ექვსი": 6, "შვიდი": 7,
    "واحد": 1, "اثنان": 2, "ثلاثة": 3, "أربعة": 4, "خمسة": 5, "ستة": 6, "سبعة": 7,
}  # fmt: skip
# Ages and durations: a number followed by one of these is not a head count.
_AGE_AFTER = (
    "year", "yr", "лет", "летн", "годовал", "jarig", "godi", "річн", "yas", "ans", "jahr",
    "ano", "año", "ամյա", "տարեկան",
)  # fmt: skip
# Casualty words that do not say killed or wounded ("casualties", "losses"): no head count.
_AZ_ONLY_NUMBERS = {"on": 10}

_UNIT_AFTER = frozenset(
    [
        "year",
        "years",
        "yr",
        "old",
        "km",
        "kilometers",
        "kilometres",
        "m",
        "meters",
        "metres",
        "mm",
        "cm",
        "calibre",
        "caliber",
        "percent",
        "hours",
        "hour",
        "minutes",
        "days",
        "day",
        "weeks",
        "months",
        "лет",
        "года",
        "летний",
        "летнего",
        "летняя",
        "лет",
        "км",
        "м",
        "мм",
        "калибра",
        "часов",
        "часа",
        "минут",
        "дней",
        "суток",
        "месяцев",
        "տարեկան",
        "ամյա",
        "թ",
        "կմ",
        "մ",
        "մմ",
        "ժամ",
        "օր",
        "il",
        "yaşlı",
        "km",
        "saat",
        "gün",
        "ay",
    ]
)
BIRTH_BEFORE = frozenset(["born", "b", "рождения", "родившийся", "ծնված", "doğum", "doğulmuş"])
_MONTH_WORDS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
        "հունվարի",
        "փետրվարի",
        "մարտի",
        "ապրիլի",
        "մայիսի",
        "հունիսի",
        "հուլիսի",
        "օգոստոսի",
        "սեպտեմբերի",
        "հոկտեմբերի",
        "նոյեմբերի",
        "դեկտեմբերի",
        "yanvar",
        "fevral",
        "mart",
        "aprel",
        "iyun",
        "iyul",
        "avqust",
        "sentyabr",
        "oktyabr",
        "noyabr",
        "dekabr",
    ]
)

# Collective and other nouns a count of which is no head count (normalised prefixes).
_COLLECTIVE = (
    "famil", "group", "house", "home", "village", "unit", "blast", "explosion", "shell",
    "rocket", "missile", "drone", "attack", "strike", "incident", "episode", "time",
    "семь", "семе", "групп", "дом", "взрыв", "снаряд", "ракет", "беспилот", "удар", "случа",
    "ընտանիք", "խումբ", "տուն", "տներ", "գյուղ", "պայթյուն", "արկ", "անգամ",
    "deq", "aile", "qrup", "kend", "partlayis", "mermi", "raket", "zerbe", "defe",
)
# Thousands separators: comma, dot, space, no-break and thin spaces ("6,500", "6.500", "6 500").
_GROUP = re.compile(r"[,.\u00a0\u202f ]\d{3}(?!\d)")
_GROUP_BEFORE = re.compile(r"\d[,.\u00a0\u202f ]$")
_LARGEST = 20000  # above this a number is no head count of a border incident


def _whole_number(text: str, start: int, end: int) -> tuple[int, int, int] | None:
    """The digits at text[start:end] read with their thousands groups: (value, start, end).

    None when the digits are a group of a larger number (the "500" of "6,500"): that number is
    read where it begins.
    """
    if start >= 2 and _GROUP_BEFORE.search(text, start - 2, start) and end - start == 3:
        return None
    stop = end
    while (m := _GROUP.match(text, stop)) is not None:
        stop = m.end()
    return int(re.sub(r"\D", "", text[start:stop])), start, stop


def _designation(text: str, start: int, stop: int) -> bool:
    """A model name or compound, not a count: "BM-21", "Mi-24", "T-72", "44-day", "82-mm"."""
    before = text[max(0, start - 2) : start]
    after = text[stop : stop + 2]
    if before[-1:].isalpha() or after[:1].isalpha():
        return True  # "2S19", "30mm"
    if before.endswith(("-", "\u2011")) and before[:1].isalpha():
        return True
    return after[:1] in ("-", "\u2011") and after[1:2].isalpha()


def count_at(tokens: Tokens, i: int, text: str, lang: str) -> int | None:
    """The head count token `i` stands for, or None (a time, date, year, age, model name...)."""
    word = tokens.words[i]
    value: int | None
    s, e = tokens.starts[i], tokens.ends[i]
    if word.isdecimal():  # not isdigit(): int() rejects "²"
        whole = _whole_number(text, s, e)
        if whole is None:
            return None
        value, s, e = whole
        if e < len(text) and text[e] in ":." and e + 1 < len(text) and text[e + 1].isdigit():
            return None  # clock time or decimal
        if s > 0 and text[s - 1] in ":.":
            return None
        if _designation(text, s, e):
            return None
        if (1900 <= value <= 2100 and e - s == 4) or value > _LARGEST:
            return None
    else:
        value = NUMBER_WORDS.get(word)
        if value is None and lang == "az":
            value = _AZ_ONLY_NUMBERS.get(word)
        if value is None:
            return None
        if text[e : e + 1] == "-" and text[e + 1 : e + 2].isalpha():
            return None  # "six-week war", "two-day"
    j = tokens.index_at(e)  # the token after the number (past its thousands groups)
    nxt = tokens.words[j] if j < len(tokens.words) else ""
    prev = tokens.words[i - 1] if i > 0 else ""
    if nxt in _UNIT_AFTER or nxt in _MONTH_WORDS or prev in _MONTH_WORDS:
        return None
    if nxt.startswith(_COLLECTIVE):
        return None  # "one family", "two groups", "три дома": not a head count
    if nxt.startswith(_AGE_AFTER) or prev in BIRTH_BEFORE:
        return None
    if text[max(0, s - 2) : s].strip() in (",", "(") and text[e : e + 1] in (",", ")"):
        return None  # an age after a name: "Sona Revazian, 41, and ..."
    return value
