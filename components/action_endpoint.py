"""How Rasa calls the action server: a timeout and a shared secret.

- **Timeout**: Rasa 3.6 waits up to 5 minutes for a custom action
  (``DEFAULT_REQUEST_TIMEOUT``), so a stuck action server would leave a person
  waiting that long. ``ACTION_TIMEOUT`` (seconds, default 10) bounds each call;
  when it runs out the turn fails, and the channels (``channels/resilient.py``)
  send the apology. The action server replays the missed message later.
- **Address**: ``ACTION_SERVER_URL``, when set, replaces the ``url`` of
  endpoints.yml's ``action_endpoint`` (``scripts/run.sh`` sets it from
  ``ACTION_PORT``, which endpoints.yml alone cannot follow).
- **Shared secret**: when ``ACTION_SERVER_TOKEN`` is set, every call carries
  ``Authorization: Bearer <token>``, which the action server
  (``actions/server.py``) requires. A header rather than ``?token=`` keeps the
  secret out of access logs. A ``token:`` or ``headers:`` already set in
  ``endpoints.yml`` is left as it is. When the variable is not set at all,
  the token ``scripts/run.sh`` keeps in ``logs/action-server.token`` is used,
  so ``make shell`` reaches the action server ``make run`` started.

The patch of Rasa's ``RemoteAction`` that uses these helpers is in
``rasa_patches.py`` (applied by ``rasa_cli.py``).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

import settings

DEFAULT_ACTION_TIMEOUT = 10.0
TOKEN_FILE = Path(__file__).resolve().parents[1] / "logs" / "action-server.token"


def action_timeout() -> float:
    """Seconds from ``ACTION_TIMEOUT`` (validated by the settings module)."""
    return settings.get().action_timeout


def action_server_token() -> Optional[str]:
    """``ACTION_SERVER_TOKEN``; when unset (not merely empty), the one ``make run`` keeps."""
    if "ACTION_SERVER_TOKEN" in os.environ:  # set but empty means "no token", not "use the file"
        return settings.get().action_server_token
    try:
        return TOKEN_FILE.read_text().strip() or None
    except OSError:
        return None


def with_token(
    endpoint: Optional[EndpointConfig], token: Optional[str], url: Optional[str] = None
) -> Optional[EndpointConfig]:
    """A copy of ``endpoint`` at ``url`` (if given) that sends ``token`` as a bearer
    header, unless it already authenticates itself."""
    if endpoint is None:
        return None
    add_token = bool(token) and not endpoint.token and "Authorization" not in (endpoint.headers or {})
    if not add_token and not url:
        return endpoint
    headers = dict(endpoint.headers or {})
    if add_token:
        headers["Authorization"] = f"Bearer {token}"
    return EndpointConfig(
        url or endpoint.url, dict(endpoint.params or {}), headers, endpoint.basic_auth, endpoint.token,
        endpoint.token_name, endpoint.cafile, **dict(endpoint.kwargs),
    )

