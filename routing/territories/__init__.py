"""The territory designer: reps and accounts in, each account's rep and every rep's figures out.

`design_territories` balances weekly workload (hours) across reps while keeping territories
compact (km from each rep's home) and moves few; `territory_figures` measures any assignment.
"""

from routing.territories.design import design_territories
from routing.territories.figures import territory_figures
from routing.territories.model import (
    Balance,
    LockedAccountError,
    Move,
    MoveKind,
    ObjectiveParts,
    RepFigures,
    TerritoryAccount,
    TerritoryError,
    TerritoryOptions,
    TerritoryRep,
    TerritoryResult,
    TerritoryStatus,
)

__all__ = [
    "Balance",
    "LockedAccountError",
    "Move",
    "MoveKind",
    "ObjectiveParts",
    "RepFigures",
    "TerritoryAccount",
    "TerritoryError",
    "TerritoryOptions",
    "TerritoryRep",
    "TerritoryResult",
    "TerritoryStatus",
    "design_territories",
    "territory_figures",
]
