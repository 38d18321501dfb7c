// One message as Discord shows it: author, time, content, embeds, components, and the interaction's marks
// (thinking…, only you can see this, edited).
import { escapeHtml, renderMarkdown } from "./markdown.js";

const buttonStyles = { 1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "link", 6: "premium" };

const el = (tag, className, attributes = {}) => {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }

  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) {
      node.setAttribute(name, value);
    }
  }

  return node;
};

const time = (iso) => (iso ? new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" }) : "");

/**
 * @param message the Sandbox's Message wire
 * @param context { names, botName, onClick(message, customId, values), onDelete(message) }
 */
export function renderMessage(message, context) {
  const item = el("li", "message", { "data-testid": "message", "data-message-id": message.id });
  if (message.ephemeral) {
    item.classList.add("ephemeral");
  }

  if (message.interaction) {
    const used = el("div", "interaction-line", { "data-testid": "message-interaction" });
    const user = context.names.user(message.interaction.userId) || message.interaction.userId;
    used.innerHTML = `<span class="mention">@${escapeHtml(user)}</span> used <span class="command">${escapeHtml(commandLabel(message.interaction))}</span>`;
    item.append(used);
  }

  const header = el("div", "message-header");
  const author = el("span", "author", { "data-testid": "message-author" });
  author.textContent = message.author?.username || "unknown";
  header.append(author);
  if (message.author?.isBot) {
    header.append(Object.assign(el("span", "badge"), { textContent: "APP" }));
  }

  header.append(Object.assign(el("time", "message-time", { datetime: message.timestamp }), { textContent: time(message.timestamp) }));
  const remove = el("button", "link delete", { type: "button", "data-testid": "message-delete", title: "Delete this message as a moderator would" });
  remove.textContent = "Delete";
  remove.addEventListener("click", () => context.onDelete(message));
  header.append(remove);
  item.append(header);

  if (message.loading) {
    const thinking = el("div", "thinking", { "data-testid": "message-loading" });
    thinking.textContent = `${context.botName} is thinking…`;
    item.append(thinking);
  } else {
    const content = el("div", "content", { "data-testid": "message-content" });
    content.innerHTML = renderMarkdown(message.content || "", context.names);
    if (message.editedTimestamp) {
      const edited = el("span", "edited", { "data-testid": "message-edited", title: message.editedTimestamp });
      edited.textContent = " (edited)";
      content.append(edited);
    }

    item.append(content);
    for (const embed of message.embeds || []) {
      item.append(renderEmbed(embed, context.names));
    }

    for (const row of message.components || []) {
      item.append(renderRow(row, message, context));
    }
  }

  if (message.ephemeral) {
    const note = el("div", "ephemeral-note", { "data-testid": "message-ephemeral" });
    note.textContent = "Only you can see this";
    item.append(note);
  }

  return item;
}

const commandLabel = (interaction) => (interaction.type === 2 ? `/${interaction.name}` : interaction.name);

function renderEmbed(embed, names) {
  const box = el("div", "embed", { "data-testid": "embed" });
  if (typeof embed.color === "number") {
    box.style.borderLeftColor = `#${embed.color.toString(16).padStart(6, "0")}`;
  }

  if (embed.author?.name) {
    box.append(Object.assign(el("div", "embed-author"), { textContent: embed.author.name }));
  }

  if (embed.title) {
    box.append(Object.assign(el("div", "embed-title", { "data-testid": "embed-title" }), { textContent: embed.title }));
  }

  if (embed.description) {
    const description = el("div", "embed-description");
    description.innerHTML = renderMarkdown(embed.description, names);
    box.append(description);
  }

  if (embed.fields?.length) {
    const fields = el("div", "embed-fields");
    for (const field of embed.fields) {
      const cell = el("div", field.inline ? "embed-field inline" : "embed-field");
      cell.append(Object.assign(el("div", "embed-field-name"), { textContent: field.name || "" }));
      const value = el("div", "embed-field-value");
      value.innerHTML = renderMarkdown(field.value || "", names);
      cell.append(value);
      fields.append(cell);
    }

    box.append(fields);
  }

  const footer = [embed.footer?.text, embed.timestamp ? new Date(embed.timestamp).toLocaleString() : null].filter(Boolean).join(" • ");
  if (footer) {
    box.append(Object.assign(el("div", "embed-footer"), { textContent: footer }));
  }

  return box;
}

function renderRow(row, message, context) {
  const line = el("div", "component-row");
  const children = row.type === 1 ? row.components || [] : [row];
  for (const component of children) {
    if (component.type === 2) {
      line.append(renderButton(component, message, context));
    } else if ([3, 5, 6, 7, 8].includes(component.type)) {
      line.append(renderSelect(component, message, context));
    }
  }

  return line;
}

function renderButton(button, message, context) {
  const style = buttonStyles[button.style] || "secondary";
  const node = el(button.style === 5 ? "a" : "button", `button ${style}`, {
    "data-testid": "component-button",
    "data-custom-id": button.custom_id,
    type: button.style === 5 ? undefined : "button",
    href: button.style === 5 ? button.url : undefined,
    target: button.style === 5 ? "_blank" : undefined,
    rel: button.style === 5 ? "noreferrer" : undefined,
    title: button.custom_id,
  });
  node.textContent = [button.emoji?.name, button.label].filter(Boolean).join(" ") || button.custom_id || "button";
  if (button.disabled) {
    node.setAttribute("disabled", "");
  } else if (button.style !== 5 && button.custom_id) {
    node.addEventListener("click", () => context.onClick(message, button.custom_id, undefined, node));
  }

  return node;
}

function renderSelect(select, message, context) {
  const node = el("select", "component-select", {
    "data-testid": "component-select",
    "data-custom-id": select.custom_id,
    title: select.custom_id,
  });
  node.multiple = (select.max_values || 1) > 1;
  const placeholder = el("option", "", { value: "" });
  placeholder.textContent = select.placeholder || "Make a selection";
  placeholder.disabled = true;
  placeholder.selected = true;
  if (!node.multiple) {
    node.append(placeholder);
  }

  for (const option of optionsOf(select, context)) {
    const choice = el("option", "", { value: option.value });
    choice.textContent = option.label;
    node.append(choice);
  }

  if (select.disabled) {
    node.disabled = true;
  } else {
    node.addEventListener("change", () => {
      const values = [...node.selectedOptions].map((option) => option.value).filter(Boolean);
      if (values.length >= (select.min_values ?? 1)) {
        context.onClick(message, select.custom_id, values, node);
      }
    });
  }

  return node;
}

/** A string select lists its own options; user and channel selects list what the guild has. */
function optionsOf(select, context) {
  switch (select.type) {
    case 3:
      return (select.options || []).map((option) => ({ value: option.value, label: option.label }));
    case 5:
    case 7:
      return context.members().map((member) => ({ value: member.id, label: member.displayName || member.username }));
    case 8:
      return context.channels().map((channel) => ({ value: channel.id, label: `#${channel.name}` }));
    default:
      return [];
  }
}
