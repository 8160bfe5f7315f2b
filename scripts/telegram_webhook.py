#!/usr/bin/env python3
"""Register, inspect or remove the Telegram bot's webhook (README, "Messaging apps").

    .venv/bin/python scripts/telegram_webhook.py set https://b12.example.org
    .venv/bin/python scripts/telegram_webhook.py info
    .venv/bin/python scripts/telegram_webhook.py delete

``set`` takes the public HTTPS base URL of the Rasa server (or the full
webhook URL) and registers ``<base>/webhooks/telegram/webhook`` with the
secret token, so Telegram sends it in ``X-Telegram-Bot-Api-Secret-Token``
and the channel can refuse forged updates. Reads TELEGRAM_BOT_TOKEN,
TELEGRAM_SECRET_TOKEN and TELEGRAM_API_BASE (default https://api.telegram.org).
Only the standard library is used; the token is never printed.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import settings  # noqa: E402

WEBHOOK_PATH = "/webhooks/telegram/webhook"
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram accepts as secret_token


def webhook_url(public: str) -> str:
    public = public.strip().rstrip("/")
    return public if public.endswith(WEBHOOK_PATH) else public + WEBHOOK_PATH


def call(method: str, body: Dict[str, Any]) -> Dict[str, Any]:
    config = settings.get()
    token = (config.telegram_bot_token or "").strip()
    if not token:
        sys.exit("TELEGRAM_BOT_TOKEN is not set (the token BotFather gave you)")
    base = config.telegram_api_base.rstrip("/")
    request = urllib.request.Request(
        f"{base}/bot{token}/{method}", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:  # Telegram explains errors in the body
        try:
            return json.loads(e.read())
        except ValueError:
            return {"ok": False, "error_code": e.code, "description": e.reason}


def main(argv: Any = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_set = sub.add_parser("set", help="register the webhook with the secret token")
    p_set.add_argument("public_url", help="public https base URL of the Rasa server, e.g. https://b12.example.org")
    p_set.add_argument("--drop-pending", action="store_true", help="discard updates Telegram queued meanwhile")
    sub.add_parser("info", help="show what Telegram has registered (getWebhookInfo)")
    sub.add_parser("delete", help="remove the webhook")
    args = parser.parse_args(argv)

    if args.command == "set":
        url = webhook_url(args.public_url)
        if not url.startswith("https://"):
            sys.exit(f"Telegram only calls https:// webhooks; got {url}")
        secret = (settings.get().telegram_secret_token or "").strip()
        if not SECRET_PATTERN.fullmatch(secret):
            sys.exit(
                "TELEGRAM_SECRET_TOKEN must be set to 1-256 characters A-Z, a-z, 0-9, _ or - "
                "(e.g. `python3 -c 'import secrets; print(secrets.token_urlsafe(32))'`), the same value the server uses"
            )
        answer = call(
            "setWebhook",
            {
                "url": url,
                "secret_token": secret,
                "allowed_updates": ["message", "callback_query"],
                "drop_pending_updates": bool(args.drop_pending),
            },
        )
    elif args.command == "info":
        answer = call("getWebhookInfo", {})
    else:
        answer = call("deleteWebhook", {})
    print(json.dumps(answer, indent=2))
    return 0 if answer.get("ok") else 1


if __name__ == "__main__":
    sys.exit(main())
