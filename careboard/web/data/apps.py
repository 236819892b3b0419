from django.apps import AppConfig


class DataConfig(AppConfig):
    name = "careboard.web.data"
    label = "data"
    verbose_name = "Data"
