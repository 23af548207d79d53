"""Forms of the incident pages."""

from __future__ import annotations

from django import forms

from mamori.guard.accounts.models import Department
from mamori.guard.media.models import Medium

_WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class IncidentForm(forms.Form):
    title = forms.CharField(max_length=200)
    discovered_at = forms.DateTimeField(widget=_WHEN, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    discovered_by = forms.CharField(max_length=200, required=False)
    department = forms.ModelChoiceField(queryset=Department.objects.all(), required=False)
    medium = forms.ModelChoiceField(queryset=Medium.objects.all(), required=False)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    cause = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    people_affected = forms.IntegerField(min_value=0, required=False)
    special_care = forms.BooleanField(required=False)
    property_damage = forms.BooleanField(required=False)
    wrongful_purpose = forms.BooleanField(required=False)
    secondary_harm = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    public_announcement = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    prevention = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReportedForm(forms.Form):
    kind = forms.ChoiceField(choices=(("preliminary", "preliminary"), ("final", "final")))
    reported_at = forms.DateTimeField(widget=_WHEN, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                      required=False)


class NoticeForm(forms.Form):
    sent_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    sent = forms.IntegerField(min_value=1)
    returned = forms.IntegerField(min_value=0, initial=0)
    answered = forms.IntegerField(min_value=0, initial=0)
    note = forms.CharField(max_length=500, required=False)
