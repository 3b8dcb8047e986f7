"""Past suggestions for the demo and the recommendation benchmark: varied
texts (``demo_texts``) submitted, registered, assigned (some first to a unit
that asks to be re-assigned, approved to the right one; some with co-units),
some merged with another item on the same problem, replied, rated and
closed, all through the services, then dated back over the past years so that
the time split of ``bench_recommend`` has an earlier and a later part."""
import datetime

from django.db import transaction
from django.utils import timezone

from congress_portal.accounts.models import User

from . import services
from .demo_texts import generate
from .models import Assignment, ResultCategory, Satisfaction, Status, Suggestion, SuggestionCategory

REASSIGNED_SHARE = 0.12
CO_UNIT_SHARE = 0.3
MERGED_SHARE = 0.08


def _unit_user(unit, cache):
    if unit.pk not in cache:
        cache[unit.pk] = User.objects.filter(handling_unit=unit, role="unit").first() or User.objects.create_user(
            username=f"unit-{unit.code}".lower(), role="unit", handling_unit=unit, display_name=f"{unit} 联络员", password=None
        )
    return cache[unit.pk]


def build_history(*, count, staff, deputies, units, rng, days=720, log=None):
    """``count`` items (a merged pair counts two) over the past ``days`` days,
    the oldest first. ``units``: {short name: HandlingUnit}. Returns
    {"items": n, "reassigned": n, "merged_pairs": n}."""
    texts = [t for t in generate(count * 2, seed=rng.randrange(10**6)) if t["unit"] in units]
    by_key = {}
    for text in texts:
        by_key.setdefault(text["key"], []).append(text)
    category = SuggestionCategory.objects.order_by("pk").first()
    result = ResultCategory.objects.order_by("code").first()
    users, made, reassigned, merged = {}, 0, 0, 0
    now = timezone.now()
    unit_list = list(units.values())
    used = set()
    for text in texts:
        if made >= count:
            break
        if id(text) in used:
            continue
        used.add(id(text))
        when = now - datetime.timedelta(days=days * (1 - made / count), hours=rng.randrange(24))
        with transaction.atomic():
            items = [_submit(text, deputies, staff, category, rng, when)]
            partner = None
            if rng.random() < MERGED_SHARE:
                partner = next((t for t in by_key[text["key"]] if id(t) not in used), None)
                if partner is not None:
                    used.add(id(partner))
                    items.append(_submit(partner, deputies, staff, category, rng, when))
                    services.merge_suggestions(lead=items[0], others=items[1:], actor=staff)
                    merged += 1
            lead = items[0]
            right = units[text["unit"]]
            wrong = units.get(text["confusable"]) if text["confusable"] else None
            if rng.random() < REASSIGNED_SHARE:
                wrong = wrong or rng.choice([u for u in unit_list if u.pk != right.pk])
            else:
                wrong = None
            co = []
            if rng.random() < CO_UNIT_SHARE:
                other = units.get(text["confusable"]) or rng.choice(unit_list)
                if other.pk not in (right.pk, getattr(wrong, "pk", None)):
                    co = [other]
            services.assign_suggestion(suggestion=lead, actor=staff, lead_unit=wrong or right, co_units=co)
            if wrong is not None:
                first = lead.assignments.get(unit=wrong, is_active=True)
                request = services.request_reassignment(
                    assignment=first, actor=_unit_user(wrong, users), reason="该事项不属于我单位职责。", suggested_unit=right
                )
                services.decide_reassignment(request=request, actor=staff, approve=True, new_unit=right)
                reassigned += 1
            main = lead.assignments.get(unit=right, is_active=True)
            services.acknowledge_assignment(assignment=main, actor=_unit_user(right, users))
            reply = services.reply_to_suggestion(
                assignment=main, actor=_unit_user(right, users), result_category=result, signed_off_by="分管负责人",
                letter=f"{lead.lead_deputy.name}代表：您提出的《{lead.title}》收悉。经认真研究，已会同有关方面逐项落实……",
            )
            services.rate_reply(reply=reply, actor=lead.lead_deputy.user, process_rating=Satisfaction.SATISFIED,
                                result_rating=rng.choice([Satisfaction.SATISFIED, Satisfaction.MOSTLY]))
            for item in items[1:]:
                services.rate_merged_reply(suggestion=item, reply=reply, actor=item.lead_deputy.user,
                                           process_rating=Satisfaction.SATISFIED, result_rating=Satisfaction.MOSTLY)
            ids = [s.pk for s in items]
            Suggestion.objects.filter(pk__in=ids).update(submitted_at=when, registered_at=when)
            Suggestion.objects.filter(pk=lead.pk).update(assigned_at=when + datetime.timedelta(days=3))
            Assignment.objects.filter(suggestion_id=lead.pk).update(assigned_at=when + datetime.timedelta(days=3))
        made += len(items)
        if log and made % 100 < len(items):
            log(f"  {made} items")
    return {"items": made, "reassigned": reassigned, "merged_pairs": merged}


def _submit(text, deputies, staff, category, rng, when):
    deputy = rng.choice(deputies)
    if deputy.user_id is None:
        user = User.objects.create_user(username=f"deputy-{deputy.pk}", role="deputy", display_name=deputy.name, password=None)
        deputy.user = user
        deputy.save(update_fields=["user"])
    s = services.submit_suggestion(
        lead_deputy=deputy, title=text["title"], content=text["content"], category=category, actor=staff,
        year=timezone.localtime(when).year, during_session=False, session=None, disclosure_consent=True,
    )
    services.register_suggestion(suggestion=s, actor=staff)
    s.refresh_from_db()
    assert s.status == Status.REGISTERED
    return s
