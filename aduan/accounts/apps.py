from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "aduan.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        checks.register(check_two_factor_roles)


def check_two_factor_roles(app_configs=None, **kwargs):
    """ADUAN_2FA_ROLES names roles that exist (a typo would silently drop the requirement)."""
    from django.conf import settings

    from aduan.agencies.models import Role

    unknown = [role for role in settings.TWO_FACTOR_ROLES if role not in Role.values]
    if not unknown:
        return []
    return [checks.Error(f"ADUAN_2FA_ROLES names unknown roles: {', '.join(unknown)}",
                         hint=f"Allowed: {', '.join(Role.values)}", id="accounts.E001")]
