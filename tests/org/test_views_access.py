"""The login-and-roles card and the certificate/training pages (SPEC PLT-2, PLT-3): who sees
and uses them, what each action does, and every bad input (message at the field, 400,
database unchanged)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meritline.core.access import Role
from meritline.core.models import AuditLog, User
from meritline.org import models as org
from meritline.org.selectors import today

BACKEND = "django.contrib.auth.backends.ModelBackend"
NEW_PASSWORD = "Qiang-2026-spring"


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user, backend=BACKEND)
        return client

    return login


def expected(response, msgid, *args):
    with translation.override(response.context["LANGUAGE_CODE"]):
        text = _(msgid)
    return text % args if args else text


def field_errors(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def assert_field_error(response, field, message=None):
    assert response.status_code == 400
    errors = field_errors(response, field)
    assert errors, response.context["form"].errors
    if message is not None:
        assert message in errors, errors
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html


def flash(response):
    return [str(m) for m in response.context["messages"]]


def sign_in(username, password):
    """A browser session signed in through the login form; None when refused."""
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    return client if response.status_code == 302 else None


def profile(pk):
    return reverse("org:employee_detail", args=[pk])


def grants(user):
    return set(org.RoleGrant.objects.filter(user=user).values_list("role", "region", "department"))


# The card -----------------------------------------------------------------------------------
def test_hr_admin_sees_the_login_card_with_its_actions(world, as_user):
    response = as_user(world.hr_admin).get(profile(world.liqiang.pk))
    html = response.content.decode()
    card = response.context["login_card"]
    assert card.editable and card.login == world.hrbp
    assert [g.role for g in card.grants] == [Role.HRBP]
    assert 'id="login"' in html
    for name in ("role_grant", "login_password", "login_disable"):
        assert reverse(f"org:{name}", args=[world.liqiang.pk]) in html
    assert reverse("org:role_revoke", args=[card.grants[0].pk]) in html
    assert "华东" in html


def test_hr_admin_cannot_disable_their_own_login_from_the_card(world, as_user):
    html = as_user(world.hr_admin).get(profile(world.wangfang.pk)).content.decode()
    assert reverse("org:login_disable", args=[world.wangfang.pk]) not in html


def test_a_disabled_login_offers_re_enabling(world, as_user):
    world.other_employee.is_active = False
    world.other_employee.save()
    html = as_user(world.hr_admin).get(profile(world.sunlei.pk)).content.decode()
    assert reverse("org:login_enable", args=[world.sunlei.pk]) in html
    assert reverse("org:login_disable", args=[world.sunlei.pk]) not in html


def test_an_employee_without_login_shows_the_create_button_in_the_card(world, as_user):
    world.chenjing.user = None
    world.chenjing.save()
    response = as_user(world.hr_admin).get(profile(world.chenjing.pk))
    assert response.context["login_card"].login is None
    assert reverse("org:employee_login", args=[world.chenjing.pk]) in response.content.decode()


@pytest.mark.parametrize("role", ["hrbp", "sales_manager", "finance", "auditor"])
def test_other_roles_see_no_login_card(world, as_user, role):
    response = as_user(world.user(role)).get(profile(world.chenjing.pk))
    assert response.status_code == 200
    assert response.context["login_card"] is None
    assert 'id="login"' not in response.content.decode()


def test_an_employee_sees_their_own_roles_read_only(world, as_user):
    org.RoleGrant.objects.create(user=world.employee, role=Role.AUDITOR)
    response = as_user(world.employee).get(profile(world.chenjing.pk))
    html = response.content.decode()
    card = response.context["login_card"]
    assert not card.editable
    assert [g.role for g in card.grants] == [Role.AUDITOR]
    assert 'id="login"' in html
    assert "/revoke/" not in html
    assert reverse("org:role_grant", args=[world.chenjing.pk]) not in html
    assert reverse("org:login_disable", args=[world.chenjing.pk]) not in html


# Granting roles -----------------------------------------------------------------------------
def test_hr_admin_makes_someone_an_hrbp_of_a_region(world, as_user):
    url = reverse("org:role_grant", args=[world.sunlei.pk])
    response = as_user(world.hr_admin).post(url, {"role": "hrbp", "region": world.south.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(profile(world.sunlei.pk))
    assert (Role.HRBP, world.south.pk, None) in grants(world.other_employee)
    assert AuditLog.objects.filter(action="org.role.grant").count() == 1


def test_hr_admin_grants_an_hrbp_a_department_subtree(world, as_user):
    url = reverse("org:role_grant", args=[world.liqiang.pk])
    response = as_user(world.hr_admin).post(
        url, {"role": "hrbp", "department": world.sales_south.pk}
    )
    assert response.status_code == 302
    assert (Role.HRBP, None, world.sales_south.pk) in grants(world.hrbp)


def test_a_company_wide_role_ignores_a_region_sent_along(world, as_user):
    url = reverse("org:role_grant", args=[world.sunlei.pk])
    response = as_user(world.hr_admin).post(url, {"role": "auditor", "region": world.east.pk})
    assert response.status_code == 302
    assert grants(world.other_employee) == {(Role.AUDITOR, None, None)}


def test_an_hrbp_without_region_or_department_is_refused(world, as_user):
    url = reverse("org:role_grant", args=[world.sunlei.pk])
    response = as_user(world.hr_admin).post(url, {"role": "hrbp"})
    assert_field_error(
        response,
        "region",
        expected(response, "An HR business partner needs a region or a department."),
    )
    assert grants(world.other_employee) == set()


@pytest.mark.parametrize("role", ["wizard", "employee", ""])
def test_unknown_or_ungrantable_roles_are_refused(world, as_user, role):
    url = reverse("org:role_grant", args=[world.sunlei.pk])
    response = as_user(world.hr_admin).post(url, {"role": role})
    assert_field_error(response, "role")
    assert grants(world.other_employee) == set()


def test_a_duplicate_grant_changes_nothing_and_says_so(world, as_user):
    url = reverse("org:role_grant", args=[world.liqiang.pk])
    before = grants(world.hrbp)
    response = as_user(world.hr_admin).post(url, {"role": "hrbp", "region": world.east.pk})
    assert_field_error(
        response, "role", expected(response, "%s already has this role.", world.liqiang.name)
    )
    assert grants(world.hrbp) == before
    assert not AuditLog.objects.filter(action="org.role.grant").exists()


def test_the_grant_form_renders_the_scope_fields(world, as_user):
    response = as_user(world.hr_admin).get(reverse("org:role_grant", args=[world.sunlei.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="region"' in html and 'name="department"' in html
    assert "org/role_form.js" in html
    roles = [value for value, _label in response.context["form"].fields["role"].choices]
    assert Role.EMPLOYEE not in roles and Role.AUDITOR in roles


def test_an_employee_without_login_has_no_roles_to_grant(world, as_user):
    world.chenjing.user = None
    world.chenjing.save()
    url = reverse("org:role_grant", args=[world.chenjing.pk])
    assert as_user(world.hr_admin).get(url).status_code == 404


@pytest.mark.parametrize("role", ["hrbp", "sales_manager", "employee", "finance", "auditor"])
def test_only_hr_admins_grant_roles(world, as_user, role):
    url = reverse("org:role_grant", args=[world.chenjing.pk])
    response = as_user(world.user(role)).post(url, {"role": "auditor"})
    assert response.status_code == 403
    assert grants(world.employee) == set()


def test_granting_outside_the_scope_is_404(world, as_user):
    url = reverse("org:role_grant", args=[world.liuyang.pk])
    assert as_user(world.hrbp).post(url, {"role": "auditor"}).status_code == 404


# Revoking roles -----------------------------------------------------------------------------
def test_hr_admin_revokes_a_role(world, as_user):
    grant = org.RoleGrant.objects.get(user=world.hrbp)
    client = as_user(world.hr_admin)
    response = client.post(reverse("org:role_revoke", args=[grant.pk]), follow=True)
    assert response.redirect_chain[0][0].startswith(profile(world.liqiang.pk))
    assert not org.RoleGrant.objects.filter(pk=grant.pk).exists()
    assert expected(response, "The role has been revoked.") in flash(response)


def test_revoking_the_own_admin_role_is_refused_with_a_message(world, as_user):
    grant = org.RoleGrant.objects.get(user=world.hr_admin)
    response = as_user(world.hr_admin).post(
        reverse("org:role_revoke", args=[grant.pk]), follow=True
    )
    assert expected(response, "You cannot revoke your own HR admin role.") in flash(response)
    assert org.RoleGrant.objects.filter(pk=grant.pk).exists()


def test_revoking_needs_a_post(world, as_user):
    grant = org.RoleGrant.objects.get(user=world.hrbp)
    response = as_user(world.hr_admin).get(reverse("org:role_revoke", args=[grant.pk]))
    assert response.status_code == 405
    assert org.RoleGrant.objects.filter(pk=grant.pk).exists()


def test_revoke_is_forbidden_to_others_and_404_outside_the_scope(world, as_user):
    inside = org.RoleGrant.objects.create(user=world.other_employee, role=Role.AUDITOR)
    outside = org.RoleGrant.objects.create(user=world.liuyang.user, role=Role.AUDITOR)
    client = as_user(world.hrbp)
    assert client.post(reverse("org:role_revoke", args=[inside.pk])).status_code == 403
    assert client.post(reverse("org:role_revoke", args=[outside.pk])).status_code == 404
    assert client.post(reverse("org:role_revoke", args=[999999])).status_code == 404
    assert org.RoleGrant.objects.filter(pk__in=[inside.pk, outside.pk]).count() == 2


# Disabling and re-enabling ------------------------------------------------------------------
def test_disabling_ends_the_open_session(world, as_user):
    own = sign_in("chenjing", "demo12345")
    assert own.get(profile(world.chenjing.pk)).status_code == 200
    response = as_user(world.hr_admin).post(reverse("org:login_disable", args=[world.chenjing.pk]))
    assert response.status_code == 302
    assert not User.objects.get(pk=world.employee.pk).is_active
    after = own.get(profile(world.chenjing.pk))
    assert after.status_code == 302 and after["Location"].startswith(reverse("login"))
    assert sign_in("chenjing", "demo12345") is None


def test_re_enabling_restores_the_login(world, as_user):
    client = as_user(world.hr_admin)
    client.post(reverse("org:login_disable", args=[world.chenjing.pk]))
    url = reverse("org:login_enable", args=[world.chenjing.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(pk=world.employee.pk).is_active
    own = sign_in("chenjing", NEW_PASSWORD)
    assert own is not None
    assert own.get(profile(world.chenjing.pk)).status_code == 200


def test_disabling_the_own_login_is_refused(world, as_user):
    response = as_user(world.hr_admin).post(
        reverse("org:login_disable", args=[world.wangfang.pk]), follow=True
    )
    assert expected(response, "You cannot disable your own login.") in flash(response)
    assert User.objects.get(pk=world.hr_admin.pk).is_active


def test_disabling_needs_a_post(world, as_user):
    url = reverse("org:login_disable", args=[world.chenjing.pk])
    assert as_user(world.hr_admin).get(url).status_code == 405
    assert User.objects.get(pk=world.employee.pk).is_active


@pytest.mark.parametrize("role", ["hrbp", "sales_manager", "finance", "auditor"])
def test_only_hr_admins_disable_logins(world, as_user, role):
    url = reverse("org:login_disable", args=[world.sunlei.pk])
    assert as_user(world.user(role)).post(url).status_code == 403
    assert User.objects.get(pk=world.other_employee.pk).is_active


def test_disabling_outside_the_scope_is_404(world, as_user):
    url = reverse("org:login_disable", args=[world.liuyang.pk])
    assert as_user(world.hrbp).post(url).status_code == 404


@pytest.mark.parametrize(
    ("password1", "password2", "field", "msgid"),
    [
        (NEW_PASSWORD, NEW_PASSWORD + "x", "password2", "The two passwords differ."),
        ("Ab1-x", "Ab1-x", "password1", None),
        ("password123", "password123", "password1", "This password is too common."),
        ("", "", "password1", "This field is required."),
    ],
)
def test_re_enabling_refuses_bad_passwords(world, as_user, password1, password2, field, msgid):
    client = as_user(world.hr_admin)
    client.post(reverse("org:login_disable", args=[world.chenjing.pk]))
    url = reverse("org:login_enable", args=[world.chenjing.pk])
    response = client.post(url, {"password1": password1, "password2": password2})
    assert_field_error(response, field, expected(response, msgid) if msgid else None)
    assert not User.objects.get(pk=world.employee.pk).is_active


def test_a_too_short_password_is_explained_in_the_page_language(world, as_user):
    url = reverse("org:login_password", args=[world.chenjing.pk])
    response = as_user(world.hr_admin).post(url, {"password1": "Ab1-x", "password2": "Ab1-x"})
    with translation.override(response.context["LANGUAGE_CODE"]):
        message = ngettext(
            "This password is too short: use at least %(count)d character.",
            "This password is too short: use at least %(count)d characters.",
            8,
        ) % {"count": 8}
    assert_field_error(response, "password1", message)
    assert "8 个字符" in message


def test_re_enabling_an_active_login_is_refused_above_the_form(world, as_user):
    url = reverse("org:login_enable", args=[world.chenjing.pk])
    response = as_user(world.hr_admin).post(
        url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 400
    assert (
        expected(response, "This login is already active.")
        in response.context["form"].non_field_errors()
    )
    assert User.objects.get(pk=world.employee.pk).check_password("demo12345")


# New password -------------------------------------------------------------------------------
def test_hr_admin_sets_a_new_password_and_the_old_session_ends(world, as_user):
    own = sign_in("chenjing", "demo12345")
    url = reverse("org:login_password", args=[world.chenjing.pk])
    response = as_user(world.hr_admin).post(
        url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert own.get(profile(world.chenjing.pk)).status_code == 302
    assert sign_in("chenjing", "demo12345") is None
    assert sign_in("chenjing", NEW_PASSWORD) is not None
    assert AuditLog.objects.filter(action="org.user.password").count() == 1


def test_an_hr_admin_setting_their_own_password_stays_signed_in(world):
    client = sign_in("wangfang", "demo12345")
    url = reverse("org:login_password", args=[world.wangfang.pk])
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get(profile(world.wangfang.pk)).status_code == 200


@pytest.mark.parametrize(
    ("password1", "password2", "field", "msgid"),
    [
        (NEW_PASSWORD, "Qiang-2026-autumn", "password2", "The two passwords differ."),
        ("short", "short", "password1", None),
        ("12345678", "12345678", "password1", "This password is too common."),
    ],
)
def test_new_password_refuses_bad_input(world, as_user, password1, password2, field, msgid):
    url = reverse("org:login_password", args=[world.chenjing.pk])
    response = as_user(world.hr_admin).post(url, {"password1": password1, "password2": password2})
    assert_field_error(response, field, expected(response, msgid) if msgid else None)
    assert User.objects.get(pk=world.employee.pk).check_password("demo12345")


def test_new_password_of_a_disabled_login_is_refused(world, as_user):
    client = as_user(world.hr_admin)
    client.post(reverse("org:login_disable", args=[world.chenjing.pk]))
    url = reverse("org:login_password", args=[world.chenjing.pk])
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 400
    assert not User.objects.get(pk=world.employee.pk).has_usable_password()


@pytest.mark.parametrize("name", ["login_enable", "login_password"])
@pytest.mark.parametrize("role", ["hrbp", "sales_manager", "employee", "finance", "auditor"])
def test_password_pages_are_for_hr_admins_only(world, as_user, name, role):
    url = reverse(f"org:{name}", args=[world.chenjing.pk])
    client = as_user(world.user(role))
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 403
    assert User.objects.get(pk=world.employee.pk).check_password("demo12345")


# Certificates -------------------------------------------------------------------------------
def _certificate_data(**overrides):
    data = {
        "name": "PMP 项目管理专业人士",
        "issuer": "PMI",
        "issued_on": "2024-05-20",
        "expires_on": "2027-05-19",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["hr_admin", "hrbp"])
def test_people_managers_add_a_certificate(world, as_user, role):
    url = reverse("org:certificate_add", args=[world.chenjing.pk])
    client = as_user(world.user(role))
    assert client.get(url).status_code == 200
    response = client.post(url, _certificate_data())
    assert response.status_code == 302
    certificate = org.Certificate.objects.get(employee=world.chenjing)
    assert (certificate.issued_on, certificate.expires_on) == (date(2024, 5, 20), date(2027, 5, 19))
    html = client.get(profile(world.chenjing.pk)).content.decode()
    assert "PMP 项目管理专业人士" in html
    assert reverse("org:certificate_remove", args=[certificate.pk]) in html


@pytest.mark.parametrize(
    ("overrides", "field", "msgid"),
    [
        (
            {"expires_on": "2024-05-19"},
            "expires_on",
            "The certificate cannot expire before it was issued (%s).",
        ),
        (
            {"issued_on": (today() + timedelta(days=1)).isoformat(), "expires_on": ""},
            "issued_on",
            "The issue date cannot be in the future.",
        ),
        ({"issued_on": "2024-02-30"}, "issued_on", "Enter a valid date."),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_certificate_refuses_bad_input(world, as_user, overrides, field, msgid):
    url = reverse("org:certificate_add", args=[world.chenjing.pk])
    response = as_user(world.hr_admin).post(url, _certificate_data(**overrides))
    args = (date(2024, 5, 20),) if "%s" in msgid else ()
    assert_field_error(response, field, expected(response, msgid, *args))
    assert not org.Certificate.objects.exists()


def test_certificate_remove_deletes_it(world, as_user):
    certificate = org.Certificate.objects.create(
        employee=world.chenjing, name="CPA", issued_on=date(2020, 1, 1)
    )
    url = reverse("org:certificate_remove", args=[certificate.pk])
    client = as_user(world.hrbp)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == profile(world.chenjing.pk) + "#certificates"
    assert not org.Certificate.objects.exists()


@pytest.mark.parametrize("role", ["sales_manager", "employee", "finance", "auditor"])
def test_certificates_are_forbidden_to_other_roles(world, as_user, role):
    certificate = org.Certificate.objects.create(
        employee=world.chenjing, name="CPA", issued_on=date(2020, 1, 1)
    )
    client = as_user(world.user(role))
    add = reverse("org:certificate_add", args=[world.chenjing.pk])
    assert client.get(add).status_code == 403
    assert client.post(add, _certificate_data()).status_code == 403
    remove = reverse("org:certificate_remove", args=[certificate.pk])
    assert client.post(remove).status_code == 403
    assert list(org.Certificate.objects.all()) == [certificate]
    html = client.get(profile(world.chenjing.pk)).content.decode()
    assert add not in html and remove not in html


def test_certificates_outside_the_scope_are_404(world, as_user):
    certificate = org.Certificate.objects.create(
        employee=world.liuyang, name="CPA", issued_on=date(2020, 1, 1)
    )
    client = as_user(world.hrbp)
    add = reverse("org:certificate_add", args=[world.liuyang.pk])
    assert client.post(add, _certificate_data()).status_code == 404
    remove = reverse("org:certificate_remove", args=[certificate.pk])
    assert client.post(remove).status_code == 404
    assert list(org.Certificate.objects.all()) == [certificate]


# Training -----------------------------------------------------------------------------------
def _training_data(**overrides):
    data = {
        "course": "大客户销售方法论",
        "completed_on": "2025-04-18",
        "hours": "12.5",
        "score": "88",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["hr_admin", "hrbp"])
def test_people_managers_add_a_training_record(world, as_user, role):
    url = reverse("org:training_add", args=[world.sunlei.pk])
    client = as_user(world.user(role))
    form = client.get(url).context["form"]
    assert form.initial["completed_on"] == today()
    response = client.post(url, _training_data(score=""))
    assert response.status_code == 302
    record = org.TrainingRecord.objects.get(employee=world.sunlei)
    assert str(record.hours) == "12.5" and record.score is None
    html = client.get(profile(world.sunlei.pk)).content.decode()
    assert "大客户销售方法论" in html
    assert reverse("org:training_remove", args=[record.pk]) in html


@pytest.mark.parametrize(
    ("overrides", "field", "msgid"),
    [
        ({"hours": "-1"}, "hours", "Hours cannot be negative."),
        ({"score": "100.5"}, "score", "A score is between 0 and 100."),
        ({"score": "-3"}, "score", "A score is between 0 and 100."),
        (
            {"completed_on": (today() + timedelta(days=1)).isoformat()},
            "completed_on",
            "The completion date cannot be in the future.",
        ),
        ({"hours": "abc"}, "hours", "Enter a number."),
        ({"course": ""}, "course", "This field is required."),
    ],
)
def test_training_refuses_bad_input(world, as_user, overrides, field, msgid):
    url = reverse("org:training_add", args=[world.sunlei.pk])
    response = as_user(world.hr_admin).post(url, _training_data(**overrides))
    assert_field_error(response, field, expected(response, msgid))
    assert not org.TrainingRecord.objects.exists()


def test_training_remove_deletes_it(world, as_user):
    record = org.TrainingRecord.objects.create(
        employee=world.sunlei, course="合规", completed_on=date(2024, 1, 5), hours=2
    )
    response = as_user(world.hr_admin).post(reverse("org:training_remove", args=[record.pk]))
    assert response.status_code == 302
    assert response["Location"] == profile(world.sunlei.pk) + "#training"
    assert not org.TrainingRecord.objects.exists()


def test_training_is_forbidden_to_others_and_404_outside_the_scope(world, as_user):
    inside = org.TrainingRecord.objects.create(
        employee=world.sunlei, course="合规", completed_on=date(2024, 1, 5), hours=2
    )
    outside = org.TrainingRecord.objects.create(
        employee=world.liuyang, course="合规", completed_on=date(2024, 1, 5), hours=2
    )
    manager = as_user(world.manager)
    assert manager.post(reverse("org:training_remove", args=[inside.pk])).status_code == 403
    add = reverse("org:training_add", args=[world.sunlei.pk])
    assert manager.post(add, _training_data()).status_code == 403
    hrbp = as_user(world.hrbp)
    assert hrbp.post(reverse("org:training_remove", args=[outside.pk])).status_code == 404
    add_outside = reverse("org:training_add", args=[world.liuyang.pk])
    assert hrbp.post(add_outside, _training_data()).status_code == 404
    assert org.TrainingRecord.objects.count() == 2
