// The search box of layouts/partials/search.html: shown only once this script runs, it loads the
// page's language bundle (report/render/search.py) on first use and lists the matching pages.
const form = document.querySelector("form.site-search");
if (form) {
  const input = form.querySelector("input");
  const panel = form.querySelector(".site-search-panel");
  const status = form.querySelector(".site-search-status");
  const live = form.querySelector(".site-search-live");
  const list = form.querySelector(".site-search-results");
  const bundle = new URL(form.dataset.bundle, document.baseURI);
  let latest = 0;

  // One load for every search: typing fast starts a search per key, and each setting Pagefind's
  // options while it starts its worker left the searches waiting for ever. A failed load is retried.
  let loading = null;
  const load = () =>
    (loading ??= import(bundle.href)
      .then(async (pagefind) => {
        await pagefind.options({ baseUrl: new URL("../", bundle).pathname });
        return pagefind;
      })
      .catch((error) => {
        loading = null;
        throw error;
      }));

  // `lang`: the message's language where it fell back to English (the form's data-…-lang).
  // The count goes in the live region (announced) and in the panel (shown).
  const show = (message, items, lang) => {
    for (const line of [live, status]) {
      line.textContent = message;
      if (lang) line.lang = lang;
      else line.removeAttribute("lang");
    }
    list.replaceChildren(...items);
    panel.hidden = !message;
  };

  // Pagefind marks the words that matched with <mark>; the rest is text (its entities decoded by
  // a <textarea>, which parses no elements), and is set as text.
  const decoder = document.createElement("textarea");
  const decode = (escaped) => {
    decoder.innerHTML = escaped;
    return decoder.value;
  };
  const excerpt = (html) =>
    html.split(/(<mark>.*?<\/mark>)/).map((part) => {
      const marked = part.startsWith("<mark>");
      const text = decode(marked ? part.slice(6, -7) : part);
      if (!marked) return document.createTextNode(text);
      const mark = document.createElement("mark");
      mark.textContent = text;
      return mark;
    });

  const item = (data) => {
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.href = data.url;
    link.textContent = data.meta.title;
    li.append(link);
    // A facility under review keeps its marks, as on its card: the list mark, then the review mark
    // (the metadata of its page's editor's note, layouts/partials/facility.html).
    if (data.meta.list) {
      const star = document.createElement("span");
      star.className = "list-mark";
      star.setAttribute("role", "img");
      star.setAttribute("aria-label", data.meta.list);
      star.textContent = "*";
      li.append(star);
    }
    if (data.meta.review) {
      const mark = document.createElement("span");
      mark.className = "review-mark";
      mark.textContent = data.meta.review;
      li.append(" ", mark);
    }
    const context = document.createElement("p");
    context.append(...excerpt(data.excerpt));
    li.append(context);
    return li;
  };

  const run = async (query) => {
    const ticket = ++latest;
    if (!query) return show("", []);
    try {
      const pagefind = await load();
      const search = await pagefind.debouncedSearch(query, {}, 150);
      if (search === null || ticket !== latest) return;
      // Every page found is listed (a language has a few dozen pages), so the count is what shows.
      const found = await Promise.all(search.results.map((result) => result.data()));
      if (ticket !== latest) return;
      const message = found.length ? form.dataset.found.replace("{count}", found.length) : form.dataset.none;
      show(message, found.map(item), found.length ? form.dataset.foundLang : form.dataset.noneLang);
    } catch {
      if (ticket === latest) show(form.dataset.unavailable, [], form.dataset.unavailableLang);
    }
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(input.value.trim());
  });
  input.addEventListener("input", () => run(input.value.trim()));
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || panel.hidden) return;
    input.value = "";
    show("", []);
    input.focus();
  });
  form.hidden = false;
}
