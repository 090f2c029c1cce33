"""Reads of sales import jobs, scoped: writers of sales records (HR admins, finance)
see every import; anyone else only their own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from meritline.core.errors import NotFoundError
from meritline.sales import access
from meritline.sales.models import ImportJob


def import_job_list(*, user: Any) -> QuerySet[ImportJob]:
    jobs = ImportJob.objects.select_related("platform", "created_by", "created_by__employee")
    if access.writes_sales_records(user):
        return jobs
    return jobs.filter(created_by=user)


def import_job_get(*, user: Any, pk: int) -> ImportJob:
    job = import_job_list(user=user).filter(pk=pk).first()
    if job is None:
        raise NotFoundError(_("There is no such import."))
    return job
