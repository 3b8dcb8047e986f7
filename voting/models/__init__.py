"""Livelihood project ballots (民生实事项目人大代表票决制), for many congresses at once.

The cycle: a call for proposals per congress and year (征集), proposals merged
into projects with a reserve pool, the shortlist's review stages (三审), the
ballot at the plenary (票决), implementation with milestones, progress reports
and inspections (督), and the year-end rating (评).

``collection`` holds the call, proposals and projects; ``ballots`` the ballot,
its roll and its secret contents (read its docstring on secrecy);
``implementation`` what follows a chosen project; ``events`` one row per move
of each lifecycle (the tables of moves are in ``voting.lifecycles``)."""
from .ballots import (
    Ballot,
    BallotCandidate,
    BallotContent,
    BallotParticipation,
    BallotQuerySet,
    BallotStatus,
    CandidateResult,
    Channel,
    Choice,
    Elector,
    PaperBatch,
    ReviewDecision,
    TallySummary,
)
from .collection import Project, ProjectCall, ProjectStatus, Proposal, ProposalSource, ReviewStage, VotingPolicy
from .events import BallotEvent, MoveEvent, ProjectEvent, ProposalEvent, RatingEvent
from .implementation import Inspection, Milestone, ProgressPhoto, ProgressReport, ProjectRating, Satisfaction

__all__ = [
    "Ballot", "BallotCandidate", "BallotContent", "BallotEvent", "BallotParticipation", "BallotQuerySet", "BallotStatus",
    "CandidateResult", "Channel", "Choice", "Elector", "Inspection", "Milestone", "MoveEvent", "PaperBatch",
    "ProgressPhoto", "ProgressReport", "Project", "ProjectCall", "ProjectEvent", "ProjectRating", "ProjectStatus",
    "Proposal", "ProposalEvent", "ProposalSource", "RatingEvent", "ReviewDecision", "ReviewStage", "Satisfaction",
    "TallySummary", "VotingPolicy",
]
