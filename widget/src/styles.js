// Styles live in the widget's shadow root, so the host site's CSS cannot
// break the widget and the widget cannot break the site. Colours meet WCAG AA
// contrast (4.5:1) on their backgrounds.
export function styles(color) {
  return `
:host { all: initial; }
* { box-sizing: border-box; }
.b12 { --brand: ${color}; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1d1d1f; }
.b12-visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.b12 button, .b12 input { font: inherit; }
.b12 :focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
.b12-launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; border: 0; border-radius: 28px; padding: 14px 20px;
  background: var(--brand); color: #fff; font-weight: 600; box-shadow: 0 4px 14px rgba(0,0,0,.25); cursor: pointer; }
.b12-panel { position: fixed; right: 20px; bottom: 20px; z-index: 2147483001; width: 390px; max-width: calc(100vw - 24px);
  height: 620px; max-height: calc(100vh - 40px); display: flex; flex-direction: column; background: #fff; border-radius: 12px;
  box-shadow: 0 8px 30px rgba(0,0,0,.3); overflow: hidden; }
.b12-panel[hidden], .b12-launcher[hidden] { display: none; }
.b12-header { display: flex; align-items: center; gap: 8px; padding: 10px 12px; background: var(--brand); color: #fff; }
.b12-header h2 { flex: 1; margin: 0; font-size: 1.05rem; }
.b12-header button { background: transparent; color: #fff; border: 1px solid rgba(255,255,255,.7); border-radius: 6px; padding: 4px 10px; cursor: pointer; }
.b12-notice { margin: 0; padding: 8px 12px; background: #fff8e1; color: #3d3000; font-size: .86rem; border-bottom: 1px solid #e6d9a8; }
.b12-alert { margin: 0; padding: 10px 12px; background: #b00020; color: #fff; font-weight: 600; }
.b12-alert[hidden] { display: none; }
.b12-alert a { color: #fff; text-decoration: underline; font-size: 1.15rem; }
.b12-alert p { margin: 0 0 4px; }
.b12-log { flex: 1; overflow-y: auto; padding: 12px; background: #f4f6f8; display: flex; flex-direction: column; gap: 8px; }
.b12-msg { max-width: 88%; padding: 8px 12px; border-radius: 14px; word-wrap: break-word; overflow-wrap: anywhere; }
.b12-msg p { margin: 0 0 6px; } .b12-msg p:last-child { margin-bottom: 0; }
.b12-msg ul { margin: 4px 0; padding-left: 20px; }
.b12-msg--bot { align-self: flex-start; background: #fff; border: 1px solid #d5dbe1; border-bottom-left-radius: 4px; }
.b12-msg--user { align-self: flex-end; background: var(--brand); color: #fff; border-bottom-right-radius: 4px; white-space: pre-wrap; }
.b12-msg--urgent { border: 2px solid #b00020; background: #fdecee; color: #4a0010; }
.b12-msg--urgent::before { content: "Important"; display: block; font-weight: 700; color: #8a0019; font-size: .8rem; text-transform: uppercase; }
.b12-msg a { color: #0b4f8a; }
.b12-msg--user a { color: #fff; }
.b12-msg a.b12-tel, .b12-card a.b12-tel { font-weight: 700; }
.b12-who { position: absolute; }
.b12-choices { display: flex; flex-wrap: wrap; gap: 6px; align-self: flex-start; max-width: 100%; }
.b12-choices button { border: 2px solid var(--brand); color: #0b3c6b; background: #fff; border-radius: 18px; padding: 6px 14px; cursor: pointer; min-height: 40px; }
.b12-choices button:hover { background: #e8f1fa; }
.b12-choices button:disabled { border-color: #8a9299; color: #4c5359; background: #eef0f2; cursor: default; }
.b12-card { align-self: stretch; background: #fff; border: 1px solid #c9d1d9; border-left: 8px solid #0b6e4f; border-radius: 10px; padding: 10px 12px; }
.b12-card--emergency { border-left-color: #b00020; }
.b12-card--urgent { border-left-color: #c2410c; }
.b12-card--soon { border-left-color: #a16207; }
.b12-card--routine { border-left-color: #1d4ed8; }
.b12-card p { margin: 0 0 6px; }
.b12-card__title { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: #4c5359; font-weight: 700; }
.b12-card__level { font-size: 1.1rem; font-weight: 700; }
.b12-card--emergency .b12-card__level { color: #8a0019; }
.b12-card__facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 6px 0; font-size: .92rem; }
.b12-card__facts dt { font-weight: 600; color: #30363b; }
.b12-card__facts dd { margin: 0; }
.b12-card__sub { font-weight: 600; }
.b12-card ul { margin: 2px 0 8px; padding-left: 20px; font-size: .92rem; }
.b12-card__note { font-size: .85rem; color: #4c5359; }
.b12-typing { padding: 0 12px 6px; background: #f4f6f8; color: #4c5359; font-size: .85rem; min-height: 1.6em; }
.b12-typing span[aria-hidden] { display: inline-block; animation: b12-blink 1.2s infinite; }
@keyframes b12-blink { 0%, 100% { opacity: .2; } 50% { opacity: 1; } }
@media (prefers-reduced-motion: reduce) { .b12-typing span[aria-hidden] { animation: none; } }
.b12-form { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #d5dbe1; background: #fff; }
.b12-form input { flex: 1; min-width: 0; padding: 10px 12px; border: 1px solid #6b7780; border-radius: 8px; color: #1d1d1f; }
.b12-form button { border: 0; border-radius: 8px; padding: 0 16px; background: var(--brand); color: #fff; font-weight: 600; cursor: pointer; }
.b12-status { padding: 4px 12px; font-size: .8rem; color: #4c5359; background: #fff; }
.b12-status:empty { display: none; }
@media (max-width: 520px) {
  .b12-panel { right: 0; bottom: 0; width: 100vw; max-width: 100vw; height: 100%; max-height: 100%; border-radius: 0; }
  .b12-launcher { right: 12px; bottom: 12px; }
  .b12-msg { max-width: 94%; }
}
`;
}
