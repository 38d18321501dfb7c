// Live updates from GET /_sandbox/events. The browser's EventSource reconnects by itself and sends
// Last-Event-ID; when it gives up (CLOSED), a new one resumes with ?since= so no event is missed.

const types = ["message", "interaction", "call", "member", "commands", "faults", "token"];

export function connectEvents(handlers, indicator) {
  let lastId = null;
  let source = null;

  const show = (state, text) => {
    indicator.dataset.state = state;
    indicator.textContent = text;
  };

  const open = () => {
    const url = lastId === null ? "/_sandbox/events" : `/_sandbox/events?since=${encodeURIComponent(lastId)}`;
    source = new EventSource(url);
    source.onopen = () => show("open", "live");
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        show("closed", "offline, retrying…");
        setTimeout(open, 2000);
      } else {
        show("connecting", "reconnecting…");
      }
    };
    for (const type of types) {
      source.addEventListener(type, (event) => {
        if (event.lastEventId) {
          lastId = event.lastEventId;
        }

        const handler = handlers[type];
        if (!handler) {
          return;
        }

        let data = null;
        try {
          data = event.data ? JSON.parse(event.data) : null;
        } catch {
          return;
        }

        handler(data);
      });
    }
  };

  show("connecting", "connecting…");
  open();
}
