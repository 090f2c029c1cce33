"""The appraisal page: KPIs with value, target, attainment, score and weight; manual
values with evidence files (checked, stored, kept by name, size and SHA-256); grade
calibration with a mandatory reason; points with a reason. Bad input changes nothing."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from meritline.core.models import User
from meritline.performance.models import Appraisal, TeamAward
from meritline.performance.services.cycles import cycle_open
from meritline.performance.services.scoring import cycle_score
from tests.performance.clients import client_for

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n"


@pytest.fixture
def new_cycle(pw):
    """刘洋's month on the new WEB platform: its template has a manual KPI."""
    return cycle_open(actor=pw.w.hr_admin, platform=pw.sw.web, period="2026-10")


@pytest.fixture
def scored(chenjing_sales):
    w = chenjing_sales.w
    cycle = cycle_open(actor=w.hr_admin, platform=w.platform, period="2026-Q3")
    return cycle_score(actor=w.hr_admin, cycle=cycle)


def manual(appraisal: Appraisal, client, **changes):
    data = {"kpi_id": "products_listed", "value": "12", "evidence": "上架清单", **changes}
    return client.post(f"/performance/appraisals/{appraisal.pk}/manual/", data)


def test_the_page_shows_each_kpi_and_the_scores(scored):
    appraisal = scored.appraisals.get(employee__name="陈静")
    page = client_for(scored.opened_by).get(f"/performance/appraisals/{appraisal.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "营收" in text and "¥500,000.00" in text  # 400,000 + 100,000 CNY sold
    assert str(appraisal.final_score) in text and appraisal.grade in text
    assert str(appraisal.coefficient) in text
    assert appraisal.kpis["revenue"]["attainment"] in text


def test_a_manual_value_with_its_evidence_file(pw, new_cycle):
    appraisal = new_cycle.appraisals.get()
    upload = SimpleUploadedFile("清单.pdf", PDF, content_type="application/pdf")
    response = manual(appraisal, client_for(pw.w.hr_admin), evidence_file=upload)
    assert response.status_code == 302
    appraisal.refresh_from_db()
    stored = appraisal.manual["products_listed"]
    assert stored["value"] == "12" and stored["evidence"] == "上架清单"
    assert stored["file"]["name"] == "清单.pdf"
    assert stored["file"]["size"] == len(PDF)
    assert stored["file"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert default_storage.open(stored["file"]["path"]).read() == PDF
    download = client_for(pw.w.hr_admin).get(
        f"/performance/appraisals/{appraisal.pk}/evidence/products_listed/"
    )
    assert b"".join(download.streaming_content) == PDF
    assert (
        client_for(pw.w.employee)
        .get(f"/performance/appraisals/{appraisal.pk}/evidence/products_listed/")
        .status_code
        == 404
    )


def test_a_replaced_file_is_deleted_after_the_change(
    pw, new_cycle, django_capture_on_commit_callbacks
):
    appraisal = new_cycle.appraisals.get()
    client = client_for(pw.w.hr_admin)
    manual(appraisal, client, evidence_file=SimpleUploadedFile("a.pdf", PDF))
    appraisal.refresh_from_db()
    first = appraisal.manual["products_listed"]["file"]["path"]
    with django_capture_on_commit_callbacks(execute=True):
        manual(appraisal, client, evidence_file=SimpleUploadedFile("b.pdf", PDF + b"%more"))
    assert not default_storage.exists(first)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"evidence_file": ("tool.exe", b"MZ\x90\x00")}, "Attach a PDF"),
        ({"evidence_file": ("fake.pdf", b"just text")}, "is not really a pdf file"),
        ({"evidence_file": ("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024))}, "at most 5 MB"),
        ({"value": "-3"}, "must not be negative"),
        ({"value": "many"}, "is not a number"),
        ({"evidence": "   "}, "required"),
        ({"kpi_id": "growth"}, "Select a valid choice"),
    ],
)
def test_bad_manual_input_is_refused_and_nothing_changes(pw, new_cycle, changes, words):
    appraisal = new_cycle.appraisals.get()
    if "evidence_file" in changes:
        name, data = changes["evidence_file"]
        changes["evidence_file"] = SimpleUploadedFile(name, data)
    response = manual(appraisal, client_for(pw.w.hr_admin), **changes)
    assert response.status_code == 400
    assert words in response.content.decode()
    appraisal.refresh_from_db()
    assert appraisal.manual == {}


def test_a_manager_cannot_enter_values_for_someone_outside_their_team(pw, new_cycle):
    appraisal = new_cycle.appraisals.get()  # 刘洋, of 华南
    assert manual(appraisal, client_for(pw.w.manager)).status_code == 404
    assert manual(appraisal, client_for(pw.w.finance)).status_code == 403
    appraisal.refresh_from_db()
    assert appraisal.manual == {}


def test_a_manager_calibrates_with_a_reason_and_not_without(scored):
    appraisal = scored.appraisals.get(employee__name="孙磊")
    manager = User.objects.get(username="zhangwei")
    client = client_for(manager)
    url = f"/performance/appraisals/{appraisal.pk}/calibrate/"
    refused = client.post(url, {"grade": "A", "reason": "  "})
    assert refused.status_code == 400
    assert "A calibration needs a reason" in refused.content.decode()
    unknown = client.post(url, {"grade": "Z", "reason": "x"})
    assert unknown.status_code == 400
    appraisal.refresh_from_db()
    assert appraisal.calibrated_grade == ""
    done = client.post(url, {"grade": "A", "reason": "承担了团队的大客户交接"})
    assert done.status_code == 302
    appraisal.refresh_from_db()
    assert (appraisal.calibrated_grade, appraisal.calibrated_by) == ("A", manager)
    assert str(appraisal.coefficient) == "1.2000"


def test_a_manager_may_not_calibrate_themself_or_outsiders(scored, pw):
    w = pw.w
    theirs = cycle_open(actor=w.hr_admin, platform=pw.sw.web, period="2026-10")
    cycle_score(actor=w.hr_admin, cycle=theirs)
    liuyang = theirs.appraisals.get()
    response = client_for(w.manager).post(
        f"/performance/appraisals/{liuyang.pk}/calibrate/", {"grade": "A", "reason": "x"}
    )
    assert response.status_code == 404
    mine = scored.appraisals.get(employee=w.chenjing)
    response = client_for(w.employee).post(
        f"/performance/appraisals/{mine.pk}/calibrate/", {"grade": "S", "reason": "自评"}
    )
    assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.calibrated_grade == ""


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"kind": "breakthrough", "points": "0", "reason": "签约"}, "more than 0"),
        ({"kind": "breakthrough", "points": "-2", "reason": "签约"}, "more than 0"),
        ({"kind": "breakthrough", "points": "2", "reason": ""}, "An award needs a reason"),
        ({"kind": "bonus", "points": "2", "reason": "签约"}, "Select a valid choice"),
    ],
)
def test_bad_awards_are_refused(pw, new_cycle, data, words):
    appraisal = new_cycle.appraisals.get()
    response = client_for(pw.w.hr_admin).post(
        f"/performance/appraisals/{appraisal.pk}/award/", data
    )
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not TeamAward.objects.exists()


def test_an_award_shows_who_granted_it_and_why(pw, new_cycle):
    appraisal = new_cycle.appraisals.get()
    client = client_for(pw.w.hr_admin)
    response = client.post(
        f"/performance/appraisals/{appraisal.pk}/award/",
        {"kind": "breakthrough", "points": "4", "reason": "首个千万级订单"},
    )
    assert response.status_code == 302
    page = client.get(f"/performance/appraisals/{appraisal.pk}/").content.decode()
    assert "首个千万级订单" in page and "王芳" in page and "+4.00" in page
