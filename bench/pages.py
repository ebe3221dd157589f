"""Page benchmark: server time of every portal and back-office page with a million reports.

Fills a PostgreSQL database set-based (COPY of generated tracking IDs, then INSERT ...
SELECT over generate_series for reports, their events and access rows, as the services
would leave them), then renders each page in-process through Django's test client and
prints the median and p95 server time per page. Nothing here fails on timing.

    python bench/pages.py [--n 1000000] [--runs 30] [--reuse]

ADUAN_BENCH_PG (server URL) and ADUAN_BENCH_PAGES_DB (database name, dropped and
recreated unless --reuse finds it filled) say where it runs.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG = os.environ.get("ADUAN_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("ADUAN_BENCH_PAGES_DB", "aduan_bench_pages")
SECRET = "bench-secret-key-not-for-production-0123456789abcdef"
PIN = "12345678"

WORDS = ("jalan rusak berlubang sampah menumpuk lampu mati air keruh bantuan belum cair antre "
         "lama petugas tidak ramah banjir saluran tersumbat parkir liar pungutan liar sekolah "
         "puskesmas obat kosong KTP akta listrik padam trotoar jembatan retak").split()
# Status mix of a mature system: most reports are done.
STATUS_MIX = [("closed", 45), ("in_progress", 13), ("dispatched", 12), ("responded", 10),
              ("archived", 10), ("submitted", 6), ("needs_info", 4)]


def env() -> dict:
    return {**os.environ, "DATABASE_URL": f"{PG}/{DB}", "ADUAN_SECRET_KEY": SECRET,
            "ADUAN_VAR_DIR": str(ROOT / "var" / "bench-pages"), "ADUAN_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "aduan.settings", "ADUAN_EMAIL": "file"}


def psql(sql: str, db: str = DB) -> str:
    return subprocess.run(["psql", f"{PG}/{db}", "-qAtc", sql], check=True,
                          capture_output=True, text=True).stdout.strip()


def report_count() -> int:
    try:
        return int(psql("SELECT count(*) FROM reports_report") or 0)
    except subprocess.CalledProcessError:
        return -1


def create_database() -> None:
    psql(f"DROP DATABASE IF EXISTS {DB}", "postgres")
    psql(f"CREATE DATABASE {DB}", "postgres")
    for command in (["setup"], ["demo"]):
        subprocess.run([str(BIN / "aduan"), *command], env=env(), check=True,
                       capture_output=True)


def _status_case() -> str:
    """A CASE over g that gives each report a status with the mix above."""
    bounds, total = [], 0
    for status, share in STATUS_MIX:
        total += share
        bounds.append(f"WHEN g % 100 < {total} THEN '{status}'")
    return "CASE " + " ".join(bounds) + " END"


def _indexes(tables: list[str]) -> list[tuple[str, str]]:
    rows = psql("SELECT indexname || '|' || indexdef FROM pg_indexes WHERE tablename IN ("
                + ",".join(f"'{t}'" for t in tables) + ") AND indexname NOT IN "
                "(SELECT conname FROM pg_constraint)")
    return [tuple(line.split("|", 1)) for line in rows.splitlines() if line]


def fill(n: int) -> None:
    """Insert n reports with events and access rows, set-based, indexes built afterwards."""
    import psycopg

    sys.path.insert(0, str(ROOT))
    from aduan.lib import pins, tracking

    started = time.perf_counter()
    indexes = _indexes(["reports_report", "reports_reportevent", "reports_reportaccess"])
    pin_hash = pins.make_hash(PIN, SECRET)
    with psycopg.connect(f"{PG}/{DB}", autocommit=True) as conn:
        for name, _definition in indexes:
            conn.execute(f"DROP INDEX {name}")
        conn.execute("CREATE TEMP TABLE ids (g int PRIMARY KEY, tid text)")
        with conn.cursor().copy("COPY ids (g, tid) FROM STDIN") as copy:
            seen = set()
            for g in range(1, n + 1):
                tid = tracking.generate()
                while tid in seen:
                    tid = tracking.generate()
                seen.add(tid)
                copy.write_row((g, tid))
        _fill_sql(conn, n, pin_hash)
        print(f"  {n} reports inserted in {time.perf_counter() - started:.0f} s; "
              "building indexes", flush=True)
        for _name, definition in indexes:
            conn.execute(definition)
        conn.execute("ANALYZE")
    print(f"  filled in {time.perf_counter() - started:.0f} s", flush=True)


def _fill_sql(conn, n: int, pin_hash: str) -> None:
    words = "(ARRAY[" + ",".join(f"'{w}'" for w in WORDS) + "])"
    w = len(WORDS)
    conn.execute("""CREATE TEMP TABLE places AS SELECT row_number() OVER (ORDER BY code) AS i,
        code FROM agencies_region WHERE level = 4 AND code LIKE '35.%'""")
    conn.execute("""CREATE TEMP TABLE holders AS SELECT row_number() OVER (ORDER BY code) AS i,
        code FROM agencies_agency WHERE kind NOT IN ('national_manager', 'supervisor')
        AND (code LIKE 'pemkot-surabaya%' OR code LIKE 'pemprov-jawa-timur%'
             OR code LIKE 'pemkab-%' OR code LIKE 'pemkot-%')""")
    conn.execute("CREATE TEMP TABLE cats AS SELECT row_number() OVER (ORDER BY code) AS i, code "
                 "FROM agencies_category")
    conn.execute("CREATE TEMP TABLE citizens AS SELECT row_number() OVER (ORDER BY id) AS i, id "
                 "FROM accounts_user WHERE NOT EXISTS (SELECT 1 FROM agencies_membership m "
                 "WHERE m.user_id = accounts_user.id)")
    counts = {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
              for t in ("places", "holders", "cats", "citizens")}
    status = _status_case()
    first_id = int(conn.execute("SELECT COALESCE(max(id), 0) FROM reports_report")
                   .fetchone()[0]) + 1
    conn.execute(f"""
    INSERT INTO reports_report (tracking_id, kind, title, body, public_title, public_body,
      occurred_on, region_id, province_code, regency_code, address, category_id,
      anonymous, confidential, channel, reporter_id, reporter_name, reporter_email,
      reporter_phone, pin_hash, pin_failures, status, status_before_info, holder_id,
      received_at, created_at, updated_at, published_at, dispatched_at, responded_at,
      closed_at, verification_due, followup_due, resolution_due, reply_due, autoclose_due,
      info_due, paused_at, paused_workdays, severity, escalation_level, forward_count, return_count, reopen_count, rating, rating_comment,
      archive_reason, archive_note)
    SELECT ids.tid,
      CASE WHEN g % 10 = 0 THEN 'information_request' WHEN g % 10 = 1 THEN 'aspiration'
           ELSE 'complaint' END,
      t.title, t.body, t.title, t.body, (t.received - interval '1 day')::date,
      p.code, substr(p.code, 1, 2), substr(p.code, 1, 5), 'Jl. Contoh No. ' || g, c.code,
      g % 10 = 3, g % 20 = 7, CASE WHEN g % 3 = 0 THEN 'api' ELSE 'web' END,
      CASE WHEN g % 3 = 1 THEN (SELECT id FROM citizens WHERE i = 1 + g % {counts['citizens']})
      END,
      'Warga ' || g, 'warga' || g || '@contoh.id', '', '{pin_hash}', 0, t.status,
      CASE WHEN t.status = 'needs_info' THEN 'dispatched' ELSE '' END,
      CASE WHEN t.status IN ('submitted') AND g % 2 = 0 THEN NULL
           WHEN t.status IN ('submitted', 'needs_info') THEN NULL ELSE h.code END,
      t.received, t.received, t.received,
      CASE WHEN t.status NOT IN ('submitted', 'needs_info') THEN t.received + interval '1 day' END,
      CASE WHEN t.status NOT IN ('submitted', 'needs_info') THEN t.received + interval '1 day' END,
      CASE WHEN t.status IN ('responded', 'closed') THEN t.received + interval '6 days' END,
      CASE WHEN t.status = 'closed' THEN t.received + interval '12 days' END,
      t.received + interval '3 days', t.received + interval '8 days',
      t.received + interval '21 days',
      CASE WHEN t.status IN ('responded', 'closed') THEN t.received + interval '16 days' END,
      CASE WHEN t.status IN ('responded', 'closed') THEN t.received + interval '24 days' END,
      CASE WHEN t.status = 'needs_info' THEN t.received + interval '16 days' END,
      CASE WHEN t.status = 'needs_info' THEN t.received + interval '2 days' END, 0,
      CASE WHEN g % 7 = 0 THEN 'dispute' ELSE 'simple' END, 0, 0, 0, 0,
      CASE WHEN t.status = 'closed' THEN 1 + g % 5 END, '',
      CASE WHEN t.status = 'archived' THEN 'spam' ELSE '' END, ''
    FROM (
      SELECT g,
        {words}[1 + g % {w}] || ' ' || {words}[1 + (g / 7) % {w}] || ' di ' ||
          {words}[1 + (g / 3) % {w}] AS title,
        'Laporan nomor ' || g || ': ' || {words}[1 + g % {w}] || ' ' ||
          {words}[1 + (g / 5) % {w}] || ' ' || {words}[1 + (g / 11) % {w}] || ' sejak minggu '
          || 'lalu dan belum ada perbaikan dari petugas.' AS body,
        {status} AS status,
        now() - (g * interval '63 seconds') AS received
      FROM generate_series(1, {n}) AS g
    ) AS t
    JOIN ids USING (g)
    JOIN places p ON p.i = 1 + (t.g::bigint * 7919) % {counts['places']}
    JOIN holders h ON h.i = 1 + CASE WHEN t.g % 5 = 0 THEN t.g % 40 ELSE (t.g::bigint * 104729) %
      {counts['holders']} END
    JOIN cats c ON c.i = 1 + t.g % {counts['cats']}
    """)
    _fill_events(conn, first_id)


# (action, from, to, visibility, statuses that passed this step, timestamp column)
EVENTS = [
    ("submit", "", "submitted", "public", None, "received_at"),
    ("dispatch", "submitted", "dispatched", "public",
     "('dispatched','in_progress','responded','closed','needs_info')", "dispatched_at"),
    ("accept", "dispatched", "in_progress", "public", "('in_progress','responded','closed')",
     "dispatched_at + interval '1 day'"),
    ("respond", "in_progress", "responded", "public", "('responded','closed')", "responded_at"),
    ("close", "responded", "closed", "public", "('closed')", "closed_at"),
    ("archive", "submitted", "archived", "reporter", "('archived')", "received_at"),
    ("request_info", "dispatched", "needs_info", "reporter", "('needs_info')",
     "received_at + interval '2 days'"),
]


def _fill_events(conn, first_id: int) -> None:
    for action, source, target, visibility, statuses, at in EVENTS:
        where = f"WHERE id >= {first_id}" + (f" AND status IN {statuses}" if statuses else "")
        message = ("'Sudah kami tindak lanjuti di lapangan.'" if action == "respond" else "''")
        conn.execute(f"""INSERT INTO reports_reportevent (report_id, created_at, action,
            actor_role, from_status, to_status, to_agency_id, message, public_message, data,
            visibility)
            SELECT id, COALESCE({at}, received_at), '{action}',
              CASE WHEN '{action}' IN ('submit', 'close') THEN 'reporter' ELSE 'holder_admin'
              END, '{source}', '{target}', holder_id, {message}, {message}, '{{}}'::jsonb,
              '{visibility}' FROM reports_report {where}""")
    conn.execute("""INSERT INTO reports_reportaccess (report_id, agency_id, granted_at)
        SELECT r.id, up.code, r.dispatched_at FROM reports_report r
        JOIN agencies_agency a ON a.code = r.holder_id,
        LATERAL unnest(string_to_array(trim(both '/' from a.path), '/')) AS up(code)
        WHERE r.holder_id IS NOT NULL AND r.id >= %s""" % first_id)


# --- timing -------------------------------------------------------------------------


def _setup_django():
    os.environ.update(env())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _time(client, method: str, url: str, runs: int, data=None, before=None) -> list[float]:
    times = []
    for i in range(runs + 3):
        if before:
            before()
        start = time.perf_counter()
        response = client.post(url, data) if method == "POST" else client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code >= 400 and response.status_code != 422:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        if i >= 3:  # the first runs warm the connection and the template cache
            times.append(elapsed)
    return times


def _pages(sample: dict) -> list[tuple]:
    """(label, who, method, url, data, before) for every page."""
    from django.core.cache import cache

    tid, staff_tid, cursor = sample["public"], sample["staff"], sample["cursor"]
    return [
        ("home (counters cached)", None, "GET", "/", None, None),
        ("home (counters recomputed)", None, "GET", "/", None, cache.clear),
        ("report form", None, "GET", "/lapor/", None, None),
        ("report form: region picker step", None, "POST", "/lapor/",
         {"province": "35", "regency": "35.78", "_refine": "1", "title": "x"}, None),
        ("report form: submit", None, "POST", "/lapor/",
         {"kind": "complaint", "title": "Lampu mati", "body": "Gelap sejak Senin.",
          "category": "perhubungan", "province": "35", "regency": "35.78", "_send": "1"}, None),
        ("receipt", None, "GET", "/lapor/terkirim/", None, None),
        ("track form", None, "GET", "/lacak/", None, None),
        ("public listing", None, "GET", "/laporan/", None, None),
        ("public listing, page 2", None, "GET", f"/laporan/?cursor={cursor}", None, None),
        ("listing: search 'sampah'", None, "GET", "/laporan/?q=sampah+menumpuk", None, None),
        ("listing: category", None, "GET", "/laporan/?category=kesehatan", None, None),
        ("listing: regency", None, "GET", "/laporan/?region=35.78", None, None),
        ("listing: district", None, "GET", f"/laporan/?region={sample['district']}", None,
         None),
        ("listing: agency subtree", None, "GET", "/laporan/?agency=pemkot-surabaya", None, None),
        ("listing: status closed", None, "GET", "/laporan/?status=closed", None, None),
        ("report page (public)", None, "GET", f"/laporan/{tid}/", None, None),
        ("region children JSON", None, "GET", "/wilayah/?parent=35.78", None, None),
        ("region search JSON", None, "GET", "/wilayah/?q=sungai+pinang", None, None),
        ("agency search JSON", None, "GET", "/instansi/?q=dinas+kesehatan+surabaya", None, None),
        ("my reports (citizen)", "citizen", "GET", "/akun/laporan/?tab=selesai", None, None),
        ("staff login page", None, "GET", "/kantor/", None, None),
        ("dashboard (national)", "admin.nasional", "GET", "/kantor/", None, None),
        ("dashboard (city admin)", "admin.surabaya", "GET", "/kantor/", None, None),
        ("queue verify (national)", "admin.nasional", "GET", "/kantor/antrian/verify/", None,
         None),
        ("queue overdue (national)", "admin.nasional", "GET", "/kantor/antrian/overdue/", None,
         None),
        ("queue waiting (national)", "admin.nasional", "GET", "/kantor/antrian/waiting/", None,
         None),
        ("queue held (city admin)", "admin.surabaya", "GET", "/kantor/antrian/held/", None,
         None),
        ("queue overdue (city admin)", "admin.surabaya", "GET", "/kantor/antrian/overdue/",
         None, None),
        ("queue responded (city admin)", "admin.surabaya", "GET",
         "/kantor/antrian/responded/", None, None),
        ("queue held (unit admin)", "unit.dinkes.surabaya", "GET", "/kantor/antrian/held/",
         None, None),
        ("queue overdue (Ombudsman)", "pengawas.ombudsman", "GET", "/kantor/antrian/overdue/",
         None, None),
        ("report page (back office)", "admin.surabaya", "GET", f"/kantor/laporan/{staff_tid}/",
         None, None),
        ("report page (national)", "admin.nasional", "GET", f"/kantor/laporan/{staff_tid}/",
         None, None),
        ("staff search 'sampah'", "admin.surabaya", "GET", "/kantor/laporan/?q=sampah", None,
         None),
        ("staff list (city admin)", "admin.surabaya", "GET", "/kantor/laporan/", None, None),
        ("members (city admin)", "admin.surabaya", "GET", "/kantor/anggota/", None, None),
    ]


def _sample() -> dict:
    from aduan.reports.callers import ANONYMOUS
    from aduan.reports.models import Report
    from aduan.reports.selectors import ReportFilters, report_list

    public = (Report.objects.filter(status="closed", confidential=False)
              .order_by("-published_at").values_list("tracking_id", flat=True).first())
    staff = (Report.objects.filter(holder__path__startswith="/pemkot-surabaya/",
                                   status="in_progress")
             .order_by("-received_at").values_list("tracking_id", flat=True).first())
    _page, cursor = report_list(ANONYMOUS, ReportFilters(scope="public"))
    district = Report.objects.filter(region__isnull=False).values_list(
        "region_id", flat=True).first()[:8]
    return {"public": public, "staff": staff, "cursor": cursor, "district": district}


def measure(runs: int) -> None:
    _setup_django()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from aduan.reports.models import Report

    User = get_user_model()
    citizen = User.objects.filter(reports__isnull=False).first()
    sample = _sample()
    print(f"\n{Report.objects.count():,} reports; server time per page over {runs} runs "
          "(Django test client, in-process, PostgreSQL)\n")
    print(f"{'page':44} {'median ms':>10} {'p95 ms':>8}")
    clients: dict = {}
    worst = []
    for label, who, method, url, data, before in _pages(sample):
        client = clients.get(who)
        if client is None:
            client = clients[who] = Client()
            if who == "citizen":
                client.force_login(citizen)
            elif who:
                client.force_login(User.objects.get(username=who))
            client.get("/")  # the first request pays for imports and connections
        if label == "receipt":
            client.post("/lapor/", _pages(sample)[4][4])
        times = sorted(_time(client, method, url, runs, data, before))
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        worst.append((p95, label))
        print(f"{label:44} {statistics.median(times):10.1f} {p95:8.1f}", flush=True)
    print(f"\nslowest p95: {max(worst)[1]} ({max(worst)[0]:.1f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database if it already holds --n reports or more")
    args = parser.parse_args()
    if subprocess.run(["pg_isready", "-q", "-d", f"{PG}/postgres"]).returncode != 0:
        print("bench/pages.py: PostgreSQL is not reachable; skipped")
        return
    random.seed(1)
    if not (args.reuse and report_count() >= args.n):
        print(f"filling {DB} with {args.n:,} reports (set-based) ...", flush=True)
        create_database()
        fill(args.n)
    measure(args.runs)


if __name__ == "__main__":
    main()
