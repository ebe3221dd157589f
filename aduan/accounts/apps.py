from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _sqlite_guard(sender, connection, **kwargs):
    """Give SQLite the function the delete triggers ask (``accounts.chainsql``)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "aduan_may_purge", 0, lambda: int(getattr(connection, "aduan_may_purge", False)))


class AccountsConfig(AppConfig):
    name = "aduan.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.db.backends.signals import connection_created

        # Schema upkeep, not a domain side effect: the triggers need the function.
        connection_created.connect(_sqlite_guard)
        from . import chain  # noqa: F401  fills sealing.SEALERS
