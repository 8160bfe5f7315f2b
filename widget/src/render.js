// Turning bot messages into DOM nodes. Text is never parsed as HTML: links are
// found with linkifyjs and built as elements, so markup in a message shows as
// text and cannot run.
import * as linkify from "linkifyjs";

export function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of [].concat(children)) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Links, plus the emergency number as a tap-to-call link.
export function inline(text, emergencyNumber) {
  const nodes = [];
  for (const token of linkify.tokenize(text)) {
    if (token.isLink) {
      nodes.push(el("a", { href: token.toHref("https"), target: "_blank", rel: "noopener noreferrer" }, token.toString()));
      continue;
    }
    const value = token.toString();
    if (!emergencyNumber || !value.includes(emergencyNumber)) {
      nodes.push(document.createTextNode(value));
      continue;
    }
    const pattern = new RegExp(`\\b${emergencyNumber}\\b`);
    let rest = value;
    let match;
    while ((match = pattern.exec(rest))) {
      nodes.push(document.createTextNode(rest.slice(0, match.index)));
      nodes.push(el("a", { href: `tel:${emergencyNumber}`, class: "b12-tel" }, emergencyNumber));
      rest = rest.slice(match.index + emergencyNumber.length);
    }
    nodes.push(document.createTextNode(rest));
  }
  return nodes;
}

// Lines starting with "- " become a list; other lines paragraphs.
export function richText(text, emergencyNumber) {
  const blocks = [];
  let list = null;
  for (const line of String(text).split("\n")) {
    const item = line.match(/^\s*[-•]\s+(.*)$/);
    if (item) {
      if (!list) {
        list = el("ul");
        blocks.push(list);
      }
      list.append(el("li", {}, inline(item[1], emergencyNumber)));
    } else if (line.trim()) {
      list = null;
      blocks.push(el("p", {}, inline(line, emergencyNumber)));
    }
  }
  return blocks;
}

export function isEmergencyText(text, emergencyNumber) {
  if (!emergencyNumber || !text) return false;
  return new RegExp(`\\bcall ${emergencyNumber}\\b`, "i").test(text.slice(0, 120));
}

function labels(group, status) {
  return ((group && group[status]) || []).map((i) => i.label);
}

function row(term, values) {
  if (!values.length) return [];
  return [el("dt", {}, term), el("dd", {}, values.join("; "))];
}

// The result card, built from the assistant's triage_summary payload.
export function summaryCard(summary, emergencyNumber) {
  const level = String(summary.level || "routine").replace(/[^a-z_]/g, "");
  const warnings = labels(summary.red_flags, "present");
  const risks = labels(summary.risk_factors, "present").concat(labels(summary.modifiers, "present"));
  const course = [summary.duration, summary.progression].filter(Boolean).join(", ");
  const details = el("dl", { class: "b12-card__facts" }, [
    ...row("Warning signs", warnings),
    ...row("Symptoms", labels(summary.symptoms, "present")),
    ...row("How long", course ? [course] : []),
    ...row("Not sure about", labels(summary.symptoms, "unsure")),
    ...row("Risk factors", risks),
    ...row("Age", summary.age !== null && summary.age !== undefined ? [String(summary.age)] : []),
  ]);
  const ask = (summary.ask_about || []).length
    ? [el("p", { class: "b12-card__sub" }, "You could ask about:"), el("ul", {}, summary.ask_about.map((t) => el("li", {}, t)))]
    : [];
  return el("article", { class: `b12-card b12-card--${level}`, "aria-label": "Your result", "data-level": level }, [
    el("p", { class: "b12-card__title" }, "Your result"),
    el("p", { class: "b12-card__level" }, inline(summary.level_text || "", emergencyNumber)),
    el("p", { class: "b12-card__advice" }, inline(summary.advice || "", emergencyNumber)),
    details,
    ...ask,
    el("p", { class: "b12-card__note" }, "This is guidance on where to get help, not a diagnosis."),
  ]);
}

export function needsAlert(summary) {
  if (!summary || summary.type !== "triage_summary") return false;
  const flagged = ((summary.red_flags && summary.red_flags.present) || []).length > 0;
  return summary.level === "emergency" || (summary.level === "urgent" && flagged);
}
