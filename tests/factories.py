"""factory_boy factories for org data (direct ORM; services are tested on their own)."""

from __future__ import annotations

from datetime import date

import factory

from meritline.core.models import User
from meritline.org import models as org


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")

    @factory.post_generation
    def password(self, create: bool, extracted: object, **kwargs: object) -> None:
        self.set_password(extracted or "demo12345")
        self.save(update_fields=["password"])


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = org.LegalEntity
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"E{n}")
    name = factory.Sequence(lambda n: f"实体{n}")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = org.Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"R{n}")
    name = factory.Sequence(lambda n: f"区域{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = org.Department
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"D{n}")
    name = factory.Sequence(lambda n: f"部门{n}")
    entity = factory.SubFactory(EntityFactory)
    parent = None
    region = None

    @factory.post_generation
    def set_path(self, create: bool, extracted: object, **kwargs: object) -> None:
        self.path = (self.parent.path if self.parent else "/") + f"{self.pk}/"
        self.save(update_fields=["path"])


class LevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = org.JobLevel
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"L{n}")
    name = factory.Sequence(lambda n: f"职级{n}")
    rank = factory.Sequence(lambda n: n + 1)


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = org.Position
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"P{n}")
    name = factory.Sequence(lambda n: f"岗位{n}")


class PlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = org.Platform
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"PF{n}")
    name = factory.Sequence(lambda n: f"平台{n}")
    launched_on = date(2020, 1, 1)


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = org.Employee

    employee_no = factory.Sequence(lambda n: f"XH{n:05d}")
    name = factory.Sequence(lambda n: f"员工{n}")
    entity = factory.SubFactory(EntityFactory)
    hire_date = date(2022, 1, 1)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = org.Assignment

    employee = factory.SubFactory(EmployeeFactory)
    valid_from = factory.LazyAttribute(lambda a: a.employee.hire_date)
    department = factory.SubFactory(DepartmentFactory)
    position = factory.SubFactory(PositionFactory)


# Sales (direct ORM rows for scope and frame tests; the services are tested on their own)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "sales.Customer"

    source = "test"
    external_id = factory.Sequence(lambda n: f"C{n:05d}")
    name = factory.Sequence(lambda n: f"客户{n}有限公司")
    name_normalised = factory.LazyAttribute(lambda c: c.name.replace("有限公司", ""))
    platform = factory.SubFactory(PlatformFactory)


class DealFactory(factory.django.DjangoModelFactory):
    """A deal credited wholly to its owner (one split row)."""

    class Meta:
        model = "sales.Deal"
        skip_postgeneration_save = True

    source = "test"
    external_id = factory.Sequence(lambda n: f"D{n:05d}")
    number = factory.LazyAttribute(lambda d: f"HT-{d.external_id}")
    signed_on = date(2025, 6, 1)
    amount_fen = 1_000_000
    customer = factory.SubFactory(CustomerFactory)
    platform = factory.LazyAttribute(lambda d: d.customer.platform)
    owner = factory.SubFactory(EmployeeFactory)

    @factory.post_generation
    def splits(self, create: bool, extracted: object, **kwargs: object) -> None:
        from decimal import Decimal

        from meritline.sales.models import DealSplit

        pairs = extracted if extracted is not None else [(self.owner, Decimal(1))]
        for employee, share in pairs:  # type: ignore[attr-defined]
            DealSplit.objects.create(deal=self, employee=employee, share=share)


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "sales.Lead"

    source = "test"
    external_id = factory.Sequence(lambda n: f"L{n:05d}")
    number = factory.LazyAttribute(lambda lead: f"T{lead.external_id}")
    company_name = factory.Sequence(lambda n: f"线索公司{n}")
    company_name_normalised = factory.LazyAttribute(lambda lead: lead.company_name)
    source_kind = "self_sourced"
    platform = factory.SubFactory(PlatformFactory)
    step = "entered"
    entered_at = factory.LazyFunction(lambda: _aware(date(2025, 6, 1)))
    step_at = factory.LazyAttribute(lambda lead: lead.entered_at)


def _aware(day: date) -> object:
    from datetime import datetime, time

    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time(9, 0)))
