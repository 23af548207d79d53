"""Django app configuration."""

from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "mamori.guard.ui"
    label = "ui"
    default_auto_field = "django.db.models.BigAutoField"
