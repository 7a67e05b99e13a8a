// Live preview (./build.py serve only; never part of dist/).
// Polls the server for the last build: reloads the page after a successful one, and shows the
// findings of a failed one over the page, which still shows the last good build.
(() => {
  "use strict";
  const script = document.currentScript;
  const shown = Number(script.dataset.generation);
  let drawn = "";
  let dismissed = -1;

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

  function draw(state) {
    const key = JSON.stringify(state);
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
        element("h2", { textContent: `Not rebuilt: ${state.summary}. This page shows the last good build.` }),
        list(errors));
      if (warnings.length) {
        panel.append(element("details", {}, element("summary", { textContent: `${warnings.length} warnings` }), list(warnings)));
      }
    } else if (state.building) {
      panel = element("section", { className: "panel building", role: "status" }, element("h2", { textContent: "Rebuilding…" }));
    } else if (warnings.length) {
      panel = element("section", { className: "panel", role: "status" },
        element("details", {}, element("summary", { textContent: `${warnings.length} warnings: ${state.summary}` }), list(warnings)));
    } else {
      return;
    }
    panel.setAttribute("aria-label", "Preview");
    const close = element("button", { type: "button", textContent: "×", title: "Hide until the next build" });
    close.setAttribute("aria-label", "Hide");
    close.addEventListener("click", () => { dismissed = state.generation; root.replaceChildren(style); });
    panel.append(close);
    root.append(panel);
  }

  async function poll() {
    try {
      const response = await fetch("/__preview__/state", { cache: "no-store" });
      const state = await response.json();
      if (state.generation > shown && state.code === 0) {
        location.reload();
        return;
      }
      draw(state);
      setTimeout(poll, 300);
    } catch (error) {
      setTimeout(poll, 1000); // the server is restarting or stopped: try again
    }
  }

  document.body.append(host);
  poll();
})();
