// The audit explorer, enhanced: times entered in the viewer's zone (the address keeps UTC),
// empty filters left out of the address, and "Verify now" run in place through the API with
// its result announced. Without scripts the form's times are UTC and Verify posts the form.
"use strict";
(function () {
  const pad = (n) => String(n).padStart(2, "0");
  const localValue = (at) => `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}` +
    `T${pad(at.getHours())}:${pad(at.getMinutes())}`;

  const filters = document.getElementById("audit-filters");
  if (filters) {
    for (const input of filters.querySelectorAll("input[data-utc]")) {
      const utc = input.dataset.utc;
      if (utc) {
        const at = new Date(`${utc}:00Z`);
        if (!Number.isNaN(at.getTime())) input.value = localValue(at);
      }
    }
    for (const zone of filters.querySelectorAll(".zone[data-local]")) {
      zone.textContent = zone.dataset.local;
    }
    filters.addEventListener("submit", (event) => {
      event.preventDefault();
      const params = new URLSearchParams();
      for (const [name, value] of new FormData(filters)) {
        const text = String(value).trim();
        if (!text) continue;
        const field = filters.elements.namedItem(name);
        if (field instanceof HTMLInputElement && field.type === "datetime-local") {
          const at = new Date(text); // a local date-time: read in the viewer's zone
          if (Number.isNaN(at.getTime())) continue;
          params.set(name, at.toISOString().replace(/\.\d{3}Z$/, "Z"));
        } else {
          params.set(name, text);
        }
      }
      const query = params.toString();
      window.location.assign(filters.getAttribute("action") + (query ? `?${query}` : ""));
    });
  }

  const form = document.getElementById("verify-form");
  const result = document.getElementById("verify-result");
  if (!form || !result) return;
  const show = (className, text, detail) => {
    result.replaceChildren();
    const p = document.createElement("p");
    p.className = className;
    p.textContent = text;
    result.append(p);
    if (detail) {
      const d = document.createElement("p");
      d.className = "detail";
      d.textContent = detail;
      result.append(d);
    }
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button");
    button.disabled = true;
    show("muted", result.dataset.busy);
    try {
      const answer = await fetch("/v1/audit/verify", {
        credentials: "same-origin",
        headers: { "X-CSRF-Token": document.body.dataset.csrf, Accept: "application/json" },
      });
      if (!answer.ok) throw new Error(String(answer.status));
      const verdict = await answer.json();
      if (verdict.intact) {
        show("ok", result.dataset.ok.replace("{events}", verdict.events_checked)
          .replace("{checkpoints}", verdict.checkpoints_checked));
      } else {
        show("error", result.dataset.bad.replace("{seq}", verdict.first_bad_seq ?? "—"),
          verdict.problem);
      }
    } catch (error) {
      show("error", result.dataset.error);
    } finally {
      button.disabled = false;
    }
  });
})();
