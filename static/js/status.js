// Weekly status form: keeps "No change" and the row's fields consistent, and
// stops a second submission while the first is on its way. The page works the
// same without it; the server also refuses to save a form twice.

const FIELDS = ["health", "status", "progress", "note"];

function parts(row) {
  const pick = (suffix) => row.querySelector(`[name$="-${suffix}"]`);
  return {
    fields: Object.fromEntries(FIELDS.map((name) => [name, pick(name)])),
    was: { health: pick("was_health"), status: pick("was_status"), progress: pick("was_progress") },
    noChange: pick("no_change"),
  };
}

function edited({ fields, was }) {
  return (
    fields.note.value.trim() !== "" ||
    ["health", "status", "progress"].some((name) => fields[name].value !== was[name].value)
  );
}

function wire(row) {
  const p = parts(row);
  if (!p.noChange || !p.fields.health) return;
  const refresh = () => row.classList.toggle("edited", edited(p));
  for (const field of Object.values(p.fields)) {
    field.addEventListener("input", () => {
      if (edited(p)) p.noChange.checked = false;
      refresh();
    });
  }
  p.noChange.addEventListener("change", () => {
    if (!p.noChange.checked) return;
    for (const name of ["health", "status", "progress"]) p.fields[name].value = p.was[name].value;
    refresh();
  });
  refresh();
}

for (const form of document.querySelectorAll("form[data-week-form]")) {
  form.querySelectorAll("tr[data-row]").forEach(wire);
  let sent = false;
  window.addEventListener("pageshow", () => {
    sent = false;
    form.removeAttribute("aria-busy");
  });
  form.addEventListener("submit", (event) => {
    if (sent) {
      event.preventDefault();
      return;
    }
    sent = true;
    form.setAttribute("aria-busy", "true");
  });
}

for (const button of document.querySelectorAll("button[data-copy]")) {
  const source = document.getElementById(button.dataset.copy);
  button.hidden = !(source && navigator.clipboard);
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.value ?? source.textContent);
      button.textContent = "Copied";
    } catch {
      source.select?.();
      button.textContent = "Select and copy with Ctrl+C";
    }
  });
}
