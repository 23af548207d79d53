"""The audit search form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    action = forms.CharField(label=_("field.action"), max_length=100, required=False)
    actor = forms.CharField(label=_("field.actor"), max_length=200, required=False)
    object_type = forms.CharField(label=_("field.object_type"), max_length=100, required=False)
    object_id = forms.CharField(label=_("field.object_id"), max_length=200, required=False)
    date_from = forms.DateField(label=_("field.date_from"), required=False)
    date_to = forms.DateField(label=_("field.date_to"), required=False)
    text = forms.CharField(label=_("field.text"), max_length=200, required=False)
