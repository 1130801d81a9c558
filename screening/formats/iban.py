"""IBAN and BIC checks with schwifty, whose bank registry ships with it (nothing is fetched).

Results are cached: a file names the same few thousand accounts and banks over
and over, and a check costs microseconds only the first time.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

ACCOUNT_PLACEHOLDERS = ("NOTPROVIDED", "NONREF", "UNKNOWN", "N/A")
"""What messages write in an account field when there is no account."""
_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}")


class Checked(NamedTuple):
    """A normalised identifier, the country it belongs to, and why it is invalid (or None)."""

    value: str
    country: str | None
    error: str | None


@lru_cache(maxsize=65536)
def check_iban(text: str) -> Checked:
    """Check an IBAN (spaces allowed) and give it without spaces, upper case.

    >>> check_iban("DE89 3704 0044 0532 0130 00")
    Checked(value='DE89370400440532013000', country='DE', error=None)
    >>> check_iban("DE89370400440532013001").error
    'invalid IBAN: Invalid checksum digits'
    """
    compact = "".join(text.split()).upper()
    try:
        iban = IBAN(compact)
    except SchwiftyException as error:
        return Checked(compact, None, f"invalid IBAN: {error}")
    return Checked(iban.compact, iban.country_code, None)


def given(account: str | None) -> str | None:
    """An account as written, or None for the placeholders messages use when there is none.

    >>> given("NOTPROVIDED"), given(" 12345 ")
    (None, '12345')
    """
    text = (account or "").strip()
    return text if text and text.upper() not in ACCOUNT_PLACEHOLDERS else None


def looks_like_iban(text: str) -> bool:
    """True for an account number written like an IBAN: country, check digits, 10 to 30 more.

    >>> looks_like_iban("NL81ASNB9999999999"), looks_like_iban("12345678/1020304050")
    (True, False)
    """
    return _IBAN_SHAPE.fullmatch("".join(text.split()).upper()) is not None


@lru_cache(maxsize=16384)
def check_bic(text: str) -> Checked:
    """Check a BIC's form and country; an 11-character BIC ending in XXX is its head office, BIC8.

    >>> check_bic("deutdeffxxx")
    Checked(value='DEUTDEFF', country='DE', error=None)
    >>> check_bic("DEUTZZFF").error
    "invalid BIC: Invalid country code 'ZZ'"
    """
    compact = "".join(text.split()).upper()
    try:
        bic = BIC(compact)
    except SchwiftyException as error:
        return Checked(compact, None, f"invalid BIC: {error}")
    head_office = len(compact) == 11 and compact.endswith("XXX")
    return Checked(compact[:8] if head_office else compact, bic.country_code, None)
