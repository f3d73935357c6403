"""A local web calculator and JSON API over the same commands (``phase2design serve``; extra ``[web]``).

Layer: the same as :mod:`phase2design.cli` (the top one).  Every endpoint runs the CLI command of its
name in-process, in a worker thread, with the options of the request as command-line options: the
answer is the object the command prints with ``--format json`` (the library's ``to_dict()``), a bad
input gives the command's one-line message.  Nothing of a command's logic is repeated here.

Why Starlette and uvicorn: a small, well-kept ASGI toolkit and server with no further dependencies of
note (FastAPI would add pydantic models that duplicate the CLI's validation, the thing to avoid).

:func:`create_app` builds the application; :mod:`.app` holds the endpoints.
"""

from .app import create_app

__all__ = ["create_app"]
