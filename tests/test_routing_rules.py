"""Routing rules as data: generated defaults, the most specific rule winning, admins' own rules."""

import pytest
from django.core.management.base import CommandError
from django.utils import translation
from test_commands import run

from aduan.agencies.models import Category, RoutingRule, RuleSource
from aduan.agencies.rules import (
    Resolution,
    RuleError,
    resolve,
    route_agency,
    rule_delete,
    rule_set,
    rules_load_defaults,
)

pytestmark = pytest.mark.django_db


def test_defaults_follow_the_taxonomy_level_and_the_agency_tree():
    assert route_agency(category="jalan_drainase", region="35.78.02.1001").agency \
        == "pemkot-surabaya.dpupr"
    assert route_agency(category="air_bersih", region="35.78").agency == "pemkot-surabaya.pdam"
    # a regency matter is the regency's even when the text names the village
    kukar = route_agency(category="kependudukan", region="64.02.06")
    assert kukar == Resolution("pemkab-kutai-kartanegara.disdukcapil", "kabupaten_kota",
                               "64.02", exact=True)
    # provincial taxes go to the province; national matters to the national body or its
    # regional office where it has one
    assert route_agency(category="pajak_retribusi", region="35.78").agency \
        == "pemprov-jawa-timur.bapenda"
    assert route_agency(category="keamanan", region="35.78.02").agency == "polres-kota-surabaya"
    assert route_agency(category="keamanan", region="35").agency == "polda-jawa-timur"
    assert route_agency(category="keamanan", region=None).agency == "polri"
    assert route_agency(category="listrik_energi", region="64.02").agency == "pln"


def test_levels_fall_back_upwards_only_where_a_place_is_known():
    province_only = route_agency(category="lingkungan", region="35")
    assert province_only.agency == "pemprov-jawa-timur.dlh" and not province_only.exact
    nowhere = route_agency(category="lingkungan", region=None)
    assert nowhere.agency is None and not nowhere.exact
    explicit = route_agency(category="jalan_drainase", region="35.78", level="nasional")
    assert explicit.agency == "kemen-pu" and explicit.exact


def test_the_most_specific_rule_wins():
    rules = {("jalan_drainase", "kabupaten_kota", "35.78"): "regency",
             ("jalan_drainase", "kabupaten_kota", "35.78.02"): "district",
             ("jalan_drainase", "nasional", ""): "national",
             ("parent", "kabupaten_kota", "35.78.02.1001"): "village-parent"}
    find = lambda region, cats=("jalan_drainase",): resolve(  # noqa: E731
        rules, categories=list(cats), region=region, level="kabupaten_kota").agency
    assert find("35.78.02.1001") == "district"
    assert find("35.78.01") == "regency"
    # region specificity first, then the category's own rule before its parent's
    assert find("35.78.02.1001", ("jalan_drainase", "parent")) == "village-parent"
    assert resolve(rules, categories=["jalan_drainase"], region="35.78", level="nasional") \
        .agency == "national"


def test_admin_rules_override_defaults_and_survive_a_reload(cast):
    Category.objects.create(code="jalan_rusak", name="Jalan rusak", name_en="Damaged roads",
                            parent_id="jalan_drainase")
    rule = rule_set(category="jalan_drainase", region="35.78.02", level="kabupaten_kota",
                    agency="pemprov-jawa-timur.dpupr", note="ruas provinsi",
                    user=cast.national.user)
    assert rule.source == RuleSource.ADMIN
    assert route_agency(category="jalan_rusak", region="35.78.02.1001").agency \
        == "pemprov-jawa-timur.dpupr"  # the sub-category inherits its parent's rules
    assert route_agency(category="jalan_drainase", region="35.78.01").agency \
        == "pemkot-surabaya.dpupr"
    rules_load_defaults()
    assert RoutingRule.objects.get(category="jalan_drainase", region="35.78.02").agency_id \
        == "pemprov-jawa-timur.dpupr"
    assert rule_delete(category="jalan_drainase", region="35.78.02", level="kabupaten_kota")
    assert route_agency(category="jalan_drainase", region="35.78.02").agency \
        == "pemkot-surabaya.dpupr"


@pytest.mark.parametrize("kwargs, message", [
    ({"category": "nope"}, "category"),
    ({"region": "99.99"}, "region"),
    ({"level": "desa"}, "level"),
    ({"agency": "ombudsman"}, "hold reports"),
    ({"agency": "tidak-ada"}, "hold reports"),
])
def test_bad_rules_are_refused_with_a_reason(kwargs, message):
    fields = {"category": "bansos", "region": "35.78", "level": "kabupaten_kota",
              "agency": "pemkot-surabaya.dinsos", **kwargs}
    with translation.override("en"), pytest.raises(RuleError, match=message):
        rule_set(**fields)


def test_rules_command_sets_lists_and_deletes():
    out = run("routing", "rules", "set", "--category", "bansos", "--region", "35.78",
              "--level", "kabupaten_kota", "--agency", "pemkot-surabaya")
    assert "pemkot-surabaya" in out
    listed = run("routing", "rules", "list", "--category", "bansos", "--region", "35.78.01")
    assert "admin" in listed and "kemensos" in listed
    assert "deleted" in run("routing", "rules", "delete", "--category", "bansos", "--region",
                            "35.78", "--level", "kabupaten_kota")
    with pytest.raises(CommandError):
        run("routing", "rules", "set", "--category", "bansos", "--level", "nasional",
            "--agency", "ombudsman")
