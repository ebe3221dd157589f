"""The gazetteer: the place a message names, in every register, over the official region list."""

import pytest

from aduan.routing.aliases import find_region

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
    "kantor desa tutup jam 10 pagi",         # a qualifier before an everyday word
    "staf kelurahan minta uang pengantar",
    "",
])
def test_names_nothing_when_no_place_is_justified(text):
    assert find_region(text) is None


def test_ambiguous_names_give_their_common_ancestor():
    # Two villages of one name: only what they share is certain.
    assert find_region("desa Sukamaju kab. Bogor").startswith("32.01")


def test_a_name_shared_by_a_city_and_a_regency_is_the_city_but_doubtful():
    from aduan.routing.aliases import gazetteer

    located = gazetteer().locate("banjir di Bandung")
    assert located.code == "32.73" and located.doubtful
    assert located.evidence == ("bandung",)
    # a qualifier, a district or the regency's own seat tells them apart: no doubt
    assert not gazetteer().locate("banjir di Kabupaten Bandung").doubtful
    assert find_region("banjir di Kabupaten Bandung") == "32.04"
    assert find_region("Pemkot Kupang tolong") == "53.71"
    assert find_region("Polres Kupang di Oelamasi") == "53.01"


def test_the_forms_region_wins_and_text_only_narrows_it():
    assert find_region("kel. Sungai Pinang Dalam Samarinda", "35.78") == "35.78"
    assert find_region("jalan rusak di Rungkut", "35.78") == "35.78.03"
    assert find_region("jalan rusak", "35.78.02") == "35.78.02"


@pytest.mark.parametrize("text, code", [
    # one word in the official list, two in the text, and the reverse; hyphens
    ("banjir di Tanjung Pinang", "21.72"),
    ("macet di Tanjungpinang", "21.72"),
    ("lampu jalan mati di Pangkal-Pinang", "19.71"),
    # government prefixes, also glued into handles and hashtags
    ("Pemkab Bogor lambat sekali", "32.01"),
    ("Pemkot Bogor lambat sekali", "32.71"),
    ("@pemkotmedan jalan rusak parah", "12.71"),
    ("#humaskabbogor tolong", "32.01"),
    # unmarked districts: alone when one place in the country has the name
    ("sampah menumpuk di Tebet", "31.74.01"),
    ("macet di Ciputat tiap pagi", "36.74.04"),
    # capitals, towns and abbreviations from the curated list
    ("Waingapu banjir lagi", "53.11"),
    ("jalan di Lobar rusak", "52.01"),
    ("sampah di Labuan Bajo", "53.15"),
])
def test_names_as_people_write_them(text, code):
    assert find_region(text) == code


@pytest.mark.parametrize("text", [
    "perawat di bangsal kelas 3 judes",      # a district's name that is an everyday word
    "di belakang kanor kelurahan",           # a typo of an everyday word
    "wifi gratis di alun-alun mati",         # reduplication, not a village
    "lampu mati di tebet",                   # one unmarked word needs its capital letter
])
def test_everyday_words_are_not_places(text):
    assert find_region(text) is None


def test_the_evidence_is_the_words_that_made_the_place():
    from aduan.routing.aliases import gazetteer

    located = gazetteer().locate("lampu mati di Genteng, Surabaya")
    assert located.code == "35.78.07"
    assert located.evidence == ("genteng", "surabaya")
    assert gazetteer().locate("@pemkotmedan").evidence == ("pemkot medan",)


def test_admins_add_and_withdraw_aliases():
    from aduan.agencies.models import Region
    from aduan.routing.aliases import gazetteer_forget
    from aduan.routing.models import RegionAlias

    RegionAlias.objects.create(alias="kota kembang", region=Region.objects.get(code="32.73"))
    RegionAlias.objects.create(alias="jaksel", region=Region.objects.get(code="31.74"),
                               active=False)
    gazetteer_forget()
    try:
        assert find_region("macet di kota kembang") == "32.73"
        assert find_region("banjir lagi di Jaksel") is None
    finally:
        RegionAlias.objects.all().delete()
        gazetteer_forget()


@pytest.mark.parametrize("text, agency, region", [
    ("Dinas Sosial Kab. Bogor tidak mencairkan bansos", "pemkab-bogor.dinsos", "32.01"),
    ("Kantor Pertanahan Kota Malang lambat", "kantah-kota-malang", "35.73"),
    ("@dishubsby lampu merah mati", "pemkot-surabaya.dishub", "35.78"),
    ("Dukcapil Sleman antri lama", "pemkab-sleman.disdukcapil", "34.04"),
])
def test_an_agency_named_in_the_text_is_the_agency_and_names_its_region(text, agency, region):
    from aduan.routing.router import RouteInput, Router

    route = Router.load().route([RouteInput(text)])[0]
    assert (route.agency, route.region_code) == (agency, region)
    assert route.evidence["agency"]


def test_admins_record_an_agencys_own_handle():
    from aduan.agencies.models import Agency
    from aduan.routing.models import AgencyAlias
    from aduan.routing.router import RouteInput, Router

    AgencyAlias.objects.create(alias="sapawargasby",
                               agency=Agency.objects.get(code="pemkot-surabaya.dlh"))
    route = Router.load().route([RouteInput("@SapaWargaSby sampah tidak diangkut")])[0]
    assert route.agency == "pemkot-surabaya.dlh" and route.region_code == "35.78"
    assert route.evidence == {"agency": ["sapawargasby"]}


@pytest.mark.parametrize("text, code", [
    # "Pemko" is how Sumatra writes "Pemkot"; "Pemda" names a regency or city of either kind
    ("Honorer di Pemko Binjai belum digaji", "12.75"),
    ("@pemkobinjai tolong dibalas", "12.75"),
    ("Pemda Sleman lambat sekali", "34.04"),
    # a village name whose tail starts a regency's name: the regency is read
    ("saluran irigasi rusak di Wates Kulon Progo", "34.01"),
    # a unique village guessed from two everyday-looking words loses to a city named outright
    ("gotong royong membersihkan selokan di Sawahlunto", "13.73"),
    # two regencies, neither inside the other: the first named is what the message is about
    ("warga Sumedang yang kerja di Cianjur", "32.11"),
    # local words for a district or village (Yogyakarta's kapanewon, kemantren, kalurahan)
    ("jalan rusak di Kapanewon Playen", "34.03.03"),
    ("Kemantren Gondokusuman macet", "34.71.03"),
    ("balai Kalurahan Panggungharjo rusak", "34.02.15.2004"),
    # "Lembang" is Toraja's word for a village, but also a district: it stays a name
    ("cuaca dingin di Lembang Bandung Barat", "32.17.01"),
])
def test_prefixes_overlaps_guesses_and_ties(text, code):
    assert find_region(text) == code


@pytest.mark.parametrize("text, code", [
    # landmarks everyone knows by name (data/region_aliases.csv, kind "landmark")
    ("penumpang terlantar di Bandara Soekarno-Hatta", "36.71"),
    ("antre berjam-jam di IGD RSCM", "31.71"),
    ("kapal terlambat di Pelabuhan Merak", "36.72"),
    # a regency or city whose name is everyday words counts when written as a name
    ("banjir di Kota Tebing Tinggi", "12.76"),
    ("jalan rusak di Sungai Penuh", "15.72"),
])
def test_landmarks_and_names_made_of_everyday_words(text, code):
    assert find_region(text) == code


@pytest.mark.parametrize("text", [
    # regency names that are everyday words, written as those words
    "debu batu bara dari truk masuk rumah",
    "sungai penuh sampah plastik",
    "penyakit busuk batang menyerang jagung",
    # all in capitals there is no capital letter to read: a qualifier before a word
    "INTERNET DESA LEWAT SATELIT MATI",
    # a street named like a landmark is a street
    "jalan Soekarno Hatta berlubang",
])
def test_everyday_words_that_are_regency_names_are_not_places(text):
    assert find_region(text) is None
