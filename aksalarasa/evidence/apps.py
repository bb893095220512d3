from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "aksalarasa.evidence"
    label = "evidence"
