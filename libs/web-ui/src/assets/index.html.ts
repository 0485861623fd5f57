/** The single page of the calbridge web UI (served at /app/). Data is rendered by app.js, never as HTML. */
export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="referrer" content="no-referrer">
  <title>calbridge</title>
  <link rel="stylesheet" href="/app/app.css">
  <script src="/app/app.js" defer></script>
</head>
<body>
  <header>
    <h1>calbridge</h1>
    <span id="who" class="muted"></span>
    <button id="sign-out" type="button" hidden>Sign out</button>
  </header>
  <div id="flash" role="status" aria-live="polite" hidden></div>
  <main id="main">
    <section id="sign-in" hidden>
      <h2>Sign in</h2>
      <p>Open this page from your scheduling platform, or paste a calbridge token
        (development: <code>npm run token -- --role staff --sub &lt;staffId&gt;</code>).</p>
      <form id="token-form">
        <label for="token-input">Token</label>
        <textarea id="token-input" rows="3" autocomplete="off" spellcheck="false" required></textarea>
        <button type="submit">Continue</button>
      </form>
    </section>
    <div id="content"></div>
  </main>
</body>
</html>
`;
