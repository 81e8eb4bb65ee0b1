"""Validation messages: one German source text per problem, translated through gettext.

The engine reports a :class:`Message` with the text in the visitor's language
and the German text beside it, so staff and the receiving office can read what
the visitor was told. A text that counts (entries, characters) is a singular and
plural pair, worded by the number it counts: "mindestens 1 Eintrag", "2 Einträge".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kiosk.i18n import N_, NP_, Plural, gettext_for, ngettext_for
from kiosk.localized import plain_number

#: Problem code -> German source text (the msgid). Placeholders are named.
#: Counted texts are in COUNTED_TEXTS below.
TEXTS: dict[str, str] = {
    "required": N_("Bitte füllen Sie dieses Feld aus."),
    "required_choice": N_("Bitte wählen Sie eine Antwort."),
    "required_consent": N_("Bitte bestätigen Sie, dass Sie zustimmen."),
    "required_signature": N_("Bitte unterschreiben Sie hier."),
    "invalid_type": N_("Diese Antwort hat nicht die richtige Form."),
    "bad_character": N_("Das Zeichen „{char}“ ist hier nicht erlaubt."),
    "name_character": N_(
        "Das Zeichen „{char}“ ist in Namen nicht erlaubt. Bitte schreiben Sie den Namen "
        "in lateinischen Buchstaben, so wie er in Ihrem Pass steht."
    ),
    "place_character": N_(
        "Das Zeichen „{char}“ ist hier nicht erlaubt. Bitte schreiben Sie in lateinischen "
        "Buchstaben."
    ),
    "pattern": N_("Diese Angabe hat nicht die erwartete Form."),
    "not_integer": N_("Bitte geben Sie eine ganze Zahl ein."),
    "not_number": N_("Bitte geben Sie eine Zahl ein."),
    #: "40.000" typed where no separator is known to mean thousands: {whole} is 40000, {part} 40
    "ambiguous_number": N_(
        "Meinen Sie {whole} oder {part}? Bitte schreiben Sie die Zahl ohne Punkt oder Komma "
        "zwischen den Tausendern, zum Beispiel {whole}."
    ),
    "money_cents": N_(
        "Bitte geben Sie den Betrag in Euro mit höchstens zwei Nachkommastellen ein."
    ),
    "below_min": N_("Die Zahl muss mindestens {min} sein."),
    "above_max": N_("Die Zahl darf höchstens {max} sein."),
    "not_date": N_("Bitte wählen Sie ein gültiges Datum."),
    "date_before": N_("Das Datum darf nicht vor dem {date} liegen."),
    "date_after": N_("Das Datum darf nicht nach dem {date} liegen."),
    "not_option": N_("Bitte wählen Sie eine der angebotenen Antworten."),
    "duplicate_option": N_("Jede Antwort kann nur einmal gewählt werden."),
    "not_country": N_("Bitte wählen Sie ein Land aus der Liste."),
    "phone": N_("Bitte geben Sie eine gültige Telefonnummer ein, zum Beispiel 0231 1234567."),
    "phone_letters": N_(
        "Eine Telefonnummer hat nur Ziffern. Bitte lassen Sie die Buchstaben weg, "
        "zum Beispiel 0231 1234567."
    ),
    "email": N_("Bitte geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel name@beispiel.de."),
    "iban": N_("Diese IBAN ist nicht gültig. Bitte prüfen Sie jede Ziffer."),
    "postcode": N_("Bitte geben Sie eine deutsche Postleitzahl mit 5 Ziffern ein."),
    "house_number": N_("Bitte geben Sie eine Hausnummer ein, zum Beispiel 12 oder 12a."),
    "address_street": N_("Bitte geben Sie die Straße ein."),
    "address_city": N_("Bitte geben Sie den Ort ein."),
    "signature": N_(
        "Die Unterschrift konnte nicht gelesen werden. Bitte unterschreiben Sie noch einmal."
    ),
    "attachment_type": N_("Diese Art von Datei wird nicht angenommen."),
    "attachment_size": N_("Die Datei ist zu groß. Erlaubt sind höchstens {max} MB."),
    #: {char} is a code point and name, e.g. "U+00A0 NO-BREAK SPACE": nobody can see it
    "invisible_character": N_(
        "Das unsichtbare Zeichen {char} ist hier nicht erlaubt. Bitte löschen Sie die "
        "Angabe und schreiben Sie sie noch einmal."
    ),
}

#: Problem code -> (the parameter that counts, German singular and plural). Kept apart
#: from TEXTS because these need a number to be worded at all.
COUNTED_TEXTS: dict[str, tuple[str, Plural]] = {
    "required_items": (
        "min",
        NP_(
            "Bitte fügen Sie mindestens {min} Eintrag hinzu.",
            "Bitte fügen Sie mindestens {min} Einträge hinzu.",
        ),
    ),
    "too_many_items": (
        "max",
        NP_(
            "Bitte fügen Sie höchstens {max} Eintrag hinzu.",
            "Bitte fügen Sie höchstens {max} Einträge hinzu.",
        ),
    ),
    # "Zeichen" is both singular and plural in German; other languages differ
    "too_short": (
        "min",
        NP_(
            "Bitte schreiben Sie mindestens {min} Zeichen.",
            "Bitte schreiben Sie mindestens {min} Zeichen.",
        ),
    ),
    "too_long": (
        "max",
        NP_(
            "Bitte schreiben Sie höchstens {max} Zeichen.",
            "Bitte schreiben Sie höchstens {max} Zeichen.",
        ),
    ),
}


@dataclass(frozen=True)
class Problem:
    """A validation finding before it is put into words."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    #: Text from the catalog (constraint or rule message) instead of a built-in code.
    catalog_text: tuple[str, str] | None = None  # (visitor language, German)


@dataclass(frozen=True)
class Message:
    """A finding on one field, worded for the visitor and in German for staff."""

    path: str
    code: str
    text: str
    text_de: str


def render(path: str, problem: Problem, lang: str) -> Message:
    """Word *problem* in *lang* and in German."""
    if problem.catalog_text is not None:
        text, text_de = problem.catalog_text
        return Message(path, problem.code, text, text_de)
    if problem.code in COUNTED_TEXTS:
        counter, counted = COUNTED_TEXTS[problem.code]
        n = int(problem.params[counter])
        german, translated = counted.german(n), ngettext_for(lang, counted, n)
    else:
        german = TEXTS[problem.code]
        translated = gettext_for(lang).gettext(german)
    params, params_de = _worded(problem.params, lang), _worded(problem.params, "de")
    try:
        text = translated.format(**params)
    except (KeyError, IndexError, ValueError):
        text = german.format(**params)  # a broken translation must not hide the message
    return Message(path, problem.code, text, german.format(**params_de))


def _worded(params: dict[str, Any], lang: str) -> dict[str, str]:
    """Parameters as text; a number as a visitor of *lang* types it (``1,5`` in German)."""
    return {
        k: plain_number(v, lang) if isinstance(v, Decimal) else str(v) for k, v in params.items()
    }
