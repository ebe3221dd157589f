from django.urls import path

from .views import calendar, channels, home, members, reports

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
    path("kalender/hapus/", calendar.calendar_remove, name="calendar_remove"),
    path("anggota/<int:membership_id>/hapus/", members.member_remove, name="member_remove"),
]
