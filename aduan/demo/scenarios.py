"""A small, realistic demo: staff accounts and reports in every status.

Everything is made through the same services as real use, so every report has
a true event history. Loading is idempotent (a marker row records it).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from aduan.accounts.services import staff_add
from aduan.agencies.models import Agency, ReferenceDataset, Role
from aduan.reports import services
from aduan.reports.callers import Caller, caller_for_user
from aduan.reports.models import Channel, Report
from aduan.reports.training import training_mark
from aduan.routing.intake import report_intake
from aduan.routing.services import report_route

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
    # Received this many days ago (practice reports for the overdue queue).
    days_ago: int = 0


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


# Practice reports for training (``aduan demo --training``): every queue gets work,
# including late reports and a follow-up waiting for a liaison officer's sign-off.
PRACTICE = [
    Scenario("Antrean BPJS di puskesmas sampai sore",
             "Antrean pendaftaran di Puskesmas Kenjeran dibuka jam 7 tetapi petugas baru datang "
             "jam 9; pasien lansia menunggu sampai sore.", "kesehatan", "35.78.13", days_ago=9),
    Scenario("Saluran air tersumbat menyebabkan banjir di gang",
             "Setiap hujan, Gang Lebar RT 04 RW 01 banjir setinggi lutut karena saluran tertutup "
             "sedimen.", "jalan_drainase", "35.78.03", days_ago=12, agency="pemkot-surabaya"),
    Scenario("Obat kosong di apotek puskesmas",
             "Obat hipertensi untuk peserta prolanis kosong tiga minggu; kami disuruh beli "
             "sendiri.",
             "kesehatan", "35.78.10",
             steps=[("dispatch", "pemkot-surabaya.dinkes"), ("accept",),
                    ("draft", "Stok amlodipin sudah dikirim dari gudang farmasi kota dan tersedia "
                              "di puskesmas mulai Senin.")]),
    Scenario("Permintaan data anggaran perbaikan jalan 2026",
             "Mohon informasi besaran anggaran dan daftar ruas jalan yang diperbaiki tahun ini.",
             "jalan_drainase", "35.78", kind="information_request", days_ago=15,
             steps=[("dispatch", "pemkot-surabaya.dpupr")]),
    Scenario("Petugas meminta uang untuk percepatan akta kelahiran",
             "Di loket kecamatan ada orang yang menawarkan akta jadi sehari dengan biaya.",
             "kependudukan", "35.78.07", anonymous=True, confidential=True, days_ago=6),
    Scenario("Usul taman bermain ramah disabilitas",
             "Mohon taman kota dilengkapi jalur landai dan ayunan untuk anak berkebutuhan khusus.",
             "lingkungan", "35.78.04", kind="aspiration",
             steps=[("dispatch", "pemkot-surabaya.dlh"), ("accept",)]),
    Scenario("Lampu lalu lintas mati di perempatan",
             "Lampu lalu lintas di perempatan Jl. Kertajaya mati sejak pagi, terjadi kemacetan.",
             "perhubungan", "35.78.09", days_ago=8,
             steps=[("dispatch", "pemkot-surabaya.dishub"),
                    ("request_info", "Mohon sebutkan perempatan mana tepatnya dan jam berapa.")]),
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
          province_admin: Caller, reporter: Caller, staff: dict | None = None) -> None:
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
        elif name == "draft":
            services.report_draft_response(caller=staff["unit.dinkes.surabaya"], report=report,
                                           message=args[0])


def _submit_all(scenarios: list[Scenario], users: dict) -> list[int]:
    admin = caller_for_user(users["admin.nasional"])
    agency_admin = caller_for_user(users["admin.surabaya"])
    province_admin = caller_for_user(users["admin.jatim"])
    staff = {name: caller_for_user(user) for name, user in users.items()}
    made = []
    for scenario in scenarios:
        account = users[CITIZEN[0]] if not scenario.anonymous else None
        report, _pin = report_intake(
            data=services.NewReport(
                kind=scenario.kind, title=scenario.title, body=scenario.body,
                category=scenario.category, region_code=scenario.region,
                anonymous=scenario.anonymous, confidential=scenario.confidential,
                reporter_name=scenario.name, reporter_email="", agency=scenario.agency,
                channel=Channel.WEB),
            user=account, now=timezone.now() - timedelta(days=scenario.days_ago))
        reporter = caller_for_user(account) if account else Caller(pin_report_id=report.pk)
        _play(report, scenario.steps, admin, agency_admin, province_admin, reporter, staff)
        made.append(report.pk)
    return made


def load_demo() -> int:
    """Create the demo staff, citizen and reports once; return how many reports were made."""
    if ReferenceDataset.objects.filter(name="demo").exists():
        return 0
    with transaction.atomic():
        users = _users()
        waiting = _submit_all(SCENARIOS, users)
        ReferenceDataset.objects.create(name="demo", fingerprint="demo", rows=len(SCENARIOS))
    _suggest(waiting)
    return len(SCENARIOS)


def load_training() -> int:
    """Turn the site into a training sandbox: the demo plus practice reports for every queue.

    The health office's follow-ups need a liaison's sign-off here, so trainees practise
    the draft → sign-off flow. Idempotent; returns how many practice reports were made.
    """
    load_demo()
    training_mark()
    if ReferenceDataset.objects.filter(name="training_reports").exists():
        return 0
    with transaction.atomic():
        Agency.objects.filter(pk="pemkot-surabaya.dinkes").update(requires_signoff=True)
        waiting = _submit_all(PRACTICE, _users())
        ReferenceDataset.objects.create(name="training_reports", fingerprint="training",
                                        rows=len(PRACTICE))
    _suggest(waiting)
    return len(PRACTICE)


def _suggest(report_ids: list[int]) -> None:
    """Give the unverified demo reports the router's suggestions, without dispatching them:
    the demo keeps reports waiting for a verifier, to practise on."""
    for pk in report_ids:
        report_route(report_id=pk, allow_dispatch=False)
