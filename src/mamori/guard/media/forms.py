"""Forms of the media register."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mamori.guard.accounts.models import Department
from mamori.guard.media.models import MediumState


class MediumForm(forms.Form):
    vendor_id = forms.CharField(label=_("field.vendor_id"), max_length=6)
    product_id = forms.CharField(label=_("field.product_id"), max_length=6)
    serial = forms.CharField(label=_("field.serial"), max_length=128)
    capacity_bytes = forms.IntegerField(label=_("field.capacity_bytes"), min_value=0, max_value=2**62)
    label = forms.CharField(label=_("field.label"), max_length=200)
    department = forms.ModelChoiceField(label=_("field.department"), queryset=Department.objects.all())
    encrypted = forms.BooleanField(label=_("field.encrypted"), required=False)


class TransitionForm(forms.Form):
    state = forms.ChoiceField(label=_("field.state"), choices=MediumState.choices)
    holder = forms.CharField(label=_("field.holder"), max_length=150, required=False)
    note = forms.CharField(label=_("field.note"), max_length=500, required=False)
