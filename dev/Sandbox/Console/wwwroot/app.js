// The Sandbox's web console: the Sandbox guild as Discord would show it, driven through /_sandbox.
import { api, failureOf, responseOf } from "./api.js";
import { CallPanel, describeRules } from "./calls.js";
import { connectEvents } from "./events.js";
import { MemberPanel } from "./members.js";
import { ModalDialog } from "./modal.js";
import { CommandPicker } from "./picker.js";
import { renderMessage } from "./render.js";

const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);

const state = {
  guild: null,
  botUserId: null,
  channels: [],
  members: [],
  commands: [],
  selectedChannelId: null,
  /** channelId → Map(messageId → Message), in the order the Sandbox gave them. */
  messages: new Map(),
};

const textChannels = () => state.channels.filter((channel) => channel.type !== 2);
const voiceChannels = () => state.channels.filter((channel) => channel.type === 2);
const botName = () => state.members.find((member) => member.id === state.botUserId)?.username || "sandbox-bot";
const names = {
  user: (id) => {
    const member = state.members.find((m) => m.id === id);
    return member ? member.displayName || member.username : undefined;
  },
  channel: (id) => state.channels.find((c) => c.id === id)?.name,
};

// ---- errors and status -------------------------------------------------------------------------------------

const errorBar = byTestId("error");
errorBar.querySelector(".error-close").addEventListener("click", () => { errorBar.hidden = true; });

function showError(error) {
  byTestId("error-text").textContent = error instanceof Error ? error.message : String(error);
  errorBar.hidden = false;
}

const status = (text) => { byTestId("composer-status").textContent = text; };

/** Runs an action of the user's, showing whatever goes wrong. */
const guarded = (action) => async (...args) => {
  try {
    return await action(...args);
  } catch (error) {
    showError(error);
    return undefined;
  }
};

// ---- channels and messages ---------------------------------------------------------------------------------

function renderChannels() {
  const list = byTestId("channel-list");
  list.replaceChildren();
  const heading = (text) => Object.assign(document.createElement("h2"), { textContent: text });
  list.append(heading("Text channels"));
  for (const channel of textChannels()) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = channel.id === state.selectedChannelId ? "channel selected" : "channel";
    button.dataset.testid = "channel";
    button.dataset.channelId = channel.id;
    button.textContent = `# ${channel.name}`;
    button.addEventListener("click", guarded(() => selectChannel(channel.id)));
    list.append(button);
  }

  list.append(heading("Voice channels"));
  for (const channel of voiceChannels()) {
    const block = document.createElement("div");
    block.className = "voice-channel";
    block.dataset.testid = "voice-channel";
    block.dataset.channelId = channel.id;
    block.append(Object.assign(document.createElement("div"), { className: "voice-name", textContent: `🔊 ${channel.name}` }));
    const inside = document.createElement("ul");
    for (const member of state.members.filter((m) => m.voiceChannelId === channel.id)) {
      const item = document.createElement("li");
      item.dataset.testid = "voice-member";
      item.dataset.userId = member.id;
      item.textContent = (member.displayName || member.username) + (member.isBot ? " (bot)" : "");
      inside.append(item);
    }

    block.append(inside);
    list.append(block);
  }
}

async function selectChannel(channelId) {
  state.selectedChannelId = channelId;
  renderChannels();
  byTestId("channel-title").textContent = `# ${names.channel(channelId) || channelId}`;
  const loaded = await api.messages(channelId);
  const known = channelMessages(channelId);
  for (const message of loaded || []) {
    known.set(message.id, message);
  }

  renderMessages();
}

function channelMessages(channelId) {
  if (!state.messages.has(channelId)) {
    state.messages.set(channelId, new Map());
  }

  return state.messages.get(channelId);
}

const messageContext = {
  names,
  botName: "sandbox-bot",
  members: () => state.members,
  channels: () => textChannels(),
  onClick: (message, customId, values, control) => click(message, customId, values, control),
  onDelete: guarded(async (message) => {
    await api.deleteMessage(message.channelId, message.id);
    removeMessage(message);
  }),
};

function renderMessages() {
  messageContext.botName = botName();
  const list = byTestId("messages");
  const messages = [...channelMessages(state.selectedChannelId).values()];
  list.replaceChildren(...messages.map((message) => renderMessage(message, messageContext)));
  list.scrollTop = list.scrollHeight;
}

function upsertMessage(message) {
  const known = channelMessages(message.channelId);
  known.set(message.id, message);
  if (message.channelId !== state.selectedChannelId) {
    return;
  }

  messageContext.botName = botName();
  const list = byTestId("messages");
  const rendered = renderMessage(message, messageContext);
  const existing = list.querySelector(`[data-message-id="${CSS.escape(message.id)}"]`);
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  if (existing) {
    existing.replaceWith(rendered);
  } else {
    list.append(rendered);
  }

  if (atBottom || !existing) {
    list.scrollTop = list.scrollHeight;
  }
}

function removeMessage(message) {
  state.messages.get(message.channelId)?.delete(message.id);
  byTestId("messages").querySelector(`[data-message-id="${CSS.escape(message.id)}"]`)?.remove();
}

// ---- interactions ------------------------------------------------------------------------------------------

const members = new MemberPanel(
  { select: byTestId("member-select"), toggle: byTestId("member-panel-toggle"), panel: byTestId("member-panel") },
  {
    members: () => state.members,
    voiceChannels,
    update: guarded(async (userId, changes) => upsertMember(await api.updateMember(userId, changes))),
    onActingChanged: () => status(""),
  });

const picker = new CommandPicker(
  { input: byTestId("composer-input"), list: byTestId("command-picker"), fields: byTestId("option-fields") },
  { commands: () => state.commands, members: () => state.members.filter((m) => !m.isBot || m.id === state.botUserId), channels: () => state.channels });

const modal = new ModalDialog(byTestId("modal-dialog"), async (customId, fields) => {
  const sent = await api.submit({ customId, fields, userId: members.actingId });
  report(sent, `form ${customId}`);
});

/** Shows what the bot answered; opens a form when it asked for one. */
function report(sent, what) {
  const failure = failureOf(sent);
  const response = responseOf(sent);
  const took = `${Math.round(sent.elapsedMilliseconds)} ms`;
  if (failure) {
    status(`${what}: failed after ${took}`);
    showError(`${what}: ${failure}`);
    return;
  }

  status(`${what}: answered in ${took} (type ${response?.type ?? "?"})`);
  if (response?.type === 9 && response.data) {
    modal.open(response.data);
  }
}

byTestId("composer").addEventListener("submit", guarded(async (event) => {
  event.preventDefault();
  const built = picker.build();
  if (built.problem) {
    showError(built.problem);
    return;
  }

  status(`/${built.name}: sending…`);
  const sent = await api.sendCommand({
    name: built.name,
    options: built.options,
    userId: members.actingId,
    channelId: state.selectedChannelId,
    guildId: state.guild?.id,
  });
  picker.reset();
  report(sent, `/${built.name}`);
}));

const click = guarded(async (message, customId, values, control) => {
  if (control) control.disabled = true;
  try {
    const sent = await api.click({ messageId: message.id, customId, values, userId: members.actingId });
    report(sent, customId);
  } finally {
    if (control?.isConnected) control.disabled = false;
  }
});

// ---- members, calls, faults --------------------------------------------------------------------------------

function upsertMember(member) {
  if (!member?.id) {
    return;
  }

  const index = state.members.findIndex((m) => m.id === member.id);
  if (index >= 0) {
    state.members[index] = member;
  } else {
    state.members.push(member);
  }

  members.render();
  renderChannels();
}

const calls = new CallPanel(byTestId("call-list"));
byTestId("calls-clear").addEventListener("click", () => calls.clear());

const showRules = (rules) => { byTestId("fault-rules").textContent = describeRules(rules); };

for (const button of document.querySelectorAll("[data-testid=fault-preset]")) {
  button.addEventListener("click", guarded(async () => {
    const armed = await api.preset(button.dataset.preset);
    showRules(armed?.rules);
    status(`fault preset ${button.dataset.preset} armed`);
  }));
}

byTestId("faults-clear").addEventListener("click", guarded(async () => {
  await api.clearFaults();
  showRules([]);
}));

// ---- start -------------------------------------------------------------------------------------------------

async function loadGuild() {
  const guild = await api.guild();
  state.guild = guild.guild;
  state.botUserId = guild.botUserId;
  state.channels = guild.channels || [];
  state.members = guild.members || [];
  state.commands = guild.commands || [];
  byTestId("guild-name").textContent = guild.guild?.name || "Sandbox";
  document.body.dataset.commands = String(state.commands.length);
  members.render();
  renderChannels();
}

connectEvents({
  message: (event) => (event.kind === "deleted" ? removeMessage(event.message) : upsertMessage(event.message)),
  member: upsertMember,
  call: (call) => calls.add(call),
  commands: guarded(loadGuild),
  faults: showRules,
  token: () => status("The bot token was rotated: the bot's calls with the old one are refused (401)."),
}, byTestId("connection"));

guarded(async () => {
  await loadGuild();
  const first = textChannels()[0];
  if (first) {
    await selectChannel(first.id);
  }

  const recorded = await api.calls();
  for (const call of recorded?.calls || []) {
    calls.add(call);
  }

  showRules(await api.faults());
  document.body.dataset.ready = "true";
})();
