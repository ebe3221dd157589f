from django.urls import path

from .views import accounts, app, data, password, public, queued, reporter, submit

app_name = "portal"

urlpatterns = [
    path("", public.home, name="home"),
    path("sw.js", app.service_worker, name="service_worker"),
    path("manifest.webmanifest", app.manifest, name="manifest"),
    path("offline/", app.offline, name="offline"),
    path("laporan-saya/", app.device_reports, name="device_reports"),
    path("akun/notifikasi/", app.account_push, name="account_push"),
    path("lapor/", submit.report_new, name="report_new"),
    path("lapor/antrian/", queued.queued_report, name="queued_report"),
    path("lapor/terkirim/", submit.receipt, name="receipt"),
    path("lapor/terkirim/bukti.txt", submit.receipt_text, name="receipt_text"),
    path("lacak/", submit.track, name="track"),
    path("laporan/", public.listing, name="listing"),
    path("laporan/<str:tracking_id>/", public.report_page, name="report"),
    path("laporan/<str:tracking_id>/dukung/", reporter.support, name="support"),
    path("laporan/<str:tracking_id>/data-saya/", data.my_data, name="report_data"),
    path("laporan/<str:tracking_id>/data-saya/unduh/", data.my_data_download,
         name="report_data_download"),
    path("laporan/<str:tracking_id>/<slug:action>/", reporter.reporter_action,
         name="reporter_action"),
    path("lampiran/<uuid:public_id>/", public.attachment, name="attachment"),
    path("wilayah/", public.region_lookup, name="regions"),
    path("instansi/", public.agency_lookup, name="agencies"),
    path("akun/daftar/", accounts.register, name="register"),
    path("akun/masuk/", accounts.log_in, name="login"),
    path("akun/keluar/", accounts.log_out, name="logout"),
    path("akun/laporan/", accounts.my_reports, name="my_reports"),
    path("akun/data-saya/", data.my_data, name="my_data"),
    path("akun/data-saya/unduh/", data.my_data_download, name="my_data_download"),
    path("akun/lupa-sandi/", password.ResetRequest.as_view(), name="password_reset"),
    path("akun/lupa-sandi/terkirim/", password.ResetSent.as_view(), name="password_reset_sent"),
    path("akun/sandi/<uidb64>/<token>/", password.ResetConfirm.as_view(),
         name="password_reset_confirm"),
    path("akun/sandi/selesai/", password.ResetDone.as_view(), name="password_reset_done"),
]
