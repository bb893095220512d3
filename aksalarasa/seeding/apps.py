from django.apps import AppConfig


class SeedingConfig(AppConfig):
    """The top layer: the demo loader and the national-scale generator. It may import every app;
    no app imports it (see docs/architecture.md)."""

    name = "aksalarasa.seeding"
    label = "seeding"
