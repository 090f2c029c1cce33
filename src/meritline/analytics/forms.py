"""The leaderboard's choices, checked at the edge."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class BoardForm(forms.Form):
    cycle = forms.IntegerField(
        label=_("Cycle"),
        required=False,
        min_value=1,
        error_messages={"invalid": _("Choose a cycle from the list.")},
    )
    team = forms.IntegerField(
        label=_("Team"),
        required=False,
        min_value=1,
        error_messages={"invalid": _("Choose a team from the list.")},
    )
