"""Generate the agency tree from data tables, never by hand per region.

Inputs are the shipped CSV files: national bodies, the standard offices of a
regional government, national bodies' regional (vertical) offices, and the
Kemendagri region list. Output is a flat list of ``AgencySpec`` in parent-first
order, with stable readable codes:

- ``pemprov-jawa-timur``, ``pemkot-surabaya``, ``pemkab-bandung``
- ``pemkot-surabaya.dinkes`` (a standard office of that government)
- ``polda-jawa-timur`` / ``polres-kota-surabaya`` (vertical offices)
"""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify

from .models import AgencyKind, Level

DATA_DIR = Path(__file__).resolve().parent / "data"

# Slugs that read better than the slugified official names.
_PROVINCE_SLUGS = {"31": "dki-jakarta", "34": "diy"}
_REGENCY_PREFIXES = (
    ("Kabupaten Administrasi ", "kab"),
    ("Kota Administrasi ", "kota"),
    ("Kabupaten ", "kab"),
    ("Kota ", "kota"),
)


@dataclass(frozen=True)
class AgencySpec:
    code: str
    name: str
    name_en: str
    kind: str
    level: str
    region_code: str | None
    parent_code: str | None
    path: str
    office_type: str = ""
    categories: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: int


def read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def read_governed_regions(path: Path | None = None) -> list[RegionRow]:
    """Provinces and regencies/cities (the regions with their own government)."""
    with open(path or DATA_DIR / "wilayah.csv", newline="", encoding="utf-8") as fh:
        return [
            RegionRow(row["kode"], row["nama"], int(row["tingkat"]))
            for row in csv.DictReader(fh)
            if row["tingkat"] in ("1", "2")
        ]


def province_slug(region: RegionRow) -> str:
    return _PROVINCE_SLUGS.get(region.code) or slugify(region.name)


def regency_slug(region: RegionRow) -> tuple[str, bool]:
    """Return (``kota-surabaya``-style slug, is_city)."""
    for prefix, short in _REGENCY_PREFIXES:
        if region.name.startswith(prefix):
            return f"{short}-{slugify(region.name[len(prefix):])}", short == "kota"
    raise ValueError(f"regency name without Kabupaten/Kota prefix: {region.code} {region.name}")


def _categories(raw: str) -> tuple[str, ...]:
    return tuple(raw.split())


def _national(rows: list[dict[str, str]]) -> Iterator[AgencySpec]:
    for row in rows:
        yield AgencySpec(
            code=row["code"], name=row["name"], name_en=row["name_en"], kind=row["kind"],
            level=Level.NATIONAL, region_code=None, parent_code=None, path=f"/{row['code']}/",
            categories=_categories(row["categories"]),
        )


def _offices(gov: AgencySpec, level: str, display: str, display_en: str,
             offices: list[dict[str, str]]) -> Iterator[AgencySpec]:
    for office in offices:
        if level not in office["levels"].split():
            continue
        code = f"{gov.code}.{office['suffix']}"
        yield AgencySpec(
            code=code, name=f"{office['name']} {display}",
            name_en=f"{office['name_en']}, {display_en}", kind=office["kind"], level=level,
            region_code=gov.region_code, parent_code=gov.code, path=f"{gov.path}{code}/",
            office_type=office["suffix"], categories=_categories(office["categories"]),
        )


def _regional(regions: list[RegionRow], offices: list[dict[str, str]]) -> Iterator[AgencySpec]:
    for region in regions:
        if region.level == 1:
            slug = province_slug(region)
            code, level = f"pemprov-{slug}", Level.PROVINCE
            kind = AgencyKind.PROVINCIAL_GOVERNMENT
            display, display_en = f"Provinsi {region.name}", f"{region.name} Province"
        else:
            slug, is_city = regency_slug(region)
            code = ("pemkot-" if is_city else "pemkab-") + slug.split("-", 1)[1]
            level = Level.REGENCY
            kind = AgencyKind.CITY_GOVERNMENT if is_city else AgencyKind.REGENCY_GOVERNMENT
            display = display_en = region.name
        gov = AgencySpec(
            code=code, name=f"Pemerintah {display}", name_en=f"Government of {display_en}",
            kind=kind, level=level, region_code=region.code, parent_code=None, path=f"/{code}/",
        )
        yield gov
        yield from _offices(gov, level, display, display_en, offices)


def _vertical(regions: list[RegionRow], rows: list[dict[str, str]],
              national: dict[str, AgencySpec]) -> Iterator[AgencySpec]:
    for row in rows:
        top = national[row["parent"]]
        by_province: dict[str, AgencySpec] = {}
        for region in regions:
            if region.level == 1:
                code = f"{row['province_prefix']}-{province_slug(region)}"
                parent, name_key, en_key = top, "province_name", "name_en_province"
                fmt = {"province": region.name}
            else:
                code = f"{row['regency_prefix']}-{regency_slug(region)[0]}"
                parent, name_key, en_key = by_province[region.code[:2]], "regency_name", \
                    "name_en_regency"
                fmt = {"regency": region.name}
            spec = AgencySpec(
                code=code, name=row[name_key].format(**fmt), name_en=row[en_key].format(**fmt),
                kind=row["kind"], level=Level.PROVINCE if region.level == 1 else Level.REGENCY,
                region_code=region.code, parent_code=parent.code, path=f"{parent.path}{code}/",
                office_type=row["regency_prefix" if region.level == 2 else "province_prefix"],
                categories=_categories(row["categories"]),
            )
            if region.level == 1:
                by_province[region.code] = spec
            yield spec


def generate_agencies(regions: Iterable[RegionRow] | None = None) -> list[AgencySpec]:
    """Return every shipped agency, parents before children, codes unique."""
    regions = sorted(regions if regions is not None else read_governed_regions(),
                     key=lambda r: (r.level, r.code))
    national = list(_national(read_csv("national_agencies.csv")))
    by_code = {spec.code: spec for spec in national}
    specs = national + list(_regional(regions, read_csv("regional_offices.csv")))
    specs += list(_vertical(regions, read_csv("vertical_offices.csv"), by_code))
    seen: set[str] = set()
    for spec in specs:
        if spec.code in seen:
            raise ValueError(f"duplicate agency code {spec.code}")
        seen.add(spec.code)
    return specs
