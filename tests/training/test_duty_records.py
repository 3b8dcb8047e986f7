"""Duty records: each source counts what its app records, a suggestion counts
once however the deputy took part, and the score follows the rules staff edit."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.deputies import factories as df
from tests.training.factories import (
    AttendedEnrolmentFactory,
    DutyActivityFactory,
    ScoringItemFactory,
    ScoringRuleSetFactory,
    TrainingSessionFactory,
    aware,
)
from training import services
from training.duty.records import collect_metrics, duty_record
from training.models import ActivityKind, DutyRecord, PlenaryAttendanceStatus, ScoringItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy():
    return df.MandateFactory().deputy


def test_training_plenary_and_activities(deputy, staff_user):
    AttendedEnrolmentFactory(deputy=deputy)  # 6 hours, April 2025
    AttendedEnrolmentFactory(deputy=deputy, session=TrainingSessionFactory(starts_at=aware(2025, 12, 31, 20), ends_at=aware(2025, 12, 31, 22), hours=Decimal("1.5")))
    AttendedEnrolmentFactory(deputy=deputy, session=TrainingSessionFactory(starts_at=aware(2026, 1, 1, 0, 30), ends_at=aware(2026, 1, 1, 2)))
    plenary = df.SessionFactory(year=2025)
    other = df.SessionFactory(year=2025, number=4, term=plenary.term)
    services.record_plenary_attendance(session=plenary, deputies=[deputy], status=PlenaryAttendanceStatus.PRESENT, actor=staff_user)
    services.record_plenary_attendance(session=other, deputies=[deputy], status=PlenaryAttendanceStatus.LEAVE, actor=staff_user)
    DutyActivityFactory(deputy=deputy, kind=ActivityKind.INSPECTION)
    DutyActivityFactory(deputy=deputy, kind=ActivityKind.RESEARCH)
    DutyActivityFactory(deputy=deputy, date=datetime.date(2024, 12, 31))
    figures = collect_metrics(year=2025, deputy_ids=[deputy.pk])[deputy.pk]
    assert figures["training_sessions"] == 2
    assert figures["training_hours"] == 7.5  # the 1 January 00:30 (Beijing time) course belongs to 2026
    assert (figures["plenary_present"], figures["plenary_leave"], figures["plenary_absent"]) == (1, 1, 0)
    assert (figures["activities_total"], figures["activity_inspection"], figures["activity_research"]) == (2, 1, 1)


def test_changing_a_scoring_rule_changes_the_score(deputy):
    AttendedEnrolmentFactory(deputy=deputy)  # 6 hours
    DutyActivityFactory.create_batch(5, deputy=deputy)
    hours = ScoringItemFactory(metric="training_hours", points_per_unit=Decimal("1"))
    ScoringItemFactory(rule_set=hours.rule_set, metric="activities_total", points_per_unit=Decimal("2"), max_points=Decimal("8"))
    record = duty_record(deputy=deputy, year=2025)
    assert [(line.metric, line.points) for line in record.score.lines] == [
        ("training_hours", Decimal("6.00")),
        ("activities_total", Decimal("8.00")),  # 5 x 2 capped at 8
    ]
    assert record.score.total == Decimal("14")

    ScoringItem.objects.filter(pk=hours.pk).update(points_per_unit=Decimal("2.5"))
    assert duty_record(deputy=deputy, year=2025).score.total == Decimal("23")

    # A newer set of rules in force from 2025 replaces the old one for 2025, not for 2024.
    newer = ScoringRuleSetFactory(name="2025年版细则", effective_from_year=2025)
    ScoringItemFactory(rule_set=newer, metric="training_hours", points_per_unit=Decimal("10"))
    assert duty_record(deputy=deputy, year=2025).score.total == Decimal("60")
    assert duty_record(deputy=deputy, year=2024).score.rule_set == hours.rule_set


def test_refresh_stores_every_deputy_of_the_year(deputy):
    idle = df.MandateFactory().deputy
    df.MandateFactory(term=df.TermFactory(start_date=datetime.date(2013, 1, 1), end_date=datetime.date(2018, 1, 1)))
    mandate = deputy.mandates.get()
    AttendedEnrolmentFactory(deputy=deputy, session__plan__term=mandate.term)  # a training of the deputy's congress
    ScoringItemFactory(metric="training_hours", points_per_unit=Decimal("1"))
    assert services.refresh_duty_records(year=2025) == 2
    records = {r.deputy_id: r for r in DutyRecord.objects.filter(year=2025)}
    assert records[deputy.pk].congress == mandate.congress
    assert set(records) == {deputy.pk, idle.pk}
    assert records[deputy.pk].score == Decimal("6") and records[idle.pk].score == 0
    assert records[deputy.pk].metrics["training_hours"] == 6.0
    assert records[deputy.pk].score == duty_record(deputy=deputy, year=2025, congress=mandate.congress).score.total  # both paths
    # Refreshing again updates in place, and a changed rule shows.
    ScoringItem.objects.update(points_per_unit=Decimal("3"))
    services.refresh_duty_records(year=2025)
    assert DutyRecord.objects.get(deputy=deputy, year=2025).score == Decimal("18")
    assert DutyRecord.objects.filter(year=2025).count() == 2


class TestSuggestions:
    @pytest.fixture
    def setup(self, deputy):
        from suggestions.models import Assignment, CoSignature, Reply, UnitRole
        from tests.suggestions.factories import SuggestionFactory, result

        def cosign(suggestion, who, state="confirmed"):
            CoSignature.objects.create(suggestion=suggestion, deputy=who, state=state)

        def reply(suggestion, code):
            assignment = Assignment.objects.create(suggestion=suggestion, unit=df.HandlingUnitFactory(), role=UnitRole.LEAD)
            Reply.objects.create(
                suggestion=suggestion, assignment=assignment, letter="答复", result_category=result(code), signed_off_by="张厅长"
            )

        from django.utils import timezone

        congress = deputy.mandates.get().congress  # the deputy's congress: the stored record is its

        led = SuggestionFactory(congress=congress, lead_deputy=deputy, registered_at=timezone.now())
        reply(led, "A")
        # Led and (by a data-entry slip or a lead change) also on the co-signer list.
        led_and_cosigned = SuggestionFactory(congress=congress, lead_deputy=deputy, registered_at=timezone.now())
        cosign(led_and_cosigned, deputy)
        reply(led_and_cosigned, "B")
        others = SuggestionFactory(congress=congress)
        cosign(others, deputy)
        reply(others, "A")
        cosign(SuggestionFactory(), deputy, state="invited")  # not confirmed: not counted
        cosign(SuggestionFactory(), deputy, state="declined")
        SuggestionFactory(lead_deputy=deputy, year=2024)
        # A draft is not yet a suggestion, even with a confirmed-looking co-signature.
        draft = SuggestionFactory(lead_deputy=deputy, status="draft")
        cosign(SuggestionFactory(lead_deputy=df.DeputyFactory(), status="draft"), deputy)
        assert draft.status == "draft"
        return deputy

    def test_each_suggestion_counted_once(self, setup):
        deputy = setup
        figures = collect_metrics(year=2025, deputy_ids=[deputy.pk])[deputy.pk]
        assert figures["suggestions_led"] == 2
        assert figures["suggestions_cosigned"] == 1
        assert figures["suggestions_total"] == 3
        assert figures["suggestions_registered"] == 2
        assert figures["suggestions_replied"] == 3
        assert (figures["suggestions_result_A"], figures["suggestions_result_B"]) == (2, 1)

    def test_counted_once_in_the_bulk_refresh_and_score(self, setup):
        deputy = setup
        ScoringItemFactory(metric="suggestions_total", points_per_unit=Decimal("5"))
        services.refresh_duty_records(year=2025)
        ScoringItemFactory(rule_set=ScoringItem.objects.get().rule_set, metric="suggestions_result_A", points_per_unit=Decimal("0.5"))
        services.refresh_duty_records(year=2025)
        record = DutyRecord.objects.get(deputy=deputy, year=2025)
        assert record.metrics["suggestions_total"] == 3
        assert record.score == Decimal("16") == duty_record(deputy=deputy, year=2025, congress=record.congress).score.total
        details = duty_record(deputy=deputy, year=2025).sections
        suggestion_lines = next(s for s in details if s.key == "suggestions").details
        assert len(suggestion_lines) == 3


def test_stations_and_ballots(deputy):
    from tests.liaison_stations.factories import IssueFactory, VisitFactory

    visit = VisitFactory(received_on=datetime.date(2025, 5, 1), people_count=3)
    visit.deputies.add(deputy)
    IssueFactory(visit=visit, station=visit.station)
    from liaison_stations.models import Issue, IssueStatus

    answered = IssueFactory(visit=visit, station=visit.station)
    Issue.objects.filter(pk=answered.pk).update(status=IssueStatus.ANSWERED)
    old = VisitFactory(received_on=datetime.date(2024, 5, 1))
    old.deputies.add(deputy)
    figures = collect_metrics(year=2025, deputy_ids=[deputy.pk])[deputy.pk]
    assert (figures["station_receptions"], figures["station_people"], figures["station_issues_handled"]) == (1, 3, 1)

    from tests.voting.factories import BallotFactory
    from voting.models import BallotParticipation

    ballot = BallotFactory(call__year=2025)
    BallotParticipation.objects.create(ballot=ballot, deputy=deputy, channel="paper")
    figures = collect_metrics(year=2025, deputy_ids=[deputy.pk])[deputy.pk]
    assert figures["ballots_taken_part"] == 1


def test_a_deducting_item_with_nothing_to_deduct_scores_zero_not_minus_zero(deputy, client):
    """0 absences × −2 points is shown as 0.00 on the duty record, not "-0.00"."""
    absences = ScoringItemFactory(metric="plenary_absent", points_per_unit=Decimal("-2"))
    ScoringItemFactory(rule_set=absences.rule_set, metric="training_hours", points_per_unit=Decimal("1"))
    line = duty_record(deputy=deputy, year=2025).score.lines[0]
    assert line.metric == "plenary_absent" and str(line.points) == "0.00"
    client.force_login(df.staff_user())
    html = client.get(reverse("training:record", args=[deputy.pk, 2025])).content.decode()
    assert "-0.00" not in html and "<td>0.00</td>" in html
