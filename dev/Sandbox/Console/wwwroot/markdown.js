// Discord's basic markdown as HTML. The text is escaped first, so only the tags added here are markup;
// mentions become names in a span (nothing here can ping anyone).

const escapes = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => escapes[c]);

const timestampStyles = {
  t: { timeStyle: "short" },
  T: { timeStyle: "medium" },
  d: { dateStyle: "short" },
  D: { dateStyle: "long" },
  f: { dateStyle: "long", timeStyle: "short" },
  F: { dateStyle: "full", timeStyle: "short" },
};

export function formatTimestamp(seconds, style) {
  const date = new Date(seconds * 1000);
  if (style === "R") {
    return relative(date);
  }

  return new Intl.DateTimeFormat(undefined, timestampStyles[style] || timestampStyles.f).format(date);
}

function relative(date) {
  const seconds = Math.round((date.getTime() - Date.now()) / 1000);
  const units = [["year", 31536000], ["month", 2592000], ["day", 86400], ["hour", 3600], ["minute", 60], ["second", 1]];
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size || unit === "second") {
      return format.format(Math.round(seconds / size), unit);
    }
  }

  return "";
}

/**
 * @param {string} text raw message content
 * @param {{ user(id: string): string|undefined, channel(id: string): string|undefined }} names
 */
export function renderMarkdown(text, names) {
  if (!text) {
    return "";
  }

  // Code first, kept aside so nothing inside it is formatted.
  const kept = [];
  const keep = (html) => `\u0000${kept.push(html) - 1}\u0000`;
  let html = escapeHtml(text)
    .replace(/```(?:[a-z0-9+-]*\n)?([\s\S]*?)```/gi, (_, code) => keep(`<pre><code>${code}</code></pre>`))
    .replace(/`([^`\n]+)`/g, (_, code) => keep(`<code>${code}</code>`));

  html = html
    .replace(/&lt;t:(-?\d+)(?::([tTdDfFR]))?&gt;/g, (_, seconds, style) =>
      keep(`<time class="timestamp" datetime="${new Date(Number(seconds) * 1000).toISOString()}">${escapeHtml(formatTimestamp(Number(seconds), style))}</time>`))
    .replace(/&lt;@!?(\d+)&gt;/g, (_, id) => keep(`<span class="mention">@${escapeHtml(names.user(id) || id)}</span>`))
    .replace(/&lt;@&amp;(\d+)&gt;/g, (_, id) => keep(`<span class="mention">@role ${id}</span>`))
    .replace(/&lt;#(\d+)&gt;/g, (_, id) => keep(`<span class="mention">#${escapeHtml(names.channel(id) || id)}</span>`))
    .replace(/@(everyone|here)\b/g, (_, who) => keep(`<span class="mention">@${who}</span>`))
    .replace(/\*\*([^*]+?)\*\*/g, "<strong>$1</strong>")
    .replace(/__([^_]+?)__/g, "<u>$1</u>")
    .replace(/\*([^*\n]+?)\*/g, "<em>$1</em>")
    .replace(/(^|[^\w])_([^_\n]+?)_(?!\w)/g, "$1<em>$2</em>")
    .replace(/~~([^~]+?)~~/g, "<s>$1</s>")
    .replace(/\n/g, "<br>");

  return html.replace(/\u0000(\d+)\u0000/g, (_, index) => kept[Number(index)]);
}
