// The acting member: who the console's interactions come from, with the permissions, roles and voice channel
// the Sandbox keeps for them (PUT /_sandbox/members/{id}).

/** The bits that matter to the bot's commands, by Discord's names. */
export const permissionBits = [
  ["ADMINISTRATOR", 1n << 3n, "Administrator"],
  ["MANAGE_GUILD", 1n << 5n, "Manage Guild"],
  ["MANAGE_MESSAGES", 1n << 13n, "Manage Messages"],
  ["MANAGE_CHANNELS", 1n << 4n, "Manage Channels"],
  ["CONNECT", 1n << 20n, "Connect"],
  ["SPEAK", 1n << 21n, "Speak"],
  ["USE_APPLICATION_COMMANDS", 1n << 31n, "Use Application Commands"],
];

const bitsOf = (member) => {
  try {
    return BigInt(member.permissions || "0");
  } catch {
    return 0n;
  }
};

/**
 * @param elements { select, toggle, panel }
 * @param context { members(), voiceChannels(), update(userId, changes), onActingChanged() }
 */
export class MemberPanel {
  constructor(elements, context) {
    this.select = elements.select;
    this.toggle = elements.toggle;
    this.panel = elements.panel;
    this.context = context;
    this.actingId = null;
    this.select.addEventListener("change", () => {
      this.actingId = this.select.value;
      this.render();
      context.onActingChanged();
    });
    this.toggle.addEventListener("click", () => {
      this.panel.hidden = !this.panel.hidden;
      this.toggle.setAttribute("aria-expanded", String(!this.panel.hidden));
    });
  }

  acting() {
    return this.context.members().find((member) => member.id === this.actingId) || null;
  }

  /** Re-renders the switcher and the panel from the current member list (after /guild or a member event). */
  render() {
    const people = this.context.members().filter((member) => !member.isBot);
    if (!people.some((member) => member.id === this.actingId)) {
      this.actingId = people[0]?.id ?? null;
    }

    this.select.replaceChildren(...people.map((member) => {
      const option = document.createElement("option");
      option.value = member.id;
      option.textContent = member.displayName || member.username;
      return option;
    }));
    if (this.actingId) {
      this.select.value = this.actingId;
    }

    this.renderPanel();
  }

  renderPanel() {
    const member = this.acting();
    this.panel.replaceChildren();
    if (!member) {
      return;
    }

    const title = document.createElement("h2");
    title.textContent = `${member.displayName || member.username}${member.isOwner ? " (application owner)" : ""}`;
    const id = document.createElement("p");
    id.className = "muted";
    id.textContent = `id ${member.id} · permissions ${member.permissions}`;
    id.dataset.testid = "member-permissions-value";
    this.panel.append(title, id);

    const bits = bitsOf(member);
    const list = document.createElement("fieldset");
    list.className = "permissions";
    list.append(Object.assign(document.createElement("legend"), { textContent: "Permissions" }));
    for (const [name, bit, label] of permissionBits) {
      const row = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.checked = (bits & bit) === bit;
      box.dataset.testid = "permission";
      box.dataset.permission = name;
      box.addEventListener("change", () => {
        const current = bitsOf(this.acting() || member);
        const next = box.checked ? current | bit : current & ~bit;
        this.context.update(member.id, { permissions: next.toString() });
      });
      row.append(box, document.createTextNode(" " + label));
      list.append(row);
    }

    this.panel.append(list);

    const roles = document.createElement("label");
    roles.className = "roles";
    roles.textContent = "Roles (ids, comma-separated) ";
    const rolesInput = document.createElement("input");
    rolesInput.value = (member.roles || []).join(", ");
    rolesInput.dataset.testid = "member-roles";
    rolesInput.addEventListener("change", () => {
      const ids = rolesInput.value.split(/[\s,]+/).filter(Boolean);
      this.context.update(member.id, { roles: ids });
    });
    roles.append(rolesInput);
    this.panel.append(roles);

    const voice = document.createElement("label");
    voice.className = "voice";
    voice.textContent = "Voice channel ";
    const voiceSelect = document.createElement("select");
    voiceSelect.dataset.testid = "member-voice";
    const none = Object.assign(document.createElement("option"), { value: "", textContent: "(not in voice)" });
    voiceSelect.append(none);
    for (const channel of this.context.voiceChannels()) {
      voiceSelect.append(Object.assign(document.createElement("option"), { value: channel.id, textContent: `🔊 ${channel.name}` }));
    }

    voiceSelect.value = member.voiceChannelId || "";
    voiceSelect.addEventListener("change", () => {
      this.context.update(member.id, { voiceChannelId: voiceSelect.value || null });
    });
    voice.append(voiceSelect);
    this.panel.append(voice);
  }
}
