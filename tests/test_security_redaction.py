"""Defect 4: redaction of the spellings people really type, and of the reporter's own identity."""

import pytest

from aduan.lib.redact import EMAIL, HANDLE, NAME, NIK, PHONE, PLATE, Identity, redact
from tests.conftest import submit

# (text, marker that must appear, substring that must disappear)
SPELLINGS = [
    ("hubungi 081234567890", PHONE, "081234567890"),
    ("hp081234567890", PHONE, "081234567890"),
    ("HP:081234567890", PHONE, "081234567890"),
    ("wa.081234567890", PHONE, "081234567890"),
    ("0812 3456 7890", PHONE, "3456"),
    ("0812  3456  7890", PHONE, "3456"),
    ("0812/3456/7890", PHONE, "3456"),
    ("0812.3456.7890", PHONE, "3456"),
    ("0812-3456-7890", PHONE, "3456"),
    ("0812 - 3456 - 7890", PHONE, "3456"),
    ("+62 812-3456-7890", PHONE, "3456"),
    ("+62812-3456-7890", PHONE, "3456"),
    ("+6281234567890", PHONE, "81234567890"),
    ("6281234567890", PHONE, "81234567890"),
    ("(+62) 812 3456 7890", PHONE, "3456"),
    ("+62 (812) 3456 7890", PHONE, "3456"),
    ("０８１２３４５６７８９０", PHONE, "３４５６"),
    ("０８１２-３４５６-７８９０", PHONE, "３４５６"),
    ("(031) 5551234", PHONE, "5551234"),
    ("031-5551234", PHONE, "5551234"),
    ("021 555 1234", PHONE, "555 1234"),
    ("telp. 0315551234.", PHONE, "5551234"),
    ("nomor saya 812-3456-7890", PHONE, "3456-7890"),
    ("no hp 0857 1234 5678", PHONE, "1234 5678"),
    ("0813.1234.5678, terima kasih", PHONE, "1234.5678"),
    ("siti@contoh.id", EMAIL, "siti@contoh"),
    ("SITI.RAHMA@Contoh.CO.ID", EMAIL, "SITI.RAHMA"),
    ("siti(at)contoh.id", EMAIL, "siti(at)"),
    ("siti (at) contoh.id", EMAIL, "siti (at)"),
    ("siti [at] contoh [dot] id", EMAIL, "siti [at]"),
    ("siti at contoh dot com", EMAIL, "siti at contoh"),
    ("siti{at}gmail.com", EMAIL, "siti{at}"),
    ("siti @ gmail . com", EMAIL, "siti @"),
    ("siti＠contoh.id", EMAIL, "siti"),
    ("budi_santoso+lapor@mail.example.org", EMAIL, "budi_santoso"),
    ("3578010101010001", NIK, "3578010101010001"),
    ("3578 0101 0101 0001", NIK, "0101 0101"),
    ("3578.0101.0101.0001", NIK, "0101.0101"),
    ("3578-0101-0101-0001", NIK, "0101-0101"),
    ("NIK:3578010101010001", NIK, "3578010101010001"),
    ("３５７８０１０１０１０１０００１", NIK, "３５７８"),
    ("L 1234 AB", PLATE, "1234"),
    ("l 1234 ab", PLATE, "1234"),
    ("L1234AB", PLATE, "1234"),
    ("L-1234-AB", PLATE, "1234"),
    ("b 1 xyz", PLATE, "b 1 xyz"),
    ("AG 5678 KL", PLATE, "5678"),
    ("nopol w 4321 zz", PLATE, "4321"),
    ("dk.1234.ab", PLATE, "1234"),
    ("B 1234 ABC ngebut", PLATE, "1234"),
    ("Bk 12 A", PLATE, "Bk 12"),
    ("hubungi siti (at) contoh (dot) id atau 0812 3456 7890", PHONE, "0812"),
    ("cc @budi_santoso tolong", HANDLE, "budi_santoso"),
    ("DM ke @siti.rahma99 ya", HANDLE, "siti.rahma99"),
    ("(@warga123)", HANDLE, "warga123"),
    # typed a digit or two at a time, with a phone keyboard's dashes, or pasted with
    # invisible characters between the groups
    ("0 8 1 2 3 4 5 6 7 8 9 0", PHONE, "3 4 5 6"),
    ("08 12 34 56 78 90", PHONE, "34 56"),
    ("+62 8 1 2 3 4 5 6 7 8 9 0", PHONE, "3 4 5 6"),
    ("WA 0812\u20133456\u20137890", PHONE, "3456"),
    ("0812\u20143456\u20147890", PHONE, "3456"),
    ("0812_3456_7890", PHONE, "3456"),
    ("0812\u200b3456\u200b7890", PHONE, "3456"),
    ("35780101\u200b01010001", NIK, "0101"),
]


@pytest.mark.parametrize(("text", "marker", "gone"), SPELLINGS)
def test_real_world_spellings_are_redacted(text, marker, gone):
    out = redact(text)
    assert marker in out, out
    assert gone not in out, out


def test_the_table_is_big_enough():
    assert len(SPELLINGS) >= 50


@pytest.mark.parametrize("text", [
    "RT 05 RW 03, Kelurahan Gubeng",
    "Sejak 01-02-2024 jam 08.30",
    "Biaya Rp 850.000.000 tidak jelas",
    "Jalan Ahmad Yani no 12",
    "Harga 2 @ Rp 5.000",
    "Buka jam 08.30-10.00 dan 11.00",
    "tanggal 08 - 12 - 2024 jam 10",
    "antrean 0 8 1 orang",
])
def test_ordinary_text_is_kept(text):
    assert redact(text) == text


IDENTITY = Identity(name="Siti Rahmawati", email="siti.rahma@contoh.id", phone="0813-9876-5432")


@pytest.mark.parametrize("text", [
    "Saya Siti Rahmawati, warga Gubeng.",
    "saya siti rahmawati",
    "Hormat saya, Rahmawati",
    "Terima kasih, Siti",
    "email siti.rahma (at) contoh",
    "balas ke siti.rahma saja",
    "hp 0813 9876 5432",
    "nomor 81398765432",
    "+62 813-9876-5432",
])
def test_the_reporters_own_identity_is_redacted(text):
    out = redact(text, IDENTITY)
    for word in ("Siti", "siti", "Rahmawati", "rahmawati", "9876", "siti.rahma"):
        assert word not in out, out
    assert any(m in out for m in (NAME, EMAIL, PHONE)), out


@pytest.mark.django_db
def test_anonymous_reporters_own_name_never_reaches_public_text_or_search(client):
    report, _pin = submit(anonymous=True, reporter_name="Wahyu Prasetyo",
                          reporter_email="wahyu.p@contoh.id", reporter_phone="0857-1111-2222",
                          title="Lampu jalan mati, lapor Wahyu",
                          body="Saya Wahyu Prasetyo, hp 0857 1111 2222, wahyu.p(at)contoh.id")
    for text in (report.public_title, report.public_body):
        for secret in ("Wahyu", "Prasetyo", "1111", "wahyu.p"):
            assert secret not in text
    assert "Wahyu" in report.body  # the handling staff keep the original


@pytest.mark.django_db
@pytest.mark.parametrize("spelling", ["0 8 5 7 4 4 4 1 2 3 9 9", "0857\u200b4441\u200b2399",
                                      "0857\u20134441\u20132399", "hp0857.4441.2399"])
def test_public_search_finds_no_number_however_it_is_spelt(api, cast, spelling):
    from aduan.reports import services

    report, _pin = submit(title="Trotoar rusak", body=f"Tetangga saya ({spelling}) melihatnya")
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency="pemkot-surabaya.dpupr")
    report.refresh_from_db()
    assert report.is_public and "4441" not in report.public_body.replace(" ", "")
    assert api.get("/reports", q="trotoar").json()["items"]  # the report is searchable
    for words in ("4441", "2399", "0857"):
        assert not api.get("/reports", q=words).json()["items"], words
