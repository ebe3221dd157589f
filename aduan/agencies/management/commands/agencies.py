"""``aduan agencies list [--json] [--region CODE]``."""

import json

from django.core.management.base import BaseCommand, CommandError

from aduan.agencies.models import Agency, Region


class Command(BaseCommand):
    help = "Inspect the agency tree."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="List agencies.")
        listing.add_argument("--json", action="store_true", help="Print a JSON array.")
        listing.add_argument("--region", help="Only agencies of this Kemendagri region code.")

    def handle(self, *args, action, **options):
        region = options.get("region")
        agencies = Agency.objects.all().order_by("path")
        if region:
            if not Region.objects.filter(pk=region).exists():
                raise CommandError(f"Unknown region code {region!r}.")
            agencies = agencies.filter(region=region)
        rows = [
            {"code": a.code, "name": a.name, "name_en": a.name_en, "kind": a.kind,
             "level": a.level, "region_code": a.region_id, "parent": a.parent_id,
             "active": a.active}
            for a in agencies
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        for row in rows:
            self.stdout.write(f"{row['code']:<48} {row['kind']:<22} {row['region_code'] or '-':<6}"
                              f" {row['name']}")
