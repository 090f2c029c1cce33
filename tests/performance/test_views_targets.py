"""Target pages: set one (scoped, negative refused), import a CSV (all or nothing, every
bad row reported), and the cascade showing where children do not add up."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from meritline.performance.models import Target
from meritline.performance.services.targets import target_set
from tests.performance.clients import client_for


def setting(w, **changes):
    data = {
        "level": "employee",
        "period": "2026-Q4",
        "metric": "sales_amount",
        "value": "30000000",
        "employee": str(w.chenjing.pk),
        "platform": "",
        "department": "",
    }
    return {**data, **changes}


def test_a_manager_sets_a_target_for_their_rep(pw):
    w = pw.w
    response = client_for(w.manager).post("/performance/targets/new/", setting(w))
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.employee, target.value, target.set_by) == (w.chenjing, 30000000, w.manager)
    assert target.department == w.team_a


def test_a_negative_target_is_refused_and_nothing_is_written(pw):
    w = pw.w
    response = client_for(w.hr_admin).post("/performance/targets/new/", setting(w, value="-1"))
    assert response.status_code == 400
    assert "A target must not be negative" in response.content.decode()
    assert not Target.objects.exists()


def test_a_money_target_in_fractions_of_a_fen_is_refused_under_the_value(pw):
    w = pw.w
    response = client_for(w.hr_admin).post("/performance/targets/new/", setting(w, value="100.5"))
    assert response.status_code == 400
    assert response.context["form"].errors["value"] == [
        "A money target is a whole number of fen (1 yuan = 100 fen), not 100.5."
    ]
    assert not Target.objects.exists()


def test_a_manager_may_not_set_targets_above_their_team_or_for_outsiders(pw):
    w = pw.w
    client = client_for(w.manager)
    company = client.post("/performance/targets/new/", setting(w, level="company", employee=""))
    assert company.status_code == 403
    outsider = client.post("/performance/targets/new/", setting(w, employee=str(w.liuyang.pk)))
    assert outsider.status_code == 400  # 刘洋 is not among the choices
    assert client_for(w.employee).get("/performance/targets/new/").status_code == 403
    assert not Target.objects.exists()


def test_the_list_hides_employee_targets_out_of_scope(pw):
    w = pw.w
    for employee, value in ((w.chenjing, 100), (w.liuyang, 200)):
        target_set(
            actor=w.hr_admin,
            level="employee",
            period="2026-Q4",
            metric="deal_count",
            value=value,
            employee=employee,
        )
    mine = client_for(w.manager).get("/performance/targets/?period=2026-Q4").content.decode()
    assert "陈静" in mine and "刘洋" not in mine
    everyone = client_for(w.auditor).get("/performance/targets/?period=2026-Q4").content.decode()
    assert "刘洋" in everyone


CSV_GOOD = (
    "level,period,metric,value,platform,department,employee\n"
    "company,2026-Q4,sales_amount,90000000,,,\n"
    "platform,2026-Q4,sales_amount,60000000,GOV,,\n"
    "team,2026-Q4,sales_amount,50000000,GOV,S-E-A,\n"
    "employee,2026-Q4,sales_amount,30000000,GOV,S-E-A,XH00004\n"
    "employee,2026-Q4,sales_amount,20000000,GOV,S-E-A,XH00005\n"
)


def upload(text: str | bytes, name: str = "targets.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return {"file": SimpleUploadedFile(name, data, content_type="text/csv")}


def test_hr_imports_targets_and_the_cascade_shows_the_gaps(pw):
    w = pw.w
    client = client_for(w.hr_admin)
    response = client.post("/performance/targets/import/", upload(CSV_GOOD))
    assert response.status_code == 302
    assert Target.objects.count() == 5
    page = client.get("/performance/targets/cascade/?period=2026-Q4&metric=sales_amount")
    text = page.content.decode()
    # the company (90 万) ≠ its platforms (60 万); GOV (60 万) ≠ its teams (50 万);
    # the team's employees (30 + 20 万) add up to it.
    assert text.count("ml-target-gap") == 2
    assert "¥900,000.00" in text and "¥600,000.00" in text and "¥500,000.00" in text
    assert "陈静" not in text  # the team adds up: not listed


def test_a_bad_row_imports_nothing_and_every_bad_row_is_listed(pw):
    w = pw.w
    bad = CSV_GOOD + (
        "employee,2026-Q4,sales_amount,-5,GOV,S-E-A,XH00004\n"
        "employee,2026-Q4,sales_amount,5,GOV,S-E-A,XH09999\n"
        "galaxy,2026-Q4,sales_amount,5,,,\n"
    )
    response = client_for(w.hr_admin).post("/performance/targets/import/", upload(bad))
    assert response.status_code == 400
    errors = response.context["errors"]
    assert [e["row"] for e in errors] == [7, 8, 9]
    assert "must not be negative" in errors[0]["message"]
    assert "XH09999" in errors[1]["message"]
    assert not Target.objects.exists()


def test_an_unreadable_file_is_refused(pw):
    client = client_for(pw.w.hr_admin)
    latin = client.post("/performance/targets/import/", upload("level\n\xe9".encode("latin-1")))
    assert latin.status_code == 400 and "UTF-8" in latin.content.decode()
    columns = client.post("/performance/targets/import/", upload("a,b\n1,2\n"))
    assert columns.status_code == 400 and "has no column" in columns.content.decode()
    assert not Target.objects.exists()


def test_the_cascade_hides_the_names_of_people_out_of_scope(pw):
    w = pw.w
    for employee in (w.chenjing, w.liuyang):
        target_set(
            actor=w.hr_admin,
            level="employee",
            period="2026-Q4",
            metric="deal_count",
            value=3,
            employee=employee,
        )
    text = client_for(w.manager).get("/performance/targets/cascade/?period=2026-Q4").content
    assert "陈静" in text.decode() and "刘洋" not in text.decode()
    assert "more outside your scope" in text.decode()
    assert client_for(w.employee).get("/performance/targets/cascade/").status_code == 403


def test_a_gb18030_file_imports_and_a_malformed_or_foreign_file_is_refused(pw):
    client = client_for(pw.w.hr_admin)
    gbk = CSV_GOOD.replace("level,", "Level ,").encode("gb18030")
    assert client.post("/performance/targets/import/", upload(gbk)).status_code == 302
    assert Target.objects.count() == 5
    huge_cell = "level,period,metric,value\n" + '"' + "x" * 200_000 + '",2026-Q4,deal_count,1\n'
    for bad in (upload(huge_cell), upload(b"PK\x03\x04", name="targets.pdf")):
        response = client.post("/performance/targets/import/", bad)
        assert response.status_code == 400
    assert Target.objects.count() == 5
