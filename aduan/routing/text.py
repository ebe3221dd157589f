"""Normalise informal Indonesian before it reaches the classifier or the gazetteer.

Citizens write in every register: formal letters, SMS shorthand ("yg", "gk", "sdh"),
slang ("gimana", "parah bgt"), repeated letters ("tolooong"), missing spaces
around punctuation. The classifier sees one canonical spelling of each common
word, so a model trained on tidy sentences still recognises a hurried SMS.
"""

import re
from functools import lru_cache

# SMS shorthand and slang -> the standard word. Only unambiguous forms: a
# short token that could be two different words stays as it is.
SHORTHAND = {
    "yg": "yang", "yng": "yang", "gk": "tidak", "gak": "tidak", "ga": "tidak", "nggak": "tidak",
    "ngga": "tidak", "enggak": "tidak", "engga": "tidak", "tdk": "tidak", "tak": "tidak",
    "kagak": "tidak", "ndak": "tidak", "nda": "tidak", "gx": "tidak", "g": "tidak",
    "blm": "belum", "blom": "belum", "belom": "belum", "sdh": "sudah", "udh": "sudah",
    "udah": "sudah", "dah": "sudah", "sudh": "sudah", "uda": "sudah", "dgn": "dengan",
    "dg": "dengan", "krn": "karena", "karna": "karena", "krna": "karena", "utk": "untuk",
    "untk": "untuk", "buat": "untuk", "sy": "saya", "sya": "saya", "aq": "saya", "aku": "saya",
    "gw": "saya", "gue": "saya", "sm": "sama", "org": "orang", "orng": "orang", "bpk": "bapak",
    "bp": "bapak", "ibu2": "ibu", "kmrn": "kemarin", "kemaren": "kemarin", "skrg": "sekarang",
    "skg": "sekarang", "skrang": "sekarang", "bnyk": "banyak", "byk": "banyak", "lg": "lagi",
    "dri": "dari", "pd": "pada", "tp": "tapi", "tpi": "tapi", "jg": "juga",
    "kalo": "kalau", "klo": "kalau", "kl": "kalau", "klau": "kalau", "gmn": "bagaimana",
    "gimana": "bagaimana", "gmna": "bagaimana", "knp": "kenapa", "knapa": "kenapa",
    "mhn": "mohon", "mohn": "mohon", "tlg": "tolong", "tolongin": "tolong", "bgt": "banget",
    "bngt": "banget", "bener": "benar", "bnr": "benar", "trs": "terus", "trus": "terus",
    "sbg": "sebagai", "spt": "seperti", "kyk": "seperti", "kayak": "seperti", "kek": "seperti",
    "dlm": "dalam", "dl": "dulu", "dlu": "dulu", "jd": "jadi", "jdi": "jadi", "sj": "saja",
    "aja": "saja", "ajah": "saja", "doang": "saja", "sampe": "sampai", "smp": "sampai",
    "ampe": "sampai", "hrs": "harus", "msh": "masih", "masi": "masih", "tsb": "tersebut",
    "bbrp": "beberapa", "bs": "bisa", "bsa": "bisa", "gbs": "tidak bisa", "gabisa": "tidak bisa",
    "nggakbisa": "tidak bisa", "mslh": "masalah", "dpt": "dapat", "sgt": "sangat",
    "bln": "bulan", "thn": "tahun", "th": "tahun", "hr": "hari", "mgg": "minggu", "jam2": "jam",
    "rmh": "rumah", "rmah": "rumah", "jln": "jalan", "jl": "jalan", "jalanan": "jalan",
    "gg": "gang", "kmpg": "kampung", "kpg": "kampung", "kel": "kelurahan", "kec": "kecamatan",
    "kab": "kabupaten", "prov": "provinsi", "ds": "desa", "dsn": "dusun", "pemkot": "pemkot",
    "pemda": "pemda", "sklh": "sekolah", "sekolahan": "sekolah", "ank": "anak", "anak2": "anak",
    "ortu": "orang tua", "pdhl": "padahal", "pdahal": "padahal", "gara2": "gara-gara",
    "min": "admin", "mimin": "admin", "tq": "terima kasih", "thx": "terima kasih",
    "makasih": "terima kasih", "trims": "terima kasih", "trmksh": "terima kasih",
    "mksh": "terima kasih", "ty": "terima kasih", "plis": "tolong", "pls": "tolong",
    "please": "tolong", "bnjr": "banjir", "smpah": "sampah", "sampa": "sampah", "lstrk": "listrik",
    "pju": "lampu jalan", "lpj": "lampu jalan", "ktp": "ktp", "e-ktp": "ktp", "ektp": "ktp",
    "kk": "kartu keluarga", "akte": "akta", "pln": "pln", "pdam": "pdam", "bpjs": "bpjs",
    "puskes": "puskesmas", "rs": "rumah sakit", "rsud": "rumah sakit daerah",
    "sdn": "sd negeri", "smpn": "smp negeri", "sman": "sma negeri", "smkn": "smk negeri",
    "ppdb": "ppdb", "pungli": "pungli", "ngurus": "mengurus", "ngurusin": "mengurus",
    "diurus": "diurus", "ngantri": "antre", "antri": "antre", "ngantre": "antre",
    "ampun": "ampun", "parah": "parah", "ancur": "hancur", "rusak2": "rusak",
    "bolong": "berlubang", "bolong2": "berlubang", "lobang": "lubang", "lubang2": "lubang",
    "mati2": "mati", "nyala": "menyala", "mampet": "tersumbat", "mampat": "tersumbat",
    "numpuk": "menumpuk", "bau2": "bau", "dikit": "sedikit", "gede": "besar", "gedhe": "besar",
}

_TOKEN = re.compile(r"[0-9a-z]+(?:[-'][0-9a-z]+)*")
_REPEAT = re.compile(r"([a-z])\1{2,}")
_DIGIT_LETTER = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")
# "rumah2", "anak2": reduplication written with a 2, before digits and letters are split.
_REDUPLICATION = re.compile(r"(?<=[a-z]{2})2\b")


@lru_cache(maxsize=200_000)
def canonical_word(word: str) -> str:
    """One canonical spelling for a lower-case token ("tolooong" -> "tolong", "yg" -> "yang")."""
    word = _REPEAT.sub(r"\1", word)
    return SHORTHAND.get(word, word)


def tokens(text: str) -> list[str]:
    """Lower-case word tokens with SMS shorthand and slang expanded."""
    words = _TOKEN.findall(_DIGIT_LETTER.sub(" ", _REDUPLICATION.sub("", text.lower())))
    out: list[str] = []
    for word in words:
        out.extend(canonical_word(word).split())
    return out


def normalise(text: str) -> str:
    return " ".join(tokens(text))
