"""Template helpers shared by every page: ``{% load web %}``.

Presentation only: no queries, no business rules.
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms, template
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meritline.core.money import format_fen

register = template.Library()


@register.filter
def money(fen: Any) -> str:
    """Integer fen as "¥1,234.56"; empty values as a dash."""
    if fen is None or fen == "":
        return "—"
    try:
        return format_fen(int(fen))
    except (TypeError, ValueError):
        return "—"


def _widget_kind(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "multicheck"
    if isinstance(widget, forms.RadioSelect):
        return "radio"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.FileInput):
        return "file"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.HiddenInput) or getattr(widget, "input_type", "") == "hidden":
        return "hidden"
    return "input"


@register.filter
def field_kind(bound_field: forms.BoundField) -> str:
    """ "checkbox", "radio", "multicheck", "select", "file", "textarea", "hidden" or "input"."""
    return _widget_kind(bound_field.field.widget)


@register.simple_tag
def widget(bound_field: forms.BoundField, extra_class: str = "") -> SafeString:
    """Render the field's widget with Tabler classes, ``is-invalid`` and native date pickers."""
    original = bound_field.field.widget
    kind = _widget_kind(original)
    css = {
        "checkbox": "form-check-input",
        "radio": "form-check-input",
        "multicheck": "form-check-input",
        "select": "form-select",
        "hidden": "",
    }.get(kind, "form-control")
    if kind in ("radio", "multicheck"):
        css = ""  # the options are rendered one by one with ``choice_input``
    classes = [c for c in (original.attrs.get("class", ""), css, extra_class) if c]
    if bound_field.errors and kind != "hidden":
        classes.append("is-invalid")
    attrs: dict[str, Any] = {"class": " ".join(classes)} if classes else {}
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{bound_field.auto_id}_error"
    elif bound_field.help_text:
        attrs["aria-describedby"] = f"{bound_field.auto_id}_help"
    replacement = None
    if isinstance(original, forms.DateTimeInput) and original.input_type == "text":
        replacement = copy.copy(original)
        replacement.input_type = "datetime-local"
        replacement.format = "%Y-%m-%dT%H:%M"
    elif isinstance(original, forms.DateInput) and original.input_type == "text":
        replacement = copy.copy(original)
        replacement.input_type = "date"
        replacement.format = "%Y-%m-%d"
    elif isinstance(original, forms.Textarea) and str(original.attrs.get("rows")) == "10":
        attrs["rows"] = 4
    return bound_field.as_widget(widget=replacement, attrs=attrs)


@register.simple_tag
def choice_input(choice: Any, invalid: bool = False) -> SafeString:
    """One radio or checkbox option of a multiple-choice field, with Tabler classes."""
    attrs = dict(choice.data.get("attrs") or {})
    classes = ["form-check-input"] + (["is-invalid"] if invalid else [])
    attrs["class"] = " ".join(classes)
    data = {**choice.data, "attrs": attrs, "wrap_label": False}
    return choice.parent_widget._render(choice.template_name, {"widget": data}, choice.renderer)


def _query(context: template.Context) -> QueryDict:
    request = context.get("request")
    if request is None:
        return QueryDict(mutable=True)
    return request.GET.copy()


@register.simple_tag(takes_context=True)
def querystring_replace(context: template.Context, **changes: Any) -> str:
    """ "?a=1&b=2" with ``changes`` applied (a value of None removes the key)."""
    query = _query(context)
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = str(value)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_header(context: template.Context, key: str, label: Any, css_class: str = "") -> SafeString:
    """A ``<th>`` whose link toggles ``?sort=key`` / ``?sort=-key`` and keeps other parameters.

    The current sort comes from the ``sort`` context variable (what the view applied) or
    else from the query string.
    """
    query = _query(context)
    current = str(context.get("sort") or query.get("sort", ""))
    if current == key:
        target, arrow, state = f"-{key}", "▲", "ascending"
    elif current == f"-{key}":
        target, arrow, state = key, "▼", "descending"
    else:
        target, arrow, state = key, "", "none"
    query["sort"] = target
    query.pop("page", None)
    title = _("Sort by %(label)s") % {"label": label}
    return format_html(
        '<th class="{}" aria-sort="{}"><a class="table-sort-link{}" href="?{}" title="{}">'
        '{}<span class="sort-arrow" aria-hidden="true">{}</span></a></th>',
        css_class,
        state,
        " active" if arrow else "",
        query.urlencode(),
        title,
        label,
        arrow,
    )


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``{{ dict|get_item:key }}`` for dynamic keys."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def page_numbers(page_obj: Any) -> list[int | None]:
    """Page numbers around the current page, with None where a gap (…) goes."""
    paginator = page_obj.paginator
    return [
        None if n == paginator.ELLIPSIS else n
        for n in paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)
    ]


_ICONS = {
    "home": '<path d="M5 12l-2 0l9 -9l9 9l-2 0"/><path d="M5 12v7a2 2 0 0 0 2 2h10a2 2 0 0 0 2 -2v-7"/><path d="M9 21v-6a2 2 0 0 1 2 -2h2a2 2 0 0 1 2 2v6"/>',  # noqa: E501
    "users": '<path d="M9 7m-4 0a4 4 0 1 0 8 0a4 4 0 1 0 -8 0"/><path d="M3 21v-2a4 4 0 0 1 4 -4h4a4 4 0 0 1 4 4v2"/><path d="M16 3.13a4 4 0 0 1 0 7.75"/><path d="M21 21v-2a4 4 0 0 0 -3 -3.85"/>',  # noqa: E501
    "user": '<path d="M8 7a4 4 0 1 0 8 0a4 4 0 0 0 -8 0"/><path d="M6 21v-2a4 4 0 0 1 4 -4h4a4 4 0 0 1 4 4v2"/>',  # noqa: E501
    "user-plus": '<path d="M8 7a4 4 0 1 0 8 0a4 4 0 0 0 -8 0"/><path d="M16 19h6"/><path d="M19 16v6"/><path d="M6 21v-2a4 4 0 0 1 4 -4h4"/>',  # noqa: E501
    "user-minus": '<path d="M8 7a4 4 0 1 0 8 0a4 4 0 0 0 -8 0"/><path d="M6 21v-2a4 4 0 0 1 4 -4h4c.348 0 .686 .045 1.009 .128"/><path d="M16 19h6"/>',  # noqa: E501
    "hierarchy": '<path d="M12 5m-2 0a2 2 0 1 0 4 0a2 2 0 1 0 -4 0"/><path d="M5 19m-2 0a2 2 0 1 0 4 0a2 2 0 1 0 -4 0"/><path d="M19 19m-2 0a2 2 0 1 0 4 0a2 2 0 1 0 -4 0"/><path d="M6.5 17.5l5.5 -4.5l5.5 4.5"/><path d="M12 7l0 6"/>',  # noqa: E501
    "building": '<path d="M3 21l18 0"/><path d="M9 8l1 0"/><path d="M9 12l1 0"/><path d="M9 16l1 0"/><path d="M14 8l1 0"/><path d="M14 12l1 0"/><path d="M14 16l1 0"/><path d="M5 21v-16a2 2 0 0 1 2 -2h10a2 2 0 0 1 2 2v16"/>',  # noqa: E501
    "stairs": '<path d="M22 6h-5v5h-5v5h-5v5h-5"/><path d="M6 10v-7"/><path d="M3 6l3 -3l3 3"/>',
    "database": '<path d="M12 6m-8 0a8 3 0 1 0 16 0a8 3 0 1 0 -16 0"/><path d="M4 6v6a8 3 0 0 0 16 0v-6"/><path d="M4 12v6a8 3 0 0 0 16 0v-6"/>',  # noqa: E501
    "upload": '<path d="M4 17v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2 -2v-2"/><path d="M7 9l5 -5l5 5"/><path d="M12 4l0 12"/>',  # noqa: E501
    "download": '<path d="M4 17v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2 -2v-2"/><path d="M7 11l5 5l5 -5"/><path d="M12 4l0 12"/>',  # noqa: E501
    "shield": '<path d="M11.46 20.846a12 12 0 0 1 -7.96 -14.846a12 12 0 0 0 8.5 -3a12 12 0 0 0 8.5 3a12 12 0 0 1 -.09 7.06"/><path d="M15 19l2 2l4 -4"/>',  # noqa: E501
    "logout": '<path d="M14 8v-2a2 2 0 0 0 -2 -2h-7a2 2 0 0 0 -2 2v12a2 2 0 0 0 2 2h7a2 2 0 0 0 2 -2v-2"/><path d="M9 12h12l-3 -3"/><path d="M18 15l3 -3"/>',  # noqa: E501
    "language": '<path d="M4 5h7"/><path d="M9 3v2c0 4.418 -2.239 8 -5 8"/><path d="M5 9c0 2.144 2.952 3.908 6.7 4"/><path d="M12 20l4 -9l4 9"/><path d="M19.1 18h-6.2"/>',  # noqa: E501
    "key": '<path d="M16.555 3.843l3.602 3.602a2.877 2.877 0 0 1 0 4.069l-2.643 2.643a2.877 2.877 0 0 1 -4.069 0l-.301 -.301l-6.558 6.558a2 2 0 0 1 -1.239 .578l-.175 .008h-1.172a1 1 0 0 1 -.993 -.883l-.007 -.117v-1.172a2 2 0 0 1 .467 -1.284l.119 -.14l.358 -.359h2v-2h2v-2l2.144 -2.144l-.301 -.301a2.877 2.877 0 0 1 0 -4.069l2.643 -2.643a2.877 2.877 0 0 1 4.069 0z"/><path d="M15 9h.01"/>',  # noqa: E501
    "filter": '<path d="M4 4h16v2.172a2 2 0 0 1 -.586 1.414l-4.414 4.414v7l-6 2v-8.5l-4.48 -4.928a2 2 0 0 1 -.52 -1.345v-2.227z"/>',  # noqa: E501
    "search": '<path d="M10 10m-7 0a7 7 0 1 0 14 0a7 7 0 1 0 -14 0"/><path d="M21 21l-6 -6"/>',
    "plus": '<path d="M12 5l0 14"/><path d="M5 12l14 0"/>',
    "x": '<path d="M18 6l-12 12"/><path d="M6 6l12 12"/>',
    "lock": '<path d="M5 13a2 2 0 0 1 2 -2h10a2 2 0 0 1 2 2v6a2 2 0 0 1 -2 2h-10a2 2 0 0 1 -2 -2v-6z"/><path d="M11 16a1 1 0 1 0 2 0a1 1 0 0 0 -2 0"/><path d="M8 11v-4a4 4 0 1 1 8 0v4"/>',  # noqa: E501
    "alert": '<path d="M12 9v4"/><path d="M10.363 3.591l-8.106 13.534a1.914 1.914 0 0 0 1.636 2.871h16.214a1.914 1.914 0 0 0 1.636 -2.87l-8.106 -13.536a1.914 1.914 0 0 0 -3.274 0z"/><path d="M12 16h.01"/>',  # noqa: E501
    "briefcase": '<path d="M3 9a2 2 0 0 1 2 -2h14a2 2 0 0 1 2 2v9a2 2 0 0 1 -2 2h-14a2 2 0 0 1 -2 -2z"/><path d="M8 7v-2a2 2 0 0 1 2 -2h4a2 2 0 0 1 2 2v2"/><path d="M12 12l0 .01"/><path d="M3 13a20 20 0 0 0 18 0"/>',  # noqa: E501
    "chart": '<path d="M3 13a1 1 0 0 1 1 -1h4a1 1 0 0 1 1 1v6a1 1 0 0 1 -1 1h-4a1 1 0 0 1 -1 -1z"/><path d="M15 9a1 1 0 0 1 1 -1h4a1 1 0 0 1 1 1v10a1 1 0 0 1 -1 1h-4a1 1 0 0 1 -1 -1z"/><path d="M9 5a1 1 0 0 1 1 -1h4a1 1 0 0 1 1 1v14a1 1 0 0 1 -1 1h-4a1 1 0 0 1 -1 -1z"/><path d="M4 20h14"/>',  # noqa: E501
    "arrow-left": '<path d="M5 12l14 0"/><path d="M5 12l6 6"/><path d="M5 12l6 -6"/>',
    "chevron-down": '<path d="M6 9l6 6l6 -6"/>',
    "calendar": '<path d="M4 7a2 2 0 0 1 2 -2h12a2 2 0 0 1 2 2v12a2 2 0 0 1 -2 2h-12a2 2 0 0 1 -2 -2v-12z"/><path d="M16 3v4"/><path d="M8 3v4"/><path d="M4 11h16"/>',  # noqa: E501
    "edit": '<path d="M7 7h-1a2 2 0 0 0 -2 2v9a2 2 0 0 0 2 2h9a2 2 0 0 0 2 -2v-1"/><path d="M20.385 6.585a2.1 2.1 0 0 0 -2.97 -2.97l-8.415 8.385v3h3l8.385 -8.415z"/><path d="M16 5l3 3"/>',  # noqa: E501
    "trash": '<path d="M4 7l16 0"/><path d="M10 11l0 6"/><path d="M14 11l0 6"/><path d="M5 7l1 12a2 2 0 0 0 2 2h8a2 2 0 0 0 2 -2l1 -12"/><path d="M9 7v-3a1 1 0 0 1 1 -1h4a1 1 0 0 1 1 1v3"/>',  # noqa: E501
    "menu": '<path d="M4 6l16 0"/><path d="M4 12l16 0"/><path d="M4 18l16 0"/>',
}


@register.simple_tag
def icon(name: str, css_class: str = "") -> SafeString:
    """An inline Tabler icon (outline, 24px) by name; unknown names render nothing."""
    paths = _ICONS.get(name)
    if paths is None:
        return SafeString("")
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="icon {}" width="24" height="24" '
        'viewBox="0 0 24 24" stroke-width="2" stroke="currentColor" fill="none" '
        'stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">{}</svg>',
        css_class,
        SafeString(paths),
    )


@register.filter
def duration(value: Any) -> str:
    """A timedelta in words: "1 hour", "30 minutes", "2 hours 30 minutes"."""
    try:
        total_minutes = int(value.total_seconds() // 60)
    except AttributeError:
        return ""
    hours, minutes = divmod(total_minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if minutes or not parts:
        parts.append(
            ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
        )
    return " ".join(parts)
