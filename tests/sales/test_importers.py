"""Sales file imports (PLT-7): each kind read from CSV (UTF-8 and GBK) and XLSX, with
every bad input of issue 3 reported by row, column and reason, and nothing half-written."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone, translation
from openpyxl import Workbook

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.sales.models import (
    Collection,
    Customer,
    Deal,
    DealSplit,
    ImportJob,
    ImportMapping,
    JobStatus,
    Lead,
    Refund,
)
from meritline.sales.services.common import ALL_OR_NOTHING, VALID_ROWS
from meritline.sales.services.imports import (
    import_job_create,
    import_job_run,
    import_job_start,
    job_progress,
)

DEAL_HEADER = "订单号,签约日期,合同金额,客户编号,负责人工号,分成"


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(
    actor,
    data: bytes,
    *,
    kind: str = "deals",
    file_name: str = "deals.csv",
    platform: str = "GOV",
    source: str = "crm",
    mode: str = ALL_OR_NOTHING,
    dry_run: bool = False,
    columns: dict[str, str] | None = None,
) -> ImportJob:
    """Create the job and run it in the foreground, as the CLI does."""
    job, table = import_job_create(
        actor=actor,
        kind=kind,
        platform=platform,
        file_name=file_name,
        data=data,
        source=source,
        mode=mode,
        dry_run=dry_run,
        keep_file=False,
    )
    if columns:
        job.columns = {**job.columns, **columns}
    job.status = JobStatus.QUEUED
    job.save()
    return import_job_run(job.pk, table=table)


def upload(actor, data: bytes, *, file_name: str = "d.csv", mode: str = ALL_OR_NOTHING, **kw):
    """A job for an uploaded deals file of source crm, awaiting its column check."""
    job, _table = import_job_create(
        actor=actor,
        kind=kw.pop("kind", "deals"),
        platform=kw.pop("platform", "GOV"),
        source=kw.pop("source", "crm"),
        file_name=file_name,
        data=data,
        mode=mode,
        **kw,
    )
    return job


def messages_by_row(job: ImportJob) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for error in job.errors:
        found.setdefault(error["row"], []).append(f"{error['column']}: {error['message']}")
    return found


def deal_line(external_id: str, amount: str = "12000", day: str = "2026-03-01", **kw) -> str:
    customer = kw.get("customer", "C-1")
    owner = kw.get("owner", "XH00004")
    splits = kw.get("splits", "")
    return f"{external_id},{day},{amount},{customer},{owner},{splits}"


@pytest.fixture(autouse=True)
def chinese():
    """Messages in the default language, whatever an earlier request activated."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def finance(sw):
    return sw.w.finance


class TestDeals:
    def test_a_gbk_file_imports_like_utf8(self, sw, finance):
        lines = (DEAL_HEADER, deal_line("D-1", '"1,200,000.50"'), deal_line("D-2", "￥8000"))
        job = run(finance, csv_bytes(*lines, encoding="gbk"))
        assert (job.status, job.created, job.error_rows, job.written) == ("done", 2, 0, True)
        deal = Deal.objects.get(source="crm", external_id="D-1")
        assert deal.amount_fen == 120_000_050
        assert deal.owner == sw.w.chenjing
        utf8 = run(finance, csv_bytes(*lines))
        assert (utf8.created, utf8.unchanged) == (0, 2)

    def test_reimporting_the_same_file_changes_nothing(self, sw, finance):
        data = csv_bytes(DEAL_HEADER, deal_line("D-1"), deal_line("D-2"))
        first = run(finance, data)
        again = run(finance, data)
        assert (first.created, again.created, again.updated, again.unchanged) == (2, 0, 0, 2)
        assert again.checksum == first.checksum
        assert Deal.objects.count() == 2

    def test_a_corrected_file_updates_only_what_changed(self, sw, finance):
        run(finance, csv_bytes(DEAL_HEADER, deal_line("D-1"), deal_line("D-2")))
        job = run(finance, csv_bytes(DEAL_HEADER, deal_line("D-1"), deal_line("D-2", "13000")))
        assert (job.created, job.updated, job.unchanged) == (0, 1, 1)
        assert Deal.objects.get(external_id="D-2").amount_fen == 1_300_000

    def test_every_bad_row_is_reported_and_nothing_is_written(self, sw, finance):
        future = (timezone.localdate() + timedelta(days=30)).isoformat()
        lines = (
            DEAL_HEADER,
            deal_line("D-1"),  # row 2: good
            deal_line("D-2", "abc"),  # 3
            deal_line("D-3", "-500"),  # 4: negative, not a refund
            deal_line("D-4", day=future),  # 5
            deal_line("D-5", customer="NOPE"),  # 6
            deal_line("D-6", owner="XH99999"),  # 7
            deal_line("D-7", splits="XH00004:60%;XH00005:30%"),  # 8
            deal_line("D-1", "9000"),  # 9: duplicate of row 2
            deal_line("D-8", day="2026-02-30"),  # 10
        )
        job = run(finance, csv_bytes(*lines))
        errors = messages_by_row(job)
        assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9, 10]
        assert "合同金额" in errors[3][0] and "abc" in errors[3][0]
        assert "合同金额" in errors[4][0] and "退款" in errors[4][0]
        assert "签约日期" in errors[5][0] and future in errors[5][0]
        assert "客户编号" in errors[6][0] and "NOPE" in errors[6][0]
        assert "负责人工号" in errors[7][0] and "XH99999" in errors[7][0]
        assert "分成" in errors[8][0] and "90.00 %" in errors[8][0]
        assert "第 2 行" in errors[9][0]
        assert "签约日期" in errors[10][0]
        assert job.written is False and not Deal.objects.exists()

    def test_valid_rows_mode_keeps_the_good_rows(self, sw, finance):
        lines = (DEAL_HEADER, deal_line("D-1"), deal_line("D-2", "abc"), deal_line("D-3"))
        job = run(finance, csv_bytes(*lines), mode=VALID_ROWS)
        assert (job.created, job.error_rows, job.written) == (2, 1, True)
        assert set(Deal.objects.values_list("external_id", flat=True)) == {"D-1", "D-3"}

    def test_split_shares_in_percent_credit_each_person(self, sw, finance):
        job = run(
            finance,
            csv_bytes(DEAL_HEADER, deal_line("D-1", splits="XH00004:60%;XH00005:40%")),
        )
        assert job.created == 1
        shares = dict(DealSplit.objects.values_list("employee__employee_no", "share"))
        assert {k: str(v) for k, v in shares.items()} == {"XH00004": "0.6000", "XH00005": "0.4000"}

    def test_an_unknown_platform_in_a_row_is_reported(self, sw, finance):
        data = csv_bytes(
            "订单号,签约日期,合同金额,客户编号,负责人工号,平台",
            "D-1,2026-03-01,100,C-1,XH00004,NOPE",
        )
        job = run(finance, data)
        assert job.errors[0]["column"] == "平台"
        assert "NOPE" in job.errors[0]["message"]

    def test_a_missing_required_column_refuses_the_file(self, sw, finance):
        with pytest.raises(DomainError) as refused:
            job = upload(finance, csv_bytes("订单号,合同金额", "D-1,100"))
            import_job_start(actor=finance, job=job, columns=job.columns)
        assert "签约日期" in refused.value.message or "Signing date" in refused.value.message

    def test_a_mapping_reads_a_platforms_own_titles_and_is_saved(self, sw, finance):
        data = csv_bytes("单号,日期,成交价,买家,销售", "T-1,2026-03-01,500,C-1,XH00004")
        job = upload(finance, data, file_name="tmall.csv")
        mapping = {
            "external_id": "单号",
            "signed_on": "日期",
            "amount": "成交价",
            "customer": "买家",
            "owner": "销售",
        }
        job = import_job_start(actor=finance, job=job, columns=mapping, save_mapping=True)
        job = import_job_run(job.pk)
        assert (job.status, job.created) == ("done", 1)
        saved = ImportMapping.objects.get(platform=sw.w.platform, kind="deals")
        assert saved.columns["amount"] == "成交价"
        again = upload(finance, data, file_name="tmall-2.csv")
        assert again.columns == mapping

    def test_a_mapping_naming_a_column_the_file_lacks_is_refused(self, sw, finance):
        job = upload(finance, csv_bytes(DEAL_HEADER, deal_line("D-1")))
        with pytest.raises(DomainError) as refused:
            import_job_start(actor=finance, job=job, columns={"amount": "不存在的列"})
        assert refused.value.field == "columns"
        assert ImportJob.objects.get(pk=job.pk).status == JobStatus.UPLOADED

    def test_an_employee_may_not_import_deals(self, sw):
        with pytest.raises(PermissionDeniedError):
            upload(sw.w.employee, csv_bytes(DEAL_HEADER, deal_line("D-1")))


class TestFiles:
    def test_xlsx_with_empty_rows_keeps_the_sheets_row_numbers(self, sw, finance):
        rows = [
            DEAL_HEADER.split(","),
            ["D-1", date(2026, 3, 1), 12000, "C-1", "XH00004"],
            [],
            [None, None, None],
            ["D-2", "2026-03-02", "abc", "C-1", "XH00004"],
        ]
        job = run(finance, xlsx_bytes(rows), file_name="d.xlsx", mode=VALID_ROWS)
        assert job.created == 1
        assert [e["row"] for e in job.errors] == [5]

    def test_a_formula_cell_without_a_saved_result_is_named(self, sw, finance):
        rows = [
            DEAL_HEADER.split(","),
            ["D-1", "2026-03-01", "=1000*12", "C-1", "XH00004"],
        ]
        job = run(finance, xlsx_bytes(rows), file_name="d.xlsx")
        assert len(job.errors) == 1
        assert job.errors[0]["column"] == "合同金额"
        assert "=1000*12" in job.errors[0]["message"]
        assert not Deal.objects.exists()

    def test_an_excel_error_value_is_named(self, sw, finance):
        job = run(finance, csv_bytes(DEAL_HEADER, deal_line("D-1", "#DIV/0!")))
        assert "#DIV/0!" in job.errors[0]["message"]

    @pytest.mark.parametrize(
        ("name", "data", "fragment"),
        [
            ("d.xls", b"\xd0\xcf\x11\xe0", ".xls"),
            ("d.pdf", b"%PDF", ".csv"),
            ("d.csv", b"   ", ""),
            ("d.csv", "订单号\n".encode(), ""),
            ("d.xlsx", b"not a zip", "Excel"),
            ("d.csv", b"\xff\xfe\x00\x00\x81", "UTF-8"),
        ],
    )
    def test_unreadable_files_are_refused_whole(self, sw, finance, name, data, fragment):
        with pytest.raises(DomainError) as refused:
            upload(finance, data, file_name=name)
        assert fragment in refused.value.message
        assert not ImportJob.objects.exists()

    def test_an_unknown_platform_is_refused(self, sw, finance):
        with pytest.raises(DomainError) as refused:
            run(finance, csv_bytes(DEAL_HEADER, deal_line("D-1")), platform="NOPE")
        assert refused.value.field == "platform"


class TestPayments:
    @pytest.fixture
    def deal(self, sw, finance):
        run(finance, csv_bytes(DEAL_HEADER, deal_line("D-1", "10000")))
        return Deal.objects.get(external_id="D-1")

    def test_collections_lag_and_add_up(self, sw, finance, deal):
        data = csv_bytes(
            "回款编号,订单号,回款日期,回款金额",
            "P-1,D-1,2026-03-10,4000",
            "P-2,D-1,2026-04-10,6000",
        )
        job = run(finance, data, kind="collections")
        assert job.created == 2
        deal.refresh_from_db()
        assert deal.collected_fen == 1_000_000

    def test_bad_collections_are_named(self, sw, finance, deal):
        data = csv_bytes(
            "回款编号,订单号,回款日期,回款金额",
            "P-1,NOPE,2026-03-10,100",
            "P-2,D-1,2026-03-10,-100",
            "P-3,D-1,2026-03-10,20000",
        )
        job = run(finance, data, kind="collections")
        errors = messages_by_row(job)
        assert "NOPE" in errors[2][0]
        assert "退款" in errors[3][0]
        assert "¥20,000.00" in errors[4][0]
        assert not Collection.objects.exists()

    def test_refunds_may_be_negative_lines_but_not_larger_than_the_deal(self, sw, finance, deal):
        data = csv_bytes(
            "退款编号,订单号,退款日期,退款金额,原因",
            "R-1,D-1,2026-03-12,-2000,部分退货",
            "R-2,D-1,2026-03-13,90000,超额",
        )
        job = run(finance, data, kind="refunds", mode=VALID_ROWS)
        assert job.created == 1
        assert [e["row"] for e in job.errors] == [3]
        assert Refund.objects.get().amount_fen == 200_000

    def test_a_cancellation_refunds_what_remains(self, sw, finance, deal):
        data = csv_bytes("退款编号,订单号,退款日期,取消合同", "R-9,D-1,2026-03-12,是")
        job = run(finance, data, kind="refunds")
        assert job.created == 1
        deal.refresh_from_db()
        assert deal.status == "cancelled"


class TestLeadsAndCustomers:
    def test_customers_import_with_kinds_in_chinese(self, sw, finance):
        data = csv_bytes(
            "客户编号,客户名称,客户类型,行业",
            "K-1,星河测试有限公司,企业,软件",
            "K-2,小店,个人,零售",
            "K-3,怪客户,外星人,零售",
        )
        job = run(finance, data, kind="customers", mode=VALID_ROWS)
        assert job.created == 2
        assert Customer.objects.get(external_id="K-1").kind == "enterprise"
        assert "外星人" in job.errors[0]["message"]

    def test_leads_import_their_chain_of_steps(self, sw, finance):
        data = csv_bytes(
            "线索编号,公司名称,线索来源,来源人工号,负责人工号,录入时间,到访时间,接待时间",
            "L-1,远山科技有限公司,市场,XH00009,XH00004,2026-03-01 09:30,2026-03-02 10:00,"
            "2026-03-02 11:00",
            "L-2,近水科技有限公司,外星,XH00009,XH00004,2026-03-01,,",
        )
        job = run(finance, data, kind="leads", mode=VALID_ROWS)
        assert job.created == 1, job.errors
        lead = Lead.objects.get(external_id="L-1")
        assert lead.source_kind == "marketing"
        assert list(lead.steps.order_by("at").values_list("step", flat=True)) == [
            "entered",
            "visited",
            "received",
        ]
        assert job.errors[0]["column"] == "线索来源"


class TestJobs:
    def test_a_job_runs_through_celery_and_keeps_its_report(
        self, sw, finance, django_capture_on_commit_callbacks
    ):
        job = upload(
            finance,
            csv_bytes(DEAL_HEADER, deal_line("D-1"), deal_line("D-2", "abc")),
            mode=VALID_ROWS,
        )
        assert job.status == JobStatus.UPLOADED and job.stored_name
        with django_capture_on_commit_callbacks(execute=True):
            import_job_start(actor=finance, job=job, columns=job.columns)
        job.refresh_from_db()
        assert (job.status, job.created, job.error_rows) == ("done", 1, 1), job.errors
        assert job_progress(job) == {"phase": "done", "percent": 100, "finished": True}

    def test_a_check_can_then_be_imported_but_not_twice(
        self, sw, finance, django_capture_on_commit_callbacks
    ):
        job = upload(finance, csv_bytes(DEAL_HEADER, deal_line("D-1")))
        with django_capture_on_commit_callbacks(execute=True):
            import_job_start(actor=finance, job=job, columns=job.columns, dry_run=True)
        job.refresh_from_db()
        assert (job.dry_run, job.created, job.written) == (True, 1, False)
        assert not Deal.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            import_job_start(actor=finance, job=job, columns=job.columns, dry_run=False)
        job.refresh_from_db()
        assert (job.written, Deal.objects.count()) == (True, 1)
        with pytest.raises(DomainError):
            import_job_start(actor=finance, job=job, columns=job.columns)

    def test_only_the_uploader_starts_a_job(self, sw, finance):
        job = upload(finance, csv_bytes(DEAL_HEADER, deal_line("D-1")))
        with pytest.raises(PermissionDeniedError):
            import_job_start(actor=sw.w.hr_admin, job=job, columns=job.columns)

    def test_a_file_gone_from_storage_fails_the_job_with_a_reason(self, sw, finance):
        job = upload(finance, csv_bytes(DEAL_HEADER, deal_line("D-1")))
        ImportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.QUEUED, stored_name="imports/sales/gone.csv"
        )
        job = import_job_run(job.pk)
        assert job.status == JobStatus.FAILED and job.failure
        assert not Deal.objects.exists()


def test_a_deal_linked_to_a_lead_archives_its_contract(sw):
    from meritline.sales.services.leads import lead_upsert

    with translation.override("zh-hans"):
        lead, _o = lead_upsert(
            actor=sw.w.finance,
            external_id="L-9",
            company_name="远山科技有限公司",
            source_kind="marketing",
            source_employee="XH00009",
            owner="XH00004",
            platform="GOV",
            entered_at=timezone.make_aware(timezone.datetime(2026, 3, 1, 9, 0)),
            customer="C-1",
            source="crm",
        )
    lines = (
        "订单号,签约日期,合同金额,客户编号,负责人工号,线索编号",
        f"D-9,2026-03-05,100,C-1,XH00004,{lead.number}",
    )
    job = run(sw.w.finance, csv_bytes(*lines))
    assert job.created == 1, job.errors
    lead.refresh_from_db()
    assert lead.step == "contract"
    step = lead.steps.get(step="contract")
    assert timezone.localtime(step.at).date() == date(2026, 3, 5)
    assert "D-9" in step.note
