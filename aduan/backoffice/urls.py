from django.urls import path

from .views import calendar, channels, home, members, reports, security, stats, twofactor

app_name = "backoffice"

urlpatterns = [
    path("", home.home, name="home"),
    path("keluar/", home.log_out, name="logout"),
    path("verifikasi/", twofactor.second_step, name="second_step"),
    path("verifikasi/daftar/", twofactor.enrol, name="enrol"),
    path("verifikasi/passkey/opsi/", twofactor.passkey_login_options, name="passkey_login_options"),
    path("verifikasi/passkey/", twofactor.passkey_login, name="passkey_login"),
    path("verifikasi/passkey/daftar/opsi/", twofactor.passkey_register_options,
         name="passkey_register_options"),
    path("verifikasi/passkey/daftar/", twofactor.passkey_register, name="passkey_register"),
    path("keamanan/", security.security, name="security"),
    path("keamanan/hapus/", security.device_delete, name="device_delete"),
    path("keamanan/kode-pemulihan/", security.recovery_codes, name="recovery_codes"),
    path("keamanan/token/", security.token_new, name="token_new"),
    path("keamanan/token/<int:token_id>/cabut/", security.token_delete, name="token_delete"),
    path("antrian/<slug:name>/", home.queue, name="queue"),
    path("pemberitahuan/", home.notices, name="notices"),
    path("laporan/", reports.search, name="search"),
    path("laporan/<str:tracking_id>/", reports.report_page, name="report"),
    path("laporan/<str:tracking_id>/pelapor/", reports.reveal_reporter, name="reveal"),
    path("laporan/<str:tracking_id>/<slug:action>/", reports.report_action, name="action"),
    path("anggota/", members.members, name="members"),
    path("kalender/", calendar.calendar, name="calendar"),
    path("kanal/", channels.channels, name="channels"),
    path("kanal/<int:message_id>/ulang/", channels.retry, name="channel_retry"),
    path("kanal/simulator/", channels.simulator, name="simulator"),
    path("statistik/", stats.dashboard, name="stats"),
    path("statistik/peringatan-dini/", stats.early_warning, name="early_warning"),
    path("statistik/laporan-pimpinan/", stats.leader_report_latest, name="leader_report_latest"),
    path("statistik/laporan-pimpinan/<slug:code>/<str:month>/", stats.leader_report,
         name="leader_report"),
    path("kalender/hapus/", calendar.calendar_remove, name="calendar_remove"),
    path("anggota/<int:membership_id>/hapus/", members.member_remove, name="member_remove"),
]
