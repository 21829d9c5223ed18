// One dataset's page, followed live: while the pipeline works on the dataset, ask the API
// for it every 2 s (same origin, the session cookie), update the progress bar, and reload
// the page when its state changes. Without scripts the page shows the state at load time.
"use strict";
(function () {
  const live = document.getElementById("live");
  if (!live || live.dataset.live !== "yes") {
    return;
  }
  const url = "/v1/datasets/" + encodeURIComponent(live.dataset.dataset);
  const box = document.getElementById("progress");
  const fill = (template, values) =>
    template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));

  function show(progress) {
    const bar = document.getElementById("progress-bar");
    const text = document.getElementById("progress-text");
    if (!bar || !progress) {
      return;
    }
    if (progress.total) {
      bar.max = progress.total;
      bar.value = progress.done;
    }
    bar.textContent = String(progress.done);
    if (text) {
      const template = progress.total ? box.dataset.textOf : box.dataset.textCount;
      text.textContent = fill(template, progress);
    }
    part("progress-shards", progress.shards_total != null, box.dataset.textShards,
         { done: progress.shards_done, total: progress.shards_total });
    part("progress-rate", progress.items_per_second != null, box.dataset.textRate,
         // As the page's own "%g": six significant digits, no trailing zeros.
         { rate: Number(Number(progress.items_per_second).toPrecision(6)) });
  }

  function part(id, known, template, values) {
    const span = document.getElementById(id);
    if (span) {
      span.textContent = known ? " · " + fill(template, values) : "";
    }
  }

  let timer = null;
  async function poll() {
    let answer;
    try {
      answer = await fetch(url, { credentials: "same-origin", cache: "no-store",
                                  headers: { Accept: "application/json" } });
    } catch (error) {
      return; // the network blinked: try again at the next tick
    }
    if (!answer.ok) {
      clearInterval(timer); // signed out, or the dataset is out of reach now
      return;
    }
    const dataset = await answer.json();
    const running = dataset.progress ? "yes" : "no";
    if (dataset.state !== live.dataset.state || running !== live.dataset.running) {
      clearInterval(timer);
      window.location.reload();
      return;
    }
    show(dataset.progress);
  }
  timer = setInterval(poll, 2000);
})();
