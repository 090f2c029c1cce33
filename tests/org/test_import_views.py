"""The import pages: check, confirm, past runs, downloads; who may see what (SPEC PLT-7)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from meritline.core.access import Role
from meritline.org.models import Employee, ImportRun, RoleGrant
from tests import factories as f
from tests.org.fixtures.files import EFFECTIVE, csv_bytes, db_state, new_row

PAGE = reverse("org_import:employees")


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def login(client, user):
    client.force_login(user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def upload(client, data: bytes, name: str = "staff.csv", mode: str = "all_or_nothing"):
    return client.post(
        PAGE,
        {
            "file": SimpleUploadedFile(name, data, content_type="text/csv"),
            "mode": mode,
            "effective_date": EFFECTIVE.isoformat(),
        },
    )


def rows() -> list[dict]:
    return [new_row("XH20001"), new_row("XH20002", manager="XH20001")]


def test_page_renders_for_hr_admin(client, world, media):
    response = login(client, world.hr_admin).get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "工号" in html and "employee_no" in html
    assert reverse("org_import:template", args=["xlsx"]) in html
    assert "No imports yet" in html


@pytest.mark.parametrize("role", ["employee", "sales_manager", "finance", "auditor"])
def test_page_is_forbidden_to_other_roles(client, world, media, role):
    login(client, world.user(role))
    assert client.get(PAGE).status_code == 403
    assert upload(client, csv_bytes(rows())).status_code == 403
    assert not ImportRun.objects.exists()


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get(PAGE)
    assert response.status_code == 302 and "login" in response["Location"]


def test_upload_shows_the_check_and_confirming_writes(client, world, media):
    login(client, world.hr_admin)
    before = db_state()
    response = upload(client, csv_bytes(rows()))
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert response["Location"] == reverse("org_import:run_detail", args=[run.pk])
    assert db_state() == before
    assert (media / "imports" / f"{run.checksum}.csv").exists()

    detail = client.get(response["Location"]).content.decode()
    assert "This is a check: nothing has been written yet." in detail
    assert "Write 2 changes" in detail and run.checksum in detail

    response = client.post(reverse("org_import:confirm", args=[run.pk]), {"mode": run.mode})
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.committed and run.created_count == 2
    assert Employee.objects.filter(employee_no__in=["XH20001", "XH20002"]).count() == 2
    assert not (media / "imports" / f"{run.checksum}.csv").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Imported: 2 created, 0 updated, 0 unchanged." in page
    # A second confirmation has nothing left to confirm.
    client.post(reverse("org_import:confirm", args=[run.pk]), {"mode": run.mode})
    assert Employee.objects.filter(employee_no__startswith="XH2000").count() == 2


def test_check_with_bad_rows_offers_to_import_the_valid_rows(client, world, media):
    login(client, world.hr_admin)
    data = csv_bytes([*rows(), new_row("XH20003", department="NOPE")])
    response = upload(client, data)
    detail = client.get(response["Location"]).content.decode()
    assert "No department has the code “NOPE”." in detail
    assert "Import the 2 valid rows only" in detail
    run = ImportRun.objects.get()
    client.post(reverse("org_import:confirm", args=[run.pk]), {"mode": "valid_rows"})
    run.refresh_from_db()
    assert run.committed and run.mode == "valid_rows" and run.error_count == 1
    assert Employee.objects.filter(employee_no__startswith="XH2000").count() == 2


def test_errors_can_be_downloaded_as_csv(client, world, media):
    login(client, world.hr_admin)
    upload(client, csv_bytes([new_row("XH20001", email="nope", hire_date="soon")]))
    run = ImportRun.objects.get()
    response = client.get(reverse("org_import:run_errors", args=[run.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "Row,Column,Employee number,Problem" in text
    assert "2,E-mail,XH20001,“nope” is not a valid e-mail address." in text
    assert "2,Hire date,XH20001," in text


def test_refused_file_shows_the_reason_next_to_the_file_field(client, world, media):
    login(client, world.hr_admin)
    before = db_state()
    response = upload(client, b"name,colour\nx,red\n")
    assert response.status_code == 400
    html = response.content.decode()
    assert "The columns do not match the import template." in html
    assert "Unknown columns: “colour”." in html
    assert db_state() == before
    assert ImportRun.objects.get().errors[0]["code"] == "bad_columns"
    assert "Refused" in html  # in the list of past runs


def test_file_over_the_limit_is_refused_by_the_page(client, world, media, settings):
    settings.MAX_UPLOAD_BYTES = 100
    login(client, world.hr_admin)
    response = upload(client, csv_bytes(rows()))
    assert response.status_code == 400
    assert "The file is larger than the limit" in response.content.decode()
    assert not (media / "imports").exists()


def test_only_the_same_user_can_confirm_a_check(client, world, media):
    login(client, world.hr_admin)
    upload(client, csv_bytes(rows()))
    run = ImportRun.objects.get()
    other = f.UserFactory(username="admin2")
    RoleGrant.objects.create(user=other, role=Role.HR_ADMIN)
    login(client, other)
    assert client.get(reverse("org_import:run_detail", args=[run.pk])).status_code == 200
    response = client.post(reverse("org_import:confirm", args=[run.pk]), {"mode": run.mode})
    assert response.status_code == 404
    login(client, world.hrbp)
    assert client.get(reverse("org_import:run_detail", args=[run.pk])).status_code == 404
    assert client.post(reverse("org_import:confirm", args=[run.pk])).status_code == 404
    assert not Employee.objects.filter(employee_no="XH20001").exists()


def test_a_changed_stored_file_is_not_written(client, world, media):
    login(client, world.hr_admin)
    upload(client, csv_bytes(rows()))
    run = ImportRun.objects.get()
    (media / "imports" / f"{run.checksum}.csv").write_bytes(csv_bytes(rows()[:1]))
    before = db_state()
    response = client.post(reverse("org_import:confirm", args=[run.pk]), {"mode": run.mode})
    page = client.get(response["Location"]).content.decode()
    assert "The file is not the one that was checked; upload it again." in page
    assert db_state() == before


def test_past_runs_are_own_runs_and_all_for_hr_admin(client, world, media):
    login(client, world.hrbp)
    response = upload(client, b"")
    assert "The file is empty." in response.content.decode()
    login(client, world.hr_admin)
    upload(client, csv_bytes(rows()))
    admin_page = client.get(PAGE).content.decode()
    assert admin_page.count('href="/org/import/runs/') == 2
    login(client, world.hrbp)
    hrbp_page = client.get(PAGE).content.decode()
    assert hrbp_page.count('href="/org/import/runs/') == 1
    assert "Your past imports" in hrbp_page


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_downloads(client, world, media, fmt):
    response = login(client, world.hr_admin).get(reverse("org_import:template", args=[fmt]))
    assert response.status_code == 200
    assert f'filename="employees.{fmt}"' in response["Content-Disposition"]
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
        header = next(sheet.iter_rows(values_only=True))
    else:
        header = response.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[0] == "employee_no"  # the English template for an English user
    assert client.get(reverse("org_import:template", args=["pdf"])).status_code == 404
