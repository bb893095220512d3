from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "aksalarasa.guidance"
    label = "guidance"
