"""``aduan route``: route JSON lines from stdin, one JSON line out per line in.

Input lines: ``{"id": ..., "text": "...", "channel": "sms"}`` (``region_code`` and
``category`` may be added when a form gave them). Output lines: ``id``,
``category``, ``region_code``, ``province_code``, ``level``, ``agency``,
``confidence`` and ``candidates`` (top three). A line that cannot be read gets
``{"id": ..., "error": {"code": ..., "message": ...}}`` and the run goes on.
Lines are routed in batches, which is what makes thousands a second possible.
"""

import json
import sys

from django.core.management.base import BaseCommand

from aduan.routing.router import RouteInput, Router

BATCH = 256
MAX_TEXT = 10_000


def parse(line: str) -> tuple[object, RouteInput | None, dict | None]:
    """(id, input, error) for one line; exactly one of input and error is set."""
    try:
        data = json.loads(line)
    except ValueError:
        return None, None, {"code": "malformed_json", "message": "The line is not valid JSON."}
    if not isinstance(data, dict):
        return None, None, {"code": "invalid_input", "message": "Each line must be a JSON object."}
    ident, text = data.get("id"), data.get("text")
    if not isinstance(text, str) or not text.strip():
        return ident, None, {"code": "invalid_input", "message": "text must be non-empty text."}
    region, category = data.get("region_code"), data.get("category")
    if not isinstance(region, (str, type(None))) or not isinstance(category, (str, type(None))):
        return ident, None, {"code": "invalid_input",
                             "message": "region_code and category must be text when given."}
    item = RouteInput(text[:MAX_TEXT], region=region or None, category=category or None)
    return ident, item, None


class Command(BaseCommand):
    help = "Route JSON lines {id, text, channel} from stdin; write one JSON line per input."

    def handle(self, *args, **options):
        router = Router.load(all_rules=True)
        pending: list[tuple[object, RouteInput | None, dict | None]] = []
        for line in sys.stdin:
            if not line.strip():
                continue
            pending.append(parse(line))
            if len(pending) >= BATCH:
                self._flush(router, pending)
                pending = []
        self._flush(router, pending)

    def _flush(self, router: Router, pending: list) -> None:
        inputs = [item for _id, item, _err in pending if item is not None]
        routes = iter(router.route(inputs))
        out = []
        for ident, item, error in pending:
            if error is not None:
                out.append(json.dumps({"id": ident, "error": error}, ensure_ascii=False))
            else:
                out.append(json.dumps({"id": ident, **next(routes).as_dict()},
                                      ensure_ascii=False))
        if out:
            self.stdout.write("\n".join(out))
