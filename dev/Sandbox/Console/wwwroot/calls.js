// The REST calls the bot made, newest first, with their rate-limit headers; and the fault presets.

const maxRows = 500;

/** Interaction tokens are secrets on real Discord: never shown whole, even when a wire carries one. */
export function shortenTokens(path) {
  return path
    .replace(/(\/webhooks\/\d+\/)([^/?]+)/, (_, head, token) => head + shorten(token))
    .replace(/(\/interactions\/\d+\/)([^/?]+)/, (_, head, token) => head + shorten(token));
}

/** As the Sandbox shortens them: 8 characters after its fixed "sandbox_" prefix, which alone tells nothing apart. */
function shorten(token) {
  if (token.endsWith("…")) {
    return token;
  }

  const keep = token.startsWith("sandbox_") ? 16 : 8;
  return token.length > keep ? token.slice(0, keep) + "…" : token;
}

const statusClass = (status) => (status >= 500 ? "s5xx" : status === 429 ? "s429" : status >= 400 ? "s4xx" : "s2xx");

export class CallPanel {
  constructor(body) {
    this.body = body;
    this.seen = new Set();
  }

  add(call) {
    if (this.seen.has(call.sequence)) {
      return;
    }

    this.seen.add(call.sequence);
    const row = document.createElement("tr");
    row.dataset.testid = "call-row";
    row.dataset.status = String(call.statusCode);
    row.dataset.sequence = String(call.sequence);
    row.className = statusClass(call.statusCode) + (call.faulted ? " faulted" : "");
    const limit = call.rateLimit || {};
    const limitText = [
      limit.remaining !== undefined && limit.remaining !== null ? `${limit.remaining}/${limit.limit ?? "?"}` : null,
      limit.resetAfter !== undefined && limit.resetAfter !== null ? `reset ${limit.resetAfter}s` : null,
      limit.bucket ? `bucket ${String(limit.bucket).slice(0, 8)}` : null,
      limit.scope ? `scope ${limit.scope}` : null,
      limit.retryAfter !== undefined && limit.retryAfter !== null ? `retry ${limit.retryAfter}s` : null,
      limit.global ? "global" : null,
    ].filter(Boolean).join(" · ");
    const cells = [
      call.at ? new Date(call.at).toLocaleTimeString([], { hour12: false }) : "",
      `${call.method} ${shortenTokens(call.path || "")}${call.query || ""}`,
      `${call.statusCode}${call.faulted ? " fault" : ""}`,
      limitText,
      call.durationMs !== undefined && call.durationMs !== null ? String(Math.round(call.durationMs)) : "",
    ];
    for (const [index, text] of cells.entries()) {
      const cell = document.createElement("td");
      cell.textContent = text;
      if (index === 2) {
        cell.className = "status";
        cell.dataset.testid = "call-status";
      }

      row.append(cell);
    }

    this.body.prepend(row);
    while (this.body.rows.length > maxRows) {
      this.body.deleteRow(this.body.rows.length - 1);
    }
  }

  clear() {
    this.body.replaceChildren();
  }
}

export function describeRules(rules) {
  if (!rules?.length) {
    return "No faults armed.";
  }

  return rules.map((rule) => {
    const what = [rule.method, rule.pathContains].filter(Boolean).join(" ") || "every call";
    const left = rule.times ? ` (${rule.timesFired ?? 0}/${rule.times})` : "";
    return `${what} → ${rule.statusCode ?? "delay"}${rule.global ? " global" : ""}${left}`;
  }).join("; ");
}
