"""Lead qualification standards as structured data (LED-2): check, describe, evaluate.

A standard's ``criteria`` is a list of rules:

- ``{"kind": "required", "field": F}`` — the lead has F: one of ``company_name``,
  ``contact_name``, ``contact_phone``, ``contact_email``, ``contact`` (a phone or an
  e-mail), ``customer`` (linked to a customer record);
- ``{"kind": "customer_kind", "in": ["enterprise", …]}`` — the linked customer is of
  one of these kinds;
- ``{"kind": "source_kind", "in": ["marketing", …]}`` — the lead came from one of these
  sources.

Evaluation reads plain facts (a dict), never the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from meritline.sales.models import CustomerKind, SourceKind


def _field_labels() -> dict[str, str]:
    return {
        "company_name": _("company name"),
        "contact_name": _("contact name"),
        "contact_phone": _("contact phone"),
        "contact_email": _("contact e-mail"),
        "contact": _("a contact phone or e-mail"),
        "customer": _("a linked customer record"),
    }


REQUIRED_FIELDS = frozenset(
    {"company_name", "contact_name", "contact_phone", "contact_email", "contact", "customer"}
)
_CHOICES = {"customer_kind": CustomerKind, "source_kind": SourceKind}


class CriteriaError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check(criteria: Any) -> list[dict[str, Any]]:
    """The criteria in canonical form, or ``CriteriaError`` saying what is wrong."""
    if not isinstance(criteria, list) or not criteria:
        raise CriteriaError(_("A standard needs a list of at least one criterion."))
    result: list[dict[str, Any]] = []
    for number, rule in enumerate(criteria, start=1):
        if not isinstance(rule, Mapping) or "kind" not in rule:
            raise CriteriaError(_("Criterion %d has no kind.") % number)
        kind = rule["kind"]
        if kind == "required":
            field = rule.get("field")
            if field not in REQUIRED_FIELDS:
                raise CriteriaError(
                    _("Criterion %(number)d asks for an unknown field “%(field)s”.")
                    % {"number": number, "field": field}
                )
            result.append({"kind": kind, "field": field})
        elif kind in _CHOICES:
            values = rule.get("in")
            allowed = set(_CHOICES[kind].values)
            if not isinstance(values, list) or not values or not set(values) <= allowed:
                raise CriteriaError(
                    _("Criterion %(number)d must list one or more of: %(allowed)s.")
                    % {"number": number, "allowed": ", ".join(sorted(allowed))}
                )
            result.append({"kind": kind, "in": sorted(set(values))})
        else:
            raise CriteriaError(
                _("Criterion %(number)d has an unknown kind “%(kind)s”.")
                % {"number": number, "kind": kind}
            )
    return result


def describe(rule: Mapping[str, Any]) -> str:
    kind = rule["kind"]
    if kind == "required":
        return _("Has %s") % _field_labels()[rule["field"]]
    labels = ", ".join(str(_CHOICES[kind](v).label) for v in rule["in"])
    if kind == "customer_kind":
        return _("Customer is: %s") % labels
    return _("Lead source is: %s") % labels


def evaluate(criteria: Sequence[Mapping[str, Any]], facts: Mapping[str, Any]) -> list[str]:
    """The descriptions of the criteria the lead does not meet (empty: qualified).

    ``facts`` has the lead's fields by name, ``customer`` (truthy when linked),
    ``customer_kind`` ("" when none) and ``source_kind``.
    """
    failed: list[str] = []
    for rule in criteria:
        kind = rule["kind"]
        if kind == "required":
            field = rule["field"]
            if field == "contact":
                ok = bool(facts.get("contact_phone") or facts.get("contact_email"))
            else:
                ok = bool(facts.get(field))
        else:
            ok = facts.get(kind) in rule["in"]
        if not ok:
            failed.append(describe(rule))
    return failed
