// The Sandbox's control API (/_sandbox). Every failure becomes an ApiError carrying the server's {error} text,
// so the page can show it instead of swallowing it.

const prefix = "/_sandbox";

/** Where signed interactions go: `?botUrl=` on the page's address, else the Sandbox's configured default. */
export const botUrl = new URLSearchParams(location.search).get("botUrl") || undefined;

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function request(method, path, body) {
  const init = { method, headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }

  let response;
  try {
    response = await fetch(prefix + path, init);
  } catch (error) {
    throw new ApiError(0, `${method} ${path}: the Sandbox did not answer (${error.message}).`);
  }

  const text = await response.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }

  if (!response.ok) {
    const reason = json && typeof json.error === "string" ? json.error : text || response.statusText;
    throw new ApiError(response.status, `${method} ${path} → ${response.status}: ${reason}`);
  }

  return json;
}

const withBot = (body) => (botUrl ? { ...body, botUrl } : body);

export const api = {
  guild: () => request("GET", "/guild"),
  messages: (channelId) => request("GET", `/channels/${channelId}/messages?limit=50`),
  deleteMessage: (channelId, messageId) => request("DELETE", `/channels/${channelId}/messages/${messageId}`),
  calls: () => request("GET", "/calls"),
  faults: () => request("GET", "/faults"),
  clearFaults: () => request("DELETE", "/faults"),
  preset: (name) => request("POST", `/faults/presets/${encodeURIComponent(name)}`),
  updateMember: (userId, changes) => request("PUT", `/members/${userId}`, changes),
  sendCommand: (body) => request("POST", "/interactions", withBot(body)),
  click: (body) => request("POST", "/clicks", withBot(body)),
  submit: (body) => request("POST", "/submits", withBot(body)),
};

/** The bot's answer to a sent interaction, parsed; null when it was not JSON. */
export function responseOf(sent) {
  if (!sent || !sent.responseBody) {
    return null;
  }

  try {
    return JSON.parse(sent.responseBody);
  } catch {
    return null;
  }
}

/** Why a sent interaction failed, or null when the bot answered it. */
export function failureOf(sent) {
  if (sent.error) {
    return sent.error;
  }

  if (sent.statusCode !== 200) {
    return `The bot answered ${sent.statusCode}${sent.responseBody ? ": " + sent.responseBody.slice(0, 300) : ""}`;
  }

  if (sent.deadlineExceeded) {
    return "The bot answered after Discord's 3-second deadline: Discord would show \"The application did not respond\".";
  }

  return null;
}
