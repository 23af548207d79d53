"""Log-in, second-factor, password and user forms."""

from __future__ import annotations

from django import forms

from mamori.guard.accounts.models import Department, Role


class LoginForm(forms.Form):
    username = forms.CharField(max_length=150)
    password = forms.CharField(max_length=1024, widget=forms.PasswordInput)


class TotpForm(forms.Form):
    code = forms.RegexField(regex=r"^\s*\d{6}\s*$", max_length=12)


class PasswordForm(forms.Form):
    new_password = forms.CharField(max_length=1024, widget=forms.PasswordInput)


class UserForm(forms.Form):
    username = forms.RegexField(regex=r"^[\w.@+-]{1,150}$", max_length=150)
    display_name = forms.CharField(max_length=200, required=False)
    role = forms.ChoiceField(choices=Role.choices)
    department = forms.ModelChoiceField(queryset=Department.objects.all(), required=False)


class DepartmentForm(forms.Form):
    code = forms.CharField(max_length=32)
    name = forms.CharField(max_length=200)


class HeadForm(forms.Form):
    username = forms.CharField(max_length=150)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
