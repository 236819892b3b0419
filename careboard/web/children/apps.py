from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "careboard.web.children"
    label = "children"
