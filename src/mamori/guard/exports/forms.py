"""Forms of the export pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mamori.guard.exports.models import Decision


class RequestForm(forms.Form):
    medium = forms.IntegerField(label=_("field.medium"), min_value=1)
    purpose = forms.CharField(label=_("field.purpose"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    recipient = forms.CharField(label=_("field.recipient"), max_length=300)
    expires_at = forms.DateTimeField(label=_("field.expires_at"),
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                     input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("field.decision"), choices=Decision.choices)
    code = forms.CharField(label=_("field.code"), max_length=12)
    reason = forms.CharField(label=_("field.reason"),
                             max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    step = forms.CharField(label=_("field.step"), max_length=8, required=False)


class MonthForm(forms.Form):
    month = forms.RegexField(label=_("field.month"), regex=r"^\d{4}-(0[1-9]|1[0-2])$", required=False)
    department = forms.IntegerField(label=_("field.department"), min_value=1, required=False)
