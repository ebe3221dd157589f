"""``aduan openapi [--output FILE]``: write the API's OpenAPI document."""

import json

from django.core.management.base import BaseCommand
from django.utils import translation


def openapi_document() -> str:
    from aduan.api.api import api

    # The committed document is in English, whatever the operator's locale.
    with translation.override("en"):
        schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Print or write the OpenAPI document of /api/v1."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="File to write (default: standard output).")

    def handle(self, *args, output=None, **options):
        document = openapi_document()
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(document)
            self.stdout.write(f"wrote {output}")
        else:
            self.stdout.write(document, ending="")
