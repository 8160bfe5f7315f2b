"""Serves the web chat widget and a demo health site from the running assistant.

Not a message channel of its own: the widget talks to the socket.io channel
(REST as fallback). This "channel" only adds routes under /chat:

- /chat/widget.js       the built bundle (``make setup`` builds widget/ with npm)
- /chat/config.json     the locale's emergency number, from engine/locale.py
- /chat/demo/           a fictional health site with the widget embedded
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from engine.locale import LOCALES, contacts

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "widget" / "dist"
DEMO = ROOT / "widget" / "demo"
DEMO_FILE = re.compile(r"^[a-z0-9-]+\.(html|css|svg|png)$")
PUBLIC = {"Access-Control-Allow-Origin": "*", "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}


def widget_config(locale: str | None) -> dict:
    """What the widget needs to know before the first message."""
    code = (locale or "").lower()
    c = contacts(code if code in LOCALES else None)
    return {"locale": c.code, "emergency_number": c.emergency_number, "emergency_department": c.emergency_department}


class WidgetInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "webchat"

    def url_prefix(self) -> Text:
        return "/chat"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("b12_webchat", __name__)

        async def bundle(name: str) -> HTTPResponse:
            path = DIST / name
            if not path.is_file():
                return response.json(
                    {"error": "The widget is not built. Run `make setup` (it builds widget/ with npm)."}, status=503
                )
            kind = "application/json" if name.endswith(".map") else "application/javascript; charset=utf-8"
            return await response.file(path, mime_type=kind, headers=PUBLIC)

        @bp.route("/widget.js", methods=["GET"])
        async def widget_js(request: Request) -> HTTPResponse:
            return await bundle("b12-widget.js")

        @bp.route("/b12-widget.js.map", methods=["GET"])
        async def widget_map(request: Request) -> HTTPResponse:
            return await bundle("b12-widget.js.map")

        @bp.route("/config.json", methods=["GET"])
        async def config(request: Request) -> HTTPResponse:
            return response.json(widget_config(request.args.get("locale")), headers=PUBLIC)

        @bp.route("/demo", methods=["GET"])  # also /demo/ (Sanic's slashes are not strict)
        async def demo_index(request: Request) -> HTTPResponse:
            return await response.file(DEMO / "index.html", headers={"Cache-Control": "no-cache"})

        @bp.route("/demo/<name>", methods=["GET"])
        async def demo_file(request: Request, name: str) -> HTTPResponse:
            name = name or "index.html"
            path = DEMO / name
            if not DEMO_FILE.match(name) or not path.is_file():
                return response.text("Not found", status=404)
            return await response.file(path, headers={"Cache-Control": "no-cache"})

        return bp
