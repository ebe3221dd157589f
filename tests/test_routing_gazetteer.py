"""The gazetteer: the place a message names, in every register, over the official region list."""

import pytest

from aduan.routing.gazetteer import find_region

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text, code", [
    # formal, with qualifiers
    ("di jln. Pahlawan kel. Sungai Pinang Dalam Samarinda", "64.72.08.1002"),
    ("Kabupaten Kutai Kartanegara, Kecamatan Tenggarong", "64.02.06"),
    ("Jalan rusak di Kecamatan Sukolilo Kota Surabaya", "35.78.09"),
    ("Kota Batu", "35.79"),
    ("kab bandung", "32.04"),
    ("Kota Bandung", "32.73"),
    # abbreviations and everyday names
    ("kab. Kukar", "64.02"),
    ("banjir lagi di Jaksel", "31.74"),
    ("listrik padam se-Kaltim", "64"),
    ("jalan provinsi rusak di Jatim", "35"),
    ("sampah numpuk di Sby", "35.78"),
    ("Jogja macet", "34"),
    # SMS and informal: lower case, no punctuation
    ("lampu mati di kec rungkut surabaya", "35.78.03"),
    ("RUNGKUT SURABAYA AIR PDAM MATI", "35.78.03"),
    # a district named without a qualifier counts inside the named city
    ("Genteng Surabaya", "35.78.07"),
    # a street named after a city is not that city
    ("Jl. Surabaya no 5, Menteng, Jakarta Pusat", "31.71.06"),
])
def test_finds_the_most_specific_region_it_can_justify(text, code):
    assert find_region(text) == code


@pytest.mark.parametrize("text", [
    "jalan rusak depan rumah saya",          # no place at all
    "batu berserakan di jalan",              # a common word that is also a city
    "padang rumput di belakang sekolah",
    "desa Sukamaju",                         # hundreds of villages carry this name
    "kel. Genteng",                          # several kelurahan Genteng in the country
    "",
])
def test_names_nothing_when_no_place_is_justified(text):
    assert find_region(text) is None


def test_ambiguous_names_give_their_common_ancestor():
    # Kabupaten and Kota Bandung: only the province is certain.
    assert find_region("banjir di Bandung") == "32"
    assert find_region("desa Sukamaju kab. Bogor").startswith("32.01")


def test_the_forms_region_wins_and_text_only_narrows_it():
    assert find_region("kel. Sungai Pinang Dalam Samarinda", "35.78") == "35.78"
    assert find_region("jalan rusak di Rungkut", "35.78") == "35.78.03"
    assert find_region("jalan rusak", "35.78.02") == "35.78.02"
