// Replay: an element that plays a recording (replay-from, replay-to, replay-speed) instead of the
// live feed. ReplayStream is the connection's side (the hub's Replay stream, resumed after a
// reconnect); ReplayControls is the element's (play/pause, speed, the recorded time).
import { HubConnectionState } from "@microsoft/signalr";

/** One element's replay on a hub connection. The request's "from" follows the quotes, so a dropped connection resumes where it was. */
export class ReplayStream {
  #hub;
  #element;
  #seen = new Map(); // symbol -> highest sequence shown
  #subscription = null;
  ended = false;

  constructor(hub, element, request) {
    this.#hub = hub;
    this.#element = element;
    this.request = { ...request };
  }

  /** Starts (or, after a reconnect, resumes) the stream; the hub must be connected. */
  run() {
    if (this.ended) {
      return;
    }
    this.#subscription = this.#hub.stream("Replay", this.request).subscribe({
      next: quote => {
        if ((this.#seen.get(quote.symbol) ?? 0) >= quote.sequence) {
          return; // already shown before a reconnect resumed the replay
        }
        this.#seen.set(quote.symbol, quote.sequence);
        this.request.from = quote.timestamp;
        this.#element.onQuote(quote);
      },
      complete: () => this.#end(null),
      error: error => {
        // A lost connection resumes the replay when it is back; anything else is the request's fault.
        if (this.#hub.state === HubConnectionState.Connected) {
          this.#end(error?.message ?? String(error));
        }
      },
    });
  }

  /** PauseReplay, ResumeReplay or SetReplaySpeed. */
  async control(method, ...args) {
    if (!this.ended && this.#hub.state === HubConnectionState.Connected) {
      await this.#hub.invoke(method, this.request.replayId, ...args);
      if (method === "SetReplaySpeed") {
        this.request.speed = args[0];
      }
    }
  }

  stop() {
    this.ended = true;
    this.#subscription?.dispose();
  }

  #end(error) {
    this.ended = true;
    this.#element.onReplayEnded?.(error);
  }
}

export const speedLabel = speed => (speed === 0 ? "max" : `×${speed}`);

/** The replay bar an element shows in its frame: it acts on that element's replay only. */
export class ReplayControls {
  constructor(frame, speed, control, onSpeed) {
    const bar = (this.bar = document.createElement("div"));
    bar.className = "replay";
    bar.setAttribute("part", "replay");
    bar.innerHTML = `
      <button type="button" part="replay-toggle" aria-pressed="false">Pause</button>
      <label>Speed <select part="replay-speed">${[1, 2, 5, 10, 60, 0].map(s =>
        `<option value="${s}">${speedLabel(s)}</option>`).join("")}</select></label>
      <span part="replay-time" class="replay-time"></span>`;
    const toggle = (this.toggle = bar.querySelector("button"));
    const select = bar.querySelector("select");
    this.time = bar.querySelector(".replay-time");
    select.value = String(speed);
    toggle.addEventListener("click", async () => {
      const pause = toggle.getAttribute("aria-pressed") !== "true";
      await control(pause ? "PauseReplay" : "ResumeReplay");
      toggle.setAttribute("aria-pressed", String(pause));
      toggle.textContent = pause ? "Play" : "Pause";
    });
    select.addEventListener("change", async () => {
      await control("SetReplaySpeed", Number(select.value));
      onSpeed(Number(select.value));
    });
    frame.append(bar);
  }

  showTime(quote, locale) {
    this.time.textContent = new Date(quote.timestamp).toLocaleString(locale, { dateStyle: "short", timeStyle: "medium" });
  }

  /** The replay's end, or why it failed. */
  ended(error) {
    this.toggle.disabled = true;
    this.toggle.textContent = error ? "Failed" : "Ended";
    this.toggle.title = error ?? "The recording has been played to its end.";
  }

  remove() {
    this.bar.remove();
  }
}
