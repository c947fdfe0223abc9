/* talkgen search box: Pagefind's JS API under our own small UI, no page reload.
   Keys: "/" focuses the box, ↓/↑ move through the results, Esc closes them.
   Results link to the episode and, for matches under a heading, to that heading. */
(function () {
  "use strict";

  var form = document.querySelector(".site-search");
  if (!form) return;
  var input = form.querySelector(".site-search-input");
  var status = form.querySelector(".site-search-status");
  var panel = form.querySelector(".site-search-results");
  var pagefind = null;
  var latest = "";
  var messages = {};
  try { messages = JSON.parse(document.getElementById("talkgen-messages").textContent); } catch (e) { /* keys shown */ }
  function t(key, values) {
    return (messages[key] || key).replace(/\{(\w+)\}/g, function (all, name) {
      return values && name in values ? values[name] : all;
    });
  }

  function load() {
    if (!pagefind) {
      pagefind = import(form.dataset.index).then(function (pf) {
        return pf.options({ baseUrl: form.getAttribute("action"), excerptLength: 24 })
          .then(function () { return pf; });
      });
      pagefind.catch(function () { say(t("search_unavailable")); });
    }
    return pagefind;
  }

  function say(text) { status.textContent = text; }

  /* Pagefind marks matches with <mark> in an HTML excerpt; keep only text and <mark>. */
  function excerpt(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var out = document.createElement("span");
    out.className = "site-search-excerpt";
    template.content.childNodes.forEach(function copy(node) {
      if (node.nodeType === Node.TEXT_NODE) {
        out.appendChild(document.createTextNode(node.textContent));
      } else if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else {
        node.childNodes.forEach(copy);
      }
    });
    return out;
  }

  function link(url, title, text, className) {
    var a = document.createElement("a");
    a.href = url;
    a.className = className;
    var strong = document.createElement("span");
    strong.className = "site-search-title";
    strong.textContent = title;
    a.appendChild(strong);
    if (text) a.appendChild(excerpt(text));
    return a;
  }

  function show(query, pages) {
    panel.textContent = "";
    if (!pages.length) {
      say(t("search_none", { query: query }));
      panel.hidden = true;
      return;
    }
    say(t("search_found", { count: pages.length, query: query }));
    var list = document.createElement("ol");
    list.className = "site-search-list";
    pages.forEach(function (page) {
      var item = document.createElement("li");
      var meta = page.meta || {};
      var title = (meta.number ? meta.number + " " : "") + (meta.title || page.url);
      item.appendChild(link(page.url, title, page.excerpt, "site-search-hit"));
      var subs = (page.sub_results || []).filter(function (sub) { return sub.url !== page.url; });
      if (subs.length) {
        var inner = document.createElement("ul");
        subs.slice(0, 3).forEach(function (sub) {
          var li = document.createElement("li");
          li.appendChild(link(sub.url, sub.title, sub.excerpt, "site-search-sub"));
          inner.appendChild(li);
        });
        item.appendChild(inner);
      }
      list.appendChild(item);
    });
    panel.appendChild(list);
    panel.hidden = false;
  }

  function search() {
    var query = input.value.trim();
    latest = query;
    if (!query) { close(); say(""); return; }
    load().then(function (pf) {
      return pf.debouncedSearch(query, {}, 150);
    }).then(function (found) {
      if (!found || query !== latest) return null;  /* a newer search is on its way */
      return Promise.all(found.results.slice(0, 8).map(function (r) { return r.data(); }));
    }).then(function (pages) {
      if (pages && query === latest) show(query, pages);
    }).catch(function () { say(t("search_unavailable")); });
  }

  function close() { panel.hidden = true; }

  function links() { return Array.prototype.slice.call(panel.querySelectorAll("a")); }

  function move(step) {
    var all = links();
    if (!all.length) return;
    var at = all.indexOf(document.activeElement);
    var next = at + step;
    if (next < 0) { input.focus(); return; }
    all[Math.min(next, all.length - 1)].focus();
  }

  input.addEventListener("input", search);
  var escaping = false;
  input.addEventListener("focus", function () {
    load();
    if (!escaping && panel.childNodes.length && input.value.trim()) panel.hidden = false;
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = links()[0];
    if (first) first.click(); else search();
  });
  form.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") { event.preventDefault(); move(1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); move(-1); }
    else if (event.key === "Escape") { close(); escaping = true; input.focus(); escaping = false; }
  });
  document.addEventListener("keydown", function (event) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.nodeName) || event.target.isContentEditable;
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      input.focus();
      input.select();
    }
  });
  document.addEventListener("click", function (event) {
    if (!form.contains(event.target)) close();
  });

  var query = new URLSearchParams(location.search).get("q");
  if (query) { input.value = query; search(); }
})();
