// The preview's page script (talkgen/livereload.py injects it into served HTML, never into
// a built site). The double-underscored EVENTS name below becomes the events path.
(() => {
  "use strict";
  const key = "talkgen-scroll:" + location.pathname;
  const saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    const restore = () => window.scrollTo(0, Number(saved));
    restore();
    addEventListener("load", restore, { once: true });
  }
  let version = null;
  const events = new EventSource("__EVENTS__");
  events.addEventListener("hello", (e) => {
    const data = JSON.parse(e.data);
    if (version !== null && data.version !== version) return reload();
    version = data.version;
    overlay(data.errors);
  });
  events.addEventListener("errors", (e) => {
    const data = JSON.parse(e.data);
    version = data.version;
    overlay(data.errors);
  });
  events.addEventListener("reload", (e) => {
    const data = JSON.parse(e.data);
    version = data.version;
    if (data.css) swapStyles(); else reload();
  });
  function reload() {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  }
  function swapStyles() {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      url.searchParams.set("talkgen", String(Date.now()));
      const fresh = link.cloneNode();
      fresh.href = url.href;
      fresh.addEventListener("load", () => link.remove(), { once: true });
      fresh.addEventListener("error", () => fresh.remove(), { once: true });
      link.after(fresh);
    }
  }
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function overlay(errors) {
    let host = document.querySelector("talkgen-overlay");
    if (!errors || errors.length === 0) {
      if (host) host.remove();
      return;
    }
    if (!host) {
      host = document.createElement("talkgen-overlay");
      host.attachShadow({ mode: "open" });
      document.body.append(host);
    }
    const style = el("style", "", `
      .box { position: fixed; inset: 1rem; overflow: auto; z-index: 2147483647; margin: 0;
             padding: 1rem 1.25rem; background: #1e1e1e; color: #f0f0f0; border: 3px solid #e5534b;
             border-radius: 6px; font: 14px/1.5 ui-monospace, Menlo, Consolas, monospace; }
      h2 { margin: 0 0 .75rem; font-size: 15px; color: #ff938a; }
      pre { margin: 0 0 1rem; white-space: pre-wrap; }
      button { float: right; font: inherit; background: none; color: inherit; border: 1px solid; }`);
    const box = el("div", "box");
    box.setAttribute("role", "alert");
    const close = el("button", "", "close");
    close.addEventListener("click", () => host.remove());
    const count = errors.length === 1 ? "1 error" : `${errors.length} errors`;
    box.append(close, el("h2", "", `talkgen: the site has ${count}; showing the last good page`));
    for (const d of errors) {
      const item = el("pre", "diagnostic", d.text);
      Object.assign(item.dataset, { file: d.file, line: d.line, column: d.column, code: d.code });
      box.append(item);
    }
    host.shadowRoot.replaceChildren(style, box);
  }
})();
