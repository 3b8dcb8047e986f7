"""Who may do what with a deputy's letter: the move table decides
(``lifecycles.LETTERS``); pages show buttons with these."""
from congress_portal.accounts import roles

from ..lifecycles import LETTERS


def can_make(user, letter, move):
    spec = LETTERS.moves[move]
    return letter.status in spec.sources and bool(LETTERS.actor_kinds(user, letter) & spec.actors)


def can_register(user):
    return roles.is_staff_member(user)
