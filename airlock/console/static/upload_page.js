// The upload page: an archive file (chosen or dropped) or a folder (packed as a tar by
// tar_pack.js) is sent as the body of POST /v1/datasets with XMLHttpRequest, whose upload
// events drive the progress bar. The body is a Blob backed by the files on disk: nothing is
// read into memory. On success the browser opens the new dataset's page.
"use strict";
(function () {
  const form = document.getElementById("upload-form");
  const notice = document.getElementById("needs-script");
  if (!window.AirlockTar) {
    return; // the packer did not load: the page keeps its no-script alternatives
  }
  notice.hidden = true;
  if (!form) {
    return; // no contract to upload against
  }
  form.hidden = false;

  const $ = (id) => document.getElementById(id);
  const contract = $("contract");
  const archiveInput = $("archive-input");
  const folderInput = $("folder-input");
  const dropZone = $("drop-zone");
  const chosen = $("chosen");
  const start = $("start");
  const cancel = $("cancel");
  const panel = $("progress-panel");
  const bar = $("upload-progress");
  const figures = $("figures");
  const status = $("upload-status");
  const note = $("upload-note");
  const error = $("upload-error");
  const maxBytes = Number(form.dataset.maxBytes) || Infinity;
  const lang = document.body.dataset.lang === "zh" ? "zh-CN" : "en";

  // Messages come from the page (data-m-*), in the page's language.
  function t(key, values) {
    const text = form.getAttribute("data-m-" + key.replaceAll("_", "-")) || key;
    return text.replace(/\{(\w+)\}/g, (all, name) =>
      values && name in values ? String(values[name]) : all);
  }

  const UNITS = ["byte", "kilobyte", "megabyte", "gigabyte", "terabyte"];
  function bytes(n) {
    let unit = 0;
    while (n >= 1000 && unit < UNITS.length - 1) {
      n /= 1000;
      unit += 1;
    }
    return new Intl.NumberFormat(lang, {
      style: "unit", unit: UNITS[unit], unitDisplay: "short",
      maximumFractionDigits: unit === 0 ? 0 : 1,
    }).format(n);
  }

  function duration(seconds) {
    const [value, unit] = seconds >= 5400 ? [seconds / 3600, "hour"]
      : seconds >= 90 ? [seconds / 60, "minute"] : [Math.max(1, seconds), "second"];
    return new Intl.NumberFormat(lang, {
      style: "unit", unit, unitDisplay: "long", maximumFractionDigits: 0,
    }).format(Math.round(value));
  }

  // What will be sent: {body: Blob, size, label}
  let chosenBody = null;
  let request = null;

  function say(element, text) {
    element.textContent = text;
  }

  function choose(body) {
    chosenBody = body;
    start.disabled = body === null;
    say(error, "");
  }

  function refuse(message) {
    choose(null);
    say(chosen, "");
    say(error, message);
  }

  // An archive is recognised by its first bytes (zip, gzip, or tar's "ustar" at 257), not
  // by its name; the service checks it again.
  async function isArchive(file) {
    const head = new Uint8Array(await file.slice(0, 512).arrayBuffer());
    const zip = head[0] === 0x50 && head[1] === 0x4b;
    const gzip = head[0] === 0x1f && head[1] === 0x8b;
    // Pre-POSIX tars have no magic: their name must say it (the service checks them too).
    const tar = String.fromCharCode(...head.subarray(257, 262)) === "ustar"
      || /\.tar$/i.test(file.name);
    return zip || gzip || tar;
  }

  async function chooseFile(file) {
    folderInput.value = "";
    if (!(await isArchive(file))) {
      refuse(t("not_archive"));
      return;
    }
    if (file.size > maxBytes) {
      refuse(t("too_large", { size: bytes(file.size), max: bytes(maxBytes) }));
      return;
    }
    choose({ body: file, size: file.size });
    say(chosen, t("chosen_file", { name: file.name, size: bytes(file.size) }));
  }

  function chooseFolder(files) {
    archiveInput.value = "";
    if (!files.length) {
      refuse(t("empty_folder"));
      return;
    }
    const entries = window.AirlockTar.folderEntries(files);
    const body = window.AirlockTar.pack(entries);
    const first = files[0].webkitRelativePath || "";
    const name = first.includes("/") ? first.slice(0, first.indexOf("/")) : first;
    const total = entries.reduce((n, e) => n + e.blob.size, 0);
    if (body.size > maxBytes) {
      refuse(t("too_large", { size: bytes(body.size), max: bytes(maxBytes) }));
      return;
    }
    choose({ body, size: body.size });
    say(chosen, t("chosen_folder", { name, count: entries.length, size: bytes(total) }));
  }

  archiveInput.addEventListener("change", () => {
    if (archiveInput.files.length) {
      chooseFile(archiveInput.files[0]);
    }
  });
  folderInput.addEventListener("change", () => chooseFolder(folderInput.files));

  dropZone.addEventListener("dragover", (event) => {
    event.preventDefault();
    dropZone.classList.add("over");
  });
  dropZone.addEventListener("dragleave", () => dropZone.classList.remove("over"));
  dropZone.addEventListener("drop", (event) => {
    event.preventDefault();
    dropZone.classList.remove("over");
    if (request) {
      return;
    }
    const item = event.dataTransfer.items && event.dataTransfer.items[0];
    const entry = item && item.webkitGetAsEntry ? item.webkitGetAsEntry() : null;
    const file = event.dataTransfer.files[0];
    if (!file || (entry && entry.isDirectory)) {
      refuse(t("not_a_file"));
      return;
    }
    archiveInput.value = "";
    chooseFile(file);
  });

  // Progress: the rate over the last few seconds, the time left at that rate.
  const WINDOW_MS = 5000;
  const MIN_SPAN_MS = 1000;
  let samples = [];
  let announced = -1;

  function progress(sent, total) {
    const now = performance.now();
    samples.push([now, sent]);
    while (samples.length > 2 && now - samples[1][0] > WINDOW_MS) {
      samples.shift();
    }
    bar.max = total;
    bar.value = sent;
    const percent = total ? Math.floor((sent / total) * 100) : 0;
    const parts = [t("progress", { sent: bytes(sent), total: bytes(total), percent })];
    // The first bytes fill buffers at once: no rate until a second has passed.
    const [then, before] = samples[0];
    const rate = now - then >= MIN_SPAN_MS ? ((sent - before) * 1000) / (now - then) : 0;
    if (rate > 0) {
      parts.push(t("rate", { rate: bytes(rate) }));
      if (sent < total) {
        parts.push(t("left", { time: duration((total - sent) / rate) }));
      }
    }
    say(figures, parts.join(" · "));
    // The live region speaks at every tenth, not at every event.
    const tenth = Math.floor(percent / 10);
    if (tenth > announced) {
      announced = tenth;
      say(status, t("announce", { percent: tenth * 10 }));
    }
  }

  function busy(on) {
    for (const control of [contract, archiveInput, folderInput]) {
      control.disabled = on;
    }
    start.disabled = on || chosenBody === null;
    cancel.hidden = !on;
  }

  function leaveWarning(event) {
    event.preventDefault();
    event.returnValue = "";
  }

  function problemOf(xhr) {
    try {
      const body = JSON.parse(xhr.responseText);
      return body && typeof body.detail === "string" ? body.detail : "";
    } catch (ignored) {
      return "";
    }
  }

  function failed(xhr) {
    const known = ["400", "401", "403", "404", "408", "413", "422", "429", "503"];
    const code = String(xhr.status);
    const words = [known.includes(code) ? t("error_" + code) : t("error_other", { status: code })];
    const retry = xhr.getResponseHeader("Retry-After");
    if (code === "429" && retry && /^\d+$/.test(retry)) {
      words.push(t("error_429_after", { seconds: retry }));
    }
    const detail = problemOf(xhr);
    if (detail) {
      words.push(t("server_said", { detail }));
    }
    return words.join(" ");
  }

  function finish(message) {
    window.removeEventListener("beforeunload", leaveWarning);
    request = null;
    busy(false);
    if (message) { // nothing was kept: no progress to show
      panel.hidden = true;
      say(status, "");
      say(note, "");
      say(error, message);
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!chosenBody || request) {
      return;
    }
    const xhr = new XMLHttpRequest();
    request = xhr;
    samples = [];
    announced = -1;
    say(error, "");
    panel.hidden = false;
    progress(0, chosenBody.size);
    say(status, t("sending"));
    say(note, t("sending"));
    busy(true);
    window.addEventListener("beforeunload", leaveWarning);

    xhr.open("POST", "/v1/datasets?contract=" + encodeURIComponent(contract.value));
    xhr.setRequestHeader("X-CSRF-Token", document.body.dataset.csrf);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", (e) => {
      progress(e.loaded, e.lengthComputable ? e.total : chosenBody.size);
    });
    xhr.addEventListener("load", () => {
      if (xhr.status !== 202) {
        finish(failed(xhr));
        return;
      }
      let dataset = null;
      try {
        dataset = JSON.parse(xhr.responseText);
      } catch (ignored) {
        dataset = null;
      }
      if (!dataset || typeof dataset.id !== "string") {
        finish(t("error_other", { status: xhr.status }));
        return;
      }
      progress(chosenBody.size, chosenBody.size);
      say(status, t("done"));
      say(note, t("done"));
      finish(null);
      busy(true);
      cancel.hidden = true;
      window.location.assign("/datasets/" + encodeURIComponent(dataset.id));
    });
    xhr.addEventListener("error", () => finish(t("failed_network")));
    xhr.addEventListener("timeout", () => finish(t("failed_network")));
    xhr.addEventListener("abort", () => finish(t("cancelled")));
    xhr.send(chosenBody.body);
  });

  cancel.addEventListener("click", () => {
    if (request) {
      request.abort();
    }
  });
})();
