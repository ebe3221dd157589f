"""The words around place names: qualifiers, street markers, everyday words, handle prefixes.

Data for the gazetteer (``gazetteer.py``), kept apart from its logic. Curated
names (capitals, towns, abbreviations, local terms) are data too:
``data/region_aliases.csv`` and the ``RegionAlias`` table admins edit.
"""

from functools import lru_cache

# Words that introduce a region of a given level (and, for level 2, kind).
QUALIFIERS = {
    "pemkot": (2, "kota"), "pemkab": (2, "kabupaten"), "pemprov": (1, None),
    "pemko": (2, "kota"), "pemda": (2, None),
    "kotamadya": (2, "kota"), "kodya": (2, "kota"), "kabupatan": (2, "kabupaten"),
    "kampong": (4, None), "kelurhan": (4, None), "kecamtan": (3, None), "distrik": (3, None),
    "provinsi": (1, None), "propinsi": (1, None), "prov": (1, None), "prop": (1, None),
    "kabupaten": (2, "kabupaten"), "kab": (2, "kabupaten"), "kota": (2, "kota"),
    "kecamatan": (3, None), "kec": (3, None), "kelurahan": (4, None), "kel": (4, None),
    "desa": (4, None), "ds": (4, None), "kampung": (4, None), "nagari": (4, None),
    "gampong": (4, None),
    # Local words for a district or village: Yogyakarta's kapanewon/kemantren and kalurahan,
    # Lampung's pekon and tiyuh (not Toraja's "lembang": also a district's name).
    "kapanewon": (3, None), "kemantren": (3, None), "kalurahan": (4, None), "pekon": (4, None),
    "tiyuh": (4, None),
}
# Words after which a name is a street's, not a region's ("Jl. Surabaya" in Jakarta).
STREET_MARKERS = frozenset({"jl", "jln", "jalan", "gg", "gang", "perum", "perumahan",
                            "komplek", "kompleks", "ruko", "blok", "raya"})
# Region names that are also everyday words: they count only with a qualifier or support.
COMMON_WORDS = frozenset("""
    batu padang serang palu metro puncak banjar buru tegal kuningan pati bone agam karo muna
    aru sula belu alor tual malaka sigi landak kapuas barito kampar siak bangli toba lebong
    kaur paser berau bima ende lingga natuna dompu lahat tebo bungo asahan nias seram buton
    sorong kota baru tengah pasar jaya barat timur utara selatan indah makmur sari mulya raya
    lama dalam luar hilir hulu atas bawah pusat ilir ulu lor kidul wetan kulon sawah sungai
    gunung bukit air tanjung teluk muara pulau lubuk kali rawa pantai bandar harapan maju
    merdeka mekar damai sejahtera jati mulia bakti karya tani baru suka mandiri sukamaju
    sidomulyo sukajadi margamulya bumi pondok pasir kebon taman cempaka melati mawar anggrek
    kenanga dukuh krajan kauman kampung desa kelurahan
""".split())

# Words after which a capitalised regency/city name that is also an everyday word is a place
# ("di Palu", "dari Padang", "Dukcapil Metro"): "di palu" or "Palu" alone stay words.
LOCATIVES = frozenset({"di", "dari", "ke", "daerah", "wilayah", "sekitar", "kawasan", "asal",
                       "warga", "polres", "polresta", "polsek", "dukcapil", "disdukcapil",
                       "rsud", "kemenag", "samsat", "pdam", "bpbd", "dishub", "dinsos",
                       "dinkes", "disdik", "satpol", "bappeda", "dprd"})



_TITLES = frozenset({"raya", "ir", "dr", "kh", "prof", "jend", "jendral", "jenderal", "letjen",
                     "mayjen", "brigjen", "kol", "kolonel", "kapten", "mayor", "pahlawan"})

# Glued prefixes of handles and hashtags ("@pemkotmedan", "#humaskabbogor", "dishubsby"):
# the rest of the word is looked up as a name; a qualifier prefix keeps its meaning.
GLUED_PREFIXES = ("pemkot", "pemkab", "pemprov", "pemko", "pemda", "kabupaten", "kota", "kab",
                  "humas", "info",
                  "dinsos", "dishub", "dinkes", "disdik", "dukcapil", "disdukcapil", "bpbd",
                  "satpolpp", "dlh", "dpupr", "pupr", "polres", "polresta", "polda", "kemenag",
                  "bpn", "pdam", "rsud", "dprd", "bappeda", "kec", "kel", "desa")


# Frequent words of Indonesian complaints beyond the seed corpus: never a place when alone.
EVERYDAY = frozenset("""
    ada adalah agar air akan akhir aku alun amat anak antar apa apakah atas atau awal bagi
    bagian bahwa baik bantu banyak baru bawah beberapa begitu belakang belum benar berapa
    besar betul biasa bila bisa boleh buka bukan bulan buruk cepat cuma dalam dan dapat dari
    datang dekat depan di dia diri dua dulu gagal guna habis hal hampir hanya harap hari
    harus hidup hilang hingga ini itu jadi jalan jam jauh jelas juga kali kalau kami kamu
    kantor karena kasih kata ke kecil kembali kemudian kena kepada kerja ketika kita kota
    kurang lagi lain lalu lama lambat lanjut lapor lewat lihat luar lupa maka malam mana
    masa masih masuk mau melalui memang mereka minta mohon mudah mulai muncul naik nama
    nanti oleh orang pagi pak paling panjang para pasti pergi perlu pernah pihak pindah
    pulang pun rumah saat saja salah sama sampai sangat satu saya sebab sedang sehingga
    sejak sekali selalu selama selesai semua sendiri seperti sering sesuai setelah siang
    sini situ sore suatu sudah supaya tahu tahun tanpa tapi tempat tengah tetapi tiap tidak
    tiga tinggal tolong tua tunggu turun untuk urus waktu warga wenang ya yang
""".split())


@lru_cache(maxsize=1)
def everyday_words() -> frozenset[str]:
    """Words of ordinary complaints (the seed corpus and the shorthand table): a single
    unmarked word among them is never taken for a district or village name."""
    from .corpus import fragments
    from .text import SHORTHAND, tokens

    common, by_category = fragments()
    words = set(COMMON_WORDS) | set(EVERYDAY) | set(SHORTHAND)
    for value in SHORTHAND.values():
        words.update(value.split())
    for sections in (common, *by_category.values()):
        for lines in sections.values():
            for line in lines:
                for word in tokens(line):
                    words.update(word.split("-"))
    return frozenset(words)


@lru_cache(maxsize=1)
def near_everyday() -> frozenset[str]:
    """Everyday words with one letter dropped ("kanor" for "kantor"): typos, not places."""
    return frozenset(w[:i] + w[i + 1:] for w in everyday_words() if len(w) > 4
                     for i in range(len(w)))


def looks_everyday(word: str) -> bool:
    """An everyday word, or one typo (a letter dropped, added or swapped) away from one."""
    words = everyday_words()
    if word in words or word in near_everyday():
        return True
    if any(word[:i] + word[i + 1:] in words for i in range(len(word))):
        return True
    return any(word[:i] + word[i + 1] + word[i] + word[i + 2:] in words
               for i in range(len(word) - 1))
