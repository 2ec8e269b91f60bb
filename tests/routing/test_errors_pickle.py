"""Errors of the core cross process boundaries whole (solves run in worker processes)."""

from __future__ import annotations

import pickle

from routing import RequiredStopError
from routing.territories.model import LockedAccountError


def test_required_stop_error_survives_pickling() -> None:
    error = RequiredStopError("acc-1", "unreachable", "required stop 'acc-1' cannot be served")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes)
    assert (copy.stop_id, copy.reason, str(copy)) == ("acc-1", "unreachable", str(error))


def test_locked_account_error_survives_pickling() -> None:
    error = LockedAccountError(("7", "9"), "2 locked accounts belong to a removed rep")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes)
    assert isinstance(copy, LockedAccountError)
    assert (copy.account_ids, str(copy)) == (("7", "9"), str(error))
