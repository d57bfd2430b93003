"""A participant's roles are exactly those its quotes state by a word of the roles lexicon.

"dự và chỉ đạo" states attendee and directing; "Phát biểu chỉ đạo" states speaker and
directing. A role that a quote's word states but the roles lack is an error unless a
``role_waivers`` entry says whose role it is; a role that no quote states is an error unless
the participation is marked inferred (then its basis says how it was read).
"""

from __future__ import annotations

from typing import cast

from dnnd_dataset.checking.state import CheckState
from dnnd_dataset.reading.raw_loading import Located
from dnnd_dataset.reading.raw_models import MeetingEntry, ParticipantEntry
from dnnd_dataset.roles_lexicon import ROLE_WORDS, roles_stated


def check_participant_roles(state: CheckState) -> None:
    for entry in state.entries("meetings"):
        meeting = cast(MeetingEntry, entry.model)
        for index, participant in enumerate(meeting.participants):
            _check_participant(state, cast(Located[MeetingEntry], entry), index, participant)


def _check_participant(
    state: CheckState, entry: Located[MeetingEntry], index: int, participant: ParticipantEntry
) -> None:
    stated: dict[str, int] = {}
    for position, evidence in enumerate(participant.evidence):
        for role in roles_stated(evidence.quote):
            stated.setdefault(role, position)
    waived = {waiver.role for waiver in participant.role_waivers}
    for role, position in stated.items():
        if role in participant.roles or role in waived:
            continue
        words = " / ".join(repr(word) for word in ROLE_WORDS[role])
        state.issue(
            entry,
            ("participants", index, "evidence", position, "quote"),
            "role-not-recorded",
            f"the quote states the role {role} ({words}) and the roles of "
            f"{participant.person} lack it",
            f"add {role} to roles and to this quote's supports, or a role_waivers entry "
            f"{{role: {role}, reason: ...}} when the word is about someone else",
        )
    if participant.inferred:
        return
    for position, role in enumerate(participant.roles):
        if role not in stated:
            words = " / ".join(repr(word) for word in ROLE_WORDS[role])
            state.issue(
                entry,
                ("participants", index, "roles", position),
                "role-not-stated",
                f"no quote of {participant.person} states the role {role} ({words})",
                "quote the words that state it, or mark the participation inferred with its basis",
            )
