"""Django app configuration."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mamori.guard.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"
