// The B12 symptom check chat widget. A site embeds it with one tag:
//
//   <script src="https://ASSISTANT/chat/widget.js" data-locale="uk"
//           data-title="Symptom check" data-color="#005eb8" defer></script>
//
// Options come from the tag's data-* attributes or window.B12ChatConfig:
// server (defaults to where the script came from), locale (uk, eu, us),
// title, color, open ("true" to open at once), transport ("auto" or "rest").
import { openTransport } from "./transport.js";
import { el, inline, richText, summaryCard, needsAlert, isEmergencyText } from "./render.js";
import { styles } from "./styles.js";

const MAX_STORED = 300;
const MAX_INPUT = 2000;

function readConfig(script) {
  const data = (script && script.dataset) || {};
  const scriptOrigin = script && script.src ? new URL(script.src, location.href).origin : location.origin;
  const global = window.B12ChatConfig || {};
  const pick = (name, fallback) => global[name] ?? data[name] ?? fallback;
  const color = String(pick("color", "#005eb8"));
  return {
    server: String(pick("server", scriptOrigin)).replace(/\/+$/, ""),
    locale: String(pick("locale", "uk")).toLowerCase(),
    title: String(pick("title", "Symptom check")),
    color: /^#[0-9a-f]{3,8}$|^[a-z]+$/i.test(color) ? color : "#005eb8",
    open: String(pick("open", "false")) === "true",
    transport: String(pick("transport", "auto")),
    socketPath: String(pick("socketPath", "/socket.io/")),
    connectTimeout: Number(pick("connectTimeout", 5000)),
  };
}

function newId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
  return Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join("");
}

class Store {
  constructor(prefix) {
    this.prefix = prefix;
  }
  get(name, fallback) {
    try {
      const raw = window.localStorage.getItem(this.prefix + name);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (e) {
      return fallback;
    }
  }
  set(name, value) {
    try {
      window.localStorage.setItem(this.prefix + name, JSON.stringify(value));
    } catch (e) {
      // storage full or blocked: the conversation still works, it just won't survive a reload
    }
  }
}

export class ChatWidget {
  constructor(config) {
    this.config = config;
    this.store = new Store(`b12chat:${config.server}:`);
    this.sessionId = this.store.get("session", null) || newId();
    this.store.set("session", this.sessionId);
    this.history = this.store.get("history", []);
    this.transport = null;
    this.emergencyNumber = null;
    this.typingTimer = null;
  }

  async init() {
    await this.loadServerConfig();
    this.mount();
    for (const item of this.history) this.render(item, false);
    if (this.config.open || this.store.get("open", false)) this.open(false);
    window.B12Chat = this;
  }

  async loadServerConfig() {
    try {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 4000);
      const url = `${this.config.server}/chat/config.json?locale=${encodeURIComponent(this.config.locale)}`;
      const response = await fetch(url, { signal: controller.signal });
      clearTimeout(timer);
      const data = await response.json();
      this.emergencyNumber = data.emergency_number || null;
      this.config.locale = data.locale || this.config.locale;
    } catch (e) {
      this.emergencyNumber = null;
    }
  }

  mount() {
    const host = el("div", { id: "b12-chat", "data-b12-chat": "" });
    document.body.append(host);
    const root = host.attachShadow({ mode: "open" });
    this.root = root;
    root.append(el("style", {}, styles(this.config.color)));
    const number = this.emergencyNumber;
    const emergency = number
      ? ["In an emergency, call ", el("a", { href: `tel:${number}`, class: "b12-tel" }, number), " now."]
      : ["In an emergency, call your local emergency number now."];

    this.launcher = el("button", {
      class: "b12-launcher", type: "button", "aria-expanded": "false", "aria-controls": "b12-panel",
      onclick: () => this.open(true),
    }, `Open ${this.config.title}`);
    this.alert = el("div", { class: "b12-alert", role: "alert", hidden: true });
    this.log = el("div", { class: "b12-log", role: "log", "aria-live": "polite", "aria-label": "Conversation", tabindex: "0" });
    this.typing = el("div", { class: "b12-typing", role: "status" });
    this.status = el("div", { class: "b12-status", role: "status" });
    this.input = el("input", {
      id: "b12-input", type: "text", autocomplete: "off", maxlength: String(MAX_INPUT),
      placeholder: "Describe how you feel…", "aria-describedby": "b12-notice",
    });
    const form = el("form", { class: "b12-form", onsubmit: (e) => this.onSubmit(e) }, [
      el("label", { for: "b12-input", class: "b12-visually-hidden" }, "Your message"),
      this.input,
      el("button", { type: "submit" }, "Send"),
    ]);
    this.panel = el("section", {
      id: "b12-panel", class: "b12-panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "b12-title", hidden: true,
      onkeydown: (e) => { if (e.key === "Escape") this.close(); },
    }, [
      el("div", { class: "b12-header" }, [
        el("h2", { id: "b12-title" }, this.config.title),
        el("button", { type: "button", onclick: () => this.startOver() }, "Start over"),
        el("button", { type: "button", "aria-label": "Close chat", onclick: () => this.close() }, "Close"),
      ]),
      el("p", { id: "b12-notice", class: "b12-notice" }, [
        "This assistant helps you decide how soon to get help and from whom. It does not give a diagnosis. ",
        ...emergency,
      ]),
      this.alert,
      this.log,
      this.typing,
      this.status,
      form,
    ]);
    root.append(el("div", { class: "b12" }, [this.launcher, this.panel]));
  }

  async open(byUser) {
    this.panel.hidden = false;
    this.launcher.hidden = true;
    this.launcher.setAttribute("aria-expanded", "true");
    this.store.set("open", true);
    if (byUser) this.input.focus();
    this.scrollDown();
    await this.connect();
    if (!this.history.length && !this.greeted) {
      this.greeted = true;
      await this.send("/greet", null);
    }
  }

  close() {
    this.panel.hidden = true;
    this.launcher.hidden = false;
    this.launcher.setAttribute("aria-expanded", "false");
    this.store.set("open", false);
    this.launcher.focus();
  }

  async connect() {
    if (this.transport) return this.transport;
    if (!this.connecting) {
      this.connecting = openTransport(this.config, this.sessionId, (m) => this.onBot(m), (s) => this.onConnection(s)).then((t) => {
        this.transport = t;
        this.panel.setAttribute("data-transport", t.kind);
        return t;
      });
    }
    return this.connecting;
  }

  onConnection(state) {
    if (state === "offline") {
      const number = this.emergencyNumber ? ` In an emergency, call ${this.emergencyNumber}.` : "";
      this.status.textContent = `Connection lost, reconnecting… Anything you send will be delivered when it is back.${number}`;
      this.panel.setAttribute("data-connection", "offline");
    } else {
      if (this.panel.getAttribute("data-connection") === "offline") this.status.textContent = "";
      this.panel.setAttribute("data-connection", "online");
    }
  }

  onSubmit(event) {
    event.preventDefault();
    const text = this.input.value.trim();
    if (!text) return;
    this.input.value = "";
    this.send(text, text);
  }

  // text goes to the assistant; shown (if not null) is what the log shows.
  async send(text, shown) {
    this.retireButtons();
    if (shown !== null) this.add({ who: "user", text: shown });
    this.setTyping(true);
    this.status.textContent = "";
    try {
      const transport = await this.connect();
      const count = await transport.send(text, (m) => this.onBot(m));
      if (count !== null) this.setTyping(false);
      else this.typingTimer = setTimeout(() => this.setTyping(false), 20000);
    } catch (e) {
      this.setTyping(false);
      const number = this.emergencyNumber ? ` If you have warning signs such as chest pain or signs of a stroke, call ${this.emergencyNumber} now.` : "";
      this.status.textContent = `The assistant could not be reached. Please try again in a moment.${number}`;
      if (shown !== null) this.input.value = shown;
    }
  }

  onBot(message) {
    if (!message.text && !message.custom && !message.buttons) return;
    this.add({ who: "bot", ...message });
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.setTyping(false), 700);
  }

  setTyping(on) {
    this.typing.replaceChildren();
    if (on) this.typing.append(el("span", {}, "The assistant is typing"), el("span", { "aria-hidden": "true" }, " …"));
  }

  add(item) {
    this.history.push(item);
    if (this.history.length > MAX_STORED) this.history.splice(0, this.history.length - MAX_STORED);
    this.store.set("history", this.history);
    this.render(item, true);
  }

  retireButtons() {
    let changed = false;
    for (const item of this.history) {
      if (item.buttons && !item.answered) {
        item.answered = true;
        changed = true;
      }
    }
    if (changed) this.store.set("history", this.history);
    for (const b of this.log.querySelectorAll(".b12-choices button")) b.disabled = true;
  }

  render(item, live) {
    const number = this.emergencyNumber;
    if (item.who === "user") {
      this.log.append(el("div", { class: "b12-msg b12-msg--user" }, [el("span", { class: "b12-visually-hidden" }, "You: "), item.text]));
    } else {
      if (item.text) {
        const urgent = isEmergencyText(item.text, number);
        this.log.append(el("div", { class: `b12-msg b12-msg--bot${urgent ? " b12-msg--urgent" : ""}` }, [
          el("span", { class: "b12-visually-hidden" }, "Assistant: "),
          ...richText(item.text, number),
        ]));
      }
      if (item.custom && item.custom.type === "triage_summary") {
        this.log.append(summaryCard(item.custom, number));
        if (needsAlert(item.custom)) this.showAlert(item.custom);
      }
      if (item.buttons && item.buttons.length) {
        const group = el("div", { class: "b12-choices", role: "group", "aria-label": "Quick replies" },
          item.buttons.map((b) => el("button", {
            type: "button", disabled: item.answered ? true : null,
            onclick: () => {
              this.input.focus(); // the clicked button is retired; keep keyboard users in the conversation
              this.send(b.payload, b.title);
            },
          }, b.title)));
        this.log.append(group);
      }
    }
    this.scrollDown();
  }

  showAlert(summary) {
    const number = summary.emergency_number || this.emergencyNumber;
    const lead = summary.level === "emergency" ? "Emergency: " : "Get medical help today: ";
    this.alert.replaceChildren(el("p", {}, [lead, ...inline(summary.advice || "", number)]));
    this.alert.hidden = false;
  }

  async startOver() {
    this.history = [];
    this.store.set("history", []);
    this.log.replaceChildren();
    this.alert.hidden = true;
    this.alert.replaceChildren();
    this.input.focus();
    await this.send("/start_over", null);
  }

  scrollDown() {
    this.log.scrollTop = this.log.scrollHeight;
  }
}

const script = document.currentScript;
function boot() {
  if (window.B12Chat) return;
  window.B12Chat = true;
  new ChatWidget(readConfig(script)).init();
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();
