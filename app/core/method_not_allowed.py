"""405 answers that list every method the path supports.

Starlette answers 405 with the methods of the first route whose path matched; a path served
by several routes (GET and PATCH of /accounts/{id} are two routes) then advertises only one of
them in `Allow`, which clients and contract tests read as the truth.
"""

from __future__ import annotations

import re
from functools import lru_cache

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path


async def _method_not_allowed(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    path = request.url.path
    methods: set[str] = set()
    for context in iter_route_contexts(request.app.routes):
        if context.path and context.methods and _pattern(context.path).fullmatch(path):
            methods |= set(context.methods)
    if "GET" in methods:
        methods.add("HEAD")
    allow = ", ".join(sorted(methods)) if methods else (exc.headers or {}).get("Allow", "")
    return JSONResponse(
        status_code=405,
        content={"detail": f"{request.method} is not allowed here; allowed: {allow}"},
        headers={"Allow": allow},
    )


@lru_cache(maxsize=512)
def _pattern(template: str) -> re.Pattern[str]:
    return compile_path(template)[0]


def install(app: FastAPI) -> None:
    app.add_exception_handler(405, _method_not_allowed)
