/* The theme's small helpers, each optional: the page works without them.
   - table of contents: open on wide screens, current section marked while reading;
   - code blocks: a copy button;
   - recordings: the player is created only when the reader asks for it;
   - reading list: the kind filter is kept in the address (?kind=paper). */
(function () {
  "use strict";
  var messages = {};
  try { messages = JSON.parse(document.getElementById("talkgen-messages").textContent); } catch (e) { /* defaults below */ }
  function t(key) { return messages[key] || key; }

  var wide = window.matchMedia("(min-width: 1100px)");

  function toc() {
    var details = document.querySelector("details.toc");
    if (!details) return;
    if (wide.matches) details.open = true;
    var links = {};
    details.querySelectorAll("a[href^='#']").forEach(function (a) {
      links[decodeURIComponent(a.getAttribute("href").slice(1))] = a;
    });
    var targets = Object.keys(links).map(function (id) { return document.getElementById(id); })
      .filter(Boolean);
    if (!targets.length || !("IntersectionObserver" in window)) return;
    var current = null;
    function mark(id) {
      if (current) current.removeAttribute("aria-current");
      current = links[id] || null;
      if (current) current.setAttribute("aria-current", "location");
    }
    function update() {
      var line = 80, best = targets[0];
      targets.forEach(function (el) { if (el.getBoundingClientRect().top <= line) best = el; });
      var root = document.documentElement;
      if (window.innerHeight + window.scrollY >= root.scrollHeight - 2) best = targets[targets.length - 1];
      mark(best.id);
    }
    var observer = new IntersectionObserver(update, { rootMargin: "0px 0px -70% 0px" });
    targets.forEach(function (el) { observer.observe(el); });
    window.addEventListener("scroll", function () { window.requestAnimationFrame(update); }, { passive: true });
    update();
  }

  function codeCopy() {
    if (!navigator.clipboard) return;
    document.querySelectorAll(".prose pre.highlight").forEach(function (pre) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "code-copy";
      button.textContent = t("copy_code");
      button.addEventListener("click", function () {
        var code = pre.querySelector("code");
        navigator.clipboard.writeText(code ? code.textContent : pre.textContent).then(function () {
          button.textContent = t("code_copied");
          setTimeout(function () { button.textContent = t("copy_code"); }, 2000);
        }, function () { /* no permission: nothing to do */ });
      });
      pre.parentNode.insertBefore(button, pre);
    });
  }

  function player() {
    var box = document.querySelector(".player[data-embed]");
    if (!box) return;
    function start(src) {
      var frame = box.querySelector("iframe");
      if (!frame) {
        frame = document.createElement("iframe");
        frame.title = box.dataset.title || "";
        frame.allow = "autoplay; fullscreen; picture-in-picture";
        frame.setAttribute("allowfullscreen", "");
        frame.referrerPolicy = "strict-origin-when-cross-origin";
        box.textContent = "";
        box.appendChild(frame);
        box.classList.add("player-on");
      }
      frame.src = src;
    }
    var button = box.querySelector(".player-start");
    if (button) button.addEventListener("click", function () { start(box.dataset.embed); });
    document.querySelectorAll("a.chapter[data-player]").forEach(function (a) {
      a.addEventListener("click", function (event) {
        event.preventDefault();
        start(a.dataset.player);
        box.scrollIntoView({ block: "nearest" });
      });
    });
  }

  function readingFilter() {
    var form = document.querySelector(".reading-filter");
    if (!form) return;
    var wanted = new URLSearchParams(location.search).get("kind");
    var radio = wanted && form.querySelector("input[value='" + wanted.replace(/[^a-z]/g, "") + "']");
    if (radio) radio.checked = true;
    form.addEventListener("change", function (event) {
      var url = new URL(location.href);
      if (event.target.value === "all") url.searchParams.delete("kind");
      else url.searchParams.set("kind", event.target.value);
      history.replaceState(null, "", url);
    });
  }

  toc();
  codeCopy();
  player();
  readingFilter();
})();
