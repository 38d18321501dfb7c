// A form the bot opened (response type 9), as a dialog; submitted through POST /_sandbox/submits.

/** The text inputs of a modal, from action rows (type 1) or labels (type 18) alike. */
function textInputs(components) {
  const inputs = [];
  for (const component of components || []) {
    if (component.type === 1) {
      inputs.push(...(component.components || []).filter((c) => c.type === 4));
    } else if (component.type === 18 && component.component?.type === 4) {
      inputs.push({ ...component.component, label: component.label, description: component.description });
    } else if (component.type === 4) {
      inputs.push(component);
    }
  }

  return inputs;
}

/**
 * @param dialog the <dialog> element
 * @param submit async (customId, fields) => void; throws to keep the dialog open with the error shown
 */
export class ModalDialog {
  constructor(dialog, submit) {
    this.dialog = dialog;
    this.title = dialog.querySelector("[data-testid=modal-title]");
    this.fields = dialog.querySelector("[data-testid=modal-fields]");
    this.error = dialog.querySelector("[data-testid=modal-error]");
    this.form = dialog.querySelector("form");
    this.customId = null;
    dialog.querySelector("[data-testid=modal-cancel]").addEventListener("click", () => dialog.close());
    this.form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const values = {};
      for (const input of this.fields.querySelectorAll("[data-testid=modal-input]")) {
        values[input.dataset.customId] = input.value;
      }

      this.error.hidden = true;
      try {
        await submit(this.customId, values);
        dialog.close();
      } catch (error) {
        this.error.textContent = error.message;
        this.error.hidden = false;
      }
    });
  }

  /** @param data the modal's callback data: { custom_id, title, components } */
  open(data) {
    this.customId = data.custom_id;
    this.dialog.dataset.customId = data.custom_id;
    this.title.textContent = data.title || "Form";
    this.error.hidden = true;
    this.fields.replaceChildren();
    for (const input of textInputs(data.components)) {
      const label = document.createElement("label");
      label.className = "modal-field";
      const caption = document.createElement("span");
      caption.textContent = (input.label || input.custom_id) + (input.required !== false ? " *" : "");
      const control = document.createElement(input.style === 2 ? "textarea" : "input");
      control.dataset.testid = "modal-input";
      control.dataset.customId = input.custom_id;
      control.required = input.required !== false;
      if (input.placeholder) control.placeholder = input.placeholder;
      if (input.min_length !== undefined) control.minLength = input.min_length;
      if (input.max_length !== undefined) control.maxLength = input.max_length;
      if (input.value) control.value = input.value;
      label.append(caption);
      if (input.description) {
        label.append(Object.assign(document.createElement("small"), { textContent: input.description }));
      }

      label.append(control);
      this.fields.append(label);
    }

    if (!this.dialog.open) {
      this.dialog.showModal();
    }
  }
}
