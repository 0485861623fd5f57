export const APP_CSS = `
:root { --fg: #1d2330; --muted: #667085; --line: #e4e7ec; --bg: #f8f9fb; --accent: #2f5bd3; --ok: #127a3b; --warn: #b54708; --bad: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; align-items: center; gap: 1rem; padding: .75rem 1.25rem; background: #fff; border-bottom: 1px solid var(--line); }
header h1 { font-size: 1.1rem; margin: 0; }
main { max-width: 960px; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; margin: 1rem 0; }
section h2 { font-size: 1rem; margin: 0 0 .75rem; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: .85rem; }
.muted { color: var(--muted); }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 999px; font-size: .8rem; background: var(--line); }
.badge.active, .badge.resolved { background: #d1fadf; color: var(--ok); }
.badge.syncing, .badge.overridden { background: #fef0c7; color: var(--warn); }
.badge.needs_reauth, .badge.error, .badge.open { background: #fee4e2; color: var(--bad); }
button, .button { font: inherit; padding: .35rem .8rem; border-radius: 6px; border: 1px solid var(--line); background: #fff; cursor: pointer; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button.danger { color: var(--bad); }
input, select, textarea { font: inherit; padding: .35rem .5rem; border: 1px solid var(--line); border-radius: 6px; }
input.url { width: 100%; font-family: ui-monospace, monospace; font-size: .8rem; }
textarea { width: 100%; font-family: ui-monospace, monospace; font-size: .8rem; }
form.inline { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin-top: .75rem; }
form.inline label { display: flex; flex-direction: column; font-size: .8rem; color: var(--muted); }
.row { display: flex; gap: .5rem; flex-wrap: wrap; align-items: center; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: .75rem; margin: .5rem 0; }
#flash { max-width: 960px; margin: 1rem auto 0; padding: .6rem 1rem; border-radius: 6px; background: #d1fadf; color: var(--ok); }
#flash.error { background: #fee4e2; color: var(--bad); }
.empty { color: var(--muted); font-style: italic; }
`;
