from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "careboard.web.audit"
    label = "audit"
    verbose_name = "Audit"
