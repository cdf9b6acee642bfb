// Agent desk: sign-in through the insurer's OpenID Connect provider (the web server does the code flow and
// hands the agent token over once through POST /api/auth/session), or demo agents in demo mode only;
// then the queue, a ticket's summary and transcript,
// take / reply / give back. Polls the server (every 3 s) while signed in.
// Everything coming from the server is rendered with textContent, never as HTML.
//
// For other desk scripts (web/agent/referral.js): the agent token is in
// sessionStorage["agent_token"] (window.AgentDesk.token()), and the document receives
// "agentdesk:signedin" / "agentdesk:signedout" events.
(function () {
  "use strict";
  var TOKEN_KEY = "agent_token", NAME_KEY = "agent_name", EXP_KEY = "agent_token_exp";
  var POLL_MS = 3000;
  var REASONS = {
    request: "Demande d'un conseiller", fallback: "L'assistant n'a pas compris", complaint: "Réclamation",
    store_unavailable: "Dossiers indisponibles", out_of_rules: "Hors du champ de l'assistant"
  };
  // what the person talked about (Rasa intents), in the agent's words; small talk is left out
  var TOPICS = {
    ask_claim_status: "Suivi de dossier", list_claims: "Liste des dossiers", ask_guarantee: "Garantie sur un acheteur",
    ask_fees: "Frais", ask_cap: "CAP / CAP+", ask_advance_indemnification: "Indemnisation anticipée",
    ask_claim_process: "Déroulé de l'indemnisation", declare_unpaid: "Déclaration d'impayé",
    express_worry: "Inquiétude", complain: "Réclamation", request_human: "Demande d'un conseiller",
    out_of_scope: "Hors sujet", nlu_fallback: "Message non compris", referral_greet: "Lien d'un conseiller"
  };
  var STATUS = { open: "En attente", taken: "Prise en charge", closed: "Close" };
  var $ = function (id) { return document.getElementById(id); };
  var selected = null, timer = null, busy = false;

  function token() {
    var t = sessionStorage.getItem(TOKEN_KEY);
    var exp = parseInt(sessionStorage.getItem(EXP_KEY) || "0", 10);
    if (t && exp > Date.now()) return t;
    sessionStorage.removeItem(TOKEN_KEY);
    return null;
  }
  window.AgentDesk = { token: token, name: function () { return sessionStorage.getItem(NAME_KEY) || ""; } };

  function show(id, text) {
    var el = $(id);
    el.textContent = text || "";
    el.hidden = !text;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function api(url, options) {
    options = options || {};
    options.headers = Object.assign({ Authorization: "Bearer " + token() }, options.headers || {});
    return fetch(url, options).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (b) {
        if (r.status === 401) { signOut(); throw new Error(b.error || "Session expirée."); }
        if (!r.ok) throw new Error(b.error || "Erreur " + r.status);
        return b;
      });
    });
  }

  function post(url, body) {
    return api(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body || {}) });
  }

  function waited(seconds) {
    var m = Math.floor(seconds / 60);
    if (m < 1) return "moins d'une minute";
    if (m < 60) return m + " min";
    var h = Math.floor(m / 60), rest = m % 60;
    return h + " h " + (rest < 10 ? "0" : "") + rest;
  }

  function clock(value) {
    if (value === null || value === undefined || value === "") return "";
    var d = typeof value === "number" ? new Date(value * 1000) : new Date(value);
    return isNaN(d.getTime()) ? "" : d.toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" });
  }

  // --- sign-in ---------------------------------------------------------------------------------

  function loadAgents() {
    fetch("/api/agent/demo-agents").then(function (r) { return r.json(); }).then(function (b) {
      var select = $("agent");
      select.textContent = "";
      (b.agents || []).forEach(function (a) {
        var o = el("option", null, a.name + " – " + a.team);
        o.value = a.id;
        select.appendChild(o);
      });
    }).catch(function () { show("signin-error", "Les conseillers de démonstration sont indisponibles."); });
  }

  var KEYS = { token: TOKEN_KEY, name: NAME_KEY, exp: EXP_KEY };
  var SIGNIN_ERRORS = { no_role: "Votre compte n’a pas le rôle de conseiller. Demandez-le à votre responsable." };

  function keep(body) { window.AssistantSignin.keep(KEYS, body); }

  // back from the provider: /agent/#signin (pick the token up once) or /agent/#signin-error=<reason>
  // (web/static/signin.js, shared with the customer page)
  function signinFromUrl() {
    return window.AssistantSignin.fromUrl("agent", SIGNIN_ERRORS, keep);
  }

  function showSignIn() {
    fetch("/api/config").then(function (r) { return r.json(); }).then(function (config) {
      $("oidc-signin").hidden = !config.oidc;
      $("demo-signin").hidden = !config.demo_mode;  // no demo sign-in of any kind outside demo mode
      if (config.demo_mode && !$("agent").options.length) loadAgents();
    }).catch(function () { show("signin-error", "Le service est indisponible pour le moment."); });
  }

  function signIn() {
    show("signin-error", "");
    fetch("/api/agent/demo-login", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ agent_id: $("agent").value })
    }).then(function (r) { return r.json().then(function (b) { return [r, b]; }); })
      .then(function (rb) {
        if (!rb[0].ok) throw new Error(rb[1].error || "Erreur");
        keep(rb[1]);
        start();
      })
      .catch(function (e) { show("signin-error", "Connexion impossible : " + e.message); });
  }

  function signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(NAME_KEY);
    sessionStorage.removeItem(EXP_KEY);
    if (timer) clearInterval(timer);
    timer = null;
    selected = null;
    $("desk").hidden = true;
    $("signin").hidden = false;
    showSignIn();
    document.dispatchEvent(new CustomEvent("agentdesk:signedout"));
  }

  // --- queue -----------------------------------------------------------------------------------

  function renderQueue(list) {
    var ul = $("tickets");
    ul.textContent = "";
    $("queue-empty").hidden = list.length > 0;
    list.forEach(function (t) {
      var li = el("li");
      var b = el("button");
      b.type = "button";
      b.dataset.ticket = String(t.id);
      b.setAttribute("aria-current", selected === t.id ? "true" : "false");
      b.appendChild(el("span", "ref", t.reference));
      var badge = t.status === "open" ? el("span", "badge", STATUS.open)
        : el("span", t.taken_by_me ? "badge mine" : "badge taken", t.taken_by_me ? "Vous" : (t.taken_by || STATUS.taken));
      b.appendChild(badge);
      b.appendChild(el("span", "meta", (t.company || "Visiteur non connecté") + " · " + (REASONS[t.reason] || t.reason)));
      b.appendChild(el("span", "meta waiting", "Attend depuis " + waited(t.waiting_seconds)));
      if (t.duplicates) {  // other requests from the same visitor address or conversation, grouped here
        b.appendChild(el("span", "meta duplicates", "+ " + t.duplicates + (t.duplicates > 1
          ? " demandes semblables (même adresse ou même conversation)" : " demande semblable (même adresse ou même conversation)")));
      }
      b.addEventListener("click", function () { select(t.id); });
      li.appendChild(b);
      ul.appendChild(li);
    });
  }

  function refreshQueue() {
    return api("/api/agent/tickets").then(function (b) {
      show("queue-error", "");
      renderQueue(b.tickets);
    }).catch(function (e) { show("queue-error", e.message); });
  }

  // --- one ticket ------------------------------------------------------------------------------

  function messageItem(m) {
    var who = m.who === "user" ? "Client" : m.who === "agent" ? (m.agent || "Conseiller") : "Assistant";
    if (m.who === "resume") return el("li", "resume", "L'assistant a repris la conversation.");
    var li = el("li", m.who);
    li.appendChild(el("span", "from", who + (clock(m.at) ? " · " + clock(m.at) : "")));
    li.appendChild(document.createTextNode(m.text || ""));
    return li;
  }

  function fill(listId, messages) {
    var ol = $(listId);
    var atBottom = ol.scrollTop + ol.clientHeight >= ol.scrollHeight - 8;
    ol.textContent = "";
    messages.forEach(function (m) { ol.appendChild(messageItem(m)); });
    if (atBottom) ol.scrollTop = ol.scrollHeight;
  }

  function term(dl, label, value) {
    if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return;
    dl.appendChild(el("dt", null, label));
    dl.appendChild(el("dd", null, Array.isArray(value) ? value.join(", ") : value));
  }

  function renderTicket(t) {
    $("ticket").hidden = false;
    $("ticket-title").textContent = "Demande " + t.reference;
    var status = STATUS[t.status] || t.status;
    if (t.status === "taken") status += " par " + (t.taken_by_me ? "vous" : t.taken_by);
    $("ticket-status").textContent = status + " · attend depuis " + waited(t.waiting_seconds);
    var dl = $("ticket-summary"), s = t.summary || {};
    dl.textContent = "";
    term(dl, "Client", t.company || "Visiteur non connecté (demandez qui il est)");
    term(dl, "Motif", REASONS[t.reason] || t.reason);
    term(dl, "Dossiers", t.claim_refs);
    term(dl, "Dernier message", s.last_user_message);
    term(dl, "Sujets", (s.intents || []).filter(function (i) { return TOPICS[i]; })
      .map(function (i) { return TOPICS[i]; }));
    term(dl, "Messages du client", s.user_messages);
    fill("transcript", t.transcript || []);
    var live = t.live || {};
    if (live.error) {
      $("live-state").textContent = live.error;
    } else {
      $("live-state").textContent = live.paused ? "L'assistant est en pause : vous parlez au client."
        : "L'assistant répond au client.";
      fill("live", live.messages || []);
    }
    $("take").hidden = t.status !== "open";
    $("give-back").hidden = !(t.status === "open" || t.taken_by_me);
    $("reply-form").hidden = !(t.status === "taken" && t.taken_by_me);
  }

  function refreshTicket() {
    if (selected === null) return Promise.resolve();
    var id = selected;
    return api("/api/agent/tickets/" + encodeURIComponent(id)).then(function (t) {
      if (selected === id) renderTicket(t);
    }).catch(function (e) { show("ticket-error", e.message); });
  }

  function select(id) {
    selected = id;
    show("ticket-error", "");
    $("live").textContent = "";
    $("transcript").textContent = "";
    refreshTicket();
    Array.prototype.forEach.call(document.querySelectorAll("#tickets button"), function (b) {
      b.setAttribute("aria-current", b.dataset.ticket === String(id) ? "true" : "false");
    });
  }

  function act(path, body) {
    if (selected === null || busy) return Promise.resolve();
    busy = true;
    show("ticket-error", "");
    return post("/api/agent/tickets/" + encodeURIComponent(selected) + "/" + path, body)
      .then(function () { return Promise.all([refreshTicket(), refreshQueue()]); })
      .catch(function (e) { show("ticket-error", e.message); throw e; })
      .finally(function () { busy = false; });
  }

  function sendReply(event) {
    event.preventDefault();
    var box = $("reply-text"), text = box.value.trim();
    if (!text) return;
    act("reply", { text: text }).then(function () { box.value = ""; box.focus(); }).catch(function () {});
  }

  // --- start -----------------------------------------------------------------------------------

  function tick() {
    if (!token()) { signOut(); return; }
    refreshQueue();
    refreshTicket();
  }

  function start() {
    $("signin").hidden = true;
    $("desk").hidden = false;
    $("agent-name").textContent = sessionStorage.getItem(NAME_KEY) || "";
    document.dispatchEvent(new CustomEvent("agentdesk:signedin", { detail: { name: sessionStorage.getItem(NAME_KEY) } }));
    tick();
    if (timer) clearInterval(timer);
    timer = setInterval(tick, POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    $("agent-login").addEventListener("click", signIn);
    $("agent-logout").addEventListener("click", signOut);
    $("take").addEventListener("click", function () { act("take").catch(function () {}); });
    $("give-back").addEventListener("click", function () { act("give-back").catch(function () {}); });
    $("reply-form").addEventListener("submit", sendReply);
    signinFromUrl().then(function () {
      if (token()) start(); else showSignIn();
    }, function (e) {
      showSignIn();
      show("signin-error", e.message);
    });
  });
})();
