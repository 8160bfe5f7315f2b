"""A local stand-in for the Telegram Bot API and Twilio's Messages API.

A threaded HTTP server on 127.0.0.1 that records every call and answers the
way the real APIs do, including their refusals (a Telegram text over 4096
characters, callback data over 64 bytes, a Twilio body over 1600 characters,
wrong credentials), so tests see what a person would receive and a channel
that breaks a platform rule fails.

Telegram: ``POST /bot<token>/<method>`` (JSON or form) ->
``{"ok": true, "result": ...}``. Twilio: ``POST
/2010-04-01/Accounts/<sid>/Messages.json`` (form, basic auth) -> 201 with a
message resource.
"""
from __future__ import annotations

import base64
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import parse_qs


@dataclass
class Call:
    platform: str  # "telegram" or "twilio"
    method: str  # Telegram method name, or "Messages"
    body: Dict[str, Any]
    status: int
    answer: Dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.time)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class PlatformStandIn:
    def __init__(self, telegram_token: str, twilio_sid: str, twilio_token: str) -> None:
        self.telegram_token = telegram_token
        self.twilio_sid = twilio_sid
        self.twilio_token = twilio_token
        self.calls: List[Call] = []
        # "ok"; "reject": every send refused the way the platforms word it, quoting the
        # recipient (chat id, phone number); "down": connections dropped without an answer
        self.mode = "ok"
        self._lock = threading.Lock()
        self._ids = itertools.count(1000)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # ------------------------------------------------------------ lifecycle
    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "PlatformStandIn":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # ------------------------------------------------------------ queries
    def record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    def telegram(self, chat_id: Any = None, method: Optional[str] = None) -> List[Call]:
        with self._lock:
            return [
                c for c in self.calls
                if c.platform == "telegram" and (method is None or c.method == method)
                and (chat_id is None or str(c.body.get("chat_id")) == str(chat_id))
            ]

    def twilio(self, to: Optional[str] = None) -> List[Call]:
        with self._lock:
            return [c for c in self.calls if c.platform == "twilio" and (to is None or c.body.get("To") == to)]

    def wait(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate():
                return True
            time.sleep(0.05)
        return predicate()

    # ------------------------------------------------------------ answers
    def telegram_answer(self, token: str, method: str, body: Dict[str, Any]) -> Tuple[int, Dict[str, Any]]:
        if token != self.telegram_token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if method in ("sendMessage", "editMessageText"):
            text = body.get("text")
            if not isinstance(text, str) or not text.strip():
                return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"}
            if utf16_len(text) > 4096:
                return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"}
        markup = body.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        for row in (markup or {}).get("inline_keyboard", []):
            for key in row:
                data = key.get("callback_data", "")
                if not key.get("text") or not 1 <= len(data.encode("utf-8")) <= 64:
                    return 400, {"ok": False, "error_code": 400, "description": "Bad Request: BUTTON_DATA_INVALID"}
        if method in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            message = {
                "message_id": body.get("message_id") or next(self._ids),
                "from": {"id": 7000000001, "is_bot": True, "first_name": "B12 check", "username": "b12_check_bot"},
                "chat": {"id": body.get("chat_id"), "type": "private"},
                "date": int(time.time()),
            }
            if body.get("text"):
                message["text"] = body["text"]
            if markup and markup.get("inline_keyboard"):
                message["reply_markup"] = markup
            return 200, {"ok": True, "result": message}
        if method in ("answerCallbackQuery", "setWebhook", "deleteWebhook"):
            return 200, {"ok": True, "result": True, **({"description": "Webhook was set"} if method == "setWebhook" else {})}
        if method == "getWebhookInfo":
            return 200, {"ok": True, "result": {"url": "", "has_custom_certificate": False, "pending_update_count": 0}}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}

    def twilio_answer(self, sid: str, auth: Optional[str], form: Dict[str, str]) -> Tuple[int, Dict[str, Any]]:
        expected = "Basic " + base64.b64encode(f"{self.twilio_sid}:{self.twilio_token}".encode()).decode()
        if sid != self.twilio_sid or auth != expected:
            return 401, {"code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401}
        for key in ("To", "From", "Body"):
            if not form.get(key):
                return 400, {"code": 21602 if key == "Body" else 21604, "message": f"A '{key}' is required", "status": 400}
        if len(form["Body"]) > 1600:
            return 400, {"code": 21617, "message": "The concatenated message body exceeds the 1600 character limit", "status": 400}
        message_sid = f"SM{next(self._ids):032x}"
        return 201, {
            "account_sid": sid, "api_version": "2010-04-01", "body": form["Body"], "direction": "outbound-api",
            "from": form["From"], "to": form["To"], "num_media": "0", "num_segments": "1", "sid": message_sid,
            "status": "queued", "error_code": None, "error_message": None, "price": None,
            "date_created": time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime()),
            "uri": f"/2010-04-01/Accounts/{sid}/Messages/{message_sid}.json",
        }

    def _handler_class(self) -> type:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _reply(self, status: int, body: Dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if standin.mode == "down":
                    self.close_connection = True
                    return
                if "json" in (self.headers.get("Content-Type") or ""):
                    body = json.loads(raw or b"{}")
                else:
                    body = {k: v[0] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()}
                m = re.fullmatch(r"/bot([^/]+)/(\w+)", self.path)
                if m and standin.mode == "reject":
                    return self._reply(400, {"ok": False, "error_code": 400, "description": f"Bad Request: chat {body.get('chat_id')} not found"})
                if m:
                    status, answer = standin.telegram_answer(m.group(1), m.group(2), body)
                    standin.record(Call("telegram", m.group(2), body, status, answer))
                    return self._reply(status, answer)
                m = re.fullmatch(r"/2010-04-01/Accounts/(\w+)/Messages\.json", self.path)
                if m and standin.mode == "reject":
                    return self._reply(400, {"code": 21211, "message": f"The 'To' number {body.get('To')} is not a valid phone number.", "status": 400})
                if m:
                    status, answer = standin.twilio_answer(m.group(1), self.headers.get("Authorization"), body)
                    standin.record(Call("twilio", "Messages", body, status, answer))
                    return self._reply(status, answer)
                self._reply(404, {"error": "not found"})

        return Handler
