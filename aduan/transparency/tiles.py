"""The tile-grid cartogram of Indonesia's 38 provinces: one square per province, placed roughly
where the province lies (no boundary data is shipped: none with a suitable licence was at hand;
ADR 0009). Positions live in ``web/static/stats/stats.css`` as ``.tile-<code>`` classes.
"""

# Province code -> short label shown on the tile (the full name is in the table beside it).
TILES = {
    "11": "ACE", "12": "SUT", "13": "SUB", "14": "RIA", "15": "JAM", "16": "SUS", "17": "BEN",
    "18": "LAM", "19": "BBL", "21": "KEP", "31": "DKI", "32": "JBR", "33": "JTG", "34": "DIY",
    "35": "JTM", "36": "BAN", "51": "BAL", "52": "NTB", "53": "NTT", "61": "KBR", "62": "KTG",
    "63": "KSL", "64": "KTM", "65": "KTR", "71": "SLU", "72": "SLT", "73": "SLS", "74": "SLG",
    "75": "GOR", "76": "SLB", "81": "MAL", "82": "MLU", "91": "PAP", "92": "PPB", "93": "PPS",
    "94": "PPT", "95": "PPP", "96": "PBD",
}
SHADES = 5


def shade_tiles(values: dict[str, float | int | None], names: dict[str, str]) -> list[dict]:
    """A tile per province with a shade 0 (no data) .. 5 (highest) by its value."""
    known = [v for v in values.values() if v is not None]
    top = max(known, default=0) or 1
    tiles = []
    for code, label in TILES.items():
        value = values.get(code)
        shade = 0 if value is None else min(SHADES, 1 + int((SHADES - 1) * value / top))
        tiles.append({"code": code, "label": label, "name": names.get(code, code),
                      "value": value, "shade": shade})
    return tiles
