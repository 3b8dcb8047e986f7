"""How good the recommended lead unit and the similar suggestions are, on the
demo province's varied history (suggestions.demo_history; built when missing).

- Lead unit: past assignments split by time, the earlier ``--train`` share is
  the history, the later items are asked; top-1 and top-3 accuracy against
  each item's final lead unit (after approved re-assignments), with the
  functions keywords alone as the baseline; and how often a re-assigned
  item's final unit was in the first three.
- Similar suggestions: for every item staff merged, the five most similar
  items: hit@5 (its merge partner among them) and precision@5 (the share of
  the five on the same problem, known from the generator's phrasings).

Timings are the mean per call on this database (figures, not a test)."""
import datetime
import random
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from congress_portal.accounts.models import User
from deputies.models import Congress, Deputy, HandlingUnit, Level, MandateStatus
from deputies.scoping import units_for_congress
from suggestions import recommend, similarity
from suggestions.demo_history import build_history
from suggestions.demo_texts import PROBLEMS
from suggestions.models import Assignment, Decision, MergeLink, ReassignmentRequest, Status, Suggestion, UnitRole
from suggestions.unit_functions import seed_unit_functions


# Before any assignment: the recommendation from the functions keywords alone.
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def problem_of(content):
    """The generator's problem a text was written on (its issue phrasing), or None."""
    for unit, items in PROBLEMS.items():
        for n, (_titles, issues, _causes, _asks, _confusable) in enumerate(items):
            if any(issue in content for issue in issues):
                return f"{unit}-{n}"
    return None


class Command(BaseCommand):
    help = "Lead-unit recommendation (top-1/top-3, time split) and similar-suggestion precision@5 on merged pairs."

    def add_arguments(self, parser):
        parser.add_argument("--items", type=int, default=800, help="history items to build when fewer exist")
        parser.add_argument("--train", type=float, default=0.7, help="share of the earliest assignments used as history")

    def handle(self, *args, items=800, train=0.7, **options):
        self._ensure_data(items)
        with connection.cursor() as cursor:  # what autovacuum does after many inserts: the n-gram statistics
            cursor.execute("ANALYZE suggestions_suggestion")
        rows = list(
            Suggestion.objects.filter(assigned_at__isnull=False).exclude(status=Status.MERGED)
            .order_by("assigned_at", "pk").values_list("pk", "title", "content", "assigned_at")
        )
        final = dict(
            Assignment.objects.filter(suggestion_id__in=[r[0] for r in rows], is_active=True, role=UnitRole.LEAD)
            .values_list("suggestion_id", "unit_id")
        )
        moved = set(
            ReassignmentRequest.objects.filter(decision=Decision.APPROVED, assignment__role=UnitRole.LEAD)
            .values_list("assignment__suggestion_id", flat=True)
        )
        split = int(len(rows) * train)
        cutoff = rows[split][3]
        test = [r for r in rows[split:] if r[0] in final]
        self.stdout.write(f"history: {split} items assigned before {cutoff:%Y-%m-%d}; test: {len(test)} later items "
                          f"({sum(1 for r in test if r[0] in moved)} re-assigned)")
        for label, before in (("functions keywords only", _EPOCH), ("functions + history", cutoff)):
            self._lead_accuracy(label, test, final, moved, before)
        self._similar_precision()

    def _ensure_data(self, items):
        if not HandlingUnit.objects.exists():
            call_command("seed_deputies", stdout=self.stdout)
        seed_unit_functions()
        have = Suggestion.objects.filter(assigned_at__isnull=False).count()
        if have >= items:
            return
        staff = User.objects.filter(username="staff").first() or User.objects.filter(is_superuser=True).first()
        deputies = list(
            Deputy.objects.filter(mandates__level=Level.PROVINCIAL, mandates__status=MandateStatus.SERVING)
            .distinct().order_by("pk")[:300]
        )
        # Provincial deputies' items go to units that may answer the provincial congress (as the demo's history).
        province = Congress.objects.filter(level=Level.PROVINCIAL).order_by("pk").first()
        units = {u.short_name: u for u in units_for_congress(province).filter(is_active=True) if u.short_name}
        self.stdout.write(f"building {items - have} history items through the services ...")
        started = time.monotonic()
        made = build_history(count=items - have, staff=staff, deputies=deputies, units=units, rng=random.Random(7),
                             log=self.stdout.write)
        self.stdout.write(f"built {made} in {time.monotonic() - started:.0f}s")

    def _lead_accuracy(self, label, test, final, moved, before):
        top1 = top3 = moved_top3 = moved_n = 0
        started = time.monotonic()
        for pk, title, content, _at in test:
            leads, _co = recommend.recommend_units(title=title, content=content, before=before, exclude=[pk])
            ids = [r.unit.pk for r in leads[:3]]
            top1 += bool(ids) and ids[0] == final[pk]
            top3 += final[pk] in ids
            if pk in moved:
                moved_n += 1
                moved_top3 += final[pk] in ids
        n = len(test) or 1
        ms = 1000 * (time.monotonic() - started) / n
        self.stdout.write(
            f"lead unit, {label}: top-1 {100 * top1 / n:.1f}%  top-3 {100 * top3 / n:.1f}%  "
            f"re-assigned items' final unit in top-3 {moved_top3}/{moved_n}"
            f"{f' ({100 * moved_top3 / moved_n:.0f}%)' if moved_n else ''}  ({ms:.1f} ms per call)"
        )

    def _similar_precision(self):
        links = list(MergeLink.objects.select_related("suggestion", "lead"))
        if not links:
            self.stdout.write("similar suggestions: no merged pairs")
            return
        scope = Suggestion.objects.submitted()
        contents = {}
        hits = relevant = asked = 0
        started = time.monotonic()
        for link in links:
            for query, partner in ((link.suggestion, link.lead), (link.lead, link.suggestion)):
                found = similarity.similar(scope, title=query.title, content=query.content, limit=5, exclude=[query.pk])
                ids = [m.pk for m in found]
                missing = [pk for pk in ids if pk not in contents]
                contents.update(Suggestion.objects.filter(pk__in=missing).values_list("pk", "content"))
                key = problem_of(query.content)
                hits += partner.pk in ids
                relevant += sum(1 for pk in ids if key and problem_of(contents[pk]) == key)
                asked += 1
        ms = 1000 * (time.monotonic() - started) / asked
        self.stdout.write(
            f"similar suggestions on {len(links)} merged pairs ({asked} queries): hit@5 {100 * hits / asked:.1f}%  "
            f"precision@5 (same problem) {100 * relevant / (5 * asked):.1f}%  ({ms:.1f} ms per query)"
        )


