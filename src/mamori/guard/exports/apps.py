"""Django app configuration."""

from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "mamori.guard.exports"
    label = "exports"
    default_auto_field = "django.db.models.BigAutoField"
