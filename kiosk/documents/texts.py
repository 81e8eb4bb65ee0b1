"""The documents' own words (the catalog brings the rest), German source for gettext."""

from __future__ import annotations

from kiosk.i18n import N_

PAGE = N_("Seite {page} von {pages}")
VERSION = N_("Fassung {version}")
REFERENCE = N_("Nummer des Antrags")
APPLICATION_DATE = N_("Antragsdatum")
TERMINAL = N_("Terminal")
LANGUAGE_OF_VISITOR = N_("Sprache der antragstellenden Person")
CONSENT_VERSION = N_("Zugestimmt in der Fassung {version}:")
NEXT_STEPS = N_("Wie geht es weiter?")
CONTACT = N_("Kontakt")
#: beside contact data that is only a placeholder (a demo catalog): nobody should call it
DEMO_CONTACT = N_("Beispieldaten – nicht echt")
#: on the visitor copy in every language but German (the same words as on the screen)
GERMAN_IS_BINDING = N_(
    "Verbindlich ist der deutsche Text. Die Übersetzung hilft Ihnen, ihn zu verstehen."
)
RECEIPT = N_("Beleg")
STATUS_CODE = N_("Status-Code")
STATUS_HINT = N_(
    "Mit diesem Beleg können Sie an jedem Terminal sehen, ob das Amt Ihren Antrag hat."
)
RESUME_CODE = N_("Code zum Weitermachen")
VALID_UNTIL = N_("Gültig bis {date}")
ONLINE = N_("Online lesen:")
SIGNATURE_UNREADABLE = N_("(Das Bild der Unterschrift konnte nicht gelesen werden.)")
