"""Request ids for log lines, and the JSON log format (``ADUAN_LOG_FORMAT=json``).

The ops middleware sets the current request's id (``X-Request-ID``); every log
line written while that request runs carries it, so one request's lines can be
found across the web process, and the id is returned to the caller for a
support ticket. The formatter writes only the record's own message and its
exception type: no request bodies, headers, addresses or query strings, so no
personal data enters the log through it.
"""

import contextvars
import json
import logging
import time

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("aduan_request_id", default="")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, exception type."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if getattr(record, "request_id", ""):
            line["request_id"] = record.request_id
        if record.exc_info and record.exc_info[0] is not None:
            line["exception"] = record.exc_info[0].__name__
            line["stack"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)
