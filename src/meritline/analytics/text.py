"""Numbers and standings in words, in the user's language."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from meritline.analytics.engine import Advice, GapPhrase, GapUnit
from meritline.analytics.engine.gaps import plain
from meritline.core.money import format_fen

HUNDRED = Decimal(100)


def value_text(value: Decimal | None, unit: str) -> str:
    """A KPI value or target as people read it: money, a count, a percentage, days."""
    if value is None:
        return "—"
    if unit == "fen":
        return format_fen(int(value.to_integral_value(rounding=ROUND_HALF_UP)))
    if unit == "count":
        return f"{int(value.to_integral_value(rounding=ROUND_HALF_UP)):,}"
    if unit == "ratio":
        return f"{plain((value * HUNDRED).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP))} %"
    if unit == "days":
        return _("%(days)s days") % {"days": plain(value.quantize(Decimal("0.1")))}
    return str(plain(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)))


def rank_text(rank: int, total: int) -> str:
    return _("No. %(rank)d of %(total)d") % {"rank": rank, "total": total}


def gap_text(phrase: GapPhrase, kpi_name: str | None) -> str:
    """What closes the distance to the top 3, e.g. "2 more 新客户数 to reach the top 3"."""
    kpi = kpi_name or ""
    amount: Any = phrase.amount
    if phrase.unit is GapUnit.IN_TOP:
        return _("in the top 3")
    if phrase.unit is GapUnit.MONEY:
        return _("%(amount)s more %(kpi)s to reach the top 3") % {
            "amount": format_fen(int(amount)),
            "kpi": kpi,
        }
    if phrase.unit is GapUnit.COUNT:
        return _("%(count)s more %(kpi)s to reach the top 3") % {"count": amount, "kpi": kpi}
    if phrase.unit is GapUnit.PERCENT_POINTS:
        return _("%(kpi)s %(points)s percentage points higher to reach the top 3") % {
            "kpi": kpi,
            "points": amount,
        }
    if phrase.unit is GapUnit.DECREASE:
        return _("%(kpi)s %(value)s lower to reach the top 3") % {"kpi": kpi, "value": amount}
    if phrase.unit is GapUnit.NUMBER:
        return _("%(kpi)s %(value)s higher to reach the top 3") % {"kpi": kpi, "value": amount}
    return _("%(points)s points short of the top 3") % {"points": amount}


def standing_text(rank: int, total: int, phrase: GapPhrase, kpi_name: str | None) -> str:
    """ "No. 5 of 12, 2 more 大客户签约 to reach the top 3"."""
    return _("%(rank)s, %(gap)s") % {
        "rank": rank_text(rank, total),
        "gap": gap_text(phrase, kpi_name),
    }


def advice_text(advice: Advice) -> str:
    """An improvement suggestion for a weak KPI."""
    texts = {
        Advice.VOLUME: _(
            "Raise your sales volume: revisit customers who bought before and quote the "
            "open opportunities in your pipeline this month."
        ),
        Advice.PROSPECT: _(
            "Win more new customers: work the marketing leads assigned to you within a day "
            "and ask satisfied customers for referrals."
        ),
        Advice.RETAIN: _(
            "Keep customers buying: plan a follow-up with last period's buyers before "
            "their renewal and offer a repurchase bundle."
        ),
        Advice.MARGIN: _(
            "Protect your margin: discount less, sell the higher-margin products and "
            "check the cost before agreeing on a price."
        ),
        Advice.CONVERT: _(
            "Convert more leads: qualify early, book a solution demo after the first "
            "visit and agree the next step at every meeting."
        ),
        Advice.FOLLOW_UP: _(
            "Follow up faster: contact every new lead on the day it arrives; your overdue "
            "leads are on “My leads”."
        ),
        Advice.BIG_CLIENTS: _(
            "Sign more big clients: spend more time on enterprise accounts above the "
            "big-client threshold and involve your manager early."
        ),
        Advice.ORDERS: _(
            "Close more orders: small repeat orders count; keep a short list of customers "
            "to call each week."
        ),
        Advice.COLLECT: _(
            "Collect faster: remind customers of due payments and agree payment dates "
            "when the contract is signed."
        ),
        Advice.GROWTH: _(
            "Grow on last period: compare this period's deals with the last one and "
            "target the customers who bought less."
        ),
        Advice.FEEDBACK: _(
            "Ask your reviewers for specific feedback and agree one behaviour to change "
            "with your manager."
        ),
        Advice.EVIDENCE: _(
            "Record this KPI's results with evidence as they happen so that none is "
            "missing at scoring time."
        ),
    }
    return texts.get(
        advice, _("Talk with your manager about a plan for this KPI before the cycle ends.")
    )
