"""Forms of the export pages."""

from __future__ import annotations

from django import forms

from mamori.guard.exports.models import Decision


class RequestForm(forms.Form):
    medium = forms.IntegerField(min_value=1)
    purpose = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    recipient = forms.CharField(max_length=300)
    expires_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                     input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices)
    code = forms.CharField(max_length=12)
    reason = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    step = forms.CharField(max_length=8, required=False)


class MonthForm(forms.Form):
    month = forms.RegexField(regex=r"^\d{4}-(0[1-9]|1[0-2])$", required=False)
    department = forms.IntegerField(min_value=1, required=False)
