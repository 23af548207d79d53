"""Forms of the incident pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mamori.guard.accounts.models import Department
from mamori.guard.media.models import Medium

_WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class IncidentForm(forms.Form):
    title = forms.CharField(label=_("field.title"), max_length=200)
    discovered_at = forms.DateTimeField(label=_("field.discovered_at"),
                                        widget=_WHEN, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    discovered_by = forms.CharField(label=_("field.discovered_by"), max_length=200, required=False)
    department = forms.ModelChoiceField(label=_("field.department"), queryset=Department.objects.all(), required=False)
    medium = forms.ModelChoiceField(label=_("field.medium"), queryset=Medium.objects.all(), required=False)
    description = forms.CharField(label=_("field.description"), widget=forms.Textarea(attrs={"rows": 4}))
    cause = forms.CharField(label=_("field.cause"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    people_affected = forms.IntegerField(label=_("field.people_affected"), min_value=0, required=False)
    special_care = forms.BooleanField(label=_("field.special_care"), required=False)
    property_damage = forms.BooleanField(label=_("field.property_damage"), required=False)
    wrongful_purpose = forms.BooleanField(label=_("field.wrongful_purpose"), required=False)
    secondary_harm = forms.CharField(label=_("field.secondary_harm"),
                                     widget=forms.Textarea(attrs={"rows": 2}), required=False)
    public_announcement = forms.CharField(label=_("field.public_announcement"),
                                          widget=forms.Textarea(attrs={"rows": 2}), required=False)
    prevention = forms.CharField(label=_("field.prevention"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReportedForm(forms.Form):
    kind = forms.ChoiceField(label=_("field.kind"), choices=(("preliminary", "preliminary"), ("final", "final")))
    reported_at = forms.DateTimeField(label=_("field.reported_at"),
                                      widget=_WHEN, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                      required=False)


class NoticeForm(forms.Form):
    sent_on = forms.DateField(label=_("field.sent_on"), widget=forms.DateInput(attrs={"type": "date"}))
    sent = forms.IntegerField(label=_("field.sent"), min_value=1)
    returned = forms.IntegerField(label=_("field.returned"), min_value=0, initial=0)
    answered = forms.IntegerField(label=_("field.answered"), min_value=0, initial=0)
    note = forms.CharField(label=_("field.note"), max_length=500, required=False)
