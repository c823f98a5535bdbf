// The look of both elements. Everything a page may restyle is a custom property on :host (with
// its default here) or a ::part; nothing leaks in or out of the shadow root.

// Every colour is opaque, and text keeps 4.5:1 (WCAG AA) against whatever is behind it in both
// themes: the flash colours are the up/down colour already composed over the theme's background
// (a see-through flash showed the page through the box), and a price that is not live keeps its
// colour (it is marked by the badge, a dashed frame, italics and its as-of time instead of grey).
// The dark theme's values, for theme="dark" and for theme="auto" on a dark system.
const dark = `
  --ticker-bg: #15191e;
  --ticker-fg: #e8eaed;
  --ticker-muted: #9aa3ad;
  --ticker-border: #2f363e;
  --ticker-up: #5bd47f;
  --ticker-down: #ff7b72;
  --ticker-stale: #6b737c;
  --ticker-flash-up: #1d3a28;
  --ticker-flash-down: #3f2226;
  --ticker-badge-bg: #262c33;
  --ticker-focus: #8ab4f8;
`;

export const base = `
:host {
  --ticker-font: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  --ticker-bg: #ffffff;
  --ticker-fg: #1b1f24;
  --ticker-muted: #5b6470;
  --ticker-border: #d8dde3;
  --ticker-radius: 6px;
  --ticker-up: #137333;
  --ticker-down: #c5221f;
  --ticker-stale: #8a929b;
  --ticker-flash-up: #e3f1e7;
  --ticker-flash-down: #fbe9e8;
  --ticker-badge-bg: #eef1f4;
  --ticker-focus: #1a73e8;
  display: block;
  color: var(--ticker-fg);
  font-family: var(--ticker-font);
  contain: content;
}
:host([hidden]), [hidden] { display: none !important; }
:host([theme="dark"]) {${dark}}
@media (prefers-color-scheme: dark) {
  :host([theme="auto"]) {${dark}}
}
.up { color: var(--ticker-up); }
.down { color: var(--ticker-down); }
.badge {
  display: inline-block;
  padding: 0.05em 0.45em;
  border-radius: 999px;
  background: var(--ticker-badge-bg);
  color: var(--ticker-muted);
  font-size: 0.72em;
  font-weight: 600;
  letter-spacing: 0.02em;
  text-transform: uppercase;
  white-space: nowrap;
}
.badge[data-state="live"] { color: var(--ticker-up); }
.badge[data-state="stale"], .badge[data-state="reconnecting"] { color: var(--ticker-down); }
.visually-hidden {
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap;
}
.replay { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem 0.6rem; margin-top: 0.5rem; font-size: 0.8rem; color: var(--ticker-muted); }
/* Every control in either element (the tape's pause, the replay bar) looks the same. */
button, select {
  flex: none;
  font: inherit;
  color: var(--ticker-fg);
  background: var(--ticker-badge-bg);
  border: 1px solid var(--ticker-border);
  border-radius: calc(var(--ticker-radius) - 2px);
  padding: 0.1rem 0.45rem;
}
button { cursor: pointer; }
button:focus-visible, select:focus-visible { outline: 2px solid var(--ticker-focus); outline-offset: 1px; }
/* A price that is not live must never pass for a live one: no up/down colour, italics, a dashed
   frame, and its time (the as-of part); still readable, never greyed. */
.stale { border-style: dashed; border-color: var(--ticker-stale); }
.stale .value { font-style: italic; }
.stale .up, .stale .down { color: inherit; }
.asof { color: var(--ticker-muted); font-size: 0.78rem; }
a.link { color: inherit; text-decoration: none; }
a.link:hover, a.link:focus-visible { text-decoration: underline; }
a.link:focus-visible { outline: 2px solid var(--ticker-focus); outline-offset: 2px; border-radius: 2px; }
`;

export const quote = `
.box {
  container-type: inline-size;
  min-width: 200px;
  box-sizing: border-box;
  padding: 0.75rem 0.9rem;
  background: var(--ticker-bg);
  border: 1px solid var(--ticker-border);
  border-radius: var(--ticker-radius);
  font-variant-numeric: tabular-nums;
}
.header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.25rem 0.6rem; margin: 0 0 0.5rem; }
.name { font-weight: 700; font-size: 1.05rem; margin: 0; }
.change { font-weight: 700; }
.badge { margin-inline-start: auto; }
.fields { display: grid; grid-template-columns: 1fr; gap: 0.2rem; margin: 0 0 0.6rem; }
.fields div, .book div { display: flex; gap: 0.4rem; align-items: baseline; justify-content: space-between; white-space: nowrap; }
dt { color: var(--ticker-muted); font-size: 0.85rem; }
dd { margin: 0; font-weight: 600; }
.book { display: grid; grid-template-columns: 1fr 1fr; gap: 0.4rem; margin: 0; }
.book div { padding: 0.35rem 0.5rem; border-radius: calc(var(--ticker-radius) - 2px); background: var(--ticker-badge-bg); }
.book dt { font-weight: 700; color: var(--ticker-fg); }
.book dd { font-size: 1.05rem; }
.error { color: var(--ticker-down); font-size: 0.9rem; margin: 0.5rem 0 0; }
.box { position: relative; }
.asof { display: block; margin: -0.3rem 0 0.4rem; }
/* The name's link covers the whole box: one tab stop, the box is its click target. */
.name a.link::after { content: ""; position: absolute; inset: 0; }
.replay { position: relative; }
.spark { display: block; width: 100%; height: 1.6rem; margin: 0.5rem 0 0; overflow: visible; }
.spark polyline { fill: none; stroke: var(--ticker-up); stroke-width: 1.5; stroke-linejoin: round; }
.spark[data-direction="down"] polyline { stroke: var(--ticker-down); }
:host([sparkline="off"]) .spark { display: none; }
/* An alert crossed (::part(alert) to restyle): a ring the colour of the focus, inside the frame. */
.box[part~="alert"] { box-shadow: inset 0 0 0 2px var(--ticker-focus); }
/* Wide: the stock box's one line of Open, Trading Vol., Previous Vol. */
@container (min-width: 480px) {
  .fields { grid-template-columns: repeat(3, auto); justify-content: start; column-gap: 1.5rem; }
  .fields div { justify-content: flex-start; }
}
@container (max-width: 240px) {
  .book { grid-template-columns: 1fr; }
}
`;

export const ticker = `
.tape {
  display: flex;
  align-items: center;
  gap: 0.5rem;
  min-width: 200px;
  box-sizing: border-box;
  padding: 0.35rem 0.5rem;
  background: var(--ticker-bg);
  border: 1px solid var(--ticker-border);
  border-radius: var(--ticker-radius);
  font-variant-numeric: tabular-nums;
}
.viewport { flex: 1; overflow: hidden; min-width: 0; }
.track { display: flex; width: max-content; animation: scroll var(--ticker-duration, 30s) linear infinite; }
.list { display: flex; gap: 1.5rem; margin: 0; padding: 0 1.5rem 0 0; list-style: none; }
.item { display: flex; gap: 0.4rem; white-space: nowrap; }
.symbol { font-weight: 700; }
.tape:hover .track, .tape:focus-within .track, .tape.paused .track { animation-play-state: paused; }
button.pause { font-size: 0.8rem; padding: 0.15rem 0.5rem; }
.item a.link { display: flex; gap: 0.4rem; }
.asof { white-space: nowrap; }
@keyframes scroll { from { transform: translateX(0); } to { transform: translateX(-50%); } }
@keyframes scroll-up { from { transform: translateY(0); } to { transform: translateY(-50%); } }
:host([direction="right"]) .track { animation-direction: reverse; }
/* A vertical tape: the lists stack, and the viewport shows a few rows. */
:host([direction="up"]) .tape { align-items: flex-start; }
:host([direction="up"]) .viewport { height: var(--ticker-height, 6.5rem); }
:host([direction="up"]) .track { flex-direction: column; width: auto; animation-name: scroll-up; }
:host([direction="up"]) .list { flex-direction: column; gap: 0.25rem; padding: 0 0 0.25rem; }
/* list and grid hold still: no loop copy, nothing to pause. */
:host([layout="list"]) .tape, :host([layout="grid"]) .tape { align-items: flex-start; }
:host([layout="list"]) .track, :host([layout="grid"]) .track { animation: none; width: auto; display: block; }
:host([layout="list"]) .list[aria-hidden="true"], :host([layout="grid"]) .list[aria-hidden="true"],
:host([layout="list"]) button.pause, :host([layout="grid"]) button.pause { display: none; }
:host([layout="list"]) .list { flex-direction: column; gap: 0.25rem; padding: 0; }
:host([layout="list"]) .item, :host([layout="list"]) .item a.link { justify-content: space-between; }
:host([layout="grid"]) .list { display: grid; grid-template-columns: repeat(auto-fill, minmax(12.5rem, 1fr)); gap: 0.25rem 1rem; padding: 0; }
/* Without motion the tape is a static list that wraps; the copy that made the loop is dropped. */
@media (prefers-reduced-motion: reduce) {
  .track, :host([direction]) .track { animation: none; width: auto; }
  .list { flex-wrap: wrap; row-gap: 0.25rem; }
  .list[aria-hidden="true"], button.pause { display: none; }
  :host([direction="up"]) .viewport { height: auto; }
}
`;
