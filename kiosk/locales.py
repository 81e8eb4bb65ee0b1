"""The languages whose locale data (CLDR, through Babel) a terminal carries.

Locale data for every language on earth is 35 MB; a terminal needs it only for the
languages it can serve: country and language names, numbers, dates and plural rules
in the visitor's language. The terminal bundle keeps the data of these languages
(and of their scripts, e.g. ``sr_Latn``) and leaves out the rest, and ``kiosk
catalog build`` refuses a catalog language outside this list, so no terminal ever
gets a language it has no data for. Adding a language here is the first step of
adding it to the kiosk.

Chosen for Dortmund's newcomers and their neighbours: the languages of the large
groups of refugees and labour migrants (Arabic, Persian and Dari, Pashto, Kurdish,
Tigrinya, Somali, Amharic, Ukrainian, Russian, Turkish, the languages of the
Balkans and of the EU) and the world's big lingua francas.
"""

from __future__ import annotations

#: A language as the kiosk names it: ``de``, ``ckb``, ``fa_AF``, and a variant by
#: gettext's modifier convention, ``de@leicht`` (checked wherever a code comes from a
#: file: catalogs, boot data, payloads).
LANGUAGE_PATTERN = r"^[a-z]{2,3}(_[A-Z]{2})?(@[a-z]{2,8})?$"

#: CLDR language codes; Dari is ``fa_AF`` (a variant of Persian's data).
# fmt: off
TERMINAL_LANGUAGES: frozenset[str] = frozenset({
    "de", "en", "fr", "es", "it", "pt", "nl",                       # German and lingua francas
    "ar", "fa", "ps", "ku", "ckb", "ur", "he",                      # Middle East, Afghanistan
    "ti", "so", "am", "om", "ha", "ig", "yo", "sw", "ln", "ff", "wo",  # Africa
    "uk", "ru", "be", "pl", "bg", "ro", "hu", "cs", "sk", "sl",     # Eastern and Central Europe
    "lt", "lv", "et",
    "tr", "sq", "sr", "hr", "bs", "mk", "el",                       # Turkey and the Balkans
    "ka", "hy", "az", "tk", "uz", "tg", "ky", "kk", "mn",           # Caucasus, Central Asia
    "vi", "zh", "hi", "bn", "ta", "pa", "ne", "si", "ms", "id", "th",  # South and East Asia
})
# fmt: on
#: Variants a terminal serves besides the languages themselves: Dari (Persian as written
#: in Afghanistan, CLDR's ``fa_AF``) and Leichte Sprache (German in the plain-language
#: rules, gettext's modifier convention ``de@leicht``; its locale data is German's).
TERMINAL_VARIANTS: frozenset[str] = frozenset({"fa_AF", "de@leicht"})


def carried(code: str) -> bool:
    """Whether a terminal has the locale data of *code* (``ar``, ``fa_AF``, ``sr_Latn``)."""
    language = code.split("_", 1)[0]
    return code in TERMINAL_VARIANTS or (
        language in TERMINAL_LANGUAGES and (code == language or _is_script(code[len(language) :]))
    )


def _is_script(rest: str) -> bool:
    """``_Latn``, ``_Cyrl``, ``_Arab``...: a script subtag (four letters, capitalised)."""
    return len(rest) == 5 and rest[0] == "_" and rest[1].isupper() and rest[2:].islower()


#: Names CLDR gives that a language's own speakers would not recognise as theirs:
#: Afghans call the Persian they read and write Dari, which CLDR files as "Persian
#: (Afghanistan)"; Leichte Sprache is German to CLDR.
OWN_NAMES: dict[str, str] = {"fa_AF": "دری", "de@leicht": "Leichte Sprache"}

#: Written right to left; the layout mirrors for them (``fa_AF`` is Persian's script).
RTL_LANGUAGES = frozenset({"ar", "fa", "ps", "ckb", "ur", "he", "dv", "ug", "yi"})


def is_rtl(lang: str) -> bool:
    """Whether *lang* (``ar``, ``fa_AF``, ``de@leicht``) is written right to left."""
    return lang.split("@", 1)[0].split("_", 1)[0] in RTL_LANGUAGES


#: Each terminal language's name in its own script, as CLDR (through Babel) gives it:
#: written out here because reading it from Babel's data costs a terminal's very first
#: start 45 ms, before its first screen. ``tests/test_locales.py`` checks it against
#: Babel, so a newer CLDR that renames a language fails there until this is updated.
# fmt: off
NATIVE_NAMES: dict[str, str] = {
    "am": "አማርኛ",
    "ar": "العربية",
    "az": "Azərbaycan",
    "be": "Беларуская",
    "bg": "Български",
    "bn": "বাংলা",
    "bs": "Bosanski",
    "ckb": "کوردیی ناوەندی",
    "cs": "Čeština",
    "de": "Deutsch",
    "de@leicht": "Deutsch",
    "el": "Ελληνικά",
    "en": "English",
    "es": "Español",
    "et": "Eesti",
    "fa": "فارسی",
    "fa_AF": "فارسی (افغانستان)",
    "ff": "Pulaar",
    "fr": "Français",
    "ha": "Hausa",
    "he": "עברית",
    "hi": "हिन्दी",
    "hr": "Hrvatski",
    "hu": "Magyar",
    "hy": "Հայերեն",
    "id": "Indonesia",
    "ig": "Asụsụ Igbo",
    "it": "Italiano",
    "ka": "ქართული",
    "kk": "Қазақ тілі",
    "ku": "Kurdî (kurmancî)",
    "ky": "Кыргызча",
    "ln": "Lingála",
    "lt": "Lietuvių",
    "lv": "Latviešu",
    "mk": "Македонски",
    "mn": "Монгол",
    "ms": "Melayu",
    "ne": "नेपाली",
    "nl": "Nederlands",
    "om": "Oromoo",
    "pa": "ਪੰਜਾਬੀ",
    "pl": "Polski",
    "ps": "پښتو",
    "pt": "Português",
    "ro": "Română",
    "ru": "Русский",
    "si": "සිංහල",
    "sk": "Slovenčina",
    "sl": "Slovenščina",
    "so": "Soomaali",
    "sq": "Shqip",
    "sr": "Српски",
    "sw": "Kiswahili",
    "ta": "தமிழ்",
    "tg": "Тоҷикӣ",
    "th": "ไทย",
    "ti": "ትግርኛ",
    "tk": "Türkmen dili",
    "tr": "Türkçe",
    "uk": "Українська",
    "ur": "اردو",
    "uz": "O‘zbek",
    "vi": "Tiếng Việt",
    "wo": "Wolof",
    "yo": "Èdè Yorùbá",
    "zh": "中文",
}
# fmt: on


def native_name(lang: str) -> str:
    """The language's name in its own script, as its speakers write it (for the buttons
    that choose a language, where nobody has chosen one yet)."""
    if lang in OWN_NAMES:
        return OWN_NAMES[lang]
    if lang in NATIVE_NAMES:
        return NATIVE_NAMES[lang]
    return cldr_name(lang)


def cldr_name(lang: str) -> str:
    """The name CLDR gives *lang* in itself, starting with a capital where its script
    has them for running text (Georgian's capitals are for headings only)."""
    from babel import Locale, UnknownLocaleError  # CLDR data: loaded when first needed

    try:
        name = Locale.parse(lang).get_display_name(lang) or lang
    except (ValueError, UnknownLocaleError):  # no such language: its code, as it is
        return lang
    if "\u10a0" <= name[:1] <= "\u10ff":
        return name
    return name[:1].upper() + name[1:]
