// Progressive enhancement shared by every page: times shown in the viewer's zone (UTC stays
// in the title, shown on hover). Pages work without it.
"use strict";
(function () {
  const lang = document.body.dataset.lang === "zh" ? "zh-CN" : "en";
  const format = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
  for (const el of document.querySelectorAll("time[datetime]")) {
    const at = new Date(el.getAttribute("datetime"));
    if (!Number.isNaN(at.getTime())) {
      el.textContent = format.format(at);
    }
  }
})();
