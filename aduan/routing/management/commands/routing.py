"""``aduan routing train|evaluate|rules|corpus``: the router's operator commands."""

import csv
import json as jsonlib
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from aduan.agencies.models import Level, RuleSource
from aduan.agencies.rules import RuleError, rule_delete, rule_list, rule_set, rules_load_defaults

from ...corpus import seed_examples
from ...evaluation import coldstart_figures
from ...models import ClassifierModel, ModelKind
from ...training import active_category_model, history_labels, train, train_category


class Command(BaseCommand):
    help = "Train and evaluate the router, and manage routing rules."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        t = sub.add_parser("train", help="Train on the seed corpus and this site's history.")
        t.add_argument("--if-missing", action="store_true",
                       help="Only if no category model exists yet (used by setup).")
        t.add_argument("--seed-only", action="store_true", help="Ignore the history.")
        e = sub.add_parser("evaluate", help="Held-out figures of a fresh training run, and "
                           "cold-start figures of the active model.")
        e.add_argument("--json", action="store_true")
        for parser_ in (t, e):
            parser_.add_argument("--per-category", type=int, default=None,
                                 help="Seed messages per category (default: the whole corpus).")
        rules = sub.add_parser("rules", help="List, set or delete routing rules.")
        rsub = rules.add_subparsers(dest="rules_action", required=True)
        listing = rsub.add_parser("list")
        listing.add_argument("--category")
        listing.add_argument("--region", help="Rules for this region and the ones above it.")
        listing.add_argument("--source", choices=RuleSource.values)
        for name in ("set", "delete"):
            p = rsub.add_parser(name)
            p.add_argument("--category", required=True)
            p.add_argument("--region", default="", help="Empty: nationwide.")
            p.add_argument("--level", required=True, choices=Level.values)
            if name == "set":
                p.add_argument("--agency", required=True)
                p.add_argument("--note", default="")
        rsub.add_parser("load-defaults", help="Regenerate the default rules.")
        c = sub.add_parser("corpus", help="Write the seed corpus as CSV (category,text).")
        c.add_argument("--output", default="-")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _train(self, *, if_missing=False, seed_only=False, per_category=None, **_options):
        if if_missing and ClassifierModel.objects.filter(kind=ModelKind.CATEGORY,
                                                         active=True).exists():
            self.stdout.write("category model present; not retrained")
            return
        started = time.perf_counter()
        result = train(per_category=per_category, use_history=not seed_only)
        category = result.metrics["category"]
        self.stdout.write(f"category model {result.category_model_id}: held-out top1 "
                          f"{category['top1']:.3f}, threshold {category['threshold']:.3f}, "
                          f"auto share {category['auto_share']:.3f}")
        if result.agency_model_id:
            agency = result.metrics["agency"]
            self.stdout.write(f"agency model {result.agency_model_id}: held-out top1 "
                              f"{agency['top1']:.3f}, threshold {agency['threshold']:.3f}")
        else:
            self.stdout.write("agency model: not enough routed history yet")
        self.stdout.write(f"trained in {time.perf_counter() - started:.1f}s")

    def _evaluate(self, *, json=False, per_category=None, **_options):
        history = history_labels()
        seed = seed_examples(per_category) if per_category else seed_examples()
        model, _count = train_category(seed, history,
                                       settings.ADUAN["AUTO_DISPATCH_PRECISION"])
        figures = {"held_out": model.metrics, "history_labels": len(history),
                   "coldstart": coldstart_figures(active_category_model()[1])}
        if json:
            self.stdout.write(jsonlib.dumps(figures))
            return
        held = figures["held_out"]
        self.stdout.write(f"held-out ({held['held_out']} messages, unseen problems): top1 "
                          f"{held['top1']:.3f} top3 {held['top3']:.3f} macro_f1 "
                          f"{held['macro_f1']:.3f} coverage_at_95 {held['coverage_at_95']:.3f} "
                          f"threshold {held['threshold']:.3f}")
        cold = figures["coldstart"]
        self.stdout.write(f"cold start, active model on {cold['messages']} hand-written "
                          f"messages: top1 {cold['top1']:.3f} top3 {cold['top3']:.3f} "
                          f"coverage_at_95 {cold['coverage_at_95']:.3f} auto share "
                          f"{cold['auto_share_at_threshold']:.3f} precision "
                          f"{cold['auto_precision_at_threshold']}")

    def _rules(self, *, rules_action, **options):
        try:
            if rules_action == "list":
                for rule in rule_list(category=options.get("category"),
                                      region=options.get("region"), source=options.get("source")):
                    self.stdout.write(f"{rule.category_id:<24} {rule.region_id or '*':<14} "
                                      f"{rule.level:<15} {rule.agency_id:<40} {rule.source}")
            elif rules_action == "set":
                rule = rule_set(category=options["category"], region=options["region"] or None,
                                level=options["level"], agency=options["agency"],
                                note=options["note"])
                self.stdout.write(f"rule set: {rule}")
            elif rules_action == "delete":
                if not rule_delete(category=options["category"],
                                   region=options["region"] or None, level=options["level"]):
                    raise CommandError("No such rule.")
                self.stdout.write("rule deleted")
            else:
                self.stdout.write(f"{rules_load_defaults()} default rules loaded")
        except RuleError as exc:
            raise CommandError(str(exc)) from None

    def _corpus(self, *, output="-", **_options):
        out = self.stdout if output == "-" else open(output, "w", newline="", encoding="utf-8")
        try:
            writer = csv.writer(out)
            writer.writerow(["category", "text"])
            for example in seed_examples():
                writer.writerow([example.category, example.text])
        finally:
            if out is not self.stdout:
                out.close()
