"""Log-in, second-factor, password and user forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mamori.guard.accounts.models import Department, Role


class LoginForm(forms.Form):
    username = forms.CharField(label=_("field.username"), max_length=150)
    password = forms.CharField(label=_("field.password"), max_length=1024, widget=forms.PasswordInput)


class TotpForm(forms.Form):
    code = forms.RegexField(label=_("field.code"), regex=r"^\s*\d{6}\s*$", max_length=12)


class PasswordForm(forms.Form):
    new_password = forms.CharField(label=_("field.new_password"), max_length=1024, widget=forms.PasswordInput)


class UserForm(forms.Form):
    username = forms.RegexField(label=_("field.username"), regex=r"^[\w.@+-]{1,150}$", max_length=150)
    display_name = forms.CharField(label=_("field.display_name"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("field.role"), choices=Role.choices)
    department = forms.ModelChoiceField(label=_("field.department"), queryset=Department.objects.all(), required=False)


class DepartmentForm(forms.Form):
    code = forms.CharField(label=_("field.code"), max_length=32)
    name = forms.CharField(label=_("field.name"), max_length=200)


class HeadForm(forms.Form):
    username = forms.CharField(label=_("field.username"), max_length=150)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("field.role"), choices=Role.choices)
