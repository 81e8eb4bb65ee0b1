"""Country and nationality code lists with names from CLDR (through Babel).

Values are ISO 3166-1 alpha-2 codes; names come in every language Babel knows,
so a Persian speaker finds "آلمان" and the office reads "Deutschland".
"""

from __future__ import annotations

from functools import cache

from babel import Locale

#: CLDR territory codes that are not countries one can be born in or hold
#: citizenship of (regions, the EU, test and private-use codes).
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AQ", "BV", "HM", "CP", "DG"})


@cache
def country_codes() -> frozenset[str]:
    names = Locale("de").territories
    return frozenset(
        code
        for code in map(str, names)
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    )


@cache
def country_names(lang: str) -> dict[str, str]:
    """Code -> name in *lang*, sorted by name in that language's order of appearance."""
    locale = Locale.parse(lang)
    names = locale.territories
    fallback = Locale("en").territories
    pairs = [(code, names.get(code) or fallback[code]) for code in country_codes()]
    return dict(sorted(pairs, key=lambda p: p[1].casefold()))
