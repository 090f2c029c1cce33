"""Every sales selector honours the access rules (PLT-3): own / credited / brought for
staff, the reporting subtree for managers, the region for an HRBP, all for the all-rows
roles; out of scope is not found."""

from __future__ import annotations

from decimal import Decimal

import pytest

from meritline.core.errors import NotFoundError
from meritline.sales.selectors import (
    customer_get,
    customer_list,
    deal_get,
    deal_list,
    lead_get,
    lead_list,
)
from tests import factories as f


@pytest.fixture
def book(sw):
    w = sw.w
    customers = {k: f.CustomerFactory(platform=w.platform, name=f"客户{k}") for k in "ABCDE"}
    l1 = f.LeadFactory(
        platform=w.platform, source_kind="marketing", source_employee=sw.zhaomin, owner=w.liuyang
    )
    l2 = f.LeadFactory(platform=w.platform, source_employee=w.sunlei, owner=w.sunlei)
    l3 = f.LeadFactory(
        platform=w.platform, source_employee=w.liuyang, owner=w.liuyang, customer=customers["E"]
    )
    deals = {
        "d1": f.DealFactory(owner=w.chenjing, customer=customers["A"]),
        "d2": f.DealFactory(
            owner=w.sunlei,
            customer=customers["B"],
            splits=[(w.sunlei, Decimal("0.7")), (w.chenjing, Decimal("0.3"))],
        ),
        "d3": f.DealFactory(owner=w.liuyang, customer=customers["C"], lead=l1),
        "d4": f.DealFactory(owner=w.sunlei, customer=customers["D"]),
    }
    return sw, deals, {"l1": l1, "l2": l2, "l3": l3}, customers


ALL = {"deals": {"d1", "d2", "d3", "d4"}, "leads": {"l1", "l2", "l3"}, "customers": set("ABCDE")}
EXPECTED = {
    "chenjing": {"deals": {"d1", "d2"}, "leads": set(), "customers": {"A", "B"}},
    "sunlei": {"deals": {"d2", "d4"}, "leads": {"l2"}, "customers": {"B", "D"}},
    "zhangwei": {"deals": {"d1", "d2", "d4"}, "leads": {"l2"}, "customers": {"A", "B", "D"}},
    "zhaomin": {"deals": {"d3"}, "leads": {"l1"}, "customers": {"C"}},
    "liuyang": {"deals": {"d3"}, "leads": {"l1", "l3"}, "customers": {"C", "E"}},
    "liqiang": {
        "deals": {"d1", "d2", "d3", "d4"},
        "leads": {"l1", "l2"},
        "customers": {"A", "B", "C", "D"},
    },
    "qianjin": {"deals": set(), "leads": set(), "customers": set()},
    "wangfang": ALL,
    "zhouting": ALL,
    "wuhao": ALL,
}


def login(sw, username):
    from meritline.core.models import User

    return User.objects.get(username=username)


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_role_sees_its_own_rows(book, username):
    sw, deals, leads, customers = book
    user = login(sw, username)
    names = {
        "deals": {
            k
            for k, d in deals.items()
            if d.pk in set(deal_list(user=user).values_list("pk", flat=True))
        },
        "leads": {
            k
            for k, lead in leads.items()
            if lead.pk in set(lead_list(user=user).values_list("pk", flat=True))
        },
        "customers": {
            k
            for k, c in customers.items()
            if c.pk in set(customer_list(user=user).values_list("pk", flat=True))
        },
    }
    assert names == EXPECTED[username]
    assert deal_list(user=user).count() == len(EXPECTED[username]["deals"])  # no duplicates


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_out_of_scope_details_are_not_found(book, username):
    sw, deals, leads, customers = book
    user = login(sw, username)
    expected = EXPECTED[username]
    for key, deal in deals.items():
        if key in expected["deals"]:
            assert deal_get(user=user, pk=deal.pk) == deal
        else:
            with pytest.raises(NotFoundError):
                deal_get(user=user, pk=deal.pk)
    for key, lead in leads.items():
        if key in expected["leads"]:
            assert lead_get(user=user, pk=lead.pk) == lead
        else:
            with pytest.raises(NotFoundError):
                lead_get(user=user, pk=lead.pk)
    for key, customer in customers.items():
        if key in expected["customers"]:
            assert customer_get(user=user, pk=customer.pk) == customer
        else:
            with pytest.raises(NotFoundError):
                customer_get(user=user, pk=customer.pk)


def test_a_deal_detail_brings_its_splits_collections_and_refunds(book):
    sw, deals, _leads, _customers = book
    deal = deal_get(user=sw.w.finance, pk=deals["d2"].pk)
    assert [(s.employee.name, s.share) for s in deal.splits.all()] == [
        ("孙磊", Decimal("0.7")),
        ("陈静", Decimal("0.3")),
    ]
    assert list(deal.collections.all()) == [] and list(deal.refunds.all()) == []


def test_anonymous_users_see_nothing(book):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not deal_list(user=anonymous).exists()
    assert not lead_list(user=anonymous).exists()
    assert not customer_list(user=anonymous).exists()
