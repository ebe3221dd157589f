from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "aduan.routing"
    verbose_name = _("Routing")

    def ready(self):
        from aduan.agencies.models import Agency, Category
        from aduan.lib.versions import bump_on_change

        from .models import AgencyAlias
        from .router import ROUTER_VERSION

        # The routing sweep keeps its router across batches (Router.cached): an edit of what
        # it reads tells every process to rebuild it.
        bump_on_change(ROUTER_VERSION, Agency, AgencyAlias, Category)
