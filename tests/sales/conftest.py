"""The sales cast on top of ``world``: 赵敏 in marketing, a sales director, a second
platform, configuration in force, and helpers to build rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone

from meritline.core.access import Role
from meritline.core.models import User
from meritline.org import models as org
from meritline.sales.models import Customer, SegmentThreshold
from tests import factories as f
from tests.conftest import World, _person


@dataclass
class SalesWorld:
    w: World
    marketing: org.Department
    marketing_post: org.Position
    director_post: org.Position
    zhaomin: org.Employee
    zhaomin_user: User
    qianjin: org.Employee
    director: User
    web: org.Platform
    customer: Customer


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@pytest.fixture
def sw(world: World) -> SalesWorld:
    marketing = f.DepartmentFactory(
        code="MKT", name="市场部", entity=world.sh, parent=world.root, region=world.east
    )
    marketing_post = f.PositionFactory(code="MKTS", name="市场专员")
    director_post = f.PositionFactory(
        code="DIR", name="销售总监", is_sales_post=True, ladder_order=4
    )
    zhaomin, zhaomin_user = _person(
        "XH00009", "赵敏", world.sh, marketing, marketing_post, username="zhaomin"
    )
    qianjin, director = _person(
        "XH00010", "钱进", world.sh, world.sales_east, director_post, username="qianjin"
    )
    org.RoleGrant.objects.create(user=director, role=Role.SALES_MANAGER)
    web = f.PlatformFactory(code="WEB", name="官网直销", launched_on=date(2019, 1, 1))
    SegmentThreshold.objects.create(valid_from=date(2020, 1, 1), big_client_min_fen=300_000)
    SegmentThreshold.objects.create(valid_from=date(2025, 1, 1), big_client_min_fen=1_000_000)
    customer = Customer.objects.create(
        source="crm",
        external_id="C-1",
        name="华星科技有限公司",
        name_normalised="华星科技",
        kind="enterprise",
        platform=world.platform,
    )
    return SalesWorld(
        w=world,
        marketing=marketing,
        marketing_post=marketing_post,
        director_post=director_post,
        zhaomin=zhaomin,
        zhaomin_user=zhaomin_user,
        qianjin=qianjin,
        director=director,
        web=web,
        customer=customer,
    )


ONE = Decimal(1)
