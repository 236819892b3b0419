from django.apps import AppConfig


class ScorecardConfig(AppConfig):
    name = "careboard.web.scorecard"
    label = "scorecard"
