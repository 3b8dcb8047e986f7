"""Who may do what at liaison stations: pure predicates on roles.py.

Keepers record visits and rota for the stations they keep; deputies see and
handle the issues of the stations they are stationed at; a unit sees only the
issues forwarded to it; staff act on their own congress's stations; the
public sees stations, rota and stationed deputies."""
from congress_portal.accounts import roles


def keeps_station(user, station):
    return roles.is_station_keeper(user) and station.keepers.filter(pk=user.pk).exists()


def is_stationed_at(user, station):
    deputy = roles.deputy_of(user)
    return deputy is not None and station.stationings.filter(deputy=deputy, is_active=True).exists()


def acts_at(user, station):
    """Staff of the station's own congress (or of the whole province)."""
    return roles.acts_on(user, station.congress_id)


def can_record_at(user, station):
    """Record visits, rota and activities, and download the ledgers."""
    return acts_at(user, station) or keeps_station(user, station)


def can_handle_issues_at(user, station):
    """Answer, forward, close the issues of a station."""
    return acts_at(user, station) or keeps_station(user, station) or is_stationed_at(user, station)


def can_take_up_as_suggestion(user, station):
    """Only a deputy stationed there (or staff on a deputy's behalf) turns an issue into a suggestion."""
    return acts_at(user, station) or is_stationed_at(user, station)


def can_give_feedback(user, issue):
    return acts_at(user, issue.station) or (
        roles.unit_id_of(user) is not None and roles.unit_id_of(user) == issue.forwarded_unit_id
    )


def can_see_personal_data(user, issue):
    """The name and contact of the person who raised an issue: never the unit's business."""
    return acts_at(user, issue.station) or keeps_station(user, issue.station) or is_stationed_at(user, issue.station)


def can_view_figures(user):
    return roles.is_staff_member(user)


def can_designate_model_station(user):
    return roles.is_staff_member(user)


def can_use_workspace(user):
    return roles.is_staff_member(user) or roles.is_station_keeper(user) or roles.deputy_of(user) is not None
