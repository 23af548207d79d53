"""The audit search form."""

from __future__ import annotations

from django import forms


class SearchForm(forms.Form):
    action = forms.CharField(max_length=100, required=False)
    actor = forms.CharField(max_length=200, required=False)
    object_type = forms.CharField(max_length=100, required=False)
    object_id = forms.CharField(max_length=200, required=False)
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)
    text = forms.CharField(max_length=200, required=False)
