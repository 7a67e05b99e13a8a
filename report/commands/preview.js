// Live preview (./build.py serve only; never part of dist/).
// Asks the server for its state, which it answers when the state changes (a long poll): reloads
// the page when what is served changes (a save's pages, then its build) unless this page's bytes stay the same, and shows the findings of a broken save over the page, which keeps the last good one.
// Links to the pages for the team that are not part of the edition (the translation status of each language).
(() => {
  "use strict";
  const script = document.currentScript;
  let shown = Number(script.dataset.served);
  const path = decodeURIComponent(location.pathname);
  const here = path.endsWith("/") ? `${path}index.html` : path; // as the server names it in `same`
  let drawn = "";
  let dismissed = -1;
  let version = -1; // the state's version last seen: the server answers once it is another

  const host = document.createElement("div");
  host.id = "first-ten-preview";
  const root = host.attachShadow({ mode: "open" });
  const style = document.createElement("style");
  style.textContent = `
    :host { all: initial; }
    .panel { position: fixed; z-index: 2147483647; right: 1rem; bottom: 1rem; max-width: min(48rem, calc(100vw - 2rem));
      max-height: 60vh; overflow: auto; font: 14px/1.4 system-ui, sans-serif; color: #111; background: #fff;
      border: 2px solid #555; border-radius: 6px; box-shadow: 0 4px 18px rgba(0,0,0,.3); padding: .75rem 1rem; }
    .panel.failed { border-color: #b00020; }
    .panel.building { border-color: #555; }
    h2 { font-size: 15px; margin: 0 2rem .5rem 0; }
    .failed h2 { color: #b00020; }
    ul { margin: .25rem 0 0; padding: 0; list-style: none; }
    li { font: 13px/1.4 ui-monospace, monospace; white-space: pre-wrap; overflow-wrap: anywhere; margin: .2rem 0; }
    li.error { color: #b00020; }
    li.warning { color: #6b4e00; }
    button { position: absolute; top: .4rem; right: .5rem; font: inherit; background: none; border: 0; cursor: pointer; }
    summary { cursor: pointer; }
    .review { margin: .5rem 2rem 0 0; font-size: 13px; }
    .review a { color: #0f4c5c; margin-right: .75rem; }
  `;
  root.append(style);

  function element(tag, props, ...children) {
    const node = document.createElement(tag);
    Object.assign(node, props);
    node.append(...children);
    return node;
  }

  function list(findings) {
    return element("ul", {}, ...findings.map((f) => element("li", { className: f.level, textContent: f.text })));
  }

  function reviewLinks(pages) {
    if (!pages.length) return null;
    const links = pages.map((page) => element("a", { href: `/${page}`,
      textContent: `Translation status (${page.split("/")[0]})` }));
    return element("p", { className: "review" }, "For translators, not part of the edition: ", ...links);
  }

  function draw(state) {
    const key = JSON.stringify({ ...state, version: 0 }); // a new version of the same state draws nothing new
    if (key === drawn) return;
    drawn = key;
    root.replaceChildren(style);
    if (dismissed === state.generation && !state.building) return;
    const failed = state.code !== null && state.code !== 0;
    const errors = state.findings.filter((f) => f.level === "error");
    const warnings = state.findings.filter((f) => f.level !== "error");
    let panel;
    if (failed) {
      panel = element("section", { className: "panel failed", role: "alert" },
        element("h2", { textContent: `Not rebuilt: ${state.summary}. ` + (state.pages
          ? "This page shows your previous save, whose PDFs are still being built."
          : "This page shows the last good build.") }),
        list(errors));
      if (warnings.length) {
        panel.append(element("details", {}, element("summary", { textContent: `${warnings.length} warnings` }), list(warnings)));
      }
    } else if (state.building) {
      const doing = state.pages ? "Page updated; rebuilding the PDFs…" : "Rebuilding…";
      panel = element("section", { className: "panel building", role: "status" }, element("h2", { textContent: doing }));
    } else if (warnings.length) {
      panel = element("section", { className: "panel", role: "status" },
        element("details", {}, element("summary", { textContent: `${warnings.length} warnings: ${state.summary}` }), list(warnings)));
    } else if (state.review.length) {
      panel = element("section", { className: "panel", role: "status" });
    } else {
      return;
    }
    const review = reviewLinks(state.review);
    if (review) panel.append(review);
    panel.setAttribute("aria-label", "Preview");
    const close = element("button", { type: "button", textContent: "×", title: "Hide until the next build" });
    close.setAttribute("aria-label", "Hide");
    close.addEventListener("click", () => { dismissed = state.generation; root.replaceChildren(style); });
    panel.append(close);
    root.append(panel);
  }

  async function poll() {
    try {
      const response = await fetch(`/__preview__/state?after=${version}`, { cache: "no-store" });
      const state = await response.json();
      const unchanged = state.version === version; // held till its time ran out, or not held at all
      version = state.version;
      if (state.served === shown + 1 && state.same.includes(here)) {
        shown = state.served; // what is served changed, but not this page: no reload
      } else if (state.served > shown) {
        location.reload();
        return;
      }
      host.dataset.shown = String(shown);
      draw(state);
      setTimeout(poll, unchanged ? 100 : 0); // not held (too many tabs): a tenth of a second between polls
    } catch (error) {
      setTimeout(poll, 1000); // the server is restarting or stopped: try again
    }
  }

  document.body.append(host);
  // The first request once the page is painted: the server holds the work that follows a save's
  // first pages (the rest of the site, the PDFs) until the open pages have asked again
  // (`Preview.caught_up`), so that their reload has the processors to itself. A hidden tab
  // paints nothing: it asks after a second.
  let started = false;
  const start = () => {
    if (!started) {
      started = true;
      poll();
    }
  };
  requestAnimationFrame(() => setTimeout(start, 0)); // the frame's callbacks run before its paint
  setTimeout(start, 1000);
})();
