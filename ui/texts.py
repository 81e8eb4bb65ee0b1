"""Every text the kiosk itself shows (the catalog brings its own), in German, for gettext.

One module so translators and reviewers see all UI wording in one place; the
``ui`` domain PO files translate it.
"""

from __future__ import annotations

from kiosk.i18n import N_

CHOOSE_LANGUAGE = N_("Bitte wählen Sie Ihre Sprache")
HAVE_CODE = N_("Ich habe einen Code zum Weitermachen")
HOME_TITLE = N_("Wobei brauchen Sie Hilfe?")
SEARCH = N_("Suchen")
SEARCH_HINT = N_("Suchwort eingeben, zum Beispiel Wohnung")
NO_RESULTS = N_("Nichts gefunden. Bitte versuchen Sie ein anderes Wort.")
TOPICS = N_("Themen")
OFFICES = N_("Ämter")
FORMS_TITLE = N_("Anträge")
INFO = N_("Informationen")
START_FORM = N_("Diesen Antrag ausfüllen")
ONLINE_VERSION = N_("Online lesen: QR-Code mit dem Handy scannen")
BACK = N_("Zurück")
NEXT = N_("Weiter")
TO_REVIEW = N_("Zur Übersicht")
PAGE_OF = N_("Seite {page} von {pages}")
REQUIRED = N_("Pflichtfeld")
HELP = N_("Hilfe")
READ_ALOUD = N_("Vorlesen")
YES = N_("Ja")
NO = N_("Nein")
CHOOSE_DATE = N_("Datum wählen")
CHANGE_DATE = N_("Datum ändern")
DAY = N_("Tag")
MONTH = N_("Monat")
YEAR = N_("Jahr")
OK = N_("Fertig")
CANCEL = N_("Abbrechen")
ADD_ITEM = N_("Hinzufügen")
REMOVE_ITEM = N_("Entfernen")
ITEM_NUMBER = N_("{label} {number}")
I_AGREE = N_("Ich stimme zu")
SIGN_HERE = N_("Bitte hier mit dem Finger unterschreiben")
CLEAR_SIGNATURE = N_("Unterschrift löschen")
ADD_FILE = N_("Datei hinzufügen")
FILE_ADDED = N_("Datei: {name}")
STREET = N_("Straße")
HOUSE_NUMBER = N_("Hausnummer")
POSTCODE = N_("Postleitzahl")
CITY = N_("Ort")
ADDRESS_EXTRA = N_("Adresszusatz (zum Beispiel bei Familie Müller)")
COUNTRY = N_("Land")
SEARCH_COUNTRY = N_("Land suchen")
COMPUTED = N_("wird berechnet")
PLEASE_CHECK = N_("Bitte prüfen Sie die markierten Angaben.")
REVIEW_TITLE = N_("Bitte prüfen Sie Ihre Angaben")
CHANGE = N_("Ändern")
NOT_ANSWERED = N_("keine Angabe")
SUBMIT = N_("Antrag abschicken")
SENDING = N_("Einen Moment bitte …")
DONE_TITLE = N_("Ihr Antrag ist gespeichert")
DONE_REFERENCE = N_("Ihre Nummer:")
DONE_TEXT = N_(
    "Bitte bewahren Sie diese Nummer auf. Fotografieren Sie den QR-Code oder lassen Sie sich "
    "den Beleg ausdrucken."
)
PRINT = N_("Beleg drucken")
PRINTING = N_("Der Beleg wird gedruckt. Bitte nehmen Sie ihn aus dem Drucker.")
PRINT_UNAVAILABLE = N_(
    "Der Drucker ist gerade nicht bereit. Bitte fotografieren Sie den QR-Code und die Nummer."
)
ANOTHER_FORM = N_("Noch einen Antrag stellen")
START_OVER = N_("Neu beginnen")
FINISH = N_("Fertig")
CONTINUE_LATER = N_("Später weitermachen")
CHOOSE_PIN = N_("Wählen Sie eine Geheimzahl mit 4 bis 6 Ziffern")
REPEAT_PIN = N_("Geben Sie die Geheimzahl noch einmal ein")
PIN_MISMATCH = N_("Die Geheimzahlen sind verschieden. Bitte noch einmal.")
PIN_TOO_SHORT = N_("Bitte 4 bis 6 Ziffern eingeben.")
NOTHING_TO_SAVE = N_("Sie haben noch nichts ausgefüllt, das gespeichert werden kann.")
YOUR_CODE = N_("Ihr Code zum Weitermachen:")
CODE_VALID_UNTIL = N_(
    "Gültig bis {date}. Notieren oder fotografieren Sie den Code. "
    "Die Geheimzahl merken Sie sich selbst."
)
DELETE_DIGIT = N_("Löschen")
ENTER_CODE = N_("Geben Sie Ihren Code ein")
ENTER_PIN = N_("Geben Sie Ihre Geheimzahl ein")
RESUME = N_("Weitermachen")
RESUME_INVALID = N_("Dieser Code ist nicht richtig. Bitte prüfen Sie jedes Zeichen.")
RESUME_UNKNOWN = N_("Diesen Code gibt es nicht oder er wurde schon benutzt.")
RESUME_EXPIRED = N_("Dieser Code ist abgelaufen. Bitte beginnen Sie einen neuen Antrag.")
RESUME_LOCKED = N_(
    "Zu viele falsche Versuche. Dieser Code ist gesperrt. Bitte wenden Sie sich an das Personal."
)
RESUME_WAIT = N_("Zu viele falsche Versuche. Bitte warten Sie {seconds} Sekunden.")
RESUME_WRONG_PIN = N_("Die Geheimzahl ist falsch. Noch {attempts} Versuche.")
RESUME_FORM_GONE = N_(
    "Dieser Antrag kann nicht mehr geöffnet werden. Bitte wenden Sie sich an das Personal."
)
STILL_THERE = N_("Sind Sie noch da?")
STILL_THERE_TEXT = N_("Ohne Antwort wird alles in {seconds} Sekunden gelöscht.")
I_AM_HERE = N_("Ich bin noch da")
LARGER_TEXT = N_("Große Schrift")
HIGH_CONTRAST = N_("Hoher Kontrast")
LANGUAGE = N_("Sprache")
STAFF_NEEDED = N_("Bitte wenden Sie sich an das Personal.")
NO_KEY = N_(
    "Dieser Antrag kann gerade nicht abgeschickt werden. Bitte wenden Sie sich an das Personal."
)
