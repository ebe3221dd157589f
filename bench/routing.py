"""Router benchmarks that need no outside data: cold start, `aduan route` throughput, training.

1. Cold start: the shipped model (trained on the seed corpus alone) on the hand-written
   messages of aduan/routing/data/coldstart_eval.csv, which share no fragment with the
   corpus: accuracy, top-3, and what the auto-dispatch threshold does on them.
2. `aduan route` throughput on one core (one BLAS thread, pinned to one CPU where taskset
   exists), JSON lines in and out through the real command on a prepared SQLite database.
3. Training time on 100,000 messages (generated from the seed fragments): the same
   procedure as `aduan routing train` (fit, calibrate on held-out problems, refit).

    python bench/routing.py [--messages 20000] [--train-size 100000]
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
os.environ.update(ONE_THREAD)

PLACES = ["di kec. Rungkut Surabaya", "Jaksel", "kab. Kukar", "di Kota Bandung", "Sby",
          "kel. Sungai Pinang Dalam Samarinda", "di Jatim", "", "", "di desa kami"]


def cold_start() -> None:
    from django.conf import settings

    from aduan.routing.corpus import seed_examples
    from aduan.routing.evaluation import coldstart_figures
    from aduan.routing.training import train_category

    started = time.perf_counter()
    model, _n = train_category(seed_examples(), [], settings.ADUAN["AUTO_DISPATCH_PRECISION"])
    seconds = time.perf_counter() - started
    figures = coldstart_figures(model)
    held = model.metrics
    print(f"seed corpus held-out (unseen problems): top1 {held['top1']:.3f} threshold "
          f"{held['threshold']:.3f} (trained in {seconds:.1f}s)")
    print(f"cold start on {figures['messages']} hand-written messages: top1 {figures['top1']:.3f}"
          f" top3 {figures['top3']:.3f}; above the threshold: "
          f"{figures['auto_share_at_threshold']:.3f} of messages, "
          f"{figures['auto_precision_at_threshold']} right")


def whole_router() -> None:
    """The whole router (category, place, level) on the labelled sets in the repository:
    the cold-start set (categories only) and the independent unseen sets, when present."""
    from aduan.routing.evaluation import figures_line, labelled_rows, router_figures
    from aduan.routing.gazetteer import DATA
    from aduan.routing.router import Router

    router = Router.load(all_rules=True)
    for name in ("coldstart_eval", "unseen_dev", "unseen_test"):
        path = DATA / f"{name}.csv"
        if path.exists():
            print(figures_line(name, router_figures(router, labelled_rows(path))))
        else:
            print(f"{name}: not in the repository, skipped")


def messages(n: int) -> list[str]:
    from aduan.routing.corpus import seed_examples

    rng = random.Random(7)
    corpus = seed_examples()
    lines = []
    for i in range(n):
        text = f"{rng.choice(corpus).text} {rng.choice(PLACES)}".strip()
        lines.append(json.dumps({"id": i, "text": text, "channel": "sms"}, ensure_ascii=False))
    return lines


def throughput(n: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="aduan-bench-route-"))
    try:
        env = {**os.environ, **ONE_THREAD, "ADUAN_VAR_DIR": str(workdir),
               "DATABASE_URL": f"sqlite:///{workdir / 'route.sqlite3'}",
               "ADUAN_LOG_LEVEL": "WARNING"}
        subprocess.run([str(BIN / "aduan"), "setup"], env=env, check=True, capture_output=True)
        pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
        lines = "\n".join(messages(n)) + "\n"
        for count, label in ((1, "start-up (1 message)"), (n, f"{n} messages")):
            payload = lines if count == n else lines.splitlines()[0] + "\n"
            started = time.perf_counter()
            out = subprocess.run([*pin, str(BIN / "aduan"), "route"], env=env, input=payload,
                                 check=True, capture_output=True, text=True).stdout
            elapsed = time.perf_counter() - started
            assert len(out.splitlines()) == count, "one output line per input line"
            if count == 1:
                startup = elapsed
                print(f"route {label}: {elapsed:.2f}s (loading model, gazetteer, rules)")
            else:
                print(f"route throughput, one core: {count / elapsed:,.0f} messages/s end to end; "
                      f"{count / (elapsed - startup):,.0f} messages/s after start-up")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def training_time(size: int) -> None:
    from django.conf import settings

    from aduan.routing.corpus import seed_examples
    from aduan.routing.training import train_category

    per_category = size // 22 + 1
    examples = seed_examples(per_category)[:size]
    started = time.perf_counter()
    train_category(examples, [], settings.ADUAN["AUTO_DISPATCH_PRECISION"])
    print(f"training on {len(examples):,} messages (fit, calibrate, refit): "
          f"{time.perf_counter() - started:.1f}s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--train-size", type=int, default=100_000)
    parser.add_argument("--whole", action="store_true",
                        help="Also evaluate the whole router (needs a migrated database).")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    import django

    django.setup()
    print(f"router benchmarks on {os.cpu_count()} CPUs (one BLAS thread)")
    cold_start()
    if args.whole:
        whole_router()
    throughput(args.messages)
    training_time(args.train_size)


if __name__ == "__main__":
    main()
