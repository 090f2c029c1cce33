"""Normalising company names, phone numbers and e-mail addresses for matching (LED-3).

Pure: imports only the standard library.
"""

from __future__ import annotations

import re
import unicodedata

# Longest first: "股份有限公司" must go before "有限公司" gets a chance.
_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "公司")
# English legal forms only as separate words ("Cisco" keeps its "co").
_ENGLISH_SUFFIX = re.compile(
    r"(?:^|[\s,.])(?:co\.?,?\s*ltd|co\.?,?\s*limited|limited|ltd|inc|llc|corp|corporation"
    r"|company|co)\.?\s*$"
)
_COUNTRY_MARKERS = re.compile(r"[(\[](?:中国|china|prc)[)\]]")
_DIGITS = re.compile(r"\d+")


def company_name(name: str) -> str:
    """ "星河云服（中国）有限公司" and " 星河云服 " both become "星河云服".

    Full-width becomes half-width (NFKC), case is folded, "(中国)" is dropped, spaces and
    punctuation go, and common legal-form suffixes are removed from the end (repeatedly,
    but never down to nothing).
    """
    text = unicodedata.normalize("NFKC", name or "").casefold()
    text = _COUNTRY_MARKERS.sub("", text).strip()
    while (match := _ENGLISH_SUFFIX.search(text)) and match.start() > 0:
        text = text[: match.start()].rstrip(" ,.")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PSZC")
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)]
                changed = True
                break
    return text


def phone(number: str) -> str:
    """Digits only, without a +86 / 0086 country prefix: "+86 138-0013-8000" → "13800138000"."""
    digits = "".join(_DIGITS.findall(unicodedata.normalize("NFKC", number or "")))
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def email(address: str) -> str:
    """Trimmed and case-folded; empty stays empty."""
    return unicodedata.normalize("NFKC", address or "").strip().casefold()
