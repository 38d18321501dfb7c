// The message box: "/" lists the bot's registered commands, then their subcommands (groups), then the chosen
// command's typed option fields. The result is the body of POST /_sandbox/interactions.

const SUB_COMMAND = 1;
const SUB_COMMAND_GROUP = 2;
const optionTypes = { STRING: 3, INTEGER: 4, BOOLEAN: 5, USER: 6, CHANNEL: 7, ROLE: 8, MENTIONABLE: 9, NUMBER: 10, ATTACHMENT: 11 };
const channelTypeNames = { 0: "text", 2: "voice", 4: "category", 5: "announcement", 13: "stage", 15: "forum" };

export class CommandPicker {
  /**
   * @param elements { input, list, fields }
   * @param source { commands(), members(), channels() }
   */
  constructor(elements, source) {
    this.input = elements.input;
    this.list = elements.list;
    this.fields = elements.fields;
    this.source = source;
    this.candidates = [];
    this.highlighted = 0;
    this.leaf = null;
    this.input.addEventListener("input", () => this.refresh());
    this.input.addEventListener("keydown", (event) => this.onKey(event));
  }

  /** The command, subcommand path and leaf options the input currently names. */
  resolve() {
    const text = this.input.value;
    if (!text.startsWith("/")) {
      return { words: [], partial: null, node: null, path: [] };
    }

    const words = text.slice(1).split(/\s+/);
    const partial = words.pop();
    let choices = this.source.commands().filter((command) => (command.type ?? 1) === 1);
    let node = null;
    const path = [];
    for (const word of words) {
      const next = choices.find((choice) => choice.name === word);
      if (!next) {
        return { words, partial, node: null, path, broken: true };
      }

      node = next;
      path.push(word);
      choices = (next.options || []).filter((option) => option.type === SUB_COMMAND || option.type === SUB_COMMAND_GROUP);
      if (choices.length === 0) {
        break;
      }
    }

    return { words, partial, node, path, choices: node === null ? this.source.commands().filter((c) => (c.type ?? 1) === 1) : choices };
  }

  refresh() {
    const state = this.resolve();
    const isLeaf = state.node && !(state.node.options || []).some((o) => o.type === SUB_COMMAND || o.type === SUB_COMMAND_GROUP);
    if (isLeaf) {
      if (this.leaf?.node !== state.node) {
        this.leaf = { node: state.node, path: state.path };
        this.renderFields(state.node);
      }

      this.close();
      return;
    }

    this.leaf = null;
    this.fields.hidden = true;
    this.fields.replaceChildren();
    if (state.broken || !this.input.value.startsWith("/")) {
      this.close();
      return;
    }

    this.candidates = (state.choices || []).filter((choice) => choice.name.startsWith(state.partial || ""));
    this.highlighted = 0;
    this.renderList();
  }

  renderList() {
    this.list.replaceChildren();
    if (this.candidates.length === 0) {
      this.close();
      return;
    }

    this.candidates.forEach((candidate, index) => {
      const item = document.createElement("li");
      item.className = index === this.highlighted ? "picker-item highlighted" : "picker-item";
      item.setAttribute("role", "option");
      item.dataset.testid = "picker-item";
      item.dataset.name = candidate.name;
      const name = document.createElement("span");
      name.className = "picker-name";
      name.textContent = candidate.name;
      const description = document.createElement("span");
      description.className = "picker-description";
      description.textContent = candidate.description || "";
      item.append(name, description);
      item.addEventListener("mousedown", (event) => {
        event.preventDefault();
        this.choose(candidate);
      });
      this.list.append(item);
    });
    this.list.hidden = false;
  }

  close() {
    this.list.hidden = true;
    this.list.replaceChildren();
    this.candidates = [];
  }

  choose(candidate) {
    const state = this.resolve();
    this.input.value = `/${[...state.path, candidate.name].join(" ")} `;
    this.input.focus();
    this.refresh();
  }

  onKey(event) {
    if (this.list.hidden || this.candidates.length === 0) {
      return;
    }

    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      this.highlighted = (this.highlighted + step + this.candidates.length) % this.candidates.length;
      this.renderList();
    } else if (event.key === "Tab" || event.key === "Enter") {
      event.preventDefault();
      this.choose(this.candidates[this.highlighted]);
    } else if (event.key === "Escape") {
      this.close();
    }
  }

  renderFields(command) {
    this.fields.replaceChildren();
    const options = command.options || [];
    for (const option of options) {
      this.fields.append(this.renderField(option));
    }

    this.fields.hidden = options.length === 0;
  }

  renderField(option) {
    const label = document.createElement("label");
    label.className = "option-field";
    label.dataset.testid = "option-field";
    label.dataset.option = option.name;
    const caption = document.createElement("span");
    caption.className = "option-name";
    caption.textContent = option.name + (option.required ? " *" : "");
    caption.title = option.description || "";
    label.append(caption, this.control(option));
    return label;
  }

  control(option) {
    const choices = option.choices?.length
      ? option.choices.map((choice) => ({ value: String(choice.value), label: choice.name }))
      : null;
    let control;
    if (choices) {
      control = select(choices, option.required);
    } else {
      switch (option.type) {
        case optionTypes.BOOLEAN:
          control = select([{ value: "true", label: "True" }, { value: "false", label: "False" }], option.required);
          break;
        case optionTypes.USER:
        case optionTypes.MENTIONABLE:
          control = select(this.source.members().map((m) => ({ value: m.id, label: m.displayName || m.username })), option.required);
          break;
        case optionTypes.CHANNEL: {
          const allowed = option.channel_types;
          const channels = this.source.channels().filter((c) => !allowed?.length || allowed.includes(c.type));
          control = select(channels.map((c) => ({ value: c.id, label: `${c.type === 2 ? "🔊" : "#"}${c.name}` })), option.required);
          break;
        }
        case optionTypes.INTEGER:
        case optionTypes.NUMBER:
          control = document.createElement("input");
          control.type = "number";
          control.step = option.type === optionTypes.INTEGER ? "1" : "any";
          if (option.min_value !== undefined) control.min = option.min_value;
          if (option.max_value !== undefined) control.max = option.max_value;
          break;
        default:
          control = document.createElement("input");
          control.type = "text";
          if (option.min_length !== undefined) control.minLength = option.min_length;
          if (option.max_length !== undefined) control.maxLength = option.max_length;
          if (option.type === optionTypes.ATTACHMENT) {
            control.disabled = true;
            control.placeholder = "attachments are not supported here";
          }
      }
    }

    control.dataset.testid = "option-input";
    control.dataset.option = option.name;
    control.dataset.type = String(option.type);
    control.required = Boolean(option.required);
    if (option.type === optionTypes.CHANNEL && option.channel_types?.length) {
      control.title = "Channel types: " + option.channel_types.map((t) => channelTypeNames[t] || t).join(", ");
    } else {
      control.title = option.description || "";
    }

    return control;
  }

  /**
   * The command to send, or { problem } when something required is missing or out of range.
   * @returns {{ name: string, options: Array<{name, type, value}> } | { problem: string }}
   */
  build() {
    if (!this.leaf) {
      const state = this.resolve();
      return { problem: state.node ? `Choose a subcommand of /${state.path.join(" ")}.` : "Type / and choose one of the bot's commands." };
    }

    const options = [];
    const missing = [];
    for (const control of this.fields.querySelectorAll("[data-testid=option-input]")) {
      const type = Number(control.dataset.type);
      const raw = control.value.trim();
      if (raw === "") {
        if (control.required) {
          missing.push(control.dataset.option);
        }

        continue;
      }

      if (control.type === "number" && !control.checkValidity()) {
        return { problem: `${control.dataset.option}: ${control.validationMessage}` };
      }

      options.push({ name: control.dataset.option, type, value: valueOf(type, raw) });
    }

    if (missing.length) {
      return { problem: `Required: ${missing.join(", ")}.` };
    }

    return { name: this.leaf.path.join(" "), options };
  }

  reset() {
    this.input.value = "";
    this.leaf = null;
    this.fields.hidden = true;
    this.fields.replaceChildren();
    this.close();
  }
}

function valueOf(type, raw) {
  switch (type) {
    case optionTypes.INTEGER:
      return Number.parseInt(raw, 10);
    case optionTypes.NUMBER:
      return Number(raw);
    case optionTypes.BOOLEAN:
      return raw === "true";
    default:
      return raw;
  }
}

function select(choices, required) {
  const control = document.createElement("select");
  const empty = document.createElement("option");
  empty.value = "";
  empty.textContent = required ? "choose…" : "(none)";
  control.append(empty);
  for (const choice of choices) {
    const option = document.createElement("option");
    option.value = choice.value;
    option.textContent = choice.label;
    control.append(option);
  }

  return control;
}
