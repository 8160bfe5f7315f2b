"""The action server, reachable only by the Rasa servers.

    python -m actions.server --host 127.0.0.1 --port 5055

rasa_sdk's own ``rasa run actions`` listens on every interface and answers
anyone. This entry point builds the same app (``rasa_sdk.endpoint.create_app``,
same routes and behaviour) and adds:

- **bind address**: ``--host`` / ``ACTION_HOST``, default 127.0.0.1. In a
  container or cluster use the internal address (or 0.0.0.0 behind a network
  policy that admits only the Rasa pods).
- **shared secret**: with ``ACTION_SERVER_TOKEN`` set, every request except
  ``GET /health`` (for probes) needs ``Authorization: Bearer <token>`` or
  ``?token=<token>`` (Rasa's ``token:`` in endpoints.yml), else 401. Rasa
  sends the header itself when the same variable is set in its environment
  (``components/action_endpoint.py``). Without a token the server starts only
  on a loopback address, with a warning.
- **no conversation data in errors or logs**: rasa_sdk's error handler echoes
  the whole request (the tracker, with everything the person wrote) in its
  500 response, which Rasa then logs; here an error answers only its type.
  No access log (a URL could carry the token).

``ACTION_SERVER_SANIC_WORKERS`` sets the number of worker processes, as for
``rasa run actions``.
"""
from __future__ import annotations

import argparse
import hmac
import ipaddress
import logging
import sys
from typing import Optional

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.request import Request

import settings

logger = logging.getLogger("actions.server")

OPEN_PATHS = {"/health"}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def presented_token(request: Request) -> Optional[str]:
    auth = request.headers.get("Authorization") or ""
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.args.get("token")


def token_ok(presented: Optional[str], expected: str) -> bool:
    return presented is not None and hmac.compare_digest(presented.encode(), expected.encode())


def build_app(actions_package: str = "actions", token: Optional[str] = None) -> Sanic:
    app = create_app(actions_package, cors_origins=None)

    if token:

        @app.middleware("request")
        async def require_token(request: Request):  # type: ignore[no-untyped-def]
            if request.path in OPEN_PATHS:
                return None
            if not token_ok(presented_token(request), token):
                return response.json({"error": "unauthorized"}, status=401)
            return None

    async def on_error(request: Request, exception: Exception):  # type: ignore[no-untyped-def]
        status = getattr(exception, "status_code", 500) or 500
        if status >= 500:
            # the type only: the message or traceback could quote the tracker
            logger.error("action server error: %s", type(exception).__name__)
        return response.json({"error": type(exception).__name__}, status=status)

    app.error_handler.add(Exception, on_error)
    return app


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(description="the B12 assistant's action server (rasa_sdk), bound and token-checked")
    try:
        config = settings.get()
    except settings.SettingsError as e:
        print(f"ERROR: {e}", file=sys.stderr)
        return 2
    parser.add_argument("--host", default=config.action_host)
    parser.add_argument("--port", type=int, default=config.action_port)
    parser.add_argument("--actions", default="actions")
    parser.add_argument("--loglevel", default=config.log_level_actions)
    args = parser.parse_args(argv)

    logging.basicConfig(level=args.loglevel, format="%(asctime)s %(levelname)s %(name)s - %(message)s")
    logging.getLogger("sanic.access").setLevel(logging.WARNING)
    from channels.log_privacy import install as install_log_privacy

    install_log_privacy()

    token = config.action_server_token
    if not token:
        if not is_loopback(args.host):
            print(
                f"refusing to listen on {args.host} without ACTION_SERVER_TOKEN: set a shared secret "
                "(the same value in Rasa's environment) or bind to 127.0.0.1",
                file=sys.stderr,
            )
            return 2
        logger.warning("ACTION_SERVER_TOKEN is not set: any local process can call the action server")

    app = build_app(args.actions, token)
    logger.info("action server on http://%s:%s (token %s)", args.host, args.port, "required" if token else "not required")
    app.run(args.host, args.port, workers=utils.number_of_sanic_workers(), access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
