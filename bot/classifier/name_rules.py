"""How place names inflect, per language group, and phrases that hold a name but no place.

Data for the gazetteer's matcher (`bot.classifier.gazetteer`): the endings a name may take
after it (cases, not derivations: "армянский" is no place), the shorter list for short names,
stems of Russian and Georgian names, and stop phrases ("Mount Ararat", a football club).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

__all__ = [
    "DERIVED",
    "ENDINGS",
    "KA_STEM_ENDINGS",
    "LANG_GROUP",
    "MIN_STEM",
    "RU_STEM_ENDINGS",
    "SHORT_ENDINGS",
    "STOP_PHRASES",
]



def ru_adjective(stems: Iterable[str]) -> frozenset[str]:
    endings = ("ий", "ого", "ому", "им", "ом", "ая", "ой", "ую", "ое", "ие", "их", "ими", "ых")
    return frozenset(f"{s}{e}" for s in stems for e in endings)


# Allowed endings after a full name, per language group. Kept to inflection: derivations such
# as "Armenian"/"армянский" (nationality adjectives) must not become places.
ENDINGS: Final[Mapping[str, frozenset[str]]] = {
    "en": frozenset({"", "s"}),
    "az": frozenset(
        {
            "", "a", "e", "ya", "ye", "na", "ne",  # dative
            "da", "de", "ta", "te", "nda", "nde",  # locative
            "dan", "den", "tan", "ten", "ndan", "nden",  # ablative
            "in", "un", "nin", "nun", "yin", "yun",  # genitive
            "i", "u", "ni", "nu", "yi", "yu",  # accusative
            "daki", "deki", "taki", "teki", "ndaki", "ndeki",  # "the one in"
            "la", "le", "yla", "yle",  # "with"
            "li", "lu", "lar", "ler", "liler", "lilar",  # "from X", plural
        }
    ),
    "ru": frozenset(
        {"", "а", "я", "у", "ю", "е", "ом", "ем", "ой", "ей", "ы", "и", "ах", "ях", "ам", "ям"}
    )
    | ru_adjective(("ск", "нск", "инск")),
    "hy": frozenset(
        {
            "", "ի", "ում", "ից", "ով", "ը", "ն", "ին", "ու", "ցի", "ցին", "ցիներ", "ցիները",
            "ցիների", "յի", "յում", "յից", "յով", "ա", "ան",
        }
    ),
    "ka": frozenset({"", "ის", "ში", "ზე", "დან", "ით", "თან", "ისკენ", "ისთვის"}),
    "ar": frozenset({""}),
}  # fmt: skip
# Derivations a "~" name does not take: "азербайджанский", "azərbaycanlı" are not places.
DERIVED: Final = (
    ru_adjective(("ск", "нск", "инск"))
    | {"s", "li", "lu", "liler", "lilar"}  # "s": Spanish "armenias" is an adjective
    | {"ցի", "ցին", "ցիներ", "ցիները", "ցիների"}
)
# Names shorter than MIN_STEM letters take only these endings.
MIN_STEM: Final = 4
SHORT_ENDINGS: Final[Mapping[str, frozenset[str]]] = {
    "en": frozenset({""}),
    "az": frozenset({"", "da", "de", "dan", "den", "in", "un", "nin", "nun"}),
    "ru": frozenset({"", "а", "е", "у", "ом"}),
    "hy": frozenset({"", "ի", "ում", "ից"}),
    "ka": frozenset({""}),
    "ar": frozenset({""}),
}
# Russian names in -а/-я/-ь also match on their stem: "Шуша" → "Шуши", "Шушинский".
RU_STEM_ENDINGS: Final[Mapping[str, frozenset[str]]] = {
    "а": frozenset({"а", "ы", "и", "е", "у", "ой", "ою"}) | ru_adjective(("инск", "ск")),
    "я": frozenset({"я", "и", "ю", "ей", "ею", "е"}) | ru_adjective(("инск", "ск")),
    "ь": frozenset({"ь", "и", "ью"}) | ru_adjective(("ск",)),
}
# Georgian names end in the nominative -ი, dropped before case endings ("კელბაჯარში").
KA_STEM_ENDINGS: Final = frozenset({"ი", "ის", "ში", "ზე", "დან", "ით", "თან", "ისკენ"})
# Which ending rules a language code follows.
LANG_GROUP: Final[Mapping[str, str]] = {
    "en": "en", "de": "en", "fr": "en", "es": "en", "it": "en", "nl": "en", "cs": "en",
    "hr": "en", "bs": "en", "pl": "en",
    "az": "az", "tr": "az",
    "ru": "ru", "uk": "ru", "be": "ru",
    "hy": "hy", "ka": "ka", "ar": "ar", "fa": "ar",
}  # fmt: skip

# Phrases that contain a place name but do not mean that place (or mean a place outside the
# scope: Mount Ararat stands in Turkey). Matched anywhere a word starts, with any ending;
# being longer, they win over the names inside them and yield nothing.
STOP_PHRASES: Final = (
    "mount ararat", "mt ararat", "ararat mountain", "ararat brandy", "ararat valley",
    "гора арарат", "горы арарат", "горе арарат", "коньяк арарат", "араратская долина",
    # Football clubs: "Ararat-Armenia", "FC Ararat Yerevan".
    "fc ararat", "ararat armenia", "ararat yerevan", "фк арарат", "арарат армения",
    "ağrı dağı", "արարատ լեռ", "մասիս լեռ",
    # Armenian "տեղ" is "place": "տեղի է ունեցել" (took place), "տեղում" (on the spot).
    # Mid-sentence the lower case keeps it out (flag ^); these catch it opening a sentence.
    "տեղի է", "տեղի են", "տեղի ունե", "տեղ է", "տեղ չ",
    # "Azat" the name of Radio Liberty's Armenian service and its newspaper.
    "azatutyun", "azat artsakh", "ազատ արցախ",
    # Russian town Armavir's context.
    "армавир краснодар", "краснодарского края",
)  # fmt: skip
