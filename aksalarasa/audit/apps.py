from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "aksalarasa.audit"
    label = "audit"
