// The few things the pages do in the browser: show the form of the chosen model and
// analysis, follow a running job, and check a scenario edit as it is typed.
"use strict";

function showChoices() {
  const form = document.getElementById("run-form");
  if (!form) return;
  const model = form.querySelector("#model");
  const command = form.querySelector("#command");
  const update = () => {
    form.querySelectorAll("fieldset.model-params").forEach((set) => {
      const on = set.dataset.model === model.value;
      set.hidden = !on;
      set.disabled = !on;
    });
    form.querySelectorAll(".options").forEach((box) => {
      const on = box.dataset.command === command.value;
      box.hidden = !on;
      box.querySelectorAll("input, select").forEach((el) => { el.disabled = !on; });
    });
  };
  model.addEventListener("change", update);
  command.addEventListener("change", update);
  update();
}

function followJob() {
  const job = document.getElementById("job");
  if (!job || !["queued", "running"].includes(job.dataset.status)) return;
  const bar = document.getElementById("job-progress");
  const percent = document.getElementById("job-percent");
  const tick = async () => {
    try {
      const response = await fetch("/api/runs/" + encodeURIComponent(job.dataset.run),
                                   { credentials: "same-origin" });
      const state = await response.json();
      bar.value = state.progress;
      percent.textContent = Math.round(state.progress * 100) + "%";
      if (state.status === "done" || state.status === "failed") {
        window.location.reload();
        return;
      }
    } catch (error) { /* the server may be busy: try again */ }
    window.setTimeout(tick, 400);
  };
  window.setTimeout(tick, 300);
}

function checkEdits() {
  const form = document.getElementById("edit-form");
  if (!form) return;
  const summary = document.getElementById("edit-summary");
  const others = document.getElementById("other-problems");
  let timer = null;
  let sequence = 0;
  const place = (field) => {
    // the input the problem names, else the closest enclosing part of the scenario
    let name = field;
    while (name) {
      const slot = form.querySelector('.field-problem[data-for="' + CSS.escape(name) + '"]');
      if (slot) return slot;
      const cut = Math.max(name.lastIndexOf("."), name.lastIndexOf("["));
      name = cut > 0 ? name.slice(0, cut) : "";
    }
    return null;
  };
  const check = async () => {
    const mine = ++sequence;
    const response = await fetch(form.dataset.check, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
    });
    if (!response.ok || mine !== sequence) return;
    const { problems } = await response.json();
    form.querySelectorAll(".field-problem").forEach((slot) => { slot.textContent = ""; });
    others.replaceChildren();
    let count = 0;
    for (const [field, messages] of Object.entries(problems)) {
      count += messages.length;
      const slot = place(field);
      if (slot) {
        slot.textContent = [slot.textContent, ...messages].filter(Boolean).join("; ");
      } else {
        for (const message of messages) {
          const item = document.createElement("li");
          item.textContent = field + ": " + message;
          others.append(item);
        }
      }
    }
    summary.textContent = count ? summary.dataset.some.replace("{count}", count) : summary.dataset.none;
    form.querySelector("#save-button").disabled = count > 0;
  };
  form.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 250);
  });
}

showChoices();
followJob();
checkEdits();
