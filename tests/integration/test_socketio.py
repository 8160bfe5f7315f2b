"""The socket.io channel (what the web widget uses) delivers replies and buttons."""
import asyncio
import uuid

import socketio


async def _chat(base: str, session_id: str, messages):
    received = []
    got = asyncio.Event()
    sio = socketio.AsyncClient()

    @sio.on("bot_uttered")
    async def on_bot(data):
        received.append(data)
        if data.get("quick_replies") or data.get("buttons") or "custom" in data:
            got.set()

    await sio.connect(base, socketio_path="/socket.io", transports=["websocket"])
    await sio.emit("session_request", {"session_id": session_id})
    for text in messages:
        got.clear()
        await sio.emit("user_uttered", {"message": text, "session_id": session_id})
        await asyncio.wait_for(got.wait(), timeout=30)
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
