"""What this machine can answer at all, for bench/channels.py --ceiling (not part of the site).

``raw``: a bare WSGI callable answering 200 (gunicorn and the client alone).
``django``: Aduan's own settings and middleware with one extra view that reads the body and
answers JSON, touching no database (Django's floor for a POST); bench/channels.py posts to it
under the full stack (``/bench/trivial``) and under the doors' short way
(``/channels/bench-trivial``).
Pick one with ADUAN_BENCH_CEILING.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")


def raw(environ, start_response):
    environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    body = b'{"status": "accepted"}'
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(body)))])
    return [body]


def _django():
    import django

    django.setup()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler

    settings.ROOT_URLCONF = "ceiling_urls"
    return WSGIHandler()


application = raw if os.environ.get("ADUAN_BENCH_CEILING") == "raw" else _django()
