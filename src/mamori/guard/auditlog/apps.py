"""Django app configuration."""

from django.apps import AppConfig


class AuditlogConfig(AppConfig):
    name = "mamori.guard.auditlog"
    label = "auditlog"
    default_auto_field = "django.db.models.BigAutoField"
