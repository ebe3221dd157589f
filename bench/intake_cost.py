"""Per-report cost of intake and routing in one process (queries, CPU ms): less moved by
other work on the machine than the rates of bench/intake.py.

    ADUAN_RATE_LIMITS=off ADUAN_ROUTING=task aduan shell -c "exec(open('bench/intake_cost.py').read())"
"""
import sys, time
sys.path.insert(0, "bench")
from intake import payload
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.db import connection
from aduan.routing.services import route_pending
c = Client()
base = int(time.time() * 10) % 10**7 * 10
def post(i):
    r = c.post("/api/v1/reports", payload(base + i), content_type="application/json")
    assert r.status_code == 201, r.content
while route_pending(limit=500): pass
for i in range(20): post(i)
route_pending(limit=500)
with CaptureQueriesContext(connection) as ctx:
    for i in range(20, 40): post(i)
qs = len(ctx.captured_queries) / 20
n = 400
cpu = time.process_time()
for i in range(40, 40 + n): post(i)
sub_cpu = 1000 * (time.process_time() - cpu) / n
total = k = 0
cpu = time.process_time()
with CaptureQueriesContext(connection) as ctx:
    while (x := route_pending()): k += x; total += 1
route_cpu = 1000 * (time.process_time() - cpu) / k
print(f"submission: {qs:.1f} queries, {sub_cpu:.2f} ms CPU (in-process client); routing: {k} reports in {total} batches, "
      f"{len(ctx.captured_queries) / total:.1f} queries per batch, {route_cpu:.2f} ms CPU per report")
