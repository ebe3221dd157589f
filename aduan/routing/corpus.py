"""The seed corpus: citizen-style messages generated from fragments the team wrote.

``seed/<category>.txt`` holds the problems (``[masalah]``) and details
(``[rincian]``) of each category; ``seed/_umum.txt`` the openers, places, times
and closers shared by all. Every message combines one problem with some of the
rest and is then written in one register: tidy, SMS shorthand, hurried with
typos, or shouting in capitals. Generation is deterministic, so the corpus and
the cold-start model trained on it are the same on every machine.

Each example carries the index of its problem fragment (``group``): held-out
checks keep whole problems out of training, so they measure how the model
does on problems phrased in ways it has not seen.
"""

import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SEED_DIR = Path(__file__).resolve().parent / "seed"
PER_CATEGORY = 400

# Standard word -> shorthand a hurried writer uses (the inverse of text.SHORTHAND, by hand).
_INFORMAL = {
    "yang": ["yg", "yng"], "tidak": ["gak", "tdk", "ga", "nggak", "gk"], "sudah": ["udh", "sdh",
    "udah"], "belum": ["blm", "blom"], "dengan": ["dgn", "dg"], "karena": ["krn", "karna"],
    "untuk": ["utk", "buat"], "saya": ["sy", "aku", "aq"], "sekarang": ["skrg"],
    "banyak": ["byk", "bnyk"], "jalan": ["jln", "jl"], "tolong": ["tlg"], "mohon": ["mhn"],
    "bagaimana": ["gmn", "gimana"], "kenapa": ["knp"], "sangat": ["bgt", "sgt"],
    "rumah": ["rmh"], "orang": ["org"], "dari": ["dri"], "juga": ["jg"], "tapi": ["tp"],
    "sama": ["sm"], "bulan": ["bln"], "tahun": ["thn"], "kalau": ["klo", "kalo"],
    "masih": ["msh"], "lagi": ["lg"], "terima": ["trima"], "sampai": ["sampe", "smp"],
    "bapak": ["pak", "bpk"], "kemarin": ["kmrn", "kemaren"], "padahal": ["pdhl"],
}
_REGISTERS = (("formal", 0.40), ("informal", 0.35), ("typo", 0.18), ("caps", 0.07))


@dataclass(frozen=True)
class Example:
    text: str
    category: str
    group: int


def _sections(path: Path) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        elif current is not None:
            current.append(line)
    return sections


@lru_cache(maxsize=1)
def fragments() -> tuple[dict[str, list[str]], dict[str, dict[str, list[str]]]]:
    common = _sections(SEED_DIR / "_umum.txt")
    by_category = {path.stem: _sections(path) for path in sorted(SEED_DIR.glob("*.txt"))
                   if not path.stem.startswith("_")}
    return common, by_category


def _informal(text: str, rng: random.Random) -> str:
    words = []
    for word in text.lower().replace(",", " ").replace(".", " ").split():
        options = _INFORMAL.get(word)
        words.append(rng.choice(options) if options and rng.random() < 0.7 else word)
    if rng.random() < 0.3:
        words.append(rng.choice(["min", "pak", "bgt", "ya", "dong", "tolong"]))
    return " ".join(words)


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1:]
    if kind == 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + word[i] + word[i:]


def _with_typos(text: str, rng: random.Random) -> str:
    words = text.split()
    for _ in range(max(1, len(words) // 8)):
        i = rng.randrange(len(words))
        words[i] = _typo(words[i], rng)
    return " ".join(words)


def _register(text: str, rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for name, share in _REGISTERS:
        total += share
        if roll < total:
            break
    if name == "informal":
        return _informal(text, rng)
    if name == "typo":
        return _with_typos(_informal(text, rng) if rng.random() < 0.5 else text, rng)
    if name == "caps":
        return text.upper()
    return text


def _sentence(core: str) -> str:
    return core[0].upper() + core[1:] + "."


def _message(core: str, parts: dict[str, list[str]], common: dict[str, list[str]],
             rng: random.Random) -> str:
    body = core
    if rng.random() < 0.55:
        body = f"{body} {rng.choice(common['tempat'])}"
    if rng.random() < 0.4:
        body = f"{body} {rng.choice(common['waktu'])}"
    pieces = [_sentence(body)]
    if rng.random() < 0.45 and parts.get("rincian"):
        pieces.append(rng.choice(parts["rincian"]).capitalize())
    if rng.random() < 0.45:
        pieces.insert(0, rng.choice(common["pembuka"]))
    if rng.random() < 0.55:
        pieces.append(rng.choice(common["penutup"]))
    return _register(" ".join(pieces), rng)


def seed_examples(per_category: int = PER_CATEGORY) -> list[Example]:
    """The whole seed corpus, the same on every call."""
    common, by_category = fragments()
    examples = []
    for category, parts in by_category.items():
        rng = random.Random(f"aduan-seed-{category}")
        cores = parts["masalah"]
        for i in range(per_category):
            group = i % len(cores)
            examples.append(Example(_message(cores[group], parts, common, rng), category, group))
    return examples


def group_split(examples: list[Example], every: int = 5) -> tuple[list[Example], list[Example]]:
    """Split so that every ``every``-th problem of each category is held out entirely."""
    train = [e for e in examples if e.group % every != every - 1]
    held = [e for e in examples if e.group % every == every - 1]
    return train, held
