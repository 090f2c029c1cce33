"""Organisation and people (SPEC PLT-1, PLT-2, PLT-3, SEL-1)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meritline.core.access import Role
from meritline.core.periods import whole_years_between


class LegalEntity(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent entity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("legal entity")
        verbose_name_plural = _("legal entities")

    def __str__(self) -> str:
        return self.name


class Region(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A node of the department tree. ``path`` is "/1/4/9/" (ids of ancestors and self)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    entity = models.ForeignKey(
        LegalEntity,
        verbose_name=_("legal entity"),
        on_delete=models.PROTECT,
        related_name="departments",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="departments",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)


class JobFamily(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("job family")
        verbose_name_plural = _("job families")

    def __str__(self) -> str:
        return self.name


class JobLevel(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("Higher is more senior."))
    family = models.ForeignKey(
        JobFamily,
        verbose_name=_("job family"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="levels",
    )

    class Meta:
        ordering = ["family_id", "rank"]
        verbose_name = _("job level")
        verbose_name_plural = _("job levels")

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """A post. Sales posts form the ladder of SPEC SEL-1 through ``next_position``."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    family = models.ForeignKey(
        JobFamily,
        verbose_name=_("job family"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="positions",
    )
    level = models.ForeignKey(
        JobLevel,
        verbose_name=_("job level"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="positions",
    )
    description = models.TextField(_("description"), blank=True)
    pay_structure = models.CharField(_("pay structure"), max_length=200, blank=True)
    next_position = models.ForeignKey(
        "self",
        verbose_name=_("next post on the career path"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="previous_positions",
    )
    is_sales_post = models.BooleanField(_("sales post"), default=False)
    ladder_order = models.PositiveSmallIntegerField(_("ladder order"), null=True, blank=True)

    class Meta:
        ordering = ["ladder_order", "code"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self) -> str:
        return self.name


class CriterionKind(models.TextChoices):
    TENURE_YEARS = "tenure_years", _("Years of tenure")
    METRIC_THRESHOLD = "metric_threshold", _("Metric over a window")
    CLIENT_COUNT = "client_count", _("Enterprise clients")
    CERTIFICATE = "certificate", _("Required certificate")


class PostCriterion(models.Model):
    """A hard criterion of a post, stored as a structured rule (evaluated by selection)."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="criteria")
    kind = models.CharField(_("kind"), max_length=32, choices=CriterionKind.choices)
    params = models.JSONField(_("parameters"), default=dict)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position_id", "order", "id"]
        verbose_name = _("post criterion")
        verbose_name_plural = _("post criteria")

    def __str__(self) -> str:
        from meritline.org.criteria import describe

        return str(describe(self.kind, self.params))


class PostCompetency(models.Model):
    """A soft competency of a post (text now; competency models come with DEV-1)."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="competencies")
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    competency_code = models.CharField(_("competency reference"), max_length=50, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position_id", "order", "id"]
        verbose_name = _("post competency")
        verbose_name_plural = _("post competencies")

    def __str__(self) -> str:
        return self.name


class PlatformStage(models.TextChoices):
    NEW = "new", _("New")
    GROWING = "growing", _("Growing")
    MATURE = "mature", _("Mature")


class Platform(models.Model):
    """A sales platform (channel). Stage history and sales data come with the sales app."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    launched_on = models.DateField(_("launch date"))
    stage = models.CharField(
        _("maturity stage"),
        max_length=16,
        choices=PlatformStage.choices,
        default=PlatformStage.MATURE,
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("sales platform")
        verbose_name_plural = _("sales platforms")

    def __str__(self) -> str:
        return self.name


class EmployeeStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("employee status", "Active")
    LEFT = "left", pgettext_lazy("employee status", "Left")


class LeaveReason(models.TextChoices):
    RESIGNED = "resigned", _("Resigned")
    DISMISSED = "dismissed", _("Dismissed")
    CONTRACT_ENDED = "contract_ended", _("Contract ended")
    RETIRED = "retired", _("Retired")
    OTHER = "other", _("Other")


class Gender(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    UNSPECIFIED = "", _("Unspecified")


class Employee(models.Model):
    employee_no = models.CharField(_("employee number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    gender = models.CharField(
        _("gender"), max_length=1, choices=Gender.choices, blank=True, default=""
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    entity = models.ForeignKey(
        LegalEntity, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="employees"
    )
    hire_date = models.DateField(_("hire date"))
    status = models.CharField(
        _("status"), max_length=16, choices=EmployeeStatus.choices, default=EmployeeStatus.ACTIVE
    )
    leave_date = models.DateField(_("leave date"), null=True, blank=True)
    leave_reason = models.CharField(
        _("leave reason"), max_length=32, choices=LeaveReason.choices, blank=True
    )
    leave_note = models.CharField(_("leave note"), max_length=255, blank=True)
    id_number_encrypted = models.TextField(blank=True, editable=False)
    id_number_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employee",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["employee_no"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=~Q(id_number_index=""),
                name="org_employee_unique_id_number",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.employee_no})"

    @property
    def is_active(self) -> bool:
        return self.status == EmployeeStatus.ACTIVE

    def tenure_years(self, on: date | None = None) -> int:
        end = on or self.leave_date or date.today()
        return whole_years_between(self.hire_date, end)


class Assignment(models.Model):
    """Where an employee sits from ``valid_from`` to ``valid_to`` (inclusive; open if null)."""

    employee = models.ForeignKey(
        Employee,
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.PROTECT, related_name="assignments"
    )
    level = models.ForeignKey(
        JobLevel,
        verbose_name=_("job level"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    manager = models.ForeignKey(
        Employee,
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managed_assignments",
    )
    platform = models.ForeignKey(
        Platform,
        verbose_name=_("sales platform"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        ordering = ["employee_id", "-valid_from"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "valid_from"], name="org_assignment_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="org_assignment_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id}@{self.department_id} {self.valid_from}"

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class SalaryChange(models.Model):
    """Salary history (pay field): monthly base from ``valid_from``, with the reason."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="salary_changes")
    valid_from = models.DateField(_("valid from"))
    base_salary_fen = models.BigIntegerField(_("monthly base salary"))
    reason = models.CharField(_("reason"), max_length=255)

    class Meta:
        ordering = ["employee_id", "-valid_from"]
        verbose_name = _("salary change")
        verbose_name_plural = _("salary history")
        constraints = [
            models.UniqueConstraint(fields=["employee", "valid_from"], name="org_salary_unique"),
            models.CheckConstraint(
                condition=Q(base_salary_fen__gte=0), name="org_salary_non_negative"
            ),
        ]


class Certificate(models.Model):
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="certificates")
    name = models.CharField(_("certificate"), max_length=150)
    issuer = models.CharField(_("issuer"), max_length=150, blank=True)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        ordering = ["employee_id", "-issued_on"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")


class TrainingRecord(models.Model):
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="trainings")
    course = models.CharField(_("course"), max_length=150)
    completed_on = models.DateField(_("completed on"))
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, default=0)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["employee_id", "-completed_on"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")


class RoleGrant(models.Model):
    """A role for a login; HRBP grants carry the region or department subtree they cover."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.CASCADE
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department subtree"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region", "department"], name="org_rolegrant_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role}"


class ImportRun(models.Model):
    """One upload of an import file and its validation report (SPEC PLT-7)."""

    kind = models.CharField(_("kind"), max_length=32)
    file_name = models.CharField(_("file"), max_length=255)
    checksum = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    mode = models.CharField(_("mode"), max_length=16, default="all_or_nothing")
    committed = models.BooleanField(_("written"), default=False)
    total_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
