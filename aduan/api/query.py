"""Query strings taken at their word: a parameter an endpoint does not know is an error.

Django Ninja reads only the fields a query schema declares and drops the rest, so a
misspelt ``?limt=5`` or a ``?since=`` another API uses would be ignored without a word
and the partner would page through the wrong thing. ``query_check`` refuses them.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema

from aduan.errors import InvalidInput


def query_names(schema: type[Schema]) -> list[str]:
    """The parameter names ``schema`` reads from a query string (aliases where given)."""
    return [field.alias or name for name, field in schema.model_fields.items()]


def query_check(request: HttpRequest, schema: type[Schema]) -> None:
    """Refuse (422) a parameter ``schema`` does not read, or one given more than once."""
    known = query_names(schema)
    for name in request.GET:
        if name not in known:
            raise InvalidInput(
                _("%(name)s is not a parameter of this endpoint; it takes: %(known)s.")
                % {"name": name, "known": ", ".join(known)},
                code="unknown_parameter", field=name)
        if len(request.GET.getlist(name)) > 1:
            raise InvalidInput(_("%(name)s is given more than once; send it once.")
                               % {"name": name}, code="repeated_parameter", field=name)
