"""`Idempotency-Key` on the requests that change visits: the phone page queues what a rep taps
in a dead zone and sends it when the signal returns, and may send it again when it never heard
the answer (the connection dropped mid-request). The first successful answer is stored with
the key, in the same transaction as the change; a repeat gets that answer back and changes
nothing. The same key on a different request is a 422, not a silent wrong answer.

Failed requests are not stored: they changed nothing, so a repeat simply runs again (and is
refused again for the same reason, or succeeds if the reason has gone).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Annotated

from fastapi import Header, Request, Response
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.core.errors import Conflict, InvalidRequest
from app.models import IdempotencyKey

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"

KeyHeader = Annotated[
    str | None,
    Header(
        alias=KEY_HEADER,
        min_length=8,
        max_length=100,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description=(
            "optional; a unique id per change (e.g. a UUID), 8-100 of A-Z a-z 0-9 _ . : -. "
            "A repeat with the same key and request gets the first answer back and changes "
            "nothing; the same key on another request is a 422. Keys are per user."
        ),
    ),
]


def once[Answer: BaseModel](
    session: Session,
    principal: Principal,
    request: Request,
    response: Response,
    key: str | None,
    body: BaseModel | None,
    answer_type: type[Answer],
    run: Callable[[], Answer],
    status_code: int = 200,
) -> Answer:
    """`run()`, unless `key` already has an answer for this request (then that answer, marked
    with `Idempotent-Replayed: true`); without a key, just `run()`. `status_code`: the
    route's success status, kept with the answer."""
    if key is None:
        return run()
    method, path = request.method, request.url.path
    fingerprint = _fingerprint(method, path, body)
    stored = session.get(IdempotencyKey, (principal.user_id, key))
    if stored is not None:
        if (stored.method, stored.path, stored.fingerprint) != (method, path, fingerprint):
            raise InvalidRequest(
                f"{KEY_HEADER}: {key!r} was already used for another request "
                f"({stored.method} {stored.path} with another body); use a new key per change",
                field=KEY_HEADER,
            )
        response.headers[REPLAYED_HEADER] = "true"
        return answer_type.model_validate_json(stored.body)
    answer = run()
    session.add(
        IdempotencyKey(
            user_id=principal.user_id,
            key=key,
            method=method,
            path=path,
            fingerprint=fingerprint,
            status=status_code,
            body=answer.model_dump_json(),
        )
    )
    try:
        session.flush()
    except IntegrityError:
        # The same key, sent twice at once: the other request made the change; this one's
        # work is rolled back with it. A retry gets the stored answer.
        raise Conflict(
            f"{KEY_HEADER}: a request with key {key!r} is being handled right now; "
            "send it again in a moment to get its answer",
            field=KEY_HEADER,
        ) from None
    return answer


def _fingerprint(method: str, path: str, body: BaseModel | None) -> str:
    content = body.model_dump(mode="json", exclude_unset=True) if body is not None else None
    text = json.dumps([method, path, content], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
