"""The web widget as a person meets it: the demo site in headless Chromium,
talking to the real Rasa and action servers."""
from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import shot
from tests.integration.servers import ROOT

PANEL = "#b12-panel"
DONE = """n => {
  const r = document.querySelector('#b12-chat') && document.querySelector('#b12-chat').shadowRoot;
  if (!r) return false;
  const count = r.querySelectorAll('.b12-msg--bot, .b12-card').length;
  return count > n && !r.querySelector('.b12-typing').textContent;
}"""


def bot_count(page: Page) -> int:
    return page.locator(".b12-msg--bot, .b12-card").count()


def wait_reply(page: Page, before: int) -> None:
    """Wait until new bot output arrived and the typing indicator has gone."""
    page.wait_for_function(DONE, arg=before, timeout=30000)


def open_chat(page: Page, base: str, path: str = "/chat/demo/") -> None:
    page.goto(base + path)
    launcher = page.get_by_role("button", name="Open Symptom check")
    launcher.click()
    expect(page.locator(PANEL)).to_be_visible()
    wait_reply(page, 0)


def last_bot_text(page: Page) -> str:
    return page.locator(".b12-msg--bot").last.inner_text()


def active_choices(page: Page):
    return page.locator(".b12-choices button:not([disabled])")


def type_message(page: Page, text: str) -> None:
    before = bot_count(page)
    page.get_by_label("Your message").fill(text)
    page.get_by_label("Your message").press("Enter")
    wait_reply(page, before)


def click_choice(page: Page, title: str) -> None:
    before = bot_count(page)
    active_choices(page).filter(has_text=re.compile(f"^{re.escape(title)}$")).first.click()
    wait_reply(page, before)
    # the chosen title shows as the person's message
    expect(page.locator(".b12-msg--user").last).to_contain_text(title)


def answer_until_result(page: Page, age: str = "58", max_turns: int = 30) -> None:
    """Answer each question like a person would: buttons where offered, typing otherwise."""
    for _ in range(max_turns):
        if page.locator(".b12-card").count():
            return
        titles = [t.strip() for t in active_choices(page).all_inner_texts()]
        question = last_bot_text(page)
        if "What symptoms" in question:
            type_message(page, "pins and needles in both feet for about three months")
        elif "Under 16" in titles:
            type_message(page, age)
        elif "Months" in titles:
            click_choice(page, "Months")
        elif "Slowly getting worse" in titles:
            click_choice(page, "Slowly getting worse")
        elif "No" in titles:
            click_choice(page, "No")
        elif "None of these" in titles:
            click_choice(page, "None of these")
        else:
            type_message(page, "no")
    raise AssertionError(f"no result after {max_turns} turns; last question: {last_bot_text(page)}")


def test_notice_shows_before_the_first_message_and_the_bot_greets(page, servers):
    page.goto(servers.base + "/chat/demo/")
    page.get_by_role("button", name="Open Symptom check").click()
    notice = page.locator(".b12-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("does not give a diagnosis")
    expect(notice.locator("a[href='tel:999']")).to_have_text("999")
    wait_reply(page, 0)
    assert "safety check" in page.locator(".b12-log").inner_text()
    expect(active_choices(page)).to_have_count(3)  # Yes / No / Not sure
    expect(page.locator(PANEL)).to_have_attribute("data-transport", "socketio")


def test_a_whole_triage_with_buttons_and_typed_text_ends_in_a_result_card(page, servers):
    open_chat(page, servers.base)
    # record whether the typing indicator shows while the assistant answers
    page.evaluate("""() => {
        const typing = document.querySelector('#b12-chat').shadowRoot.querySelector('.b12-typing');
        window.typingSeen = false;
        new MutationObserver(() => { if (typing.textContent.includes('typing')) window.typingSeen = true; })
            .observe(typing, {childList: true, subtree: true});
    }""")
    click_choice(page, "No")  # the safety check
    assert page.evaluate("window.typingSeen")
    type_message(page, "my feet have been tingling with pins and needles")
    page.mouse.move(0, 0)
    shot(page, "widget-mid-conversation", docs=True)
    answer_until_result(page)
    card = page.locator(".b12-card")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Your result")
    expect(card).to_contain_text("not a diagnosis")
    assert card.get_attribute("data-level") in {"soon", "routine", "urgent"}
    expect(card.locator("dt", has_text="Symptoms")).to_be_visible()
    assert "pins and needles" in card.inner_text().lower() or "tingling" in card.inner_text().lower()
    expect(page.locator(".b12-alert")).to_be_hidden()  # no red flag, no alarm
    # no raw JSON anywhere in the log
    assert "triage_summary" not in page.locator(".b12-log").inner_text()
    card.evaluate("e => { const log = e.parentElement; log.scrollTop = e.offsetTop - log.offsetTop - 8; }")
    shot(page, "widget-result-card", docs=True, locator=page.locator(PANEL))
    # the server reached the same result
    slots = servers.slots(page.evaluate("window.B12Chat.sessionId"))
    assert slots["triage_level"] == card.get_attribute("data-level")


def test_the_conversation_survives_a_reload_and_navigation(page, servers):
    open_chat(page, servers.base)
    click_choice(page, "No")
    type_message(page, "I keep losing my balance and my legs feel numb")
    before_reload = page.locator(".b12-log").text_content()
    session = page.evaluate("window.B12Chat.sessionId")
    page.reload()
    expect(page.locator(PANEL)).to_be_visible()  # still open
    expect(page.locator(".b12-log")).to_have_text(before_reload)
    assert page.evaluate("window.B12Chat.sessionId") == session
    # carry on: the server still knows where we were (no new safety check)
    answer_until_result(page)
    assert page.locator(".b12-log").inner_text().count("quick safety check") == 1
    # another page of the site: the same conversation, result card included
    page.get_by_role("link", name="Vitamin B12", exact=True).first.click()
    page.wait_for_url("**/b12.html")
    expect(page.locator(".b12-card")).to_be_visible()
    assert page.evaluate("window.B12Chat.sessionId") == session


def test_a_red_flag_shows_emergency_advice_that_cannot_be_missed(page, servers):
    open_chat(page, servers.base)
    type_message(page, "my face has dropped on one side and my speech is slurred")
    alert = page.locator(".b12-alert")
    expect(alert).to_be_visible()
    expect(alert).to_have_attribute("role", "alert")
    expect(alert).to_contain_text(re.compile("emergency: call 999 now", re.I))
    expect(alert.locator("a[href='tel:999']")).to_be_visible()
    expect(page.locator(".b12-msg--urgent").first).to_be_visible()
    expect(page.locator(".b12-card")).to_have_attribute("data-level", "emergency")
    shot(page, "widget-emergency", docs=True, locator=page.locator(PANEL))


def test_falls_back_to_rest_when_the_socket_cannot_connect(context, servers):
    # a network that blocks socket.io: both its websocket and its long-polling requests
    context.route("**/socket.io/**", lambda route: route.abort())
    context.route_web_socket(re.compile(r".*/socket\.io/.*"), lambda ws: ws.close())
    page = context.new_page()
    open_chat(page, servers.base)
    expect(page.locator(PANEL)).to_have_attribute("data-transport", "rest")
    click_choice(page, "No")
    type_message(page, "burning feet at night")
    assert "How long" in last_bot_text(page) or active_choices(page).count() > 0


def test_keyboard_alone(page, servers):
    page.goto(servers.base + "/chat/demo/")
    launcher = page.get_by_role("button", name="Open Symptom check")
    for _ in range(20):  # tab through the site to the launcher
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == "b12-chat":
            break
    expect(launcher).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Your message")).to_be_focused()
    wait_reply(page, 0)
    # tab from the text box to the quick replies is not needed: type an answer, then reach a button by Shift+Tab
    page.keyboard.type("no")
    before = bot_count(page)
    page.keyboard.press("Enter")
    wait_reply(page, before)
    choices = active_choices(page)
    assert choices.count() > 0
    choices.first.focus()
    expect(choices.first).to_be_focused()
    before = bot_count(page)
    page.keyboard.press("Space")
    wait_reply(page, before)
    page.keyboard.press("Escape")
    expect(page.locator(PANEL)).to_be_hidden()
    expect(launcher).to_be_focused()


def test_phone_sized_screen(browser, servers):
    ctx = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        page = ctx.new_page()
        open_chat(page, servers.base)
        box = page.locator(PANEL).bounding_box()
        assert box["width"] == 375 and box["x"] == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.get_by_role("button", name="No", exact=True).tap()
        wait_reply(page, 2)
        field = page.get_by_label("Your message").bounding_box()
        assert field["y"] + field["height"] <= 740
        shot(page, "widget-phone")
    finally:
        ctx.close()


def test_markup_and_emoji_are_shown_as_text_and_get_a_kind_reply(page, servers):
    open_chat(page, servers.base)
    type_message(page, "<img src=x onerror=alert(1)><b>hi</b>")
    expect(page.locator(".b12-msg--user").last).to_have_text("You: <img src=x onerror=alert(1)><b>hi</b>")
    assert page.locator(".b12-log img, .b12-log b").count() == 0
    type_message(page, "😀😀😀")
    assert last_bot_text(page).strip()


def test_accessibility_axe(page, servers):
    open_chat(page, servers.base)
    type_message(page, "my face has dropped on one side and my speech is slurred")  # alert, card, urgent message
    page.add_script_tag(path=str(ROOT / "widget" / "node_modules" / "axe-core" / "axe.min.js"))
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
            const inWidget = result.passes.flatMap(p => p.nodes).filter(n => Array.isArray(n.target[0]) && n.target[0][0] === '#b12-chat');
            return {checked: inWidget.length, violations: result.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target)}))};
        }"""
    )
    assert violations["checked"] > 20, "axe did not look inside the widget's shadow root"
    assert violations["violations"] == [], json.dumps(violations["violations"], indent=1)
    # the live region and labels a screen reader relies on
    log = page.locator(".b12-log")
    expect(log).to_have_attribute("role", "log")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(page.get_by_role("dialog", name="Symptom check")).to_be_visible()


def test_a_server_restart_mid_conversation_loses_nothing(page, servers):
    open_chat(page, servers.base)
    click_choice(page, "No")
    servers.stop_rasa()
    expect(page.locator(PANEL)).to_have_attribute("data-connection", "offline", timeout=20000)
    expect(page.locator(".b12-status")).to_contain_text("reconnecting")
    expect(page.locator(".b12-status")).to_contain_text("999")
    before = bot_count(page)
    type_box = page.get_by_label("Your message")
    type_box.fill("my feet burn at night")
    type_box.press("Enter")
    expect(page.locator(".b12-msg--user").last).to_contain_text("my feet burn at night")
    servers.start_rasa()
    page.wait_for_function(DONE, arg=before, timeout=90000)  # sent once the socket is back, then answered
    expect(page.locator(".b12-status")).to_have_text("")
    said = last_bot_text(page).lower()
    assert "burning" in said or "?" in said  # answered: noted, or the next question (both arrive in turn)
    session = page.evaluate("window.B12Chat.sessionId")
    assert "SX_BURNING_FEET" in (servers.tracker(session)["slots"].get("symptoms") or [])  # the message was read
    said = [e.get("text") for e in servers.tracker(session)["events"] if e.get("event") == "user"]
    assert said.count("my feet burn at night") == 1
