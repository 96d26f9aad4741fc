// The reference page's stylesheet, inline in the page (helmet's CSP allows inline styles).
export const DOCS_STYLE = `
:root { --ink: #1d2430; --muted: #5b6575; --line: #e3e7ee; --bg: #f7f9fc; --accent: #0a7f3f; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); display: flex; }
nav { position: sticky; top: 0; height: 100vh; overflow-y: auto; width: 290px; flex: none; padding: 20px 16px; background: var(--bg); border-right: 1px solid var(--line); font-size: 14px; }
nav .brand { display: block; font-weight: 700; font-size: 17px; color: var(--ink); margin-bottom: 12px; }
nav h5 { margin: 18px 0 6px; font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
nav ul { list-style: none; margin: 0; padding: 0; }
nav li a { display: block; padding: 3px 6px; border-radius: 4px; color: var(--ink); text-decoration: none; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
nav li a:hover { background: #e8edf5; }
main { flex: 1; min-width: 0; max-width: 1100px; padding: 24px 40px 80px; }
h1 { margin: 0 0 8px; } h1 .version { font-size: 14px; font-weight: 400; color: var(--muted); }
h2 { margin: 48px 0 8px; padding-bottom: 6px; border-bottom: 2px solid var(--line); }
h3 { margin: 0 0 6px; font-size: 18px; } h4 { margin: 18px 0 6px; font-size: 14px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
article { margin: 20px 0; } article.operation { border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; }
a { color: #0b5cad; }
code { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #eef1f6; padding: 1px 4px; border-radius: 3px; overflow-wrap: anywhere; }
/* Nothing is clipped at any width: code and long identifiers wrap inside their box rather than
   scroll or spill out of it (tests/browser/docs.browser.ts checks 375, 768 and 1280 px). */
pre { background: #1f2633; color: #e8ecf2; padding: 12px 14px; border-radius: 6px; white-space: pre-wrap; overflow-wrap: anywhere; }
pre code { background: none; padding: 0; color: inherit; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
/* Field tables share out the width by fixed proportions, so no long value can widen a column. */
table.fields { table-layout: fixed; } col.name { width: 32%; } col.type { width: 22%; } col.notes { width: 46%; } col.in { width: 12%; }
code .parent { color: var(--muted); }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.method { display: inline-block; min-width: 52px; text-align: center; font: 700 12px/1.8 ui-monospace, monospace; color: #fff; border-radius: 4px; padding: 0 6px; }
.method.get { background: #1769c2; } .method.post { background: var(--accent); } .method.patch, .method.put { background: #a15c00; }
.method.delete { background: #b3261e; } .method.emit { background: #6b3fa0; } .method.on { background: #2f7f86; }
nav .method { min-width: 44px; font-size: 10px; }
.path { font-size: 15px; background: none; }
.summary { margin: 0 0 8px; font-weight: 600; } .auth, .where { font-weight: 400; font-size: 13px; color: var(--muted); margin-left: 8px; }
.optional { font-size: 12px; color: var(--muted); } .notes { font-size: 13px; color: var(--muted); }
.status { display: inline-block; font: 700 13px ui-monospace, monospace; padding: 0 6px; border-radius: 4px; }
.status.ok { background: #dff3e6; color: #0a5c2e; } .status.err { background: #fbe3e1; color: #8c1d18; }
.two { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px; align-items: start; }
.two > * { min-width: 0; }
h1, h3, p, li { overflow-wrap: anywhere; }
details { margin-top: 10px; } summary { cursor: pointer; color: var(--muted); }
/* Added by the page's script (dashboard/src/reference): search, sample tabs, copy buttons, the reader's banner, Try it. */
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
form.search { margin: 0 0 12px; }
form.search label { display: block; font-size: 12px; color: var(--muted); margin-bottom: 4px; }
form.search input { width: 100%; font: inherit; padding: 6px 8px; border: 1px solid #b9c2d0; border-radius: 6px; }
#search-results { list-style: none; margin: 6px 0 0; padding: 0; }
#search-results li a { display: block; white-space: normal; padding: 5px 6px; border-bottom: 1px solid var(--line); }
#search-results small { display: block; color: var(--muted); overflow-wrap: anywhere; }
#search-results .kind { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.sample-tabs { display: flex; flex-wrap: wrap; gap: 4px; margin-bottom: 4px; }
.sample-tabs button { font: 600 13px system-ui, sans-serif; padding: 4px 10px; border: 1px solid #b9c2d0; border-radius: 6px; background: #fff; color: var(--ink); cursor: pointer; }
.sample-tabs button[aria-selected="true"] { background: var(--ink); border-color: var(--ink); color: #fff; }
.samples.tabbed .sample-label { display: none; }
.sample-label { margin: 8px 0 2px; font-weight: 600; font-size: 13px; color: var(--muted); }
pre.copyable { position: relative; padding-top: 30px; }
button.copy { position: absolute; top: 6px; right: 6px; font: 600 12px system-ui, sans-serif; padding: 2px 8px; border-radius: 4px; border: 1px solid #55607a; background: #2c3547; color: #fff; cursor: pointer; }
.reader { border: 1px solid #b7dcc4; background: #eef8f1; border-radius: 8px; padding: 4px 14px; margin: 12px 0; }
.reader select { font: inherit; margin: 0 4px; }
details.try { margin-top: 12px; border: 1px dashed #b9c2d0; border-radius: 6px; padding: 8px 12px; }
details.try summary { color: var(--accent); font-weight: 600; }
.try-field { margin: 8px 0; } .try-field label { display: block; font-size: 13px; color: var(--muted); }
.try-field input, .try-field textarea { width: 100%; font: 13px/1.45 ui-monospace, monospace; padding: 5px 7px; border: 1px solid #b9c2d0; border-radius: 4px; }
details.try button[type=submit] { font: 600 14px system-ui, sans-serif; padding: 6px 14px; border: 0; border-radius: 6px; background: var(--accent); color: #fff; cursor: pointer; }
details.try button[disabled] { opacity: .6; }
.try-status { display: inline-block; font: 700 13px ui-monospace, monospace; padding: 2px 8px; border-radius: 4px; }
.try-status.ok { background: #dff3e6; color: #0a5c2e; } .try-status.err { background: #fbe3e1; color: #8c1d18; }
ul.events { padding-left: 18px; }
@media (max-width: 900px) { body { display: block; } nav { position: static; width: auto; height: auto; } .two { grid-template-columns: 1fr; } main { padding: 16px; } }
/* A phone has no room for three columns: each field becomes a small block (name, type, notes). */
@media (max-width: 600px) {
  main { padding: 12px; } article.operation { padding: 12px; }
  table.fields thead { display: none; }
  table.fields, table.fields tbody, table.fields tr, table.fields td { display: block; width: auto; }
  table.fields tr { padding: 6px 0; border-bottom: 1px solid var(--line); }
  table.fields td { border: 0; padding: 1px 0; }
  table.fields colgroup { display: none; }
}
`;
