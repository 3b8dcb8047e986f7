"""Benchmark: the coverage report and the duty records of every deputy of a
province (140,000) for one year: time and query count.

    bin/bench training [--people 140000] [--year 2026]

Builds its data once (reused by later runs): the province from
``seed_deputies --scale``, then in bulk a year's training (induction and duty
sessions, about 250,000 enrolments), plenary attendance, suggestions with
co-signatures and replies, station visits with issues, a ballot, other
activities, and a scoring rule set. Prints the figures; asserts nothing."""
import datetime
import random
import time
from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from congress_portal.accounts.models import Role, User
from deputies.models import AdministrativeArea, Congress, Deputy, HandlingUnit, Level, Mandate, MandateStatus, Session
from training import models as m
from training import selectors, services
from training.duty.records import collect_metrics, duty_record
from training.exports import coverage_workbook

MARKER = "基准测试培训计划"
BATCH = 5000


def at(day, hour=9):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_default_timezone())


class Command(BaseCommand):
    help = "学习培训覆盖情况与全省代表履职档案计算的性能基准。"

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=140_000)
        parser.add_argument("--year", type=int, default=None, help="the year of the records (default: this year)")

    def handle(self, *args, people, year, **options):
        year = year or timezone.localdate().year
        self.rng = random.Random(140)
        have = Deputy.objects.count()
        if have < people:
            self.stdout.write(f"building the province: seed_deputies --scale {people} (have {have}) ...")
            started = time.monotonic()
            call_command("seed_deputies", scale=people, no_users=True, stdout=self.stdout)
            self.stdout.write(f"  done in {time.monotonic() - started:.0f}s")
        if not m.TrainingPlan.objects.filter(title=MARKER).exists():
            started = time.monotonic()
            with transaction.atomic():
                self.build(year)
            self.stdout.write(f"bench data built in {time.monotonic() - started:.0f}s")
        self.figures(year)

    # --- data -------------------------------------------------------------------------

    def build(self, year):
        rng = self.rng
        staff, _created = User.objects.get_or_create(username="bench_staff", defaults={"role": Role.STAFF})
        provincial = Congress.objects.filter(level=Level.PROVINCIAL).first()
        term = provincial.terms.order_by("-start_date").first()
        plan = m.TrainingPlan.objects.create(term=term, year=year, title=MARKER)
        session = lambda **kw: m.TrainingSession.objects.create(plan=plan, organiser="代表工作委员会", hours=Decimal("6"), **kw)  # noqa: E731
        induction = session(title="初任培训(基准)", kind=m.SessionKind.INDUCTION, starts_at=at(datetime.date(2023, 4, 10)), ends_at=at(datetime.date(2023, 4, 10), 17))
        duty = [
            session(title=f"履职学习第{i}期(基准)", kind=m.SessionKind.DUTY, starts_at=at(datetime.date(year, 3 + 3 * i, 10)), ends_at=at(datetime.date(year, 3 + 3 * i, 10), 17))
            for i in range(3)
        ]
        mandates = list(
            Mandate.objects.filter(status=MandateStatus.SERVING).values_list("pk", "deputy_id", "term_id", "first_term", "level")
        )
        deputy_ids = sorted({d for _pk, d, _t, _f, _l in mandates})
        new_ids = sorted({d for _pk, d, _t, first, _l in mandates if first})
        self.stdout.write(f"  {len(mandates)} serving mandates, {len(deputy_ids)} deputies, {len(new_ids)} new")

        def enrol(session, ids, attend_share):
            rows = []
            for deputy_id in ids:
                attended = rng.random() < attend_share
                rows.append(m.Enrolment(
                    session=session, deputy_id=deputy_id, source=m.EnrolmentSource.RULE,
                    status=m.EnrolmentStatus.ATTENDED if attended else m.EnrolmentStatus.ENROLLED,
                    checked_in_at=session.starts_at if attended else None,
                    check_in_method=m.CheckInMethod.QR if attended else "",
                    hours_credited=session.hours if attended else 0,
                ))
            m.Enrolment.objects.bulk_create(rows, batch_size=BATCH)
            return len(rows)

        n = enrol(induction, new_ids, 0.9)
        for i, s in enumerate(duty):
            n += enrol(s, [d for d in deputy_ids if d % 3 == i or rng.random() < 0.15], 0.85)
        self.stdout.write(f"  enrolments {n}")

        sessions = {t: s for t, s in Session.objects.filter(year=year).values_list("term_id", "pk")}
        rows = [
            m.PlenaryAttendance(
                session_id=sessions[term_id], deputy_id=deputy_id, recorded_by=staff,
                status=rng.choices(["present", "leave", "absent"], [92, 6, 2])[0],
            )
            for _pk, deputy_id, term_id, _f, _l in mandates
            if term_id in sessions
        ]
        m.PlenaryAttendance.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
        self.stdout.write(f"  plenary attendance {len(rows)}")

        kinds = m.ActivityKind.values
        rows = [
            m.DutyActivity(deputy_id=rng.choice(deputy_ids), kind=rng.choice(kinds), title="视察调研(基准)", recorded_by=staff,
                           date=datetime.date(year, rng.randrange(1, 13), rng.randrange(1, 28)))
            for _ in range(len(deputy_ids) // 2)
        ]
        m.DutyActivity.objects.bulk_create(rows, batch_size=BATCH)
        self.stdout.write(f"  activities {len(rows)}")
        self.build_suggestions(year, deputy_ids)
        self.build_stations(year, deputy_ids)
        self.build_ballot(year, mandates)
        self.build_rules()

    def build_suggestions(self, year, deputy_ids):
        from suggestions.models import Assignment, CoSignature, Reply, ResultCategory, Suggestion, SuggestionCategory, UnitRole

        rng = self.rng
        category = SuggestionCategory.objects.order_by("pk").first()
        results = list(ResultCategory.objects.order_by("sort_order"))
        unit = HandlingUnit.objects.order_by("pk").first()
        now = timezone.now()
        suggestions = Suggestion.objects.bulk_create(
            [
                Suggestion(lead_deputy_id=rng.choice(deputy_ids), title="关于改善农村道路交通条件的建议(基准)", content="建议加大投入。",
                           category=category, year=year, registered_at=now if rng.random() < 0.85 else None)
                for _ in range(len(deputy_ids) // 5)
            ],
            batch_size=BATCH,
        )
        cosigns = []
        for s in suggestions:
            signers = set(rng.sample(deputy_ids, rng.randrange(0, 4)))
            if rng.random() < 0.03:
                signers.add(s.lead_deputy_id)  # led and co-signed: counted once
            cosigns += [CoSignature(suggestion=s, deputy_id=d, state="confirmed") for d in signers]
        CoSignature.objects.bulk_create(cosigns, batch_size=BATCH)
        replied = [s for s in suggestions if s.registered_at and rng.random() < 0.7]
        assignments = Assignment.objects.bulk_create(
            [Assignment(suggestion=s, unit=unit, role=UnitRole.LEAD) for s in replied], batch_size=BATCH
        )
        Reply.objects.bulk_create(
            [Reply(suggestion_id=a.suggestion_id, assignment=a, letter="答复(基准)", signed_off_by="厅长",
                   result_category=rng.choices(results, [45, 35, 15, 5][: len(results)])[0]) for a in assignments],
            batch_size=BATCH,
        )
        self.stdout.write(f"  suggestions {len(suggestions)}, co-signatures {len(cosigns)}, replies {len(assignments)}")

    def build_stations(self, year, deputy_ids):
        from liaison_stations.models import Issue, IssueStatus, Station, StationKind, Visit

        rng = self.rng
        areas = list(AdministrativeArea.objects.filter(kind="county").order_by("pk")[:300])
        stations = Station.objects.bulk_create(
            [Station(name="基准联络站", kind=StationKind.COUNTY_MAIN, area=a) for a in areas], ignore_conflicts=False
        )
        visits = Visit.objects.bulk_create(
            [Visit(station=rng.choice(stations), received_on=datetime.date(year, rng.randrange(1, 13), rng.randrange(1, 28)),
                   people_count=rng.randrange(1, 6)) for _ in range(len(deputy_ids) // 4)],
            batch_size=BATCH,
        )
        through = Visit.deputies.through
        links = []
        for v in visits:
            links += [through(visit_id=v.pk, deputy_id=d) for d in set(rng.sample(deputy_ids, rng.randrange(1, 3)))]
        through.objects.bulk_create(links, batch_size=BATCH)
        statuses = [IssueStatus.OPEN, IssueStatus.ANSWERED, IssueStatus.CLOSED]
        issues = [
            Issue(station_id=v.station_id, visit=v, content="反映村道破损(基准)", status=rng.choices(statuses, [30, 40, 30])[0])
            for v in visits
            if rng.random() < 0.8
        ]
        Issue.objects.bulk_create(issues, batch_size=BATCH)
        self.stdout.write(f"  visits {len(visits)}, visit deputies {len(links)}, issues {len(issues)}")

    def build_ballot(self, year, mandates):
        from voting.models import Ballot, BallotParticipation, ProjectCall

        counties = {}
        for _pk, deputy_id, term_id, _first, level in mandates:
            if level == Level.COUNTY:
                counties.setdefault(term_id, []).append(deputy_id)
        count = 0
        for term_id, deputy_ids in list(counties.items())[:40]:
            congress = Mandate.objects.filter(term_id=term_id).values_list("congress", flat=True).first()
            call = ProjectCall.objects.create(congress_id=congress, year=year, title="民生实事项目征集(基准)",
                                              opens_on=datetime.date(year - 1, 10, 1), closes_on=datetime.date(year - 1, 11, 30))
            ballot = Ballot.objects.create(congress_id=congress, call=call, title="民生实事项目票决(基准)", seats=10)
            rows = [BallotParticipation(ballot=ballot, deputy_id=d, channel="electronic") for d in set(deputy_ids) if self.rng.random() < 0.9]
            BallotParticipation.objects.bulk_create(rows, batch_size=BATCH)
            count += len(rows)
        self.stdout.write(f"  ballot participations {count}")

    def build_rules(self):
        from .seed_training import RULES

        if m.ScoringRuleSet.objects.filter(effective_from_year__lte=2000).exists():
            return
        rule_set = m.ScoringRuleSet.objects.create(name="履职评分细则(基准)", effective_from_year=2000)
        m.ScoringItem.objects.bulk_create(
            [
                m.ScoringItem(rule_set=rule_set, metric=metric, label=label, points_per_unit=Decimal(points),
                              max_points=Decimal(cap) if cap else None, position=i)
                for i, (metric, label, points, cap) in enumerate(RULES)
            ]
        )

    # --- figures ------------------------------------------------------------------------

    def measure(self, label, fn):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            result = fn()
            elapsed = time.perf_counter() - started
        self.stdout.write(f"{label:<58} {elapsed:8.2f} s {len(ctx.captured_queries):6d} queries")
        return result

    def figures(self, year):
        terms = list(selectors.current_terms(datetime.date(year, 6, 30)))
        mandates = Mandate.objects.filter(term__in=terms, status=MandateStatus.SERVING).count()
        self.stdout.write(
            f"\nPostgreSQL {connection.pg_version if connection.vendor == 'postgresql' else connection.vendor}; "
            f"deputies {Deputy.objects.count()}, serving mandates in {len(terms)} current terms {mandates}, "
            f"enrolments {m.Enrolment.objects.count()}, year {year}\n"
        )
        policy = m.TrainingPolicy.current()
        report = self.measure("coverage report (shares by level and new/returning)", lambda: selectors.coverage_report(terms=terms, policy=policy))
        self.stdout.write(f"    {report.total} mandates, duty training {report.duty_done} ({(report.duty_share or 0):.1%}), "
                          f"induction {report.induction_done}/{report.new_total}")
        missing = selectors.not_covered(terms=terms, policy=policy)
        count = self.measure("names not covered: count", missing.count)
        self.measure("names not covered: first page of 50", lambda: list(missing[:50]))
        self.stdout.write(f"    {count} mandates not covered")
        self.measure("coverage Excel export (all names, write-only)", lambda: coverage_workbook(report, missing).save("/dev/null"))
        metrics = self.measure(f"duty records: collect every deputy's figures ({year})", lambda: collect_metrics(year=year))
        self.stdout.write(f"    {len(metrics)} deputies with a mandate in {year}")
        stored = self.measure("duty records: refresh and store all (score + upsert)", lambda: services.refresh_duty_records(year=year))
        self.stdout.write(f"    {stored} records stored")
        top = m.DutyRecord.objects.filter(year=year).order_by("-score").select_related("deputy").first()
        if top:
            self.measure("one deputy's live record with details (page)", lambda: duty_record(deputy=top.deputy, year=year))
            self.stdout.write(f"    top score {top.score} ({top.deputy.name})")
