"""A small, realistic demo: staff accounts and reports in every status.

Everything is made through the same services as real use, so every report has
a true event history. Loading is idempotent (a marker row records it).
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from aduan.accounts.services import staff_add
from aduan.agencies.models import ReferenceDataset, Role

from . import services
from .access import Caller, caller_for_user
from .models import Channel, Report

DEMO_PASSWORD = "Aduan-Demo-2026"

# username, agency, role, e-mail
STAFF = [
    ("admin.nasional", "kemenpanrb", Role.NATIONAL_ADMIN, "admin.nasional@aduan.localhost"),
    ("admin.surabaya", "pemkot-surabaya", Role.AGENCY_ADMIN, "admin.surabaya@aduan.localhost"),
    ("admin.jatim", "pemprov-jawa-timur", Role.AGENCY_ADMIN, "admin.jatim@aduan.localhost"),
    ("unit.dinkes.surabaya", "pemkot-surabaya.dinkes", Role.UNIT_ADMIN, ""),
    ("penghubung.surabaya", "pemkot-surabaya", Role.LIAISON, ""),
    ("pimpinan.surabaya", "pemkot-surabaya", Role.LEADER, ""),
    ("pengawas.ombudsman", "ombudsman", Role.SUPERVISOR, ""),
]
CITIZEN = ("warga", "warga@contoh.id")


@dataclass
class Scenario:
    title: str
    body: str
    category: str
    region: str
    steps: list[tuple] = field(default_factory=list)
    kind: str = "complaint"
    anonymous: bool = False
    confidential: bool = False
    agency: str | None = None
    name: str = "Siti Rahma"


SCENARIOS = [
    Scenario("Lampu penerangan jalan mati di Jl. Raya Darmo",
             "Sudah dua minggu lampu PJU di depan nomor 45 mati, jalan gelap dan rawan begal.",
             "perhubungan", "35.78.04"),
    Scenario("Dugaan pungli pengurusan surat keterangan di kelurahan",
             "Petugas meminta uang Rp100.000 untuk surat keterangan domisili yang seharusnya "
             "gratis.", "kepegawaian", "35.78.06", anonymous=True),
    Scenario("Jalan berlubang di Jl. Ahmad Yani dekat Frontage",
             "Lubang besar di lajur kiri, sudah ada pengendara motor jatuh kemarin malam.",
             "jalan_drainase", "35.78.02", steps=[("dispatch", "pemkot-surabaya.dpupr")]),
    Scenario("Sampah tidak diangkut tiga hari di Kel. Kebraon",
             "TPS di RT 03 RW 02 penuh, bau menyengat dan mulai dikerubungi lalat.",
             "lingkungan", "35.78.01.1002",
             steps=[("dispatch", "pemkot-surabaya.dlh"), ("accept",)]),
    Scenario("Bantuan PKH tidak cair sejak Agustus",
             "Nama saya terdaftar di DTSEN tetapi bantuan PKH tidak masuk rekening sejak "
             "Agustus.", "bansos", "35.78.08",
             steps=[("dispatch", "pemkot-surabaya.dinsos"),
                    ("request_info", "Mohon kirim nomor KK dan foto buku tabungan.")]),
    Scenario("KTP-el belum jadi setelah tiga bulan",
             "Perekaman KTP-el di kecamatan Genteng bulan Juli, sampai sekarang belum dicetak.",
             "kependudukan", "35.78.07",
             steps=[("dispatch", "pemkot-surabaya.disdukcapil"), ("accept",),
                    ("respond", "Blangko sudah tersedia; KTP-el dapat diambil di kecamatan "
                                "mulai Senin dengan membawa bukti perekaman.")]),
    Scenario("Air PDAM mati di Rungkut",
             "Sejak Sabtu air PDAM tidak mengalir di perumahan Rungkut Asri.",
             "air_bersih", "35.78.03",
             steps=[("dispatch", "pemkot-surabaya.pdam"), ("accept",),
                    ("respond", "Perbaikan pipa induk selesai; aliran normal kembali."),
                    ("close", 5)]),
    Scenario("Jalan provinsi rusak di Jl. Raya Waru",
             "Ruas jalan provinsi di perbatasan Surabaya-Sidoarjo rusak parah.",
             "jalan_drainase", "35.78.02", agency="pemkot-surabaya",
             steps=[("dispatch", "pemkot-surabaya.dpupr"),
                    ("forward", "pemprov-jawa-timur.dpupr",
                     "Ruas ini jalan provinsi, kewenangan Dinas PU Provinsi Jawa Timur."),
                    ("accept",)]),
    Scenario("Perilaku tidak pantas petugas layanan",
             "Petugas loket membentak warga lanjut usia dan menolak melayani.",
             "kepegawaian", "35.78.05", confidential=True,
             steps=[("dispatch", "pemkot-surabaya.inspektorat")]),
    Scenario("Promo pinjaman online cepat cair",
             "Hubungi kami untuk pinjaman cepat tanpa jaminan.", "lainnya", "35.78",
             steps=[("archive", "spam")]),
    Scenario("Parkir liar di trotoar Jl. Tunjungan",
             "Trotoar dipakai parkir motor sehingga pejalan kaki turun ke jalan.",
             "perhubungan", "35.78.05",
             steps=[("dispatch", "pemkot-surabaya.dishub"), ("accept",),
                    ("respond", "Petugas sudah melakukan penertiban."),
                    ("reply", "Besoknya parkir liar kembali lagi, mohon penjagaan rutin.")]),
    Scenario("Jadwal dan syarat PPDB SMP negeri",
             "Kapan pendaftaran PPDB SMP negeri dibuka dan apa saja syaratnya?",
             "pendidikan", "35.78.09", kind="information_request",
             steps=[("dispatch", "pemkot-surabaya.disdik"),
                    ("respond", "Pendaftaran dibuka 2 Juni; syarat: KK, akta kelahiran, rapor.")]),
]


def _users() -> dict[str, object]:
    users = {}
    for username, agency, role, email in STAFF:
        user, _created = staff_add(username=username, agency_code=agency, role=role,
                                   password=DEMO_PASSWORD, email=email)
        users[username] = user
    User = get_user_model()
    citizen = User.objects.filter(username=CITIZEN[0]).first()
    if citizen is None:
        citizen = User(username=CITIZEN[0], email=CITIZEN[1], first_name="Warga")
        citizen.set_password(DEMO_PASSWORD)
        citizen.save()
    users[CITIZEN[0]] = citizen
    return users


def _play(report: Report, steps: list[tuple], admin: Caller, agency_admin: Caller,
          province_admin: Caller, reporter: Caller) -> None:
    for step in steps:
        report.refresh_from_db()
        name, *args = step
        if name == "dispatch":
            services.report_dispatch(caller=admin, report=report, agency=args[0])
        elif name == "forward":
            services.report_forward(caller=agency_admin, report=report, agency=args[0],
                                    reason=args[1])
        elif name == "accept":
            holder = province_admin if report.holder_id.startswith("pemprov") else agency_admin
            services.report_accept(caller=holder, report=report)
        elif name == "request_info":
            services.report_request_info(caller=agency_admin, report=report, message=args[0])
        elif name == "respond":
            services.report_respond(caller=agency_admin, report=report, message=args[0])
        elif name == "reply":
            services.report_reply(caller=reporter, report=report, message=args[0])
        elif name == "close":
            services.report_close(caller=reporter, report=report, rating=args[0],
                                  comment="Terima kasih, cepat ditangani.")
        elif name == "archive":
            services.report_archive(caller=admin, report=report, reason=args[0])


def load_demo() -> int:
    """Create the demo staff, citizen and reports once; return how many reports were made."""
    if ReferenceDataset.objects.filter(name="demo").exists():
        return 0
    with transaction.atomic():
        users = _users()
        admin = caller_for_user(users["admin.nasional"])
        agency_admin = caller_for_user(users["admin.surabaya"])
        province_admin = caller_for_user(users["admin.jatim"])
        waiting = []
        for scenario in SCENARIOS:
            account = users[CITIZEN[0]] if not scenario.anonymous else None
            report, _pin = services.report_submit(
                data=services.NewReport(
                    kind=scenario.kind, title=scenario.title, body=scenario.body,
                    category=scenario.category, region_code=scenario.region,
                    anonymous=scenario.anonymous, confidential=scenario.confidential,
                    reporter_name=scenario.name, reporter_email="", agency=scenario.agency,
                    channel=Channel.WEB),
                user=account)
            reporter = caller_for_user(account) if account else Caller(pin_report_id=report.pk)
            _play(report, scenario.steps, admin, agency_admin, province_admin, reporter)
            waiting.append(report.pk)
        ReferenceDataset.objects.create(name="demo", fingerprint="demo", rows=len(SCENARIOS))
    _suggest(waiting)
    return len(SCENARIOS)


def _suggest(report_ids: list[int]) -> None:
    """Give the demo's unverified reports the router's suggestions, without dispatching them:
    the demo keeps reports waiting for a verifier, to practise on."""
    from aduan.routing.services import report_route

    for pk in report_ids:
        report_route(report_id=pk, allow_dispatch=False)
