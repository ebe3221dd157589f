"""Load the shipped reference data: regions, categories, agencies and routing rules.

Loading is bulk (a few statements per thousand rows) and idempotent: each
dataset's fingerprint (its files plus ``LOADER_VERSION``) is stored, an
unchanged dataset is skipped, and a changed one is upserted by primary key,
so a second load never duplicates rows and keeps what admins added.
"""

import csv
import hashlib
import logging
from dataclasses import dataclass

from django.db import transaction

from .generate import DATA_DIR, generate_agencies, read_csv
from .models import Agency, Category, ReferenceDataset, Region, RegionKind
from .rules import rules_load_defaults

logger = logging.getLogger(__name__)

LOADER_VERSION = "1"
BATCH = 2000

_AGENCY_FILES = ("national_agencies.csv", "regional_offices.csv", "vertical_offices.csv",
                 "wilayah.csv")


@dataclass
class LoadResult:
    name: str
    rows: int
    skipped: bool


def _fingerprint(*names: str) -> str:
    digest = hashlib.sha256(LOADER_VERSION.encode())
    for name in names:
        digest.update((DATA_DIR / name).read_bytes())
    return digest.hexdigest()


def region_kind(code: str, name: str, level: int) -> str:
    """Derive the kind of region from its code and name (Kemendagri conventions)."""
    if level == 1:
        return RegionKind.PROVINCE
    if level == 2:
        return RegionKind.CITY if name.startswith("Kota ") else RegionKind.REGENCY
    if level == 3:
        return RegionKind.DISTRICT
    # Village codes: 1xxx kelurahan, 2xxx desa, 3xxx desa adat (Papua).
    return RegionKind.URBAN_VILLAGE if code.rsplit(".", 1)[1].startswith("1") else RegionKind.VILLAGE


def _regions() -> list[Region]:
    with open(DATA_DIR / "wilayah.csv", newline="", encoding="utf-8") as fh:
        return [
            Region(
                code=row["kode"], name=row["nama"], level=int(row["tingkat"]),
                kind=region_kind(row["kode"], row["nama"], int(row["tingkat"])),
                parent_id=row["kode_induk"] or None,
            )
            for row in csv.DictReader(fh)
        ]


def _categories() -> list[Category]:
    return [
        Category(code=row["code"], name=row["nama"], name_en=row["name_en"],
                 default_level=row["default_level"], typical_handler=row["typical_handler"])
        for row in read_csv("taxonomy.csv")
    ]


def _upsert(model, objs: list, update_fields: list[str], unique: str = "pk") -> None:
    unique_fields = [model._meta.pk.name] if unique == "pk" else [unique]
    for start in range(0, len(objs), BATCH):
        model.objects.bulk_create(
            objs[start:start + BATCH], update_conflicts=True,
            unique_fields=unique_fields, update_fields=update_fields,
        )


def _load(name: str, files: tuple[str, ...], force: bool, loader) -> LoadResult:
    fingerprint = _fingerprint(*files)
    current = ReferenceDataset.objects.filter(name=name).first()
    if current and current.fingerprint == fingerprint and not force:
        return LoadResult(name, current.rows, skipped=True)
    with transaction.atomic():
        rows = loader()
        ReferenceDataset.objects.update_or_create(
            name=name, defaults={"fingerprint": fingerprint, "rows": rows})
    logger.info("loaded reference dataset %s (%d rows)", name, rows)
    return LoadResult(name, rows, skipped=False)


def _load_regions() -> int:
    regions = _regions()
    _upsert(Region, regions, ["name", "level", "kind", "parent"])
    return len(regions)


def _load_categories() -> int:
    categories = _categories()
    # Names of the fixed top level follow the shipped taxonomy; `active` stays as admins set it.
    _upsert(Category, categories, ["name", "name_en", "default_level", "typical_handler"])
    return len(categories)


def _load_agencies() -> int:
    specs = generate_agencies()
    agencies = [
        Agency(code=s.code, name=s.name, name_en=s.name_en, kind=s.kind, level=s.level,
               region_id=s.region_code, parent_id=s.parent_code, path=s.path,
               office_type=s.office_type)
        for s in specs
    ]
    # `active` and `requires_signoff` are the admins' to change; a reload keeps them.
    _upsert(Agency, agencies,
            ["name", "name_en", "kind", "level", "region", "parent", "path", "office_type"])
    links = [
        Agency.categories.through(agency_id=s.code, category_id=category)
        for s in specs for category in s.categories
    ]
    Agency.categories.through.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)
    return len(agencies)


def load_reference_data(*, force: bool = False) -> list[LoadResult]:
    """Load regions, categories, agencies and default routing rules; skip what is unchanged."""
    return [
        _load("regions", ("wilayah.csv",), force, _load_regions),
        _load("categories", ("taxonomy.csv",), force, _load_categories),
        _load("agencies", _AGENCY_FILES, force, _load_agencies),
        _load("routing_rules", (*_AGENCY_FILES, "taxonomy.csv", "default_routes.csv"), force,
              rules_load_defaults),
    ]
