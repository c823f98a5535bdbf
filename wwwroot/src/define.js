// Registers an element once: a page that loads ticker.js twice (two embeds) must not throw.
export function define(tag, elementClass) {
  if (!customElements.get(tag)) {
    customElements.define(tag, elementClass);
  }
}
