from django.urls import path

from .views import calendar, channels, home, members, partners, reports, stats

app_name = "backoffice"

urlpatterns = [
    path("", home.home, name="home"),
    path("keluar/", home.log_out, name="logout"),
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
    path("klien-api/", partners.client_list, name="partners"),
    path("klien-api/<int:client_id>/", partners.client_page, name="partner"),
    path("klien-api/<int:client_id>/kunci-baru/", partners.client_rotate, name="partner_rotate"),
    path("klien-api/<int:client_id>/cabut/", partners.client_revoke, name="partner_revoke"),
    path("klien-api/<int:client_id>/webhook/<int:endpoint_id>/<slug:action>/",
         partners.webhook_action, name="webhook_action"),
    path("statistik/", stats.dashboard, name="stats"),
    path("statistik/peringatan-dini/", stats.early_warning, name="early_warning"),
    path("statistik/laporan-pimpinan/", stats.leader_report_latest, name="leader_report_latest"),
    path("statistik/laporan-pimpinan/<slug:code>/<str:month>/", stats.leader_report,
         name="leader_report"),
    path("kalender/hapus/", calendar.calendar_remove, name="calendar_remove"),
    path("anggota/<int:membership_id>/hapus/", members.member_remove, name="member_remove"),
]
