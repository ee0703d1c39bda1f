// Fixture webmail pages, served over HTTPS on 127.0.0.1 under the real host
// names (Chromium maps them with --host-resolver-rules). Each page holds
// the DOM facts its adapter documents; the messages are the repository's
// samples, so their verdicts come from the test zone.
import { readFileSync } from 'node:fs';
import { createServer as createHttps } from 'node:https';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { HOSTILE, ROOT } from './helpers.mjs';

const TLS = {
  key: readFileSync(join(ROOT, 'tests/e2e/tls/key.pem')),
  cert: readFileSync(join(ROOT, 'tests/e2e/tls/cert.pem')),
};

/** @param {string} text */
function escapeHtml(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** @param {string} name a file in samples/ */
export function sample(name) {
  return readFileSync(join(ROOT, 'samples', name), 'utf8');
}

export const GMAIL_MESSAGE_ID = '1781234567890123456';
export const GMAIL_IK = 'a1b2c3d4e5';

/**
 * What a sender can put in a message body: Received fields naming a relay
 * of the sender's choosing, one per recipient, so that a check of them tells
 * the sender who read the message (a read receipt). `n` picks the address
 * (81.2.69.n) and the name (rcpt-n.receipts.example). Nothing may check them
 * without a click.
 * @param {number} n
 */
export function receiptHeaders(n) {
  return [
    `Received: from rcpt-${n}.receipts.example (rcpt-${n}.receipts.example [81.2.69.${n}])`,
    `\tby mx.example.org (Postfix) with ESMTPS id R${n}X;`,
    '\tWed,  4 Jan 2023 10:11:13 +0100 (CET)',
    `Received: from [10.9.8.7] (unknown [10.9.8.7]) by rcpt-${n}.receipts.example with ESMTP id R${n}Y;`,
    '\tWed,  4 Jan 2023 10:11:12 +0100 (CET)',
    'Subject: your order',
  ].join('\n');
}

/** The relay address of each page's hostile message body: one per adapter. */
export const RECEIPT = { gmail: 71, outlook: 72, yahoo: 73, proton: 74, fastmail: 75, roundcube: 76, yahooAttachment: 77 };

/** A message body holding `receiptHeaders(n)` in a <pre>, as HTML mail can. @param {number} n */
function hostileBody(n) {
  return `<p>Dear customer, your order details:</p><pre>${escapeHtml(receiptHeaders(n))}</pre>`;
}

/**
 * Two messages of the same length with different verdicts (81.2.69.142
 * passes, 81.2.69.145 fails), served in turn at one URL.
 */
export const TWINS = [sample('postfix-to-postfix.eml'), sample('postfix-to-postfix.eml').replace('[81.2.69.142]', '[81.2.69.145]')];
let twinServed = 0;

/** The page script of Outlook's "View message source" dialog. */
const OUTLOOK_SOURCE_DIALOG = `  const dialog = document.createElement('div');
  dialog.setAttribute('role', 'dialog');
  dialog.setAttribute('aria-label', 'Message source');
  const pre = document.createElement('pre');
  pre.textContent = ${JSON.stringify(sample('onprem-exchange2019-to-m365.eml'))};
  dialog.append(pre);
  document.body.append(dialog);`;

/**
 * The pages: host → handler returning {type, body} or null.
 * @type {Record<string, (url: URL) => {type: string, body: string} | null>}
 */
const PAGES = {
  'mail.google.com': (url) => {
    if (url.searchParams.get('view') === 'om') {
      // "Show original": only the message this conversation holds, and only with the right ik.
      if (url.searchParams.get('permmsgid') !== `msg-f:${GMAIL_MESSAGE_ID}` || url.searchParams.get('ik') !== GMAIL_IK) {
        return { type: 'text/html', body: '<!doctype html><title>Gmail</title><p>Not found</p>' };
      }
      const raw = escapeHtml(sample('exchange2016-local-to-gmail.eml'));
      return {
        type: 'text/html; charset=utf-8',
        body: `<!doctype html><html><head><title>Original Message</title></head><body>
<div class="message_header">Original Message</div>
<table class="summary"><tr><td>Message ID</td><td>&lt;3f1c9e2a@svr01.contoso.local&gt;</td></tr></table>
<pre class="raw_message_text" id="raw_message_text">${raw}</pre></body></html>`,
      };
    }
    if (url.searchParams.has('hostile')) {
      // A conversation whose open message has a body holding Received fields.
      return {
        type: 'text/html; charset=utf-8',
        body: `<!doctype html><html><head><title>Inbox - alice@gmail.com - Gmail</title>
<script>var GLOBALS=[null,null,2,"en",null,null,"mail","gmail_fe",0,"${GMAIL_IK}",null];</script></head>
<body><div role="main"><h2 class="hP">Your order</h2>
<div class="adn ads" data-message-id="#msg-f:${GMAIL_MESSAGE_ID}" data-legacy-message-id="18b5e0c3f1a2b3c4">
<div class="gs"><span class="gD" email="shop@receipts.example">Shop</span>
<div class="a3s">${hostileBody(RECEIPT.gmail)}</div></div></div></div></body></html>`,
      };
    }
    // A conversation: the open message, its id in data-message-id, GLOBALS with ik.
    return {
      type: 'text/html; charset=utf-8',
      body: `<!doctype html><html><head><title>Inbox - alice@gmail.com - Gmail</title>
<script>var GLOBALS=[null,null,2,"en",null,null,"mail","gmail_fe",0,"${GMAIL_IK}",null];</script></head>
<body><div role="main"><h2 class="hP">Quartalszahlen für das erste Quartal</h2>
<div class="adn ads" data-message-id="#msg-f:${GMAIL_MESSAGE_ID}" data-legacy-message-id="18b5e0c3f1a2b3c4">
<div class="gs"><span class="gD" email="alice@example.com">Alice Example</span>
<div class="a3s">Hallo Bob, anbei die Zahlen für das erste Quartal.</div></div></div></div></body></html>`,
    };
  },
  'outlook.office.com': (url) => ({
    type: 'text/html; charset=utf-8',
    body: url.pathname.startsWith('/mail/inbox/id/hostile')
      ? // A message whose body holds Received fields, in the reading pane and
        // as an attached message opened in a dialog; "View message source" is
        // a button of the page's own.
        `<!doctype html><html><head><title>Mail - Outlook</title></head><body>
<div id="app">Inbox</div>
<div role="main"><div role="document" aria-label="Message body">${hostileBody(RECEIPT.outlook)}</div>
<button id="view-source" type="button">View message source</button></div>
<div role="dialog" aria-label="order.eml"><h2>order.eml</h2><div role="document" aria-label="Message body">${hostileBody(RECEIPT.outlook)}</div></div>
<script>
document.getElementById('view-source').addEventListener('click', () => {
${OUTLOOK_SOURCE_DIALOG}
});
</script></body></html>`
      : // The "View message source" dialog appears after the page has loaded.
        `<!doctype html><html><head><title>Mail - Outlook</title></head><body>
<div id="app">Inbox</div>
<script>
setTimeout(() => {
${OUTLOOK_SOURCE_DIALOG}
}, 300);
</script></body></html>`,
  }),
  'mail.yahoo.com': (url) => {
    if (url.pathname.endsWith('/content/rawplaintext')) {
      // "View raw message"; the message @.id==AKtwin is a different one at each visit.
      const body = url.pathname.includes('/messages/@.id==AKtwin/') ? TWINS[twinServed++ % 2] : sample('postfix-to-postfix.eml');
      return { type: 'text/plain; charset=utf-8', body };
    }
    // An attachment of the message, a text file written by the sender.
    if (url.pathname.includes('/content/parts/')) return { type: 'text/plain; charset=utf-8', body: receiptHeaders(RECEIPT.yahooAttachment) };
    // The mail app showing a message.
    if (url.pathname.startsWith('/d/folders/')) {
      return {
        type: 'text/html; charset=utf-8',
        body: `<!doctype html><html><head><title>Yahoo Mail</title></head><body><div id="app">
<div data-test-id="message-view-body-content">${hostileBody(RECEIPT.yahoo)}</div></div></body></html>`,
      };
    }
    return { type: 'text/html', body: '<!doctype html><title>Yahoo Mail</title><p>Inbox</p>' };
  },
  'mail.proton.me': (url) => ({
    type: 'text/html; charset=utf-8',
    body: url.pathname.includes('/hostile')
      ? // A message whose body holds Received fields: in its iframe (as Proton
        // shows bodies), in the page itself, and in a dialog.
        `<!doctype html><html><head><title>Proton Mail</title></head><body><main>
<iframe title="Email content" srcdoc="${escapeHtml(hostileBody(RECEIPT.proton)).replace(/"/g, '&quot;')}"></iframe>
<div class="message-content">${hostileBody(RECEIPT.proton)}</div></main>
<div role="dialog" aria-modal="true"><h2>Print</h2><div role="document">${hostileBody(RECEIPT.proton)}</div></div></body></html>`
      : // "View headers": a <dialog> holding the headers of a message whose relay has a hostile PTR name.
        `<!doctype html><html><head><title>Proton Mail</title></head><body>
<dialog open><h2>Message headers</h2><pre>${escapeHtml(HOSTILE)}</pre></dialog></body></html>`,
  }),
  'app.fastmail.com': (url) =>
    url.pathname.endsWith('/raw')
      ? // "Show raw message": the message as a plain-text document.
        { type: 'text/plain; charset=utf-8', body: sample('sendmail-may-be-forged.eml') }
      : // The app showing a message whose body holds Received fields.
        {
          type: 'text/html; charset=utf-8',
          body: `<!doctype html><html><head><title>Fastmail</title></head><body><div class="v-Message">
<div class="v-Message-body">${hostileBody(RECEIPT.fastmail)}</div></div></body></html>`,
        },
  'webmail.example-hosting.net': (url) => {
    if (url.searchParams.get('_action') === 'viewsource') {
      return {
        type: 'text/html; charset=utf-8',
        body: `<!doctype html><html><head><title>Roundcube Webmail :: Source</title></head><body><pre>${escapeHtml(sample('sendmail-may-be-forged.eml'))}</pre></body></html>`,
      };
    }
    if (url.searchParams.get('_action') === 'show') {
      return {
        type: 'text/html; charset=utf-8',
        body: `<!doctype html><html><head><title>Roundcube Webmail :: Your order</title></head><body>
<div id="messagebody">${hostileBody(RECEIPT.roundcube)}</div></body></html>`,
      };
    }
    return { type: 'text/html', body: '<!doctype html><title>Roundcube Webmail</title>' };
  },
};

/**
 * Starts the fixture server and a TLS front for the DoH test server.
 * @param {string} dohUrl the plain-HTTP DoH test server on loopback
 * @returns {Promise<{webmailPort: number, dohPort: number, close: () => void}>}
 */
export async function startWebmail(dohUrl) {
  const webmail = createHttps(TLS, (req, res) => {
    const host = (req.headers.host ?? '').split(':')[0];
    const url = new URL(req.url ?? '/', `https://${host}`);
    const page = PAGES[host]?.(url);
    if (!page) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': page.type }).end(page.body);
  });
  // cloudflare-dns.com over HTTPS, forwarded to the DoH test server.
  const target = new URL(dohUrl);
  const doh = createHttps(TLS, (req, res) => {
    const forward = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  const listen = (server) => new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server.address().port)));
  const webmailPort = await listen(webmail);
  const dohPort = await listen(doh);
  return {
    webmailPort,
    dohPort,
    close: () => {
      webmail.close();
      doh.close();
    },
  };
}
