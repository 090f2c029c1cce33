"""The sales import pages: upload, mapping, progress, report, bad-row download, templates;
bad input is a 400 with the reason under its field and nothing stored."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from meritline.sales.models import Deal, ImportJob, ImportMapping, JobStatus

HEADER = "订单号,签约日期,合同金额,客户编号,负责人工号"


def upload(name: str, text: str, encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


@pytest.fixture
def client(sw) -> Client:
    c = Client()
    c.force_login(sw.w.finance)
    return c


def post_upload(client: Client, file: SimpleUploadedFile, **extra):
    data = {
        "kind": "deals",
        "platform": "GOV",
        "source": "crm",
        "mode": "all_or_nothing",
        "file": file,
        **extra,
    }
    return client.post("/sales/imports/", data)


def test_upload_leads_to_the_mapping_with_the_columns_recognised(client, sw):
    response = post_upload(client, upload("d.csv", f"{HEADER}\nD-1,2026-03-01,100,C-1,XH00004\n"))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/sales/imports/{job.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "各列对应的字段" in text
    assert 'value="签约日期" selected' in text
    assert job.samples == [["D-1", "2026-03-01", "100", "C-1", "XH00004"]]


def test_check_then_import_from_the_report(client, sw, django_capture_on_commit_callbacks):
    post_upload(client, upload("d.csv", f"{HEADER}\nD-1,2026-03-01,100,C-1,XH00004\n"))
    job = ImportJob.objects.get()
    mapping = {f"col_{k}": v for k, v in job.columns.items()}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/sales/imports/{job.pk}/start/",
            {**mapping, "mode": "all_or_nothing", "action": "check"},
        )
    assert response.status_code == 302
    report = client.get(f"/sales/imports/{job.pk}/").content.decode()
    assert "这是一次检查" in report and not Deal.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/sales/imports/{job.pk}/start/",
            {**mapping, "mode": "all_or_nothing", "action": "import"},
        )
    assert Deal.objects.count() == 1
    report = client.get(f"/sales/imports/{job.pk}/").content.decode()
    assert "已导入" in report


def test_the_report_lists_bad_rows_and_downloads_them(
    client, sw, django_capture_on_commit_callbacks
):
    post_upload(
        client,
        upload(
            "d.csv", f"{HEADER}\nD-1,2026-03-01,abc,C-1,XH00004\nD-2,2026-03-01,5,NOPE,XH00004\n"
        ),
    )
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/sales/imports/{job.pk}/start/",
            {**{f"col_{k}": v for k, v in job.columns.items()}, "mode": "valid_rows"},
        )
    text = client.get(f"/sales/imports/{job.pk}/").content.decode()
    assert "“abc”不是以元为单位的金额" in text and "NOPE" in text
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/sales/imports/{job.pk}/errors/?format=csv").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert [r[0] for r in rows[1:]] == ["2", "3"]
    assert rows[1][1] == "合同金额"


def test_a_mapping_can_be_saved_for_the_platform(client, sw, django_capture_on_commit_callbacks):
    post_upload(
        client, upload("t.csv", "单号,日期,成交价,买家,销售\nT-1,2026-03-01,5,C-1,XH00004\n")
    )
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/sales/imports/{job.pk}/start/",
            {
                "col_external_id": "单号",
                "col_signed_on": "日期",
                "col_amount": "成交价",
                "col_customer": "买家",
                "col_owner": "销售",
                "mode": "all_or_nothing",
                "save_mapping": "on",
                "action": "import",
            },
        )
    assert response.status_code == 302
    assert ImportMapping.objects.get().columns["amount"] == "成交价"
    assert Deal.objects.get().amount_fen == 500


def test_a_mapping_without_a_required_field_is_a_400(client, sw):
    post_upload(client, upload("t.csv", "单号,日期\nT-1,2026-03-01\n"))
    job = ImportJob.objects.get()
    response = client.post(
        f"/sales/imports/{job.pk}/start/",
        {"col_external_id": "单号", "col_signed_on": "日期", "mode": "all_or_nothing"},
    )
    assert response.status_code == 400
    assert "文件中没有对应" in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.UPLOADED


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (upload("d.xls", "x"), "另存为 .xlsx"),
        (upload("d.txt", "x"), ".csv"),
        (upload("d.csv", ""), ""),
        (upload("d.csv", HEADER + "\n"), "没有数据行"),
    ],
)
def test_bad_files_are_refused_under_the_file_field(client, sw, file, message):
    response = post_upload(client, file)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_gbk_file_is_read(client, sw):
    response = post_upload(
        client, upload("d.csv", f"{HEADER}\nD-1,2026-03-01,100,C-1,XH00004\n", encoding="gbk")
    )
    assert response.status_code == 302
    assert ImportJob.objects.get().header[0] == "订单号"


def test_a_missing_field_in_the_form_is_a_400(client, sw):
    response = client.post("/sales/imports/", {"kind": "deals", "mode": "all_or_nothing"})
    assert response.status_code == 400
    assert not ImportJob.objects.exists()


def test_an_employee_cannot_open_the_import_page(sw):
    c = Client()
    c.force_login(sw.w.employee)
    assert c.get("/sales/imports/").status_code == 403


def test_a_sales_manager_may_import_customers_only(sw):
    c = Client()
    c.force_login(sw.w.manager)
    text = c.get("/sales/imports/").content.decode()
    assert 'value="customers"' in text and 'value="deals"' not in text
    response = c.post(
        "/sales/imports/",
        {
            "kind": "deals",
            "platform": "GOV",
            "mode": "all_or_nothing",
            "file": upload("d.csv", f"{HEADER}\nD-1,2026-03-01,100,C-1,XH00004\n"),
        },
    )
    assert response.status_code == 400


def test_progress_of_a_running_job(client, sw):
    post_upload(client, upload("d.csv", f"{HEADER}\nD-1,2026-03-01,100,C-1,XH00004\n"))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    page = client.get(f"/sales/imports/{job.pk}/")
    assert "data-ml-progress-url" in page.content.decode()
    state = client.get(f"/sales/imports/{job.pk}/progress/").json()
    assert state["finished"] is False and 0 <= state["percent"] <= 100


def test_templates_hold_the_usual_titles(client, sw):
    response = client.get("/sales/imports/template/deals/?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert titles[:3] == ["订单号", "合同编号", "签约日期"]
    assert client.get("/sales/imports/template/nothing/").status_code == 403
