from django.apps import AppConfig
from django.core import checks
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
        checks.register(check_two_factor_roles)
        from django.db.backends.signals import connection_created

        # Schema upkeep, not a domain side effect: the triggers need the function.
        connection_created.connect(_sqlite_guard)
        from . import chain  # noqa: F401  fills sealing.SEALERS


def check_two_factor_roles(app_configs=None, **kwargs):
    """ADUAN_2FA_ROLES names roles that exist (a typo would silently drop the requirement)."""
    from django.conf import settings

    from aduan.agencies.models import Role

    unknown = [role for role in settings.TWO_FACTOR_ROLES if role not in Role.values]
    if not unknown:
        return []
    return [checks.Error(f"ADUAN_2FA_ROLES names unknown roles: {', '.join(unknown)}",
                         hint=f"Allowed: {', '.join(Role.values)}", id="accounts.E001")]
