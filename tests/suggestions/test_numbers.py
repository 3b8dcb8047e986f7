"""Suggestion numbers as officers write them: the bare number repeats in every
session, so each accepted item carries its congress and session (or 闭会期间)."""
import pytest

from suggestions import services
from tests.deputies import factories as df
from tests.suggestions.factories import submit

pytestmark = pytest.mark.django_db


def test_the_same_number_in_two_sessions_reads_differently(actors):
    province = df.SessionFactory(term__congress__name="湖南省人民代表大会", number=2, year=2025)
    county = df.SessionFactory(term__congress__name="长沙县人民代表大会", term__number=18, number=2, year=2025)
    first = submit(actors, during_session=True, session=province)
    second = submit(actors, during_session=True, session=county)
    between = submit(actors)
    for s in (first, second, between):
        services.register_suggestion(suggestion=s, actor=actors.staff)
        s.refresh_from_db()

    assert first.number == second.number == between.number == 1
    assert first.number_label == "湖南省十四届二次会议第0001号"
    assert second.number_label == "长沙县十八届二次会议第0001号"
    assert between.number_label == f"{between.congress.place}2025年闭会期间第0001号"
    assert str(province) == "湖南省第十四届人民代表大会第二次会议"


def test_a_number_given_by_hand_gets_its_official_form():
    s = df.SessionFactory(term__congress__name="湖南省人民代表大会")
    from tests.suggestions.factories import SuggestionFactory

    item = SuggestionFactory(session=s, year=s.year, number=12)
    assert item.reference == "湖南省十四届三次会议第0012号"

