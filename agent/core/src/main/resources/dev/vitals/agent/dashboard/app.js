/*
 * Vitals dashboard: one page, no framework, no build step.
 *
 * Data: the latest sample arrives through Server-Sent Events (/api/v1/stream, one `sample` event
 * per sample: {overview, alerts}); when the stream drops, the page polls the same two endpoints
 * once per sampling interval and retries the stream with backoff. Everything else (history, SQL,
 * events, rules) is fetched on load, after a change, and refreshed as samples arrive, throttled.
 *
 * Rules of the page: every number comes from the API, `null` is shown as "—", API text is only
 * ever set as textContent (never parsed as HTML), and styles are set through classes or CSSOM
 * properties (the server's Content-Security-Policy forbids inline styles and scripts).
 */
'use strict';

(() => {
  const API = '/api/v1';
  /** Chart window (hours) → bucket interval: at most ~300 points per chart. */
  const BUCKETS = {1: '1m', 24: '5m', 168: '1h', 720: '6h'};
  const WINDOW_NAMES = {1: '1 h', 24: '24 h', 168: '7 d', 720: '30 d'};
  const BUCKET_SECONDS = {'1m': 60, '5m': 300, '1h': 3600, '6h': 21600};
  /** Data older than this many sampling intervals is stale (as the API's server_health.status). */
  const STALE_INTERVALS = 3;
  /** SQL tables and alert events are refetched at most this often while samples arrive. */
  const SLOW_REFRESH_MS = 5000;
  /** The chart history is refetched at most this often (1 h window), or every minute for longer ones. */
  const SERIES_REFRESH_MS = 10000;
  /** Stream retry backoff: first delay and ceiling. */
  const BACKOFF_START_MS = 1000;
  const BACKOFF_MAX_MS = 30000;
  /** Without a first sample from the stream after this long, poll meanwhile. */
  const STREAM_GRACE_MS = 5000;
  /** A problem report stays at least this long before a new sample may clear it. */
  const BANNER_MIN_MS = 10000;
  /** A chart of a young history still spans at least this many buckets. */
  const MIN_BUCKETS_SHOWN = 10;
  const DASH = '—';

  /** DESIGN's table, used until the API's thresholds arrive with the first sample. */
  const DEFAULT_SCORE_EDGES = {target: 90, good: 80, critical: 70};
  const DEFAULT_HIT_EDGES = {target: 0.95, good: 0.85, critical: 0.75};

  /** Rule metrics as docs/ALERTS.md lists them: scope, unit and accepted threshold. */
  const METRICS = {
    performance_score: {scope: 'system', hint: 'score, 0 to 100'},
    system_health: {scope: 'system', hint: 'level: 1 healthy, 0.5 degraded, 0 critical'},
    availability: {scope: 'system', hint: 'ratio, 0 to 1 (0.99 = 99%)'},
    cache_hit_rate: {scope: 'cache', hint: 'ratio, 0 to 1 (0.6 = 60%)'},
    connection_wait_time: {scope: 'pool', hint: 'mean wait, seconds (0.5 = 500 ms)'},
    connection_wait_p99: {scope: 'pool', hint: 'p99 wait, seconds (0.5 = 500 ms)'},
    pool_utilization: {scope: 'pool', hint: 'active / maximum pool size, 0 to 1'},
    pending_threads: {scope: 'pool', hint: 'threads waiting, a count'},
    pool_exhausted_count: {scope: 'pool', hint: 'borrow timeouts in the window, a count'},
    query_p99_time: {scope: 'system', hint: 'SQL p99, seconds'},
    slow_query_count: {scope: 'system', hint: 'slow statements in the window, a count'},
    error_rate: {scope: 'system', hint: 'failed / executed statements, 0 to 1'},
  };
  /** How the score's components are titled. */
  const COMPONENT_NAMES = {pools: 'Pools', caches: 'Caches', sql: 'SQL', availability: 'Availability'};
  const CONDITIONS = {
    less_than: '<', greater_than: '>', less_or_equal: '≤', greater_or_equal: '≥', equals: '=', not_equals: '≠',
  };
  const SEVERITIES = ['info', 'warning', 'error', 'critical'];
  const FORMATS = ['', 'slack', 'discord', 'pagerduty', 'generic'];
  const RULE_FIELDS = ['name', 'metric', 'resource', 'condition', 'threshold', 'for_seconds', 'severity',
    'cooldown_minutes', 'webhook_url', 'webhook_format', 'routing_key', 'description', 'enabled'];

  const state = {
    overview: null,
    alerts: null,
    health: null,
    scoreEdges: DEFAULT_SCORE_EDGES,
    hitEdges: DEFAULT_HIT_EDGES,
    sampleAt: 0,          // local clock (ms) when the newest sample was taken
    interval: 10,         // sampling interval, seconds
    serverStale: false,
    waiting: false,       // the agent has no sample yet
    hours: 1,
    series: null,
    seriesAt: 0,
    seriesToken: 0,
    slowAt: 0,
    slowBusy: false,
    slowAgain: false,
    es: null,
    streamUp: false,
    backoff: BACKOFF_START_MS,
    retryTimer: 0,
    graceTimer: 0,
    polling: false,
    pollTimer: 0,
    rules: [],
    editing: null,        // the rule being edited, or null when creating
    bannerAt: 0,          // when the banner was last shown (0: hidden)
  };

  // ---------------------------------------------------------------- DOM and formatting helpers

  const $ = (id) => document.getElementById(id);

  /** Builds an element: props are attributes, plus `class`, `text`, `data` and `on<event>` handlers. */
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    if (props) {
      for (const [key, value] of Object.entries(props)) {
        if (value === null || value === undefined || value === false) continue;
        if (key === 'class') el.className = value;
        else if (key === 'text') el.textContent = value;
        else if (key === 'data') Object.assign(el.dataset, value);
        else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
        else el.setAttribute(key, value === true ? '' : String(value));
      }
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : String(child));
    }
    return el;
  }

  function setText(id, text) {
    const el = $(id);
    if (el && el.textContent !== text) el.textContent = text;
  }

  /** Replaces a container's children, keeping keyboard focus on the element with the same data-focus key. */
  function fill(container, nodes) {
    const active = document.activeElement;
    const key = active && container.contains(active) ? active.dataset.focus : null;
    container.replaceChildren(...nodes);
    if (key) {
      const again = container.querySelector(`[data-focus="${CSS.escape(key)}"]`);
      if (again) again.focus();
    }
  }

  function emptyRow(columns, text) {
    return h('tr', {class: 'empty'}, h('td', {colspan: columns, text}));
  }

  const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
  const intFormat = new Intl.NumberFormat('en-US', {maximumFractionDigits: 0});
  const fmtInt = (v) => (isNum(v) ? intFormat.format(v) : DASH);
  const fmtScore = (v) => (isNum(v) ? v.toFixed(1) : DASH);
  const fmtPct = (r, digits = 1) => (isNum(r) ? `${(r * 100).toFixed(digits)}%` : DASH);
  const fmtNum = (v) => (isNum(v) ? String(Math.round(v * 1000) / 1000) : DASH);

  /** Seconds as µs / ms / s / minutes, whichever reads best. */
  function fmtSec(s) {
    if (!isNum(s)) return DASH;
    const a = Math.abs(s);
    if (a === 0) return '0 ms';
    if (a < 0.001) return `${(s * 1e6).toFixed(0)} µs`;
    if (a < 0.1) return `${(s * 1000).toFixed(1)} ms`;
    if (a < 1) return `${(s * 1000).toFixed(0)} ms`;
    if (a < 60) return `${s.toFixed(2)} s`;
    return fmtDuration(s);
  }

  function fmtDuration(seconds) {
    if (!isNum(seconds)) return DASH;
    const s = Math.floor(seconds);
    const d = Math.floor(s / 86400);
    const hh = Math.floor((s % 86400) / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = s % 60;
    if (d) return `${d}d ${hh}h ${m}m`;
    if (hh) return `${hh}h ${m}m ${sec}s`;
    if (m) return `${m}m ${sec}s`;
    return `${sec}s`;
  }

  const pad = (n) => String(n).padStart(2, '0');
  const fmtClock = (d) => `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;

  /** An ISO time as hh:mm:ss today, else with its date (local time). */
  function fmtTime(iso) {
    if (!iso) return DASH;
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return DASH;
    if (d.toDateString() === new Date().toDateString()) return fmtClock(d);
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${fmtClock(d)}`;
  }

  function fmtInterval(seconds) {
    if (!isNum(seconds)) return DASH;
    if (seconds < 60) return `${seconds} s`;
    if (seconds < 3600) return `${seconds / 60} min`;
    return `${seconds / 3600} h`;
  }

  function chip(text, kind) {
    return h('span', {class: `chip chip-${kind || 'plain'}`, text});
  }

  /** The score's band from the thresholds table: an edge value belongs to the better band. */
  function scoreBand(score) {
    if (!isNum(score)) return null;
    const e = state.scoreEdges;
    if (score >= e.target) return 'target';
    if (score >= e.good) return 'good';
    if (score >= e.critical) return 'warning';
    return 'critical';
  }

  function bandText(band) {
    const e = state.scoreEdges;
    switch (band) {
      case 'target': return `on target · ≥ ${e.target}`;
      case 'good': return `good · ${e.good}–${e.target}`;
      case 'warning': return `warning · ${e.critical}–${e.good}`;
      case 'critical': return `critical · below ${e.critical}`;
      default: return 'nothing to score yet';
    }
  }

  /** Hit rate (0–1) against the cache thresholds: target, good, warning, critical. */
  function hitBand(rate) {
    if (!isNum(rate)) return 'none';
    const e = state.hitEdges;
    if (rate >= e.target) return 'target';
    if (rate >= e.good) return 'good';
    if (rate >= e.critical) return 'warning';
    return 'critical';
  }

  // ---------------------------------------------------------------- API access

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.message) || `HTTP ${status}`);
      this.status = status;
      this.body = body || {};
    }
  }

  /** One JSON request with the session cookie; writes carry the header a foreign page cannot send. */
  async function api(path, {method = 'GET', body} = {}) {
    const headers = {Accept: 'application/json'};
    if (method !== 'GET') headers['X-Vitals-Request'] = '1';
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(API + path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401) {
      signInAgain();
      throw new ApiError(401, {message: 'your session has expired'});
    }
    const text = await response.text();
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch (e) {
        data = {message: text.slice(0, 200)};
      }
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  /** The session expired: `/` shows the sign-in page. Guarded so a misbehaving server cannot loop us. */
  function signInAgain() {
    const last = Number(sessionStorage.getItem('vitals-signin-at') || 0);
    if (Date.now() - last < 10000) {
      showBanner('Your session has expired. Reload the page to sign in again.');
      return;
    }
    sessionStorage.setItem('vitals-signin-at', String(Date.now()));
    window.location.assign('/');
  }

  function showBanner(text) {
    const banner = $('banner');
    banner.textContent = text;
    banner.hidden = !text;
    state.bannerAt = text ? Date.now() : 0;
  }

  /** Runs a background load; a failure shows in the banner (a 401 has already navigated away). */
  function background(promise) {
    promise.catch((e) => {
      if (e.status !== 401) showBanner(`Could not load data from the agent: ${e.message}`);
    });
  }

  // ---------------------------------------------------------------- live data: stream, polling

  function connectStream() {
    clearTimeout(state.retryTimer);
    clearTimeout(state.graceTimer);
    if (state.es) state.es.close();
    const es = new EventSource(`${API}/stream`);
    state.es = es;
    es.addEventListener('sample', (event) => {
      if (state.es !== es) return;
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      if (!state.streamUp) {
        state.streamUp = true;
        state.backoff = BACKOFF_START_MS;
        clearTimeout(state.graceTimer);
        stopPolling();
      }
      onSample(message.overview, message.alerts);
    });
    es.addEventListener('error', () => {
      if (state.es !== es) return;
      // We manage reconnection ourselves: poll meanwhile, retry with backoff.
      es.close();
      state.es = null;
      state.streamUp = false;
      startPolling();
      const delay = state.backoff;
      state.backoff = Math.min(state.backoff * 2, BACKOFF_MAX_MS);
      state.retryTimer = setTimeout(connectStream, delay);
      updateConnection();
    });
    // A stream that connects but stays silent (a buffering proxy) must not leave the page empty.
    state.graceTimer = setTimeout(() => {
      if (!state.streamUp) startPolling();
    }, STREAM_GRACE_MS);
  }

  function startPolling() {
    if (state.polling) return;
    state.polling = true;
    pollOnce();
  }

  function stopPolling() {
    state.polling = false;
    clearTimeout(state.pollTimer);
    updateConnection();
  }

  async function pollOnce() {
    if (!state.polling) return;
    try {
      const [overview, alerts] = await Promise.all([
        api('/performance/metrics/overview?include_details=true'),
        api('/performance/metrics/alerts'),
      ]);
      if (state.polling) onSample(overview, alerts);
    } catch (e) {
      if (e.status === 503) {
        state.waiting = true;
        updateConnection();
      }
    }
    if (state.polling) state.pollTimer = setTimeout(pollOnce, Math.max(1000, state.interval * 1000));
  }

  function updateConnection() {
    const conn = $('conn');
    let kind;
    let text;
    const age = state.sampleAt ? (Date.now() - state.sampleAt) / 1000 : null;
    const stale = state.overview && (state.serverStale || (age !== null && age > STALE_INTERVALS * state.interval));
    if (stale) {
      kind = 'stale';
      // The newest sample's own time, as the header shows it.
      text = `stale since ${fmtClock(new Date(state.overview.timestamp || state.sampleAt))}`;
    } else if (state.streamUp) {
      kind = 'live';
      text = 'live';
    } else if (state.polling || state.retryTimer) {
      kind = 'reconnecting';
      text = state.waiting && !state.overview ? 'waiting for the first sample…' : 'reconnecting…';
    } else {
      kind = 'connecting';
      text = 'connecting…';
    }
    const cls = `conn conn-${kind}`;
    if (conn.className !== cls) conn.className = cls;
    setText('conn-text', text);
  }

  // ---------------------------------------------------------------- one sample

  function onSample(overview, alerts) {
    if (!overview || !overview.metrics) return;
    // A poll answer racing the stream must not replace a newer sample with an older one.
    if (state.overview && Date.parse(overview.timestamp) < Date.parse(state.overview.timestamp)) return;
    const server = overview.metrics.server_health || {};
    const sample = server.sample || {};
    state.overview = overview;
    if (alerts) state.alerts = alerts;
    state.waiting = false;
    if (isNum(sample.interval_seconds) && sample.interval_seconds > 0) state.interval = sample.interval_seconds;
    state.sampleAt = Date.now() - (isNum(sample.age_seconds) ? sample.age_seconds * 1000 : 0);
    state.serverStale = server.status === 'stale';
    readThresholds();
    // Fresh data clears a problem report once it has been readable for a while.
    if (state.bannerAt && Date.now() - state.bannerAt > BANNER_MIN_MS) showBanner('');

    renderHeader();
    renderPools();
    renderCaches();
    renderBreakdown();
    renderRecommendations();
    renderActiveAlerts();
    updateResourceNames();
    updateConnection();
    refreshSlow(false);
    refreshSeries(false);
  }

  function readThresholds() {
    const rows = (state.alerts && state.alerts.thresholds) || [];
    const edges = (metric, fallback) => {
      const row = rows.find((t) => t.metric === metric);
      return row && isNum(row.target) && isNum(row.good) && isNum(row.critical)
        ? {target: row.target, good: row.good, critical: row.critical}
        : fallback;
    };
    state.scoreEdges = edges('performance_score', DEFAULT_SCORE_EDGES);
    state.hitEdges = edges('cache_hit_rate', DEFAULT_HIT_EDGES);
    for (const [cls, value] of [['th-target', state.scoreEdges.target], ['th-good', state.scoreEdges.good],
      ['th-critical', state.scoreEdges.critical]]) {
      for (const el of document.getElementsByClassName(cls)) el.textContent = String(value);
    }
  }

  function renderHeader() {
    const o = state.overview;
    const server = o.metrics.server_health || {};
    const agent = server.agent || {};
    const sample = server.sample || {};
    const pools = Object.values(o.metrics.connections || {});

    const score = $('score');
    const band = scoreBand(o.performance_score);
    score.textContent = fmtScore(o.performance_score);
    score.dataset.value = isNum(o.performance_score) ? String(o.performance_score) : '';
    score.className = `score band-${band || 'none'}`;
    const bandChip = $('score-band');
    bandChip.textContent = bandText(band);
    bandChip.className = `chip band-chip band-${band || 'none'}`;

    const health = $('health');
    health.textContent = o.system_health || DASH;
    health.className = `badge health-${o.system_health || 'none'}`;
    const components = (o.details && o.details.score_breakdown && o.details.score_breakdown.components) || [];
    const count = (status) => components.filter((c) => c.status === status).length;
    setText('health-sub', components.length
      ? `${count('critical')} critical · ${count('warning')} warning · ${count('ok')} ok`
      : DASH);

    setText('active-connections', fmtInt(server.active_connections));
    const max = pools.reduce((sum, p) => sum + (isNum(p.max_pool_size) ? p.max_pool_size : 0), 0);
    const pending = pools.reduce((sum, p) => sum + (isNum(p.pending) ? p.pending : 0), 0);
    setText('active-connections-sub', pools.length
      ? `of ${fmtInt(max)} max in ${pools.length} pool${pools.length === 1 ? '' : 's'} · ${fmtInt(pending)} waiting`
      : 'no pools seen yet');

    setText('uptime', fmtDuration(server.uptime_seconds));
    setText('agent-sub', agent.pid ? `pid ${agent.pid} · ${agent.attached_via || DASH}` : DASH);

    setText('sample-time', o.timestamp ? fmtClock(new Date(o.timestamp)) : DASH);
    const seq = $('sample-seq');
    seq.textContent = isNum(sample.sequence) ? String(sample.sequence) : DASH;
    seq.dataset.sequence = isNum(sample.sequence) ? String(sample.sequence) : '';
    setText('sample-interval', fmtInterval(sample.interval_seconds));

    if (!state.health) showAgent(agent.app, agent.vm_name, agent.java_version, agent.version);
    const app = (state.health && state.health.app_name) || agent.app || '';
    document.title = `${fmtScore(o.performance_score)} · ${o.system_health || DASH} — Vitals${app ? ` · ${app}` : ''}`;
  }

  function showAgent(app, vmName, javaVersion, version) {
    setText('app-name', app || DASH);
    setText('jvm', vmName || javaVersion ? `${vmName || 'JVM'} · Java ${javaVersion || DASH}` : DASH);
    setText('agent-version', version || DASH);
  }

  async function loadHealth() {
    const health = await api('/health');
    state.health = health;
    showAgent(health.app_name, health.vm_name, health.java_version, health.version);
  }

  function renderPools() {
    const pools = Object.entries(state.overview.metrics.connections || {});
    const rows = pools.map(([key, p]) => {
      const timeouts = p.pool_exhausted_count;
      return h('tr', {data: {pool: key}, class: p.state === 'closed' ? 'closed' : null},
        h('th', {scope: 'row'},
          h('span', {class: 'name', text: key}),
          p.state === 'closed' ? chip('closed', 'plain') : null,
          p.since_attach ? chip('since attach', 'plain') : null),
        cell('size', `${fmtInt(p.pool_size)} / ${fmtInt(p.max_pool_size)}`),
        cell('active', fmtInt(p.active)),
        cell('idle', fmtInt(p.idle)),
        cell('pending', fmtInt(p.pending), p.pending > 0 ? 'warn' : null),
        cell('avg_wait_time', fmtSec(p.avg_wait_time)),
        cell('p99_wait_time', fmtSec(p.p99_wait_time)),
        cell('pool_exhausted_count', fmtInt(timeouts), timeouts > 0 ? 'crit' : null),
        cell('hit_rate', fmtPct(p.hit_rate)),
        cell('borrows', fmtInt(p.borrows)));
    });
    fill($('pools-body'), rows.length ? rows : [emptyRow(10, 'No HikariCP pool seen yet.')]);
  }

  function cell(field, text, cls) {
    return h('td', {class: cls ? `num ${cls}` : 'num', data: {field}, text});
  }

  function renderCaches() {
    const caches = Object.entries(state.overview.metrics.caching || {});
    // Every cache, in the sampler's order: a cache with a 0% hit rate is the one to look at.
    const rows = caches.map(([key, c]) => {
      const band = hitBand(c.hit_rate);
      const meter = h('span', {class: `meter meter-${band}`, 'aria-hidden': 'true'}, h('span', {class: 'fill'}));
      meter.firstChild.style.width = isNum(c.hit_rate) ? `${Math.max(0, Math.min(1, c.hit_rate)) * 100}%` : '0';
      const max = isNum(c.max_size) ? fmtInt(c.max_size) : 'unbounded';
      return h('tr', {data: {cache: key}},
        h('th', {scope: 'row'},
          h('span', {class: 'name', text: key}),
          h('span', {class: 'sub', text: [c.kind, c.since_attach ? 'since attach' : null].filter(Boolean).join(' · ')})),
        h('td', {class: `num hit-${band}`, data: {field: 'hit_rate'}},
          h('span', {class: 'hit'}, meter, h('span', {class: 'hit-value', text: fmtPct(c.hit_rate)}))),
        cell('requests', fmtInt(c.requests)),
        cell('size', `${fmtInt(c.size)} / ${max}`),
        cell('evictions', fmtInt(c.evictions)),
        cell('avg_load_time', fmtSec(c.avg_load_time)));
    });
    fill($('caches-body'), rows.length ? rows : [emptyRow(6, 'No Caffeine cache seen yet.')]);
  }

  function renderBreakdown() {
    const breakdown = state.overview.details && state.overview.details.score_breakdown;
    if (!breakdown) return;
    setText('breakdown-window', `score window ${fmtDuration(breakdown.window_seconds)}`);
    const components = (breakdown.components || []).map((c) => {
      const bar = h('span', {class: 'fill'});
      bar.style.width = isNum(c.sub_score) ? `${Math.max(0, Math.min(100, c.sub_score))}%` : '0';
      return h('div', {class: `component status-${c.status}`, data: {component: c.name}},
        h('div', {class: 'component-head'},
          h('h3', {text: COMPONENT_NAMES[c.name] || c.name}),
          h('span', {class: 'muted', text: `weight ${fmtPct(c.weight, 0)}`}),
          chip(c.status === 'no_data' ? 'no data' : c.status, c.status),
          h('span', {class: 'sub-score', text: fmtScore(c.sub_score)})),
        h('div', {class: 'meter meter-wide', 'aria-hidden': 'true'}, bar),
        h('ul', {class: 'reasons'}, (c.reasons || []).map((r) => h('li', {text: r}))));
    });
    fill($('components'), components);
    fill($('score-reasons'), (breakdown.reasons || []).map((r) => h('li', {text: r})));
  }

  function renderRecommendations() {
    const recs = (state.overview.details && state.overview.details.performance_recommendations) || [];
    const items = recs.map((r) => h('li', {class: `rec sev-${r.severity}`, data: {rec: r.id, resource: r.resource}},
      h('div', {class: 'rec-head'},
        chip(r.severity, r.severity),
        h('strong', {text: r.title}),
        h('span', {class: 'muted', text: r.resource})),
      h('p', {class: 'evidence'}, h('span', {class: 'label', text: 'Evidence '}), r.evidence),
      h('p', {class: 'action'}, h('span', {class: 'label', text: 'Action '}), r.action)));
    fill($('recommendations'), items.length ? items : [h('li', {class: 'empty', text: 'No recommendation for this window.'})]);
  }

  function renderActiveAlerts() {
    const active = (state.alerts && state.alerts.active_alerts) || [];
    setText('active-count', String(active.length));
    $('active-count').className = `count${active.some((a) => a.severity === 'critical') ? ' count-critical' : ''}`;
    const items = active.map((a) => h('li', {class: `alert sev-${a.severity}`},
      chip(a.severity, a.severity),
      h('div', null,
        h('p', {class: 'alert-message', text: a.message}),
        h('p', {class: 'muted small',
          text: `${a.resource} · ${a.metric} · ${a.rule_id ? `rule ${a.rule_id}` : 'threshold'}`}))));
    fill($('active-alerts'), items.length ? items
      : [h('li', {class: 'empty', text: 'Nothing crossed a threshold in the latest window.'})]);
  }

  // ---------------------------------------------------------------- SQL and events (throttled)

  async function refreshSlow(force) {
    if (state.slowBusy) {
      // A forced refresh (after an acknowledgement) must not be lost to one already under way.
      if (force) state.slowAgain = true;
      return;
    }
    if (!force && Date.now() - state.slowAt < SLOW_REFRESH_MS) return;
    state.slowBusy = true;
    state.slowAt = Date.now();
    try {
      const [queries, slow, events] = await Promise.all([
        api('/performance/queries?sort=total_time&limit=20'),
        api('/performance/slow-queries?limit=50'),
        api('/alerts/events?limit=50'),
      ]);
      renderQueries(queries);
      renderSlow(slow);
      renderEvents(events);
    } catch (e) {
      if (e.status !== 401) showBanner(`Could not load SQL statistics or alert events: ${e.message}`);
    } finally {
      state.slowBusy = false;
      if (state.slowAgain) {
        state.slowAgain = false;
        refreshSlow(true);
      }
    }
  }

  function sqlCell(sql) {
    return h('td', {class: 'sql'}, h('code', {title: sql, text: sql}));
  }

  function renderQueries(body) {
    const rows = (body.queries || []).map((q) => h('tr', null,
      sqlCell(q.sql),
      h('td', {class: 'muted', text: q.data_source || DASH}),
      h('td', {class: 'num', text: fmtInt(q.calls)}),
      h('td', {class: q.errors > 0 ? 'num crit' : 'num', text: fmtInt(q.errors)}),
      h('td', {class: 'num strong', text: fmtSec(q.total_time)}),
      h('td', {class: 'num', text: fmtSec(q.avg_time)}),
      h('td', {class: 'num', text: fmtSec(q.p99_time)}),
      h('td', {class: 'num', text: fmtSec(q.max_time)}),
      h('td', {class: 'num', text: fmtInt(q.rows)})));
    fill($('queries-body'), rows.length ? rows : [emptyRow(9, 'No SQL statement seen yet.')]);
    setText('sql-summary', `${fmtInt(body.total_statements)} statements · ${fmtInt(body.total_calls)} calls`);
  }

  function renderSlow(body) {
    const rows = (body.slow_queries || []).map((q) => h('tr', {class: q.failed ? 'failed' : null},
      h('td', {class: 'nowrap', text: fmtTime(q.time)}),
      h('td', {class: 'num strong', text: fmtSec(q.duration)}),
      sqlCell(q.sql),
      h('td', {class: 'muted', text: q.data_source || DASH}),
      h('td', {class: 'muted', text: q.thread || DASH}),
      h('td', null, h('code', {class: 'frame', text: q.application_frame || DASH}),
        q.failed ? chip('failed', 'critical') : null)));
    fill($('slow-body'), rows.length ? rows
      : [emptyRow(6, `No statement took ${fmtSec(body.threshold_seconds)} or longer.`)]);
    setText('slow-summary', `· at least ${fmtSec(body.threshold_seconds)} · ${fmtInt(body.total_slow)} in total`);
  }

  function renderEvents(body) {
    const rows = (body.events || []).map((e) => {
      const resolved = e.status === 'resolved';
      const ack = e.acknowledged
        ? h('span', {class: 'acked', text: `✓ ${fmtTime(e.acknowledged_at)}`})
        : h('button', {type: 'button', class: 'small', data: {focus: `ack-${e.id}`, event: e.id},
          'aria-label': `Acknowledge event ${e.id}: ${e.rule_name}`, onclick: () => acknowledge(e.id), text: 'Acknowledge'});
      return h('tr', {data: {event: e.id}, class: resolved ? 'resolved' : null},
        h('td', {class: 'nowrap', text: fmtTime(e.started_at)}),
        h('td', null, chip(e.severity, e.severity)),
        h('td', null, h('span', {class: 'name', text: e.rule_name}), h('span', {class: 'sub', text: e.id})),
        h('td', {class: 'message'}, e.message,
          h('span', {class: 'sub', text: `${e.metric}${e.resource ? ` · ${e.resource}` : ''} · value ${fmtNum(e.current_value)}`})),
        h('td', null, chip(e.status, resolved ? 'ok' : 'firing'),
          resolved ? h('span', {class: 'sub', text: fmtTime(e.resolved_at)}) : null),
        h('td', {class: 'ack'}, ack));
    });
    fill($('events-body'), rows.length ? rows : [emptyRow(6, 'No alert event yet.')]);
    setText('events-summary', `${fmtInt(body.unacknowledged_events)} unacknowledged of ${fmtInt(body.total_events)}`);
  }

  async function acknowledge(id) {
    try {
      await api(`/alerts/events/${encodeURIComponent(id)}/acknowledge`, {method: 'POST'});
    } catch (e) {
      if (e.status !== 401) showBanner(`Could not acknowledge ${id}: ${e.message}`);
    }
    await refreshSlow(true);
    // The button is gone once acknowledged: keep keyboard users in the table.
    if (document.activeElement === document.body) $('events-title').focus();
  }

  // ---------------------------------------------------------------- charts (uPlot)

  const charts = {};

  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  /** Time columns for uPlot (seconds), with a null inserted where buckets are missing so lines break at gaps. */
  function columns(points, bucketSeconds, fields) {
    const xs = [];
    const cols = fields.map(() => []);
    let previous = null;
    for (const p of points) {
      const t = Date.parse(p.timestamp) / 1000;
      if (previous !== null && t - previous > bucketSeconds * 1.5) {
        xs.push(previous + bucketSeconds);
        cols.forEach((c) => c.push(null));
      }
      xs.push(t);
      fields.forEach((f, i) => cols[i].push(isNum(p[f]) ? p[f] : null));
      previous = t;
    }
    return [xs, ...cols];
  }

  /** Paints the threshold bands behind a chart's series (edges in the y scale's units). */
  function bandsHook(edgesOf, top) {
    return (u) => {
      const e = edgesOf();
      const {ctx, bbox} = u;
      const bands = [[e.target, top, '--band-target'], [e.good, e.target, '--band-good'],
        [e.critical, e.good, '--band-warning'], [0, e.critical, '--band-critical']];
      ctx.save();
      for (const [low, high, color] of bands) {
        const y1 = u.valToPos(high, 'y', true);
        const y0 = u.valToPos(low, 'y', true);
        ctx.fillStyle = cssVar(color);
        ctx.fillRect(bbox.left, y1, bbox.width, y0 - y1);
      }
      ctx.restore();
    };
  }

  /** Time-axis labels in the page's 24-hour local time, with the date where the day changes. */
  function timeTicks(u, splits, axisIndex, space, increment) {
    let lastDay = null;
    return splits.map((t) => {
      if (t === null || t === undefined) return null;
      const d = new Date(t * 1000);
      const day = `${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
      const newDay = day !== lastDay;
      lastDay = day;
      if (increment >= 86400) return day;
      const clock = increment < 60 ? fmtClock(d) : `${pad(d.getHours())}:${pad(d.getMinutes())}`;
      return newDay ? `${clock}\n${day}` : clock;
    });
  }

  function axis(extra) {
    const muted = cssVar('--muted');
    const grid = cssVar('--grid');
    return Object.assign({stroke: muted, grid: {stroke: grid, width: 1}, ticks: {stroke: grid, width: 1},
      font: '11px system-ui, sans-serif'}, extra);
  }

  /** The x series: the legend shows the hovered bucket's start, local time. */
  function timeSeries() {
    return {label: 'bucket', value: (u, t) => (isNum(t) ? fmtTime(new Date(t * 1000).toISOString()) : DASH)};
  }

  /** Chart definitions: which fields, scales and axes; built anew when the colour scheme changes. */
  function chartSpecs() {
    const accent = cssVar('--accent');
    const warn = cssVar('--warn');
    const crit = cssVar('--crit');
    const info = cssVar('--info');
    const seconds = (u, values) => values.map((v) => fmtSec(v));
    return {
      score: {
        el: 'chart-score',
        fields: ['performance_score'],
        opts: {
          scales: {y: {range: [0, 100]}},
          series: [timeSeries(), {label: 'score (mean per bucket)', stroke: accent, width: 2,
            value: (u, v) => fmtScore(v)}],
          axes: [axis({values: timeTicks, space: 72}), axis({size: 36})],
          hooks: {drawClear: [bandsHook(() => state.scoreEdges, 100)]},
        },
      },
      pools: {
        el: 'chart-pools',
        fields: ['p99_wait_time', 'active_connections', 'pending_threads'],
        opts: {
          scales: {
            s: {range: (u, min, max) => [0, max > 0 ? max * 1.15 : 0.01]},
            n: {range: (u, min, max) => [0, max > 0 ? Math.ceil(max * 1.15) : 1]},
          },
          series: [timeSeries(),
            {label: 'p99 wait, all pools (highest)', scale: 's', stroke: crit, width: 2, value: (u, v) => fmtSec(v)},
            {label: 'active, all pools (mean)', scale: 'n', stroke: accent, width: 2,
              value: (u, v) => (isNum(v) ? v.toFixed(1) : DASH)},
            {label: 'pending threads, all pools (mean)', scale: 'n', stroke: warn, width: 2, dash: [6, 3],
              value: (u, v) => (isNum(v) ? v.toFixed(1) : DASH)}],
          axes: [axis({values: timeTicks, space: 72}), axis({scale: 's', values: seconds, size: 64}),
            axis({scale: 'n', side: 1, grid: {show: false}, size: 40})],
        },
      },
      caches: {
        el: 'chart-caches',
        fields: ['cache_hit_rate'],
        opts: {
          scales: {y: {range: [0, 1]}},
          series: [timeSeries(), {label: 'hit rate, all caches', stroke: info, width: 2, value: (u, v) => fmtPct(v)}],
          axes: [axis({values: timeTicks, space: 72}), axis({values: (u, values) => values.map((v) => fmtPct(v, 0)), size: 48})],
          hooks: {drawClear: [bandsHook(() => state.hitEdges, 1)]},
        },
      },
    };
  }

  function chartHeight(el) {
    if (el.clientWidth < 500) return 180;
    return el.id === 'chart-score' ? 250 : 220;
  }

  /**
   * Where the charts' time axis starts: the window's start, or, while the history is younger than
   * the window, shortly before its first bucket (at least MIN_BUCKETS_SHOWN buckets before now),
   * so that a young agent's points are not squeezed against the right edge.
   */
  function chartStart(body, bucket) {
    const from = Date.parse(body.from) / 1000;
    const to = Date.parse(body.to) / 1000;
    const points = body.data_points || [];
    if (!points.length) return from;
    const first = Date.parse(points[0].timestamp) / 1000;
    return Math.max(from, Math.min(first - bucket, to - MIN_BUCKETS_SHOWN * bucket));
  }

  function drawCharts() {
    if (!window.uPlot || !state.series) return;
    const body = state.series;
    const bucket = BUCKET_SECONDS[body.interval] || 60;
    const points = body.data_points || [];
    const to = Date.parse(body.to) / 1000;
    const from = chartStart(body, bucket);
    for (const [key, spec] of Object.entries(chartSpecs())) {
      const el = $(spec.el);
      const data = columns(points, bucket, spec.fields);
      const hasData = data.slice(1).some((col) => col.some((v) => v !== null));
      el.classList.toggle('no-data', !hasData);
      el.dataset.points = String(points.length);
      const existing = charts[key];
      if (existing) {
        existing.range = [from, to];
        existing.plot.setData(data);
        continue;
      }
      const holder = {range: [from, to], plot: null};
      const opts = Object.assign({
        width: Math.max(200, el.clientWidth),
        height: chartHeight(el),
        legend: {live: true},
        cursor: {drag: {x: false, y: false}},
      }, spec.opts);
      opts.scales = Object.assign({x: {time: true, range: () => holder.range}}, spec.opts.scales);
      el.replaceChildren();
      holder.plot = new window.uPlot(opts, data, el);
      charts[key] = holder;
    }
  }

  function destroyCharts() {
    for (const key of Object.keys(charts)) {
      charts[key].plot.destroy();
      delete charts[key];
    }
  }

  function resizeCharts() {
    for (const holder of Object.values(charts)) {
      const el = holder.plot.root.parentElement;
      if (!el) continue;
      const width = Math.max(200, el.clientWidth);
      if (width !== holder.plot.width) holder.plot.setSize({width, height: chartHeight(el)});
    }
  }

  async function refreshSeries(force) {
    const every = state.hours === 1 ? Math.max(SERIES_REFRESH_MS, state.interval * 1000) : 60000;
    if (!force && Date.now() - state.seriesAt < every) return;
    state.seriesAt = Date.now();
    const hours = state.hours;
    const token = ++state.seriesToken;
    try {
      const body = await api(`/performance/metrics/timeseries?hours=${hours}&interval=${BUCKETS[hours]}`);
      if (token !== state.seriesToken) return; // the window changed meanwhile
      state.series = body;
      const label = `· last ${WINDOW_NAMES[hours]}, ${body.interval} buckets`;
      for (const el of document.getElementsByClassName('window-label')) el.textContent = label;
      const points = body.data_points || [];
      const since = points.length && Date.parse(points[0].timestamp) > Date.parse(body.from)
        ? ` since ${fmtTime(points[0].timestamp)}` : '';
      setText('trend-note', `Mean score per ${body.interval} bucket${since}: ${points.length} `
        + `bucket${points.length === 1 ? '' : 's'} with data.`);
      drawCharts();
    } catch (e) {
      if (e.status !== 401) showBanner(`Could not load the history: ${e.message}`);
    }
  }

  function setupPicker() {
    for (const button of document.querySelectorAll('.picker button')) {
      button.addEventListener('click', () => {
        state.hours = Number(button.dataset.hours);
        for (const b of document.querySelectorAll('.picker button')) {
          b.setAttribute('aria-pressed', String(b === button));
        }
        refreshSeries(true);
      });
    }
  }

  // ---------------------------------------------------------------- alert rules

  async function loadRules() {
    const body = await api('/alerts/rules');
    state.rules = body.rules || [];
    renderRules(body);
  }

  function ruleScope(rule) {
    const meta = METRICS[rule.metric];
    if (rule.resource) return rule.resource;
    if (!meta || meta.scope === 'system') return 'system';
    return meta.scope === 'pool' ? 'all pools' : 'all caches';
  }

  function webhookText(rule) {
    if (!rule.webhook_url) return DASH;
    let host = rule.webhook_url;
    try {
      host = new URL(rule.webhook_url).host;
    } catch (e) {
      // shown as stored
    }
    return `${rule.webhook_format || 'webhook'} · ${host}`;
  }

  function renderRules(body) {
    const rows = state.rules.map((r) => {
      const toggle = h('button', {type: 'button', role: 'switch', class: 'switch', 'aria-checked': String(!!r.enabled),
        'aria-label': `Enabled: ${r.name}`, data: {focus: `toggle-${r.id}`}, onclick: () => toggleRule(r)},
      h('span', {class: 'knob', 'aria-hidden': 'true'}));
      return h('tr', {data: {rule: r.id}, class: r.enabled ? null : 'disabled'},
        h('td', null, toggle),
        h('th', {scope: 'row'}, h('span', {class: 'name', text: r.name}),
          r.built_in ? chip('built-in', 'plain') : null,
          r.description ? h('span', {class: 'sub clamp', title: r.description, text: r.description}) : null),
        h('td', {class: 'nowrap'}, h('code', {text: `${r.metric} ${CONDITIONS[r.condition] || r.condition} ${fmtNum(r.threshold)}`}),
          r.for_seconds ? h('span', {class: 'sub', text: `for ${fmtDuration(r.for_seconds)}`}) : null),
        h('td', {class: 'muted', text: ruleScope(r)}),
        h('td', null, chip(r.severity, r.severity)),
        h('td', {class: 'muted', text: webhookText(r)}),
        h('td', {class: 'row-actions'},
          h('button', {type: 'button', class: 'small', data: {focus: `edit-${r.id}`}, 'aria-label': `Edit ${r.name}`,
            onclick: () => editRule(r), text: 'Edit'}),
          h('button', {type: 'button', class: 'small danger', data: {focus: `delete-${r.id}`},
            'aria-label': `Delete ${r.name}`, onclick: () => deleteRule(r), text: 'Delete'})));
    });
    fill($('rules-body'), rows.length ? rows : [emptyRow(7, 'No alert rule. Create one below.')]);
    setText('rules-summary', `${fmtInt(body.enabled_rules)} enabled of ${fmtInt(body.total_rules)}`);
  }

  async function toggleRule(rule) {
    try {
      await api(`/alerts/rules/${encodeURIComponent(rule.id)}`, {method: 'PUT', body: {enabled: !rule.enabled}});
      setText('rule-status', `${rule.name}: ${rule.enabled ? 'disabled' : 'enabled'}.`);
    } catch (e) {
      if (e.status !== 401) showBanner(`Could not change ${rule.name}: ${e.message}`);
    }
    background(loadRules());
  }

  function confirmDialog(text) {
    const dialog = $('confirm');
    setText('confirm-text', text);
    return new Promise((resolve) => {
      dialog.addEventListener('close', () => resolve(dialog.returnValue === 'yes'), {once: true});
      dialog.returnValue = '';
      dialog.showModal();
    });
  }

  async function deleteRule(rule) {
    const opener = document.activeElement;
    if (!(await confirmDialog(`Delete the rule “${rule.name}”? Its events are kept.`))) {
      if (opener) opener.focus();
      return;
    }
    try {
      await api(`/alerts/rules/${encodeURIComponent(rule.id)}`, {method: 'DELETE'});
      setText('rule-status', `Deleted “${rule.name}”.`);
      if (state.editing && state.editing.id === rule.id) resetForm();
    } catch (e) {
      if (e.status !== 401) showBanner(`Could not delete ${rule.name}: ${e.message}`);
    }
    await loadRules().catch(() => {});
    $('rules-title').focus();
  }

  function field(name) {
    return $(`rule-${name}`);
  }

  function setupRuleForm() {
    const option = (value, text) => h('option', {value, text});
    field('metric').replaceChildren(...Object.keys(METRICS).map((m) => option(m, m)));
    field('condition').replaceChildren(...Object.entries(CONDITIONS).map(([c, sym]) => option(c, `${c.replace(/_/g, ' ')} (${sym})`)));
    field('severity').replaceChildren(...SEVERITIES.map((s) => option(s, s)));
    field('severity').value = 'warning';
    field('webhook_format').replaceChildren(...FORMATS.map((f) => option(f, f || 'inferred from the URL')));
    field('metric').addEventListener('change', metricChanged);
    $('rule-form').addEventListener('submit', submitRule);
    $('rule-cancel').addEventListener('click', () => {
      resetForm();
      field('name').focus();
    });
    $('rule-test').addEventListener('click', testWebhook);
    $('rules-title').setAttribute('tabindex', '-1');
    $('events-title').setAttribute('tabindex', '-1');
    metricChanged();
  }

  function metricChanged() {
    const meta = METRICS[field('metric').value] || {scope: 'system', hint: ''};
    setText('rule-metric-hint', `${meta.scope === 'system' ? 'system' : `per ${meta.scope}`} metric`);
    setText('rule-threshold-hint', meta.hint);
    const resource = field('resource');
    resource.disabled = meta.scope === 'system';
    if (resource.disabled) resource.value = '';
    resource.placeholder = meta.scope === 'system' ? 'none (system metric)' : `empty: all ${meta.scope}s together`;
    setText('rule-resource-hint', meta.scope === 'system' ? '' : `a ${meta.scope} name, * matches any run (orders-*)`);
    updateResourceNames();
  }

  function updateResourceNames() {
    if (!state.overview) return;
    const meta = METRICS[field('metric').value];
    const names = meta && meta.scope === 'cache' ? Object.keys(state.overview.metrics.caching || {})
      : meta && meta.scope === 'pool' ? Object.keys(state.overview.metrics.connections || {}) : [];
    const list = $('resource-names');
    if (list.dataset.names === names.join('\n')) return;
    list.dataset.names = names.join('\n');
    list.replaceChildren(...names.map((n) => h('option', {value: n})));
  }

  /** A number typed in a text field: a JSON number when it is one, else the text (the API says what is wrong). */
  function numeric(text) {
    const t = text.trim();
    if (t === '') return null;
    return /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) ? Number(t) : t;
  }

  function readForm() {
    const text = (name) => {
      const v = field(name).value.trim();
      return v === '' ? null : v;
    };
    return {
      name: field('name').value,
      metric: field('metric').value,
      resource: field('resource').disabled ? null : text('resource'),
      condition: field('condition').value,
      threshold: numeric(field('threshold').value),
      for_seconds: numeric(field('for_seconds').value),
      severity: field('severity').value,
      cooldown_minutes: numeric(field('cooldown_minutes').value),
      webhook_url: text('webhook_url'),
      webhook_format: text('webhook_format'),
      routing_key: text('routing_key'),
      description: text('description'),
      enabled: field('enabled').checked,
    };
  }

  function clearErrors() {
    for (const name of RULE_FIELDS) {
      setText(`rule-${name}-error`, '');
      field(name).removeAttribute('aria-invalid');
    }
    setText('rule-form-error', '');
  }

  /** Shows the API's message next to the field it names (or above the form), and focuses that field. */
  function showError(e) {
    if (e.status === 401) return;
    const name = e.body && e.body.field;
    const slot = name ? $(`rule-${name}-error`) : null;
    if (slot) {
      slot.textContent = e.message;
      field(name).setAttribute('aria-invalid', 'true');
      field(name).focus();
    } else {
      setText('rule-form-error', e.message);
    }
  }

  async function submitRule(event) {
    event.preventDefault();
    clearErrors();
    setText('rule-status', '');
    const body = readForm();
    const editing = state.editing;
    const submit = $('rule-submit');
    submit.disabled = true;
    try {
      if (editing) {
        await api(`/alerts/rules/${encodeURIComponent(editing.id)}`, {method: 'PUT', body});
        setText('rule-status', `Saved “${body.name.trim()}”.`);
      } else {
        const created = await api('/alerts/rules', {method: 'POST', body});
        setText('rule-status', `Created “${body.name.trim()}” (${created.rule_id}).`);
      }
      resetForm();
      await loadRules();
    } catch (e) {
      showError(e);
    } finally {
      submit.disabled = false;
    }
  }

  function editRule(rule) {
    clearErrors();
    state.editing = rule;
    const str = (v) => (v === null || v === undefined ? '' : String(v));
    field('name').value = str(rule.name);
    field('metric').value = rule.metric;
    metricChanged();
    field('resource').value = str(rule.resource);
    field('condition').value = rule.condition;
    field('threshold').value = str(rule.threshold);
    field('for_seconds').value = str(rule.for_seconds);
    field('severity').value = rule.severity;
    field('cooldown_minutes').value = str(rule.cooldown_minutes);
    field('webhook_url').value = str(rule.webhook_url);
    field('webhook_format').value = str(rule.webhook_format);
    field('routing_key').value = str(rule.routing_key);
    field('description').value = str(rule.description);
    field('enabled').checked = !!rule.enabled;
    setText('rule-form-title', `Edit “${rule.name}”`);
    setText('rule-submit', 'Save changes');
    $('rule-cancel').hidden = false;
    setText('rule-status', '');
    $('rule-form').scrollIntoView({block: 'start'});
    field('name').focus({preventScroll: true});
  }

  function resetForm() {
    state.editing = null;
    $('rule-form').reset();
    field('severity').value = 'warning';
    metricChanged();
    clearErrors();
    setText('rule-form-title', 'New rule');
    setText('rule-submit', 'Create rule');
    $('rule-cancel').hidden = true;
  }

  async function testWebhook() {
    clearErrors();
    const form = readForm();
    const body = {webhook_url: form.webhook_url};
    if (form.webhook_format) body.webhook_format = form.webhook_format;
    if (form.routing_key) body.routing_key = form.routing_key;
    setText('rule-status', 'Sending a test notification…');
    try {
      const result = await api('/alerts/test-webhook', {method: 'POST', body});
      const code = isNum(result.status_code) ? ` (HTTP ${result.status_code})` : '';
      setText('rule-status', result.delivered ? `Test notification delivered${code}.`
        : `Not delivered${code}: ${result.error || 'no reason given'}`);
    } catch (e) {
      setText('rule-status', '');
      showError(e);
    }
  }

  // ---------------------------------------------------------------- start

  function init() {
    setupPicker();
    setupRuleForm();
    if (!window.uPlot) {
      for (const id of ['chart-score', 'chart-pools', 'chart-caches']) {
        $(id).textContent = 'Charts unavailable: the chart library did not load.';
      }
    }
    background(loadHealth());
    background(loadRules());
    refreshSlow(true);
    refreshSeries(true);
    connectStream();
    setInterval(updateConnection, 1000);
    if (window.ResizeObserver) {
      let pending = 0;
      new ResizeObserver(() => {
        cancelAnimationFrame(pending);
        pending = requestAnimationFrame(resizeCharts);
      }).observe($('main'));
    }
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
      destroyCharts();
      drawCharts();
    });
  }

  init();
})();
