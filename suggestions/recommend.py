"""The recommended handling units of a suggestion, each with its reasons.

Two sources, added up per unit:

- **history**: the most similar items already assigned (``similarity``) and
  where they went. The assignments table is the history, so the
  recommendation learns from every assignment as it is made: an item's
  *active* lead (or split) unit counts for it; a unit an item was moved off by
  an approved re-assignment counts against it (the final unit is the active
  one). Co-handling units of similar items make the likely co-units.
- **functions**: the unit's 职能关键词 (``UnitFunctions``, edited by staff,
  seeded from the departments' published functions) found in the text; a
  word in the title weighs more. On a fresh database this alone decides.

Work per call: one candidate query and one ranking (``similarity``), one
query for the similar items' assignments, one for the units' functions."""
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from deputies.scoping import units_for_congress

from . import similarity
from .models import Assignment, AssignmentState, Decision, ReassignmentRequest, Status, Suggestion, UnitFunctions, UnitRole

SIMILAR_ITEMS = 10
KEYWORD_WEIGHT = 0.35
TITLE_BONUS = 0.5
MOVED_OFF_PENALTY = 0.5


@dataclass
class Recommendation:
    unit: object
    score: float = 0.0
    keywords: list = field(default_factory=list)  # functions keywords found in the text
    precedents: list = field(default_factory=list)  # (suggestion, similarity) that went to this unit
    moved_off: list = field(default_factory=list)  # similar items re-assigned away from this unit

    @property
    def reasons(self):
        lines = []
        if self.precedents:
            items = "；".join(f"{s}（相似度{score:.0%}）" for s, score in self.precedents[:3])
            lines.append(_("相似的已交办建议由该单位主办：%(items)s") % {"items": items})
        if self.keywords:
            lines.append(_("职能关键词：%(words)s") % {"words": "、".join(self.keywords[:8])})
        if self.moved_off:
            lines.append(_("相似建议曾从该单位调整出：%(items)s") % {"items": "；".join(str(s) for s in self.moved_off[:3])})
        return lines

    def as_dict(self):
        return {
            "unit": {"id": self.unit.pk, "name": str(self.unit)},
            "score": round(self.score, 3),
            "keywords": self.keywords,
            "precedents": [
                {"id": s.pk, "number": s.number_label, "title": s.title, "similarity": score} for s, score in self.precedents[:3]
            ],
            "reasons": self.reasons,
        }


def history_queryset(before=None):
    """Items whose units are known: assigned (not merged into another), before ``before`` if given."""
    queryset = Suggestion.objects.filter(assigned_at__isnull=False).exclude(status=Status.MERGED)
    if before is not None:
        queryset = queryset.filter(assigned_at__lt=before)
    return queryset


def keyword_matches(title, content, functions):
    """{unit_id: (score, [keywords])} of the units whose functions keywords appear in the text."""
    title, content = (title or "").lower(), (content or "").lower()
    found = {}
    for row in functions:
        words = [w for w in row.keyword_list if w.lower() in title or w.lower() in content]
        if words:
            # A longer keyword is more specific (基本养老金 over 养老): it weighs its bigrams.
            score = sum(max(len(w) - 1, 1) * (1 + (TITLE_BONUS if w.lower() in title else 0)) for w in words)
            found[row.unit_id] = (score, words)
    return found


def recommend_units(*, title, content="", limit=3, before=None, exclude=(), congress=None):
    """The ``limit`` likeliest lead units and the likeliest co-units:
    ``(leads, co_units)``, each a list of Recommendation, best first.
    With ``congress``: only units that may answer its items, and precedents of
    its own items (another congress's items are not its staff's to see)."""
    functions = UnitFunctions.objects.select_related("unit").filter(unit__is_active=True)
    history = history_queryset(before)
    serving = None
    if congress is not None:
        serving = set(units_for_congress(congress).values_list("pk", flat=True))
        functions = functions.filter(unit_id__in=serving)
        history = history.filter(congress=congress)
    functions = list(functions)
    by_unit = {}

    def entry(unit):
        if unit.pk not in by_unit:
            by_unit[unit.pk] = Recommendation(unit)
        return by_unit[unit.pk]

    for unit_id, (score, words) in keyword_matches(title, content, functions).items():
        unit = next(row.unit for row in functions if row.unit_id == unit_id)
        rec = entry(unit)
        # 1 - 1/(1+x): more words, more weight, never more than one similar item's worth
        rec.score += KEYWORD_WEIGHT * (1 - 1 / (1 + score / 4))
        rec.keywords = words

    matches = similarity.similar(history, title=title, content=content, limit=SIMILAR_ITEMS, exclude=exclude)
    co = defaultdict(float)
    co_units = {}
    if matches:
        scores = {m.pk: m.score for m in matches}
        items = Suggestion.objects.in_bulk(list(scores))
        assignments = list(
            Assignment.objects.filter(suggestion_id__in=list(scores)).select_related("unit").order_by("pk")
        )
        moved_off = set(
            ReassignmentRequest.objects.filter(
                assignment__suggestion_id__in=list(scores), decision=Decision.APPROVED
            ).values_list("assignment_id", flat=True)
        )
        for a in assignments:
            if serving is not None and a.unit_id not in serving:
                continue
            sim, item = scores[a.suggestion_id], items[a.suggestion_id]
            if a.is_active and a.role in (UnitRole.LEAD, UnitRole.SPLIT):
                rec = entry(a.unit)
                rec.score += sim if a.role == UnitRole.LEAD else sim / 2
                rec.precedents.append((item, sim))
            elif a.is_active and a.role == UnitRole.CO:
                co[a.unit_id] += sim
                co_units[a.unit_id] = a.unit
            elif a.pk in moved_off and a.state == AssignmentState.WITHDRAWN and a.role != UnitRole.CO:
                rec = entry(a.unit)
                rec.score -= MOVED_OFF_PENALTY * sim
                rec.moved_off.append(item)
    ranked = sorted((r for r in by_unit.values() if r.score > 0), key=lambda r: (-r.score, r.unit.pk))
    leads = ranked[:limit]
    chosen = {r.unit.pk for r in leads[:1]}
    co_ranked = []
    for unit_id, score in sorted(co.items(), key=lambda kv: -kv[1]):
        if unit_id not in chosen:
            co_ranked.append(Recommendation(co_units[unit_id], score=score, keywords=by_unit.get(unit_id, Recommendation(None)).keywords))
    # Units whose functions match but that did not come first are likely co-units too.
    for rec in ranked[1:]:
        if rec.keywords and rec.unit.pk not in chosen and all(c.unit.pk != rec.unit.pk for c in co_ranked):
            co_ranked.append(Recommendation(rec.unit, score=rec.score * 0.5, keywords=rec.keywords))
    return leads, co_ranked[:limit]
