"""Every user-facing string has an Indonesian translation, and the compiled catalogue is current."""

import gettext
import re
from pathlib import Path

PO = Path(__file__).resolve().parents[1] / "aduan/locale/id/LC_MESSAGES/django.po"
MO = PO.with_suffix(".mo")


def _entries(text: str):
    """(msgid, msgstr, flags) of each entry of a .po file.

    For a plural entry the msgstr is the first form (Indonesian has one) and the flags
    carry "plural".
    """
    for block in text.split("\n\n"):
        lines = block.strip().splitlines()
        flags = " ".join(line for line in lines if line.startswith("#,"))
        current, parts = None, {"msgid": [], "msgstr": [], "msgid_plural": [], "other": []}
        for line in lines:
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgid_plural|msgid|msgstr)(\[\d+\])? "(.*)"$', line)
            if match:
                current = match.group(1)
                if match.group(2) not in (None, "[0]"):
                    current = "other"
                parts[current].append(match.group(3))
            elif line.startswith('"') and current:
                parts[current].append(line[1:-1])
        msgid = "".join(parts["msgid"])
        if msgid:
            yield msgid, "".join(parts["msgstr"]), flags + (" plural" if parts["msgid_plural"]
                                                            else "")


def test_every_string_is_translated_to_indonesian():
    entries = list(_entries(PO.read_text(encoding="utf-8")))
    assert len(entries) > 150
    untranslated = [msgid for msgid, msgstr, _flags in entries if not msgstr]
    fuzzy = [msgid for msgid, _msgstr, flags in entries if "fuzzy" in flags]
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy


def test_compiled_catalogue_matches_the_source():
    with open(MO, "rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog
    for msgid, msgstr, _flags in _entries(PO.read_text(encoding="utf-8")):
        text = msgid.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        expected = msgstr.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        key = (text, 0) if "plural" in _flags else text
        assert catalog.get(key) == expected, f"recompile the catalogue: {msgid!r}"
