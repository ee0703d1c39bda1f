// @ts-check
// The report component: one function from a report object to DOM. Used by
// the web page, the extension's popup and its in-page panel alike.
//
// Contract for scripts and tests: every hop row carries data-hop-index,
// data-ip, data-role (sender_side, sender, receiver, retrieval) and, once
// checked, data-iprev-result; the verdict banner carries data-sender-result
// (pass, fail, temperror, permerror, unchecked, none).

import { h, copyButton } from './dom.js';
import { t } from './i18n.js';

/** @typedef {import('../pkg/iprev_extension.js').Report} Report */
/** @typedef {import('../pkg/iprev_extension.js').Hop} Hop */
/** @typedef {import('../pkg/iprev_extension.js').HopIprev} HopIprev */
/** @typedef {import('../pkg/iprev_extension.js').Advice} Advice */

const ROLE_KEY = { sender_side: 'roleSenderSide', sender: 'roleSender', receiver: 'roleReceiver', retrieval: 'roleRetrieval' };

/**
 * Why a hop is not checked unless every hop is asked for: the receiving
 * side's own servers, a retrieval, a provider's internal relay (the core's
 * `HopScope::includes`, live.rs). Null when the hop is checked by default.
 * @param {Hop} hop
 * @returns {string | null}
 */
function ownHop(hop) {
  if (hop.role === 'receiver') return t('ownHopReceiver');
  if (hop.role === 'retrieval') return t('ownHopRetrieval');
  if (hop.role === 'sender_side' && hop.relay_of) return t('ownHopRelay', hop.relay_of.name);
  return null;
}

const RESULT_KEY = { pass: 'resultPass', fail: 'resultFail', permerror: 'resultPermerror', temperror: 'resultTemperror' };

/**
 * `+3s`, `+2m05s`, `-41s`.
 * @param {number | null} seconds
 */
export function delayText(seconds) {
  if (seconds === null) return '';
  const sign = seconds < 0 ? '-' : '+';
  const s = Math.abs(seconds);
  if (s < 60) return `${sign}${s}s`;
  if (s < 3600) return `${sign}${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return `${sign}${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${sign}${Math.floor(s / 86400)}d${String(Math.floor((s % 86400) / 3600)).padStart(2, '0')}h`;
}

/**
 * The client's name as the receiver recorded it.
 * @param {Hop} hop
 */
function clientText(hop) {
  const helo = hop.from_helo;
  const rdns = hop.from_rdns;
  if (helo && rdns && helo.toLowerCase() === rdns.toLowerCase()) return helo;
  if (helo && rdns) return `${helo} / ${rdns}`;
  return helo || (rdns ? `– / ${rdns}` : '–');
}

/**
 * @param {HopIprev | null} iprev
 * @param {boolean} checking
 * @param {string | null} [why] why the hop is not checked
 */
function badge(iprev, checking, why = null) {
  if (iprev) return h('span', { className: `badge ${iprev.result}`, text: iprev.result });
  return h('span', { className: 'badge none', text: checking ? '…' : '–', attrs: why ? { title: t('notCheckedOwnHop', why) } : {} });
}

/**
 * @param {Report} report
 * @param {{checking: boolean, offline: boolean}} state
 */
function verdictBanner(report, state) {
  const hop = report.sender_hop === null ? null : report.hops[report.sender_hop];
  if (!hop) {
    const inside = report.hops.some((other) => other.ip_scope === 'public');
    return h('div', { className: 'verdict none', dataset: { senderResult: 'none' } }, [
      h('strong', { text: t('noSenderHop') }),
      t(inside ? 'noSenderHopInside' : 'noSenderHopDetail'),
    ]);
  }
  const client = hop.from_rdns || hop.from_helo || '?';
  const where = t('senderWhere', hop.index, client, hop.from_ip ?? '?', hop.by ?? '?');
  if (!hop.iprev) {
    const text = state.checking ? t('checking') : state.offline ? t('notCheckedParseOnly') : t('notChecked');
    return h('div', { className: 'verdict unchecked', dataset: { senderResult: 'unchecked' } }, [
      h('strong', { text: t('sender') }),
      where,
      h('span', { className: 'verdict-text', text: ` — ${text}` }),
    ]);
  }
  const result = hop.iprev.result;
  return h('div', { className: `verdict ${result}`, dataset: { senderResult: result } }, [
    h('span', { className: `badge ${result}`, text: result }),
    h('strong', { text: t(RESULT_KEY[result]) }),
    h('div', { className: 'verdict-where', text: where }),
    h('div', { className: 'verdict-reason', text: hop.iprev.reason }),
  ]);
}

/**
 * The client address the receiver itself wrote down, under the banner.
 * @param {Report} report
 */
function statementLine(report) {
  const statement = report.receiver_statement;
  if (!statement) return null;
  return h('p', { className: 'receiver-statement', dataset: { statedIp: statement.ip } }, [
    t('receiverJudged', statement.ip, statement.field, statement.form),
  ]);
}

/**
 * The evidence row under a hop.
 * @param {Hop} hop
 * @param {number} columns
 */
function detailRow(hop, columns) {
  const items = [];
  const iprev = hop.iprev;
  if (iprev) {
    items.push(h('p', { className: 'reason' }, [h('strong', { text: `iprev=${iprev.result}: ` }), iprev.reason]));
    if (iprev.ptr.length) {
      const list = h('ul', { className: 'ptr' });
      for (const name of iprev.ptr) {
        const addresses = iprev.forward[name] ?? [];
        const status = iprev.forward_status[name];
        const detail = addresses.length ? addresses.join(', ') : (status?.detail ?? status?.status?.replace(/_/g, ' ') ?? t('noAddress'));
        list.append(h('li', {}, [t('ptrLine'), h('code', { text: name }), ' → ', h('code', { text: detail })]));
      }
      items.push(list);
    }
    if (iprev.ptr_not_checked) items.push(h('p', { text: t('morePtrNames', iprev.ptr_not_checked) }));
  }
  const facts = [
    [t('factHelo'), hop.from_helo],
    [t('factRdns'), hop.from_rdns],
    [t('factProtocol'), hop.with],
    [t('factId'), hop.id],
    [t('factFor'), hop.for],
    [t('factDate'), hop.date],
    [t('factTls'), hop.tls ? [hop.tls.version, hop.tls.cipher].filter(Boolean).join(' ') || t('yes') : null],
  ].filter(([, value]) => value);
  if (facts.length) {
    const dl = h('dl', { className: 'facts' });
    for (const [label, value] of facts) dl.append(h('dt', { text: String(label) }), h('dd', { text: String(value) }));
    items.push(dl);
  }
  for (const note of hop.notes) items.push(h('p', { className: 'note', text: note }));
  items.push(h('pre', { className: 'raw', text: hop.raw }));
  return h('tr', { className: 'details', hidden: true, dataset: { detailsFor: String(hop.index) } }, [
    h('td', { attrs: { colspan: String(columns) } }, items),
  ]);
}

/**
 * @param {Report} report
 * @param {{checking: boolean, allHops: boolean}} state
 */
function hopTable(report, state) {
  const headings = ['colHop', 'colDelay', 'colRole', 'colClient', 'colAddress', 'colScope', 'colIprev', 'colBy', 'colSoftware', 'colTls'].map((k) => t(k));
  const table = h('table', { className: 'hops' }, [
    h('caption', { text: t('hopsCaption') }),
    h('thead', {}, [h('tr', {}, headings.map((text) => h('th', { text, attrs: { scope: 'col' } })))]),
  ]);
  const body = h('tbody');
  for (const hop of report.hops) {
    const isSender = report.sender_hop === hop.index;
    /** @type {Record<string, string>} */
    const dataset = { hopIndex: String(hop.index), ip: hop.from_ip ?? '', role: hop.role };
    if (hop.iprev) dataset.iprevResult = hop.iprev.result;
    const why = ownHop(hop);
    const checking = state.checking && hop.ip_scope === 'public' && (state.allHops || !why);
    const toggle = h('button', {
      className: 'expand',
      text: String(hop.index),
      attrs: { type: 'button', 'aria-expanded': 'false', 'aria-label': t('hopExpand', hop.index) },
    });
    const rowClass = isSender ? 'sender' : why ? 'own' : '';
    const row = h('tr', { className: rowClass, dataset }, [
      h('td', {}, [toggle, isSender ? h('span', { className: 'sender-mark', text: t('senderMark') }) : null]),
      h('td', { className: 'num', text: delayText(hop.delay_s) }),
      h('td', { text: t(ROLE_KEY[hop.role] ?? 'roleReceiver') }),
      h('td', { text: clientText(hop) }),
      h('td', {}, [h('code', { text: hop.from_ip ?? '–' })]),
      h('td', { text: hop.ip_scope ?? '–' }),
      h('td', {}, [badge(hop.iprev, checking, hop.ip_scope === 'public' && !state.allHops ? why : null)]),
      h('td', { text: hop.by ?? '–' }),
      h('td', { text: hop.mta?.name ?? '–' }),
      h('td', { text: hop.tls ? hop.tls.version || hop.tls.cipher || 'yes' : '–' }),
    ]);
    const details = detailRow(hop, headings.length);
    toggle.addEventListener('click', () => {
      details.hidden = !details.hidden;
      toggle.setAttribute('aria-expanded', String(!details.hidden));
    });
    body.append(row, details);
  }
  table.append(body);
  return h('div', { className: 'table-wrap' }, [table]);
}

/**
 * @param {Advice} advice
 * @param {number} hopIndex
 */
function adviceItem(advice, hopIndex) {
  return h('li', { className: `advice sev-${advice.severity}`, dataset: { adviceId: advice.id, hopIndex: String(hopIndex) } }, [
    h('h4', { text: advice.title }),
    h('p', { text: advice.text }),
    ...advice.commands.map((command) =>
      h('div', { className: 'command' }, [h('pre', {}, [h('code', { text: command })]), copyButton(command, t('copy'))]),
    ),
  ]);
}

/** @param {Report} report */
function adviceSection(report) {
  const list = h('ul', { className: 'advice-list' });
  for (const hop of report.hops) {
    for (const advice of hop.iprev?.advice ?? []) list.append(adviceItem(advice, hop.index));
  }
  if (!list.childElementCount) return null;
  return h('section', { className: 'advice-section' }, [h('h3', { text: t('whatToChange') }), list]);
}

/** @param {Report} report */
function heloSection(report) {
  const hop = report.sender_hop === null ? null : report.hops[report.sender_hop];
  const helo = hop?.iprev?.helo;
  if (!helo) return null;
  const good = helo.status === 'pass' || helo.status === 'resolves_not_ptr';
  return h('section', { className: 'helo' }, [
    h('h3', { text: t('heloTitle') }),
    h('p', { dataset: { heloStatus: helo.status } }, [
      h('span', { className: `badge ${good ? 'pass' : 'fail'}`, text: helo.status.replace(/_/g, ' ') }),
      ' ',
      h('code', { text: helo.name }),
      ': ',
      helo.reason,
    ]),
  ]);
}

/** @param {Report} report */
function verdictsSection(report) {
  /** @type {HTMLElement[]} */
  const children = [h('h3', { text: t('verdictsTitle') })];
  if (report.authres) {
    children.push(
      h('div', { className: 'authres' }, [
        h('p', { text: t('ourVerdict') }),
        h('div', { className: 'command' }, [h('pre', {}, [h('code', { text: report.authres })]), copyButton(report.authres, t('copy'))]),
      ]),
    );
  }
  if (report.authentication_results.length || report.received_spf.length) {
    const list = h('ul', { className: 'receiver-verdicts' });
    for (const ar of report.authentication_results) {
      const who = ar.authserv_id ?? t('noAuthservId');
      const label = ar.instance === null ? who : `ARC i=${ar.instance} ${who}`;
      const results = ar.results.length ? ar.results : null;
      list.append(
        h('li', {}, [
          h('strong', { text: `${label}: ` }),
          ...(results
            ? results.flatMap((r, i) => [i ? ', ' : '', h('span', { className: `result ${r.result}`, text: `${r.method}=${r.result}` })])
            : [t('noneResult')]),
        ]),
      );
    }
    for (const spf of report.received_spf) {
      const ip = spf.pairs['client-ip'];
      list.append(h('li', {}, [h('strong', { text: 'Received-SPF: ' }), spf.result, ip ? ` (client-ip ${ip})` : '']));
    }
    children.push(h('p', { text: t('receiverVerdicts') }), list);
  }
  return children.length > 1 ? h('section', { className: 'verdicts' }, children) : null;
}

/** @param {Report} report */
function notesSection(report) {
  const notes = [
    ...report.notes,
    ...(report.dns?.notes ?? []),
    ...report.hops.flatMap((hop) => hop.notes.map((n) => t('hopNote', hop.index, n))),
  ];
  if (!notes.length) return null;
  return h('section', { className: 'notes' }, [h('h3', { text: t('notesTitle') }), h('ul', {}, notes.map((n) => h('li', { text: n })))]);
}

/** @param {Report} report */
function exportButton(report) {
  const button = h('button', { className: 'export', text: t('exportJson'), attrs: { type: 'button' } });
  button.addEventListener('click', () => {
    const blob = new Blob([JSON.stringify(report, null, 2)], { type: 'application/json' });
    const link = h('a', { attrs: { href: URL.createObjectURL(blob), download: 'iprev-report.json' } });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  });
  return button;
}

/**
 * Renders a report.
 * @param {Report} report
 * @param {{checking?: boolean, offline?: boolean, allHops?: boolean}} [options]
 * @returns {HTMLElement}
 */
export function renderReport(report, options = {}) {
  const state = { checking: Boolean(options.checking), offline: Boolean(options.offline), allHops: Boolean(options.allHops) };
  const header = h('header', { className: 'report-header' }, [
    h('h3', { text: report.subject || t('noSubject') }),
    h('p', { className: 'meta' }, [
      report.from ? t('fromLine', report.from) : '',
      report.date ? ` · ${report.date}` : '',
      report.message_id ? ` · ${report.message_id}` : '',
    ]),
  ]);
  const dnsFailed = report.dns && report.dns.questions > 0 && report.dns.failed === report.dns.questions;
  return h('article', { className: 'report', dataset: { source: report.source } }, [
    header,
    verdictBanner(report, state),
    statementLine(report),
    dnsFailed ? h('p', { className: 'error dns-unreachable', attrs: { role: 'alert' }, text: t('dnsUnreachable', report.dns?.resolver ?? '') }) : null,
    report.hops.length ? hopTable(report, state) : h('p', { text: t('noReceived') }),
    heloSection(report),
    adviceSection(report),
    verdictsSection(report),
    notesSection(report),
    h('div', { className: 'report-actions' }, [exportButton(report)]),
  ]);
}
