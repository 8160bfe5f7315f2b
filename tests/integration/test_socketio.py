"""The socket.io channel (what the web widget uses) delivers replies, buttons and the summary."""
import asyncio
import uuid

import socketio


def has_buttons(data) -> bool:
    return bool(data.get("quick_replies") or data.get("buttons") or "custom" in data)


async def _chat(base: str, session_id: str, messages, until=has_buttons, metadata=None, timeout: float = 30):
    """Send each message and wait for a bot message matching ``until`` before the next."""
    received = []
    got = asyncio.Event()
    sio = socketio.AsyncClient()

    @sio.on("bot_uttered")
    async def on_bot(data):
        received.append(data)
        if until(data):
            got.set()

    await sio.connect(base, socketio_path="/socket.io", transports=["websocket"])
    await sio.emit("session_request", {"session_id": session_id})
    for text in messages:
        got.clear()
        await sio.emit("user_uttered", {"message": text, "session_id": session_id, "metadata": metadata or {}})
        await asyncio.wait_for(got.wait(), timeout=timeout)
    await sio.disconnect()
    return received


def test_socketio_delivers_the_interview_with_quick_replies(servers):
    session = uuid.uuid4().hex
    received = asyncio.run(_chat(servers.base, session, ["hi", "no"]))
    texts = [r.get("text") or "" for r in received]
    assert any("safety check" in t for t in texts)
    buttons = [r for r in received if r.get("quick_replies") or r.get("buttons")]
    assert buttons, received
    # the same conversation is visible in the tracker, under the session id
    assert servers.slots(session)["interview"]["pending"] == "SX_OPEN"


def test_socketio_delivers_the_result_summary_payload_intact(servers):
    # Rasa 3.6's own socket.io output crashes on a custom payload such as the
    # triage summary; channels/resilient.py sends it as {"custom": {...}}.
    session = uuid.uuid4().hex
    received = asyncio.run(
        _chat(servers.base, session, ["my face is drooping and my speech is slurred"],
              until=lambda d: "custom" in d, metadata={"locale": "us"})
    )
    summary = received[-1]["custom"]
    assert summary["type"] == "triage_summary"
    assert summary["level"] == "emergency"
    assert summary["emergency_number"] == "911"  # the locale came through as metadata
    assert any("911" in (r.get("text") or "") for r in received[:-1])
