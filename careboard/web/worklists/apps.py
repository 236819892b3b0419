from django.apps import AppConfig


class WorklistsConfig(AppConfig):
    name = "careboard.web.worklists"
    label = "worklists"
