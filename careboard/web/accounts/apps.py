from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "careboard.web.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from careboard.web.accounts import signals  # noqa: F401  (connects the failed-login record)
