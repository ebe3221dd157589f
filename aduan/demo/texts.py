"""Words for synthetic reports: a few complaints per top-level category, and fake reporters.

Nothing here is personal data: names are "Pelapor Contoh <n>", addresses are in the
reserved ``.invalid`` domain and phone numbers in the unassigned ``+62 800`` range.
"""

import random

# top-level category -> (title, body) templates; {place} and {n} are filled in.
COMPLAINTS = {
    "kependudukan": [("KTP-el belum jadi setelah {n} minggu",
                      "Saya merekam KTP-el di kantor kecamatan {place} tetapi sampai sekarang "
                      "belum dicetak. Petugas selalu bilang blanko habis."),
                     ("Antrean akta kelahiran sangat lama",
                      "Di Dispendukcapil {place} antrean akta kelahiran sampai sore, nomor "
                      "antrean {n} baru dipanggil setelah empat jam.")],
    "bansos": [("Bantuan PKH tidak cair tiga bulan",
                "Keluarga kami terdaftar PKH di {place} namun bantuan belum cair sejak {n} "
                "bulan lalu tanpa penjelasan."),
               ("Penerima BLT tidak tepat sasaran",
                "Di RT {n} {place} ada penerima BLT yang rumahnya mewah, sementara warga miskin "
                "tidak terdata.")],
    "kesehatan": [("Obat kosong di puskesmas",
                   "Puskesmas {place} kehabisan obat hipertensi, pasien disuruh membeli sendiri "
                   "di apotek. Sudah {n} hari begini."),
                  ("Pelayanan BPJS di rumah sakit ditolak",
                   "Pasien peserta BPJS ditolak di IGD rumah sakit daerah {place} dengan alasan "
                   "kamar penuh.")],
    "pendidikan": [("Pungutan uang gedung di sekolah negeri",
                    "SD negeri di {place} meminta uang gedung Rp{n}00.000 kepada orang tua murid "
                    "baru."),
                   ("Zonasi PPDB tidak transparan",
                    "Anak kami tinggal {n}00 meter dari sekolah di {place} tetapi tidak diterima "
                    "lewat jalur zonasi.")],
    "jalan_drainase": [("Jalan rusak berlubang",
                        "Jalan utama di {place} berlubang besar sepanjang {n}0 meter, sudah "
                        "beberapa pengendara motor jatuh."),
                       ("Saluran air tersumbat, banjir saat hujan",
                        "Drainase di {place} tersumbat sampah sehingga jalan tergenang setiap "
                        "hujan selama {n} jam.")],
    "lingkungan": [("Sampah menumpuk tidak diangkut",
                    "Tempat pembuangan sementara di {place} tidak diangkut selama {n} hari, "
                    "bau dan banyak lalat."),
                   ("Pabrik membuang limbah ke sungai",
                    "Air sungai di {place} berwarna hitam dan berbau sejak ada pabrik baru.")],
    "perhubungan": [("Lampu lalu lintas mati",
                     "Lampu lalu lintas di perempatan {place} mati sejak {n} hari, sering "
                     "terjadi kemacetan."),
                    ("Parkir liar di bahu jalan",
                     "Parkir liar di {place} memakan separuh jalan dan juru parkir memungut "
                     "Rp{n}.000.")],
    "ketertiban": [("PKL berjualan di trotoar",
                    "Pedagang kaki lima menutup trotoar di {place} sehingga pejalan kaki harus "
                    "turun ke jalan."),
                   ("Bangunan liar di sempadan sungai",
                    "Ada {n} bangunan liar berdiri di sempadan sungai {place}.")],
}
GENERIC = [("Pelayanan lambat dan tidak jelas",
            "Saya mengurus layanan di kantor pemerintah di {place} sudah {n} kali datang tetapi "
            "belum selesai dan tidak ada kepastian."),
           ("Petugas meminta uang tambahan",
            "Petugas layanan di {place} meminta uang tambahan Rp{n}0.000 di luar tarif resmi."),
           ("Informasi layanan tidak tersedia",
            "Tidak ada informasi persyaratan dan biaya layanan di kantor {place}, warga "
            "bingung harus bertanya ke siapa.")]
# Said in one report in twenty: the reporter writes their own number, which the public
# text must not show.
CONTACT = " Mohon hubungi saya di {phone} bila perlu keterangan tambahan."
RESPONSES = ["Terima kasih atas laporannya. Petugas kami sudah meninjau lokasi dan "
             "menindaklanjuti.",
             "Laporan sudah kami teruskan ke unit teknis dan perbaikan dijadwalkan minggu ini.",
             "Permasalahan telah diselesaikan; silakan beri tahu kami bila masih terjadi."]
INFO_REQUESTS = ["Mohon lengkapi alamat lengkap dan foto lokasi.",
                 "Mohon sebutkan tanggal kejadian dan nama kantor layanan."]


def complaint(rng: random.Random, category: str, parent: str | None, place: str) -> tuple:
    options = COMPLAINTS.get(parent or category) or GENERIC
    title, body = rng.choice(options)
    n = rng.randint(2, 9)
    return title.format(n=n, place=place)[:200], body.format(n=n, place=place)


def reporter(rng: random.Random, serial: int, channel: str) -> dict:
    """Fake contact details as the channel would give them."""
    phone = f"+62 800 {serial % 10_000:04d} {rng.randint(0, 9999):04d}"
    name = f"Pelapor Contoh {serial}"
    if channel in ("sms", "whatsapp"):
        return {"reporter_name": name, "reporter_phone": phone, "reporter_email": ""}
    if channel in ("twitter", "telegram"):
        return {"reporter_name": "", "reporter_phone": "", "reporter_email": ""}
    return {"reporter_name": name, "reporter_phone": "",
            "reporter_email": f"pelapor.{serial}@contoh.invalid"}
