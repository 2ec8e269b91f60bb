"""Who is calling: the principal every service takes, made from a user row. No web framework,
so services and jobs import it anywhere."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.config import Role
from app.models import User


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the user, their role, their rep (reps) and their teams (managers)."""

    user_id: int
    name: str
    role: Role
    rep_id: int | None = None
    team_ids: frozenset[int] = frozenset()

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


def principal_for(user: User) -> Principal:
    return Principal(
        user_id=user.id,
        name=user.name,
        role=Role(user.role),
        rep_id=user.rep_id,
        team_ids=frozenset(team.id for team in user.teams),
    )
