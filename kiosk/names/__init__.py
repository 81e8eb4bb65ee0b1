"""Names as German registers accept them: DIN 91379 (String.Latin+ 1.3).

Person names must be written exactly as printed in the passport, in the Latin
letters (with any diacritics) that DIN 91379 allows; this module tells whether a
string is valid in data type A (names of natural persons) or B (other names such
as streets and places) and, if not, which character is at fault.
"""

from kiosk.names.din91379 import NameCheck, check_type_a, check_type_b

__all__ = ["NameCheck", "check_type_a", "check_type_b"]
