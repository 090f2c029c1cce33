"""Deal pages: scoped list and export, segment by the threshold in force, the detail with
splits and the collections/refunds ledger, and recording collections, refunds and
cancellations with their bad inputs (SPEC PAY-2…PAY-6, PLT-3)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meritline.core.models import AuditLog
from meritline.sales.models import Collection, Refund
from meritline.sales.services.payments import collection_record, refund_record
from tests import factories as f

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user, backend=BACKEND)
        return client

    return login


def field_errors(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def assert_field_error(response, field, contains=""):
    assert response.status_code == 400, response.status_code
    errors = field_errors(response, field)
    assert errors and any(contains in e for e in errors), errors
    assert f'id="id_{field}_error"' in response.content.decode()


def translated(response, msgid):
    with translation.override(response.context["LANGUAGE_CODE"]):
        return _(msgid)


@pytest.fixture
def deals(sw):
    w = sw.w
    shared = f.DealFactory(
        number="HT-SHARED",
        owner=w.chenjing,
        customer=sw.customer,
        platform=w.platform,
        amount_fen=1_000_000,
        signed_on=date(2025, 6, 1),
        splits=[(w.chenjing, Decimal("0.7")), (w.sunlei, Decimal("0.3"))],
    )
    sunlei = f.DealFactory(
        number="HT-SUNLEI",
        owner=w.sunlei,
        platform=w.platform,
        amount_fen=500_000,
        signed_on=date(2024, 6, 1),
    )
    south = f.DealFactory(
        number="HT-SOUTH",
        owner=w.liuyang,
        platform=w.platform,
        amount_fen=500_000,
        signed_on=date(2025, 6, 1),
    )
    return {"shared": shared, "sunlei": sunlei, "south": south}


def numbers(response):
    return {d.number for d in response.context["page_obj"].object_list}


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("hr_admin", {"HT-SHARED", "HT-SUNLEI", "HT-SOUTH"}),
        ("finance", {"HT-SHARED", "HT-SUNLEI", "HT-SOUTH"}),
        ("hrbp", {"HT-SHARED", "HT-SUNLEI"}),
        ("sales_manager", {"HT-SHARED", "HT-SUNLEI"}),
        ("employee", {"HT-SHARED"}),
    ],
)
def test_deal_list_shows_exactly_the_scope(sw, deals, as_user, role, visible):
    response = as_user(sw.w.user(role)).get(reverse("sales:deal_list"))
    assert response.status_code == 200
    assert numbers(response) == visible
    if "HT-SOUTH" not in visible:
        assert "刘洋" not in response.content.decode()


def test_a_rep_sees_deals_they_are_credited_on(sw, deals, as_user):
    response = as_user(sw.w.other_employee).get(reverse("sales:deal_list"))
    assert numbers(response) == {"HT-SHARED", "HT-SUNLEI"}


def test_segment_follows_the_threshold_on_the_signing_date(sw, deals, as_user):
    client = as_user(sw.w.hr_admin)
    url = reverse("sales:deal_list")
    # 5,000 yuan was big under the 3,000 threshold of 2024, small under 10,000 in 2025.
    assert numbers(client.get(url, {"segment": "big"})) == {"HT-SHARED", "HT-SUNLEI"}
    assert numbers(client.get(url, {"segment": "small"})) == {"HT-SOUTH"}
    page = {d.number: d for d in client.get(url).context["page_obj"].object_list}
    assert page["HT-SUNLEI"].segment == "big" and page["HT-SOUTH"].segment == "small"


def test_deal_list_filters_and_sorts(sw, deals, as_user):
    client = as_user(sw.w.hr_admin)
    url = reverse("sales:deal_list")
    assert numbers(client.get(url, {"owner": sw.w.sunlei.pk})) == {"HT-SHARED", "HT-SUNLEI"}
    assert numbers(client.get(url, {"signed_from": "2025-01-01"})) == {"HT-SHARED", "HT-SOUTH"}
    assert numbers(client.get(url, {"q": "华星"})) == {"HT-SHARED"}
    first = client.get(url, {"sort": "amount"}).context["page_obj"].object_list[0]
    assert first.amount_fen == 500_000
    empty = client.get(url, {"q": "没有这个"})
    assert 'class="empty ml-empty"' in empty.content.decode()


def test_deal_export_is_scoped_and_in_yuan(sw, deals, as_user):
    response = as_user(sw.w.employee).get(reverse("sales:deal_export"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["HT-SHARED"]
    assert rows[1][5] == "10000.00"
    xlsx = as_user(sw.w.finance).get(reverse("sales:deal_export"), {"format": "xlsx"})
    assert xlsx.status_code == 200


def test_deal_detail_shows_splits_ledger_and_running_totals(sw, deals, as_user):
    deal = deals["shared"]
    hr = sw.w.hr_admin
    collection_record(actor=hr, deal=deal, received_on=date(2025, 7, 1), amount_fen=400_000)
    refund_record(actor=hr, deal=deal, refunded_on=date(2025, 7, 15), amount_fen=100_000)
    collection_record(actor=hr, deal=deal, received_on=date(2025, 8, 1), amount_fen=300_000)
    response = as_user(sw.w.employee).get(reverse("sales:deal_detail", args=[deal.pk]))
    assert response.status_code == 200
    credits = {c.employee.name: c for c in response.context["credits"]}
    assert credits["陈静"].amount_fen == 700_000 and credits["孙磊"].amount_fen == 300_000
    assert credits["陈静"].net_fen + credits["孙磊"].net_fen == 900_000
    ledger = response.context["ledger"]
    assert [
        (line.kind, line.collected_fen, line.refunded_fen, line.outstanding_fen) for line in ledger
    ] == [
        ("collection", 400_000, 0, 600_000),
        ("refund", 400_000, 100_000, 500_000),
        ("collection", 700_000, 100_000, 200_000),
    ]
    assert response.context["outstanding"] == 200_000
    assert response.context["segment"] == "big"
    assert not response.context["can_write"]


def test_deal_detail_outside_the_scope_is_404(sw, deals, as_user):
    url = reverse("sales:deal_detail", args=[deals["south"].pk])
    for role in ("hrbp", "sales_manager", "employee"):
        assert as_user(sw.w.user(role)).get(url).status_code == 404
    assert as_user(sw.w.auditor).get(url).status_code == 200


# Collections, refunds, cancellations --------------------------------------------------------
def test_finance_records_a_collection(sw, deals, as_user):
    deal = deals["shared"]
    response = as_user(sw.w.finance).post(
        reverse("sales:deal_collect", args=[deal.pk]),
        {"received_on": "2025-07-01", "amount": "2,500.50", "note": "首期"},
    )
    assert response.status_code == 302
    line = Collection.objects.get(deal=deal)
    assert line.amount_fen == 250_050 and line.note == "首期"
    deal.refresh_from_db()
    assert deal.collected_fen == 250_050


def _snapshot(deal):
    deal.refresh_from_db()
    return (
        deal.collected_fen,
        deal.refunded_fen,
        deal.status,
        Collection.objects.count(),
        Refund.objects.count(),
        AuditLog.objects.count(),
    )


@pytest.mark.parametrize(
    ("data", "field", "msgid"),
    [
        ({"amount": "abc"}, "amount", None),
        ({"amount": "12.345"}, "amount", None),
        ({"amount": "-100"}, "amount", None),
        ({"amount": "0"}, "amount", None),
        ({"amount": "20000"}, "amount", None),
        ({"received_on": ""}, "received_on", None),
        ({"received_on": "2099-01-01"}, "received_on", None),
    ],
)
def test_collection_bad_input_is_shown_next_to_its_field(sw, deals, as_user, data, field, msgid):
    deal = deals["shared"]
    before = _snapshot(deal)
    response = as_user(sw.w.hr_admin).post(
        reverse("sales:deal_collect", args=[deal.pk]),
        {"received_on": "2025-07-01", "amount": "100", **data},
    )
    assert_field_error(response, field)
    assert _snapshot(deal) == before


def test_a_collection_too_large_names_the_net_amount(sw, deals, as_user):
    deal = deals["shared"]
    response = as_user(sw.w.hr_admin).post(
        reverse("sales:deal_collect", args=[deal.pk]),
        {"received_on": "2025-07-01", "amount": "10,000.01"},
    )
    assert_field_error(response, "amount", "¥10,000.00")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"amount": "10,000.01"}, "amount"),
        ({"amount": "x"}, "amount"),
        ({"refunded_on": "2099-01-01"}, "refunded_on"),
    ],
)
def test_refund_bad_input_is_shown_next_to_its_field(sw, deals, as_user, data, field):
    deal = deals["shared"]
    before = _snapshot(deal)
    response = as_user(sw.w.finance).post(
        reverse("sales:deal_refund", args=[deal.pk]),
        {"refunded_on": "2025-07-01", "amount": "100", **data},
    )
    assert_field_error(response, field)
    assert _snapshot(deal) == before


def test_a_refund_is_recorded_and_lowers_the_net(sw, deals, as_user):
    deal = deals["shared"]
    response = as_user(sw.w.finance).post(
        reverse("sales:deal_refund", args=[deal.pk]),
        {"refunded_on": "2025-07-01", "amount": "1000", "reason": "退货"},
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.refunded_fen == 100_000 and deal.net_fen == 900_000


def test_cancelling_needs_a_reason_then_refunds_the_rest(sw, deals, as_user):
    deal = deals["sunlei"]
    url = reverse("sales:deal_cancel", args=[deal.pk])
    client = as_user(sw.w.hr_admin)
    before = _snapshot(deal)
    response = client.post(url, {"cancelled_on": "2024-07-01", "reason": ""})
    assert_field_error(response, "reason")
    assert _snapshot(deal) == before
    response = client.post(url, {"cancelled_on": "2024-07-01", "reason": "客户撤单"})
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.is_cancelled and deal.refunded_fen == deal.amount_fen
    detail = client.get(reverse("sales:deal_detail", args=[deal.pk]))
    assert not detail.context["can_write"]
    again = client.post(
        reverse("sales:deal_collect", args=[deal.pk]),
        {"received_on": "2024-08-01", "amount": "1"},
    )
    assert again.status_code == 400
    assert again.context["form"].non_field_errors()


def test_only_hr_admins_and_finance_record_money(sw, deals, as_user):
    deal = deals["shared"]
    for role in ("employee", "sales_manager", "hrbp", "auditor"):
        client = as_user(sw.w.user(role))
        for name in ("deal_collect", "deal_refund", "deal_cancel"):
            assert client.get(reverse(f"sales:{name}", args=[deal.pk])).status_code == 403
    detail = as_user(sw.w.finance).get(reverse("sales:deal_detail", args=[deal.pk]))
    assert detail.context["can_write"]


def test_a_future_date_message_is_translated(sw, deals, as_user):
    deal = deals["shared"]
    day = timezone.localdate() + timedelta(days=10)
    response = as_user(sw.w.hr_admin).post(
        reverse("sales:deal_collect", args=[deal.pk]),
        {"received_on": day.isoformat(), "amount": "1"},
    )
    expected = translated(response, "The date %s is in the future.") % day.isoformat()
    assert_field_error(response, "received_on", expected)
