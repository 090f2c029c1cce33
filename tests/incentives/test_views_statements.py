"""Statement pages: the rep's own with every line in words, scoping (a rep never sees
another's; a manager sees the team's), drafts hidden from reps, the PDF, and questioning a
line with its bad inputs."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from meritline.incentives.models import LineDispute
from meritline.incentives.pdf import statement_pdf
from meritline.incentives.services.runs import run_approve, run_calculate, run_close
from meritline.incentives.views.statement_data import statement_data
from tests.incentives.conftest import counts, level_rate, sign

BACKEND = "django.contrib.auth.backends.ModelBackend"
SENTENCE = "合同 D-1024 签约额 ¥1,200,000.00 达到 ≥¥1,000,000 档位，提成 2% → ¥24,000.00"


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user, backend=BACKEND)
        return client

    return login


@pytest.fixture
def closed(iw):
    """September closed: 陈静 24,000 on D-1024, 孙磊 3,000, 刘洋 1,000 (华南)."""
    level_rate(iw.sw, iw.w.liuyang, "0.01")
    sign(iw.sw, date(2026, 9, 8), 1_200_000, number="D-1024")
    sign(iw.sw, date(2026, 9, 9), 300_000, owner="XH00005")
    sign(iw.sw, date(2026, 9, 9), 100_000, owner="XH00006")
    run = run_calculate(actor=iw.w.finance, plan_version=iw.version, period="2026-09")
    run_approve(actor=iw.w.finance, run=run)
    return run_close(actor=iw.w.finance, run=run)


def url(employee, period="2026-09", name="statement_detail"):
    return reverse(f"incentives:{name}", args=[employee.pk, period])


def test_the_rep_reads_her_statement_with_each_line_in_words(iw, closed, as_user):
    page = as_user(iw.w.employee).get(reverse("incentives:my_statement"))
    text = page.content.decode()
    assert page.status_code == 200
    assert SENTENCE in text
    assert "¥24,000.00" in text and "签约提成" in text  # the component's name
    assert url(iw.w.chenjing, name="statement_pdf") in text
    assert reverse("incentives:line_dispute", args=[closed.lines.get(payee=iw.w.chenjing).pk])


def test_the_statement_speaks_english_to_an_english_reader(iw, closed, as_user):
    client = as_user(iw.w.employee)
    client.cookies["django_language"] = "en"
    text = client.get(reverse("incentives:my_statement")).content.decode()
    assert "reached the ≥¥1,000,000 bracket" in text and "Deal commission" in text


def test_a_rep_without_statements_sees_an_empty_page(iw, as_user):
    page = as_user(iw.w.employee).get(reverse("incentives:my_statement"))
    assert page.status_code == 200 and "empty" in page.content.decode()


def test_a_rep_cannot_open_another_reps_statement(iw, closed, as_user):
    client = as_user(iw.w.employee)
    assert client.get(url(iw.w.sunlei)).status_code == 404
    assert client.get(url(iw.w.sunlei, name="statement_pdf")).status_code == 404
    assert client.get(url(iw.w.chenjing)).status_code == 200
    other = closed.lines.get(payee=iw.w.sunlei)
    assert client.get(reverse("incentives:line_dispute", args=[other.pk])).status_code == 404


def test_a_manager_sees_the_team_but_not_the_south(iw, closed, as_user):
    client = as_user(iw.w.manager)
    page = client.get(url(iw.w.chenjing))
    assert page.status_code == 200 and SENTENCE in page.content.decode()
    assert "Question this line" not in page.content.decode()  # only the payee questions
    assert client.get(url(iw.w.liuyang)).status_code == 404
    listing = client.get(reverse("incentives:statement_list")).content.decode()
    assert "陈静" in listing and "孙磊" in listing and "刘洋" not in listing


def test_finance_sees_everyone_and_reps_have_no_statement_list(iw, closed, as_user):
    listing = as_user(iw.w.finance).get(reverse("incentives:statement_list"))
    assert "刘洋" in listing.content.decode()
    assert as_user(iw.w.employee).get(reverse("incentives:statement_list")).status_code == 403


def test_a_draft_period_is_hidden_from_the_rep_but_shown_to_finance(iw, closed, as_user):
    sign(iw.sw, date(2026, 10, 8), 600_000)
    run_calculate(actor=iw.w.finance, plan_version=iw.version, period="2026-10")
    assert as_user(iw.w.employee).get(url(iw.w.chenjing, "2026-10")).status_code == 404
    mine = as_user(iw.w.employee).get(reverse("incentives:my_statement")).content.decode()
    assert "2026-09" in mine and "¥9,000.00" not in mine
    page = as_user(iw.w.finance).get(url(iw.w.chenjing, "2026-10"))
    assert page.status_code == 200 and "¥9,000.00" in page.content.decode()


def _pdf_text(pdf: bytes) -> str:
    """The text drawn by an uncompressed ReportLab PDF with a UCS-2 CID font."""
    out = []
    for raw in re.findall(rb"\((.*?)(?<!\\)\) Tj", pdf, flags=re.S):
        data = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), raw)
        data = re.sub(rb"\\(.)", rb"\1", data)
        out.append(data.decode("utf-16-be", "replace"))
    return "".join(out).replace(" ", "")


def test_the_pdf_downloads(iw, closed, as_user):
    response = as_user(iw.w.employee).get(url(iw.w.chenjing, name="statement_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "statement-XH00004-2026-09.pdf" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")


def test_the_pdf_has_the_same_lines_and_totals_as_the_page(iw, closed):
    data = statement_data(user=iw.w.employee, employee_id=iw.w.chenjing.pk, period="2026-09")
    text = _pdf_text(statement_pdf(data, compress=False))
    assert SENTENCE.replace(" ", "") in text
    assert "签约提成·¥24,000.00" in text  # the component and its subtotal
    assert "¥24,000.00" in text and "陈静" in text and "2026-09" in text


def test_questioning_a_line_needs_a_reason_and_writes_nothing_without_one(iw, closed, as_user):
    line = closed.lines.get(payee=iw.w.chenjing)
    client = as_user(iw.w.employee)
    target = reverse("incentives:line_dispute", args=[line.pk])
    assert client.get(target).status_code == 200
    before = counts()
    response = client.post(target, {"reason": "   "})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    assert 'id="id_reason_error"' in response.content.decode()
    assert counts() == before
    response = client.post(target, {"reason": "应按大客户上浮"})
    assert response.status_code == 302
    dispute = LineDispute.objects.get()
    assert (dispute.payee_id, dispute.reason) == (iw.w.chenjing.pk, "应按大客户上浮")
    again = client.post(target, {"reason": "再问一次"})
    assert again.status_code == 400 and LineDispute.objects.count() == 1
    page = client.get(reverse("incentives:my_statement")).content.decode()
    assert reverse("incentives:dispute_detail", args=[dispute.pk]) in page


def test_a_manager_cannot_question_a_team_members_line(iw, closed, as_user):
    line = closed.lines.get(payee=iw.w.chenjing)
    response = as_user(iw.w.manager).post(
        reverse("incentives:line_dispute", args=[line.pk]), {"reason": "x"}
    )
    assert response.status_code == 403 and not LineDispute.objects.exists()
