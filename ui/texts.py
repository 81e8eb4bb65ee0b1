"""Every text the kiosk itself shows (the catalog brings its own), in German, for gettext.

One module so translators and reviewers see all UI wording in one place; the
``ui`` domain PO files translate it. A text that counts something is an ``NP_`` pair
(shown with :meth:`ui.tr.Tr.plural`), so every language gets its own plural forms.
"""

from __future__ import annotations

from kiosk.i18n import N_, NP_

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
CONTACT = N_("Kontakt")
#: beside contact data that is only a placeholder (a demo catalog): nobody should call it
DEMO_CONTACT = N_("Beispieldaten – nicht echt")
NOT_A_CITY_OFFICE = N_("Kein Amt der Stadt")
# the finder (Wegweiser): plain questions that lead to the right form (ui/screens/finder.py)
FINDER_TITLE = N_("Den richtigen Antrag finden")
FINDER_INVITE = N_(
    "Sie wissen nicht, welcher Antrag der richtige ist? Beantworten Sie ein paar einfache Fragen."
)
FINDER_QUESTION_NUMBER = N_("Frage {number}")
FINDER_SKIP = N_("Überspringen")
FINDER_RESULT_TITLE = N_("Das passt zu Ihren Antworten")
FINDER_WHY = N_("Warum dieses Amt?")
FINDER_BRING = N_("Bitte bringen Sie mit:")
FINDER_READ = N_("Informationen lesen")
FINDER_AGAIN = N_("Fragen noch einmal beantworten")
FINDER_HOME = N_("Zur Startseite")
# German terms kept beside translations (the catalog's glossary, ui/glossary.py)
GERMAN_IS_BINDING = N_(
    "Verbindlich ist der deutsche Text. Die Übersetzung hilft Ihnen, ihn zu verstehen."
)
GLOSSARY_EXPLAIN = N_("Erklärung: {term}")
GLOSSARY_TAP_HINT = N_("Tippen Sie auf ein deutsches Wort, um es erklärt zu bekommen: {terms}")
GLOSSARY_IN_GERMAN = N_("Auf Deutsch:")
CLOSE = N_("Schließen")
BACK = N_("Zurück")
NEXT = N_("Weiter")
TO_REVIEW = N_("Zur Übersicht")
PAGE_OF = N_("Seite {page} von {pages}")
REQUIRED = N_("Pflichtfeld")
HELP = N_("Hilfe")
READ_ALOUD = N_("Vorlesen")
STOP_SPEAKING = N_("Anhalten")
SAY_AGAIN = N_("Noch einmal")
QUIETER = N_("Leiser")
LOUDER = N_("Lauter")
VOLUME_LEVEL = N_("Lautstärke {level} von {levels}")
READ_EVERY_PAGE = N_("Jede Seite vorlesen")
READ_QUESTION = N_("Diese Frage vorlesen: {question}")
NO_VOICE = N_(
    "Für diese Sprache gibt es an diesem Gerät noch keine Stimme. Bitte fragen Sie das Personal."
)
YES = N_("Ja")
NO = N_("Nein")
CHOOSE_DATE = N_("Datum wählen")
DAY = N_("Tag")
MONTH = N_("Monat")
YEAR = N_("Jahr")
CHOOSE_YEAR = N_("Wählen Sie das Jahr")
CHOOSE_MONTH = N_("Wählen Sie den Monat")
CHOOSE_DAY = N_("Wählen Sie den Tag")
OK = N_("Fertig")
CANCEL = N_("Abbrechen")
ADD_ITEM = N_("Hinzufügen")
REMOVE_ITEM = N_("Entfernen")
ITEM_NUMBER = N_("{label} {number}")
I_AGREE = N_("Ich stimme zu")
SIGN_HERE = N_("Bitte hier mit dem Finger unterschreiben")
CLEAR_SIGNATURE = N_("Unterschrift löschen")
BRING_DOCUMENT = N_(
    "Bitte geben Sie dieses Dokument dem Personal hier oder bringen Sie es zu Ihrem Termin mit."
)
STREET = N_("Straße")
HOUSE_NUMBER = N_("Hausnummer")
POSTCODE = N_("Postleitzahl")
CITY = N_("Ort")
ADDRESS_EXTRA = N_("Adresszusatz (zum Beispiel bei Familie Müller)")
COUNTRY = N_("Land")
SEARCH_COUNTRY = N_("Land suchen")
SEARCH_IN_LIST = N_("In der Liste suchen")
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
START_OVER_TITLE = N_("Alles löschen und neu beginnen?")
START_OVER_TEXT = N_(
    "Alles, was Sie hier eingegeben haben, wird gelöscht. Das kann nicht rückgängig gemacht werden."
)
START_OVER_YES = N_("Ja, alles löschen")
START_OVER_NO = N_("Nein, weitermachen")
FINISH = N_("Fertig")
CONTINUE_LATER = N_("Später weitermachen")
CHOOSE_PIN = N_("Wählen Sie eine Geheimzahl mit 4 bis 6 Ziffern")
REPEAT_PIN = N_("Geben Sie die Geheimzahl noch einmal ein")
PIN_MISMATCH = N_("Die Geheimzahlen sind verschieden. Bitte noch einmal.")
PIN_TOO_SHORT = N_("Bitte 4 bis 6 Ziffern eingeben.")
NOTHING_TO_SAVE = N_("Sie haben noch nichts ausgefüllt, das gespeichert werden kann.")
SAVING = N_("Einen Moment bitte, Ihre Angaben werden gespeichert …")
OPENING = N_("Einen Moment bitte, Ihr Antrag wird geöffnet …")
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
RESUME_NO_MATCH = NP_(
    "Code und Geheimzahl passen zu keinem gespeicherten Antrag. Bitte prüfen Sie beides. "
    "Sie haben noch {attempts} Versuch.",
    "Code und Geheimzahl passen zu keinem gespeicherten Antrag. Bitte prüfen Sie beides. "
    "Sie haben noch {attempts} Versuche.",
)
RESUME_EXPIRED = N_("Dieser Code ist abgelaufen. Bitte beginnen Sie einen neuen Antrag.")
RESUME_LOCKED = N_(
    "Zu viele falsche Versuche. Dieser Code ist gesperrt. Bitte wenden Sie sich an das Personal."
)
RESUME_WAIT = NP_(
    "Zu viele falsche Versuche. Bitte warten Sie {seconds} Sekunde.",
    "Zu viele falsche Versuche. Bitte warten Sie {seconds} Sekunden.",
)
RESUME_FORM_GONE = N_(
    "Dieser Antrag kann nicht mehr geöffnet werden. Bitte wenden Sie sich an das Personal."
)
# where an application stands (ui/screens/status_lookup.py); the receipt says the same
CHECK_APPLICATION = N_("Wo steht mein Antrag?")
STATUS_PROMPT = N_("Tippen Sie die Nummer und den Status-Code von Ihrem Beleg ab.")
STATUS_REFERENCE = N_("Nummer des Antrags")
STATUS_CODE = N_("Status-Code")
STATUS_CODE_HINT = N_(
    "Mit der Nummer und dem Status-Code sehen Sie an jedem Terminal, ob das Amt Ihren Antrag hat."
)
LOOK_UP = N_("Nachsehen")
LOOKING_UP = N_("Einen Moment bitte …")
STATUS_RECEIVED = N_("{office} hat Ihren Antrag am {date} erhalten.")
STATUS_IN_PROGRESS = N_("{office} bearbeitet Ihren Antrag (seit dem {date}).")
STATUS_DOCUMENTS_MISSING = N_(
    "{office} braucht noch Unterlagen von Ihnen (seit dem {date}). Bitte bringen Sie sie "
    "vorbei oder fragen Sie das Personal."
)
STATUS_DECIDED_BY_POST = N_(
    "{office} hat entschieden. Der Brief kommt mit der Post (seit dem {date})."
)
# one answer for a wrong code, an unknown reference and no status yet: an answer never
# tells whether a reference exists
STATUS_NOT_FOUND = N_(
    "Für diesen Beleg gibt es noch keinen Stand. Die Ämter melden sich innerhalb weniger "
    "Tage. Bitte prüfen Sie den Code oder fragen Sie das Personal."
)
# a typo, known from the check characters alone, before any lookup
STATUS_CODE_TYPO = N_("Bitte prüfen Sie den Code: Ein Zeichen ist falsch.")
STILL_THERE = N_("Sind Sie noch da?")
# counted down every second, so the visitor reads it for 1 as well
STILL_THERE_TEXT = NP_(
    "Ohne Antwort wird alles in {seconds} Sekunde gelöscht.",
    "Ohne Antwort wird alles in {seconds} Sekunden gelöscht.",
)
I_AM_HERE = N_("Ich bin noch da")
LARGER_TEXT = N_("Große Schrift")
HIGH_CONTRAST = N_("Hoher Kontrast")
LANGUAGE = N_("Sprache")
LATIN_WHY = N_(
    "Bitte mit lateinischen Buchstaben (A–Z) schreiben, so wie es in Ihrem Pass oder Ihren "
    "Papieren steht."
)
SWITCH_SCRIPT = N_("Tastatur wechseln")
STAFF_NEEDED = N_("Bitte wenden Sie sich an das Personal.")
NO_KEY = N_(
    "Dieser Antrag kann gerade nicht abgeschickt werden. Bitte wenden Sie sich an das Personal."
)
# a terminal that may serve no catalog (see ui/screens/out_of_service.py)
OUT_OF_SERVICE_TITLE = N_("Dieses Terminal ist gerade außer Betrieb.")
OUT_OF_SERVICE_TEXT = N_(
    "Das Personal ist bereits informiert. Bitte wenden Sie sich an das Personal."
)

# ---------------------------------------------------------------- assisted mode
# The banner is for the visitor (their language, German beside); the PIN pad and
# the staff menu are for staff and shown in German.
STAFF_HELPING = N_("Sie bekommen Hilfe vom Personal: {name}")
STAFF_MENU = N_("Personal-Menü")
STAFF_LOCK = N_("Sperren")
STAFF_UNLOCK_TITLE = N_("Personal: PIN eingeben")
STAFF_WRONG_PIN = N_("Die PIN ist falsch.")
STAFF_LOCKED = N_(
    "Zu viele falsche PINs: Das Terminal wartet. Eine Administratorin oder ein Administrator "
    "kann mit der eigenen langen PIN sofort entsperren."
)
STAFF_WAIT = N_("Nächster Versuch mit Personal-PIN in {time}")
STAFF_NO_ACCOUNTS = N_("Auf diesem Terminal ist kein Personal eingerichtet.")
STAFF_CHECKING = N_("PIN wird geprüft …")
STAFF_PANEL_TITLE = N_("Personal-Menü: {name}")
STATUS_TITLE = N_("Zustand des Terminals")
STATUS_CATALOG = N_("Katalog: {value}")
STATUS_CATALOG_WAITING = N_("Neuer Katalog wartet auf die nächste Pause: Version {version}")
STATUS_CATALOG_REFUSED = N_("Zuletzt abgelehnter Katalog: {value}")
STATUS_AUDIO = N_("Ton: {value}")
AUDIO_MISSING = N_("kein Audiogerät, Vorlesen ist aus")
STATUS_LANGUAGES = N_(
    "Sprachen für Besucher: {offered}; davon von Fachleuten geprüft: {reviewed}; "
    "zurückgehalten (unvollständig): {withheld}"
)
STATUS_DELIVERY_GAP = NP_(
    "{missing} bestätigter Antrag fehlte auf dem Server ({at}) und wurde erneut gesendet.",
    "{missing} bestätigte Anträge fehlten auf dem Server ({at}) und wurden erneut gesendet.",
)
STATUS_OUTBOX = N_("Ausgang: {value}")
STATUS_LAST_SYNC = N_("Letzte Übertragung: {value}")
STATUS_LAST_ERROR = N_("Letzter Fehler: {value}")
STATUS_PRINTER = N_("Drucker: {value}")
STATUS_DISK = N_("Freier Speicher: {free} von {total}")
STATUS_NEVER = N_("noch nie")
STATUS_NOT_ENROLLED = N_("nicht mit dem Server verbunden")
PRINTER_READY = N_("bereit")
PRINTER_MISSING = N_("kein Drucker gefunden")
PRINTER_NOT_READY = N_("nicht bereit ({reason})")
RECOVER_SESSION = N_("Letzte Sitzung wiederherstellen")
NOTHING_TO_RECOVER = N_("Es gibt keine Sitzung zum Wiederherstellen.")
SESSION_RECOVERED = NP_(
    "Die Sitzung ist wiederhergestellt: {count} Antrag.",
    "Die Sitzung ist wiederhergestellt: {count} Anträge.",
)
REPRINT_RECEIPT = N_("Beleg noch einmal drucken")
NO_RECEIPT_YET = N_("In dieser Sitzung wurde noch kein Antrag abgeschickt.")
SYNC_NOW = N_("Jetzt übertragen")
SYNC_STARTED = N_("Die Übertragung läuft …")
SYNC_DONE = N_("Übertragung beendet. Noch nicht übertragen: {left}")
SYNC_FAILED = N_("Übertragung fehlgeschlagen: {error}")
SYNC_NO_ANSWER = N_(
    "Noch kein Ergebnis. Die Übertragung läuft im Hintergrund weiter; der Zustand oben zeigt sie."
)
SYNC_UNAVAILABLE = N_("Auf diesem Terminal ist keine Übertragung eingerichtet.")
STATUS_NOT_ENROLLED_LONG = N_("Dieses Terminal ist mit keinem Server verbunden.")
OUTBOX_PENDING = N_("wartet")
OUTBOX_SENDING = N_("wird gesendet")
OUTBOX_DONE = N_("übertragen")
OUTBOX_AT_OFFICE = N_("beim Amt angekommen")
OUTBOX_CONFLICT = N_("Konflikt")
OUTBOX_REJECTED = N_("abgelehnt")
RESET_LOCKOUT = N_("PIN-Sperre aufheben")
LOCKOUT_RESET = N_("Die PIN-Sperre ist aufgehoben.")
EXIT_KIOSK = N_("Kiosk beenden")
BACK_TO_VISITOR = N_("Zurück zur Besucherin oder zum Besucher")
STAFF_END_SESSION_FIRST = N_("Bitte zuerst die laufende Sitzung beenden (Neu beginnen).")
