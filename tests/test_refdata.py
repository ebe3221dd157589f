"""Reference data: the full region list, the taxonomy, the generated agency tree."""

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from aduan.agencies.models import Agency, AgencyKind, Category, ReferenceDataset, Region
from aduan.agencies.refdata import load_reference_data

pytestmark = pytest.mark.django_db

TAXONOMY = Path(__file__).resolve().parents[1] / "aduan/agencies/data/taxonomy.csv"


def test_all_regions_with_tree_and_kind():
    assert Region.objects.count() == 91_599
    assert Region.objects.filter(level=1).count() == 38
    assert Region.objects.filter(level=2).count() == 514
    assert Region.objects.filter(level=3).count() == 7_285
    assert Region.objects.filter(level=4).count() == 83_762
    assert Region.objects.filter(level=2, kind="kota").count() == 98
    assert Region.objects.filter(level=4, kind="kelurahan").count() == 8_496
    village = Region.objects.get(pk="64.72.08.1002")
    assert village.name == "Sungai Pinang Dalam" and village.kind == "kelurahan"
    assert village.parent.parent.name == "Kota Samarinda"
    assert not Region.objects.filter(level__gt=1, parent__isnull=True).exists()


def test_taxonomy_codes_are_the_fixed_ones_in_both_languages():
    with open(TAXONOMY, newline="", encoding="utf-8") as fh:
        codes = {row["code"] for row in csv.DictReader(fh)}
    assert set(Category.objects.filter(parent=None).values_list("code", flat=True)) == codes
    health = Category.objects.get(pk="kesehatan")
    assert health.name.startswith("Kesehatan") and health.name_en.startswith("Health")


def test_agency_tree_covers_every_government_with_standard_offices():
    assert Agency.objects.get(pk="kemenpanrb").kind == AgencyKind.NATIONAL_MANAGER
    assert Agency.objects.get(pk="ombudsman").kind == AgencyKind.SUPERVISOR
    assert Agency.objects.filter(kind=AgencyKind.PROVINCIAL_GOVERNMENT).count() == 38
    assert Agency.objects.filter(kind__in=[AgencyKind.REGENCY_GOVERNMENT,
                                           AgencyKind.CITY_GOVERNMENT]).count() == 514
    surabaya = Agency.objects.get(pk="pemkot-surabaya")
    assert surabaya.region_id == "35.78" and surabaya.parent is None
    offices = set(surabaya.children.values_list("office_type", flat=True))
    assert {"disdukcapil", "dinsos", "dinkes", "disdik", "dpupr", "dlh", "dishub", "satpolpp",
            "bapenda", "dpmptsp", "diskominfo", "bpbd", "pdam", "inspektorat"} <= offices
    office = Agency.objects.get(pk="pemkot-surabaya.dinkes")
    assert office.path == "/pemkot-surabaya/pemkot-surabaya.dinkes/"
    assert office.categories.filter(pk="kesehatan").exists()
    polres = Agency.objects.get(pk="polres-kota-surabaya")
    assert polres.parent_id == "polda-jawa-timur" and polres.ancestor_codes[0] == "polri"
    # Every government of every region has its offices; none is written by hand.
    per_gov = Agency.objects.filter(kind=AgencyKind.REGIONAL_OFFICE, level="kabupaten_kota") \
        .values("parent").distinct().count()
    assert per_gov == 514


def test_every_national_category_has_a_national_handler():
    national = Category.objects.filter(default_level="nasional")
    for category in national:
        assert Agency.objects.filter(level="nasional", categories=category).exists(), category


def test_loading_again_is_idempotent_and_keeps_admin_changes():
    counts = (Region.objects.count(), Agency.objects.count(), Category.objects.count())
    Agency.objects.filter(pk="pemkot-surabaya").update(requires_signoff=True)
    results = load_reference_data()
    assert all(r.skipped for r in results)
    forced = load_reference_data(force=True)
    assert not any(r.skipped for r in forced)
    assert (Region.objects.count(), Agency.objects.count(), Category.objects.count()) == counts
    assert Agency.objects.get(pk="pemkot-surabaya").requires_signoff
    assert ReferenceDataset.objects.filter(name="regions", rows=91_599).exists()


def test_agencies_list_command_prints_json():
    out = StringIO()
    call_command("agencies", "list", "--json", "--region", "35.78", stdout=out)
    rows = json.loads(out.getvalue())
    codes = {row["code"] for row in rows}
    assert {"pemkot-surabaya", "pemkot-surabaya.dinkes", "polres-kota-surabaya"} <= codes
    for row in rows:
        assert {"code", "name", "kind", "region_code", "parent"} <= row.keys()
        assert row["region_code"] == "35.78"
    root = next(r for r in rows if r["code"] == "pemkot-surabaya")
    assert root["parent"] is None


def test_agencies_list_rejects_unknown_region():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("agencies", "list", "--json", "--region", "99.99", stdout=StringIO())
