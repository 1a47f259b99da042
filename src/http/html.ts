/*
 * Server-rendered HTML for the console: one layout, escaped values, forms
 * that work without JavaScript. The only script (console.js) refreshes the
 * live numbers of a company page; everything else is plain links and forms.
 */

/** Text or attribute value, escaped for HTML. */
export function esc(value: unknown): string {
  if (value === null || value === undefined) return "";
  return String(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

/** A tagged template that escapes every interpolated value unless it is already Html. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? "";
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? "");
  });
  return new Html(out);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  return esc(value);
}

export interface PageUser {
  readonly login: string;
  readonly kind: "admin" | "operator";
  readonly azi: string | null;
  readonly csrf: string;
}

const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1f23;background:#f6f7f9}
header{display:flex;gap:1.2rem;align-items:center;flex-wrap:wrap;padding:.6rem 1.2rem;background:#1f3a5f;color:#fff}
header a{color:#fff}header form{margin-left:auto}
main{padding:1rem 1.2rem;max-width:1240px}
table{border-collapse:collapse;width:100%;background:#fff;margin:.5rem 0 1.2rem}
th,td{border:1px solid #d5d9de;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#eef1f4}
.num{text-align:right;font-variant-numeric:tabular-nums}
.msg{padding:.5rem .8rem;border-radius:4px;margin:.5rem 0}
.ok{background:#e3f4e6}.err{background:#fde8e8}
form.inline{display:inline-flex;gap:.3rem;flex-wrap:wrap;margin:0}
fieldset{border:1px solid #d5d9de;background:#fff;margin:.5rem 0 1rem}
label{margin-right:.6rem}
input,select,button{font:inherit;padding:.2rem .4rem}
button{cursor:pointer}
a:focus,button:focus,input:focus,select:focus{outline:3px solid #f0b429;outline-offset:1px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:.6rem;margin:.6rem 0 1rem}
.card{background:#fff;border:1px solid #d5d9de;padding:.5rem .7rem}
.card b{display:block;font-size:1.5rem}
@media (max-width:900px){table{font-size:13px}main{padding:.6rem}}
`;

export function layout(title: string, user: PageUser | undefined, body: Html, notice?: { ok: boolean; text: string }): string {
  const nav = user
    ? html`<nav aria-label="Main">
        ${user.kind === "admin" ? html`<a href="/companies">Companies</a>` : html`<a href="/company/${encodeURIComponent(user.azi ?? "")}">Company ${user.azi}</a>`}
        <a href="/problems">Problems</a> <a href="/timeline">Order timeline</a></nav>
        <span>Signed in as <strong>${user.login}</strong> (${user.kind === "admin" ? "admin, every company" : `operator of ${user.azi}`})</span>
        <form method="post" action="/logout"><input type="hidden" name="_csrf" value="${user.csrf}"><button type="submit">Sign out</button></form>`
    : html``;
  const message = notice ? html`<p class="msg ${notice.ok ? "ok" : "err"}" role="${notice.ok ? "status" : "alert"}">${notice.text}</p>` : html``;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · sincro</title><style>${STYLE}</style><script src="/console.js" defer></script></head>
<body><header><strong>sincro</strong>${nav.text}</header><main><h1>${esc(title)}</h1>${message.text}${body.text}</main></body></html>`;
}

/** The console's only script: refreshes elements marked data-live="<key>" from the page's data-live-url every 5 s. */
export const CONSOLE_SCRIPT = `"use strict";
(function () {
  var root = document.querySelector("[data-live-url]");
  if (!root) return;
  var url = root.getAttribute("data-live-url");
  function refresh() {
    fetch(url, { headers: { accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        document.querySelectorAll("[data-live]").forEach(function (el) {
          var key = el.getAttribute("data-live");
          if (Object.prototype.hasOwnProperty.call(data, key)) el.textContent = data[key] === null ? "" : String(data[key]);
        });
        if (data.runsHtml !== undefined) { var runs = document.getElementById("runs"); if (runs) runs.innerHTML = data.runsHtml; }
      })
      .catch(function () {});
  }
  setInterval(refresh, Number(root.getAttribute("data-live-every") || 5000));
})();
`;

/** "3 min 20 s" from seconds. */
export function age(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}
