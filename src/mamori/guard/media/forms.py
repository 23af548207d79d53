"""Forms of the media register."""

from __future__ import annotations

from django import forms

from mamori.guard.accounts.models import Department
from mamori.guard.media.models import MediumState


class MediumForm(forms.Form):
    vendor_id = forms.CharField(max_length=6)
    product_id = forms.CharField(max_length=6)
    serial = forms.CharField(max_length=128)
    capacity_bytes = forms.IntegerField(min_value=0, max_value=2**62)
    label = forms.CharField(max_length=200)
    department = forms.ModelChoiceField(queryset=Department.objects.all())
    encrypted = forms.BooleanField(required=False)


class TransitionForm(forms.Form):
    state = forms.ChoiceField(choices=MediumState.choices)
    holder = forms.CharField(max_length=150, required=False)
    note = forms.CharField(max_length=500, required=False)
