"""Django app configuration."""

from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "mamori.guard.register"
    label = "register"
    default_auto_field = "django.db.models.BigAutoField"
