"""Shared template components and the ``web`` tag library the app pages build on."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django import forms
from django.core.paginator import Paginator
from django.template import Context, RequestContext, Template
from django.template.loader import render_to_string
from django.test import RequestFactory


class SampleForm(forms.Form):
    name = forms.CharField(label="Name", help_text="Full legal name")
    hired = forms.DateField(label="Hire date", initial=date(2024, 1, 2))
    active = forms.BooleanField(label="Active", required=False)
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A"), ("b", "B")])
    note = forms.CharField(label="Note", widget=forms.Textarea, required=False)
    upload = forms.FileField(label="File", required=False)
    gender = forms.ChoiceField(
        label="Gender", choices=[("F", "F"), ("M", "M")], widget=forms.RadioSelect
    )
    secret = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        raise forms.ValidationError("The whole thing is wrong.")


def _render(form: forms.Form) -> str:
    return render_to_string("web/components/form.html", {"form": form})


def test_form_renders_every_field_with_tabler_widgets() -> None:
    html = _render(SampleForm())
    assert 'type="date"' in html and 'value="2024-01-02"' in html
    assert 'class="form-check-input"' in html and 'type="checkbox"' in html
    assert '<select name="kind" class="form-select"' in html
    assert '<textarea name="note"' in html and 'rows="4"' in html
    assert 'type="file" name="upload" class="form-control"' in html
    assert html.count('type="radio"') == 2 and 'id="id_gender"' in html
    assert 'type="hidden" name="secret"' in html
    assert 'class="form-label required" for="id_name"' in html
    assert "Full legal name" in html


def test_errors_show_right_under_their_field_and_non_field_errors_on_top() -> None:
    form = SampleForm({"hired": "not a date", "kind": "a", "gender": "F"})
    assert not form.is_valid()
    html = _render(form)
    assert html.index("The whole thing is wrong.") < html.index('name="name"')
    name_input = html.index('name="name"')
    name_error = html.index('id="id_name_error"')
    hired_input = html.index('name="hired"')
    assert name_input < name_error < hired_input
    assert 'class="form-control is-invalid"' in html
    assert 'aria-describedby="id_name_error"' in html
    assert 'id="id_hired_error"' in html and 'value="not a date"' in html


def test_empty_state_with_action() -> None:
    html = render_to_string(
        "web/components/empty.html",
        {
            "title": "No employees",
            "text": "Add the first one.",
            "action_url": "/x/",
            "action_label": "Add employee",
        },
    )
    assert "No employees" in html and "Add the first one." in html
    assert 'href="/x/"' in html and "Add employee" in html


def test_empty_state_without_action_has_no_button() -> None:
    html = render_to_string("web/components/empty.html", {"title": "Nothing"})
    assert "btn" not in html


def test_pagination_keeps_other_query_parameters(rf: RequestFactory) -> None:
    request = rf.get("/list/?q=%E9%99%88&sort=-name&page=3")
    page = Paginator(list(range(200)), 10).get_page(3)
    html = render_to_string("web/components/pagination.html", {"page_obj": page}, request=request)
    assert 'href="?q=%E9%99%88&amp;sort=-name&amp;page=2"' in html
    assert 'href="?q=%E9%99%88&amp;sort=-name&amp;page=4"' in html
    assert 'href="?q=%E9%99%88&amp;sort=-name&amp;page=20"' in html
    assert 'aria-current="page"><span class="page-link">3<' in html
    assert "…" in html
    assert "21" in html and "30" in html and "200" in html


def test_pagination_of_a_single_page_has_no_links(rf: RequestFactory) -> None:
    page = Paginator(list(range(5)), 10).get_page(1)
    html = render_to_string(
        "web/components/pagination.html", {"page_obj": page}, request=rf.get("/")
    )
    assert "page-link" not in html


def _tag(source: str, url: str, **context) -> str:
    request = RequestFactory().get(url)
    return Template("{% load web %}" + source).render(RequestContext(request, context))


@pytest.mark.parametrize(
    ("url", "href", "arrow"),
    [
        ("/l/?q=a&page=4", "?q=a&amp;sort=name", ""),
        ("/l/?q=a&sort=name", "?q=a&amp;sort=-name", "▲"),
        ("/l/?q=a&sort=-name", "?q=a&amp;sort=name", "▼"),
        ("/l/?sort=other", "?sort=name", ""),
    ],
)
def test_sort_header_toggles_and_keeps_parameters(url: str, href: str, arrow: str) -> None:
    html = _tag('{% sort_header "name" "Name" %}', url)
    assert f'href="{href}"' in html
    assert html.startswith("<th") and ">Name<" in html
    assert f'aria-hidden="true">{arrow}</span>' in html
    assert "page=" not in html


def test_sort_header_prefers_the_sort_the_view_applied() -> None:
    html = _tag('{% sort_header "at" "Time" %}', "/l/", sort="-at")
    assert 'href="?sort=at"' in html and "▼" in html


def test_querystring_replace_sets_and_removes_keys() -> None:
    assert _tag("{% querystring_replace page=2 %}", "/l/?q=x&page=1") == "?q=x&amp;page=2"
    assert _tag("{% querystring_replace page=None %}", "/l/?q=x&page=1") == "?q=x"


@pytest.mark.parametrize(
    ("value", "shown"),
    [(123456, "¥1,234.56"), (-5, "-¥0.05"), (0, "¥0.00"), (None, "—"), ("", "—")],
)
def test_money_filter_formats_fen(value, shown) -> None:
    assert Template("{% load web %}{{ v|money }}").render(Context({"v": value})) == shown


def test_duration_filter_in_words() -> None:
    render = Template("{% load web %}{{ v|duration }}").render
    assert render(Context({"v": timedelta(hours=1)})) == "1 hour"
    assert render(Context({"v": timedelta(minutes=150)})) == "2 hours 30 minutes"


def test_icon_tag_renders_known_icons_only() -> None:
    assert "<svg" in Template('{% load web %}{% icon "home" %}').render(Context())
    assert Template('{% load web %}{% icon "nope" %}').render(Context()) == ""
