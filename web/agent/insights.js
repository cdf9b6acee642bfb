// Insights page of the agent desk (supervisors): figures from /api/agent/insights drawn with
// Chart.js (npm, served at /agent/vendor/chart.umd.js), each chart with its data table; the
// review queue (/api/agent/insights/review) and the NLU export.
// The agent token is the desk's (sessionStorage["agent_token"]). Everything coming from the
// server is rendered with textContent, never as HTML.
(function () {
  "use strict";
  var TOKEN_KEY = "agent_token", EXP_KEY = "agent_token_exp";
  var INTENTS = {
    ask_claim_status: "Suivi de dossier", list_claims: "Liste des dossiers", ask_guarantee: "Garantie sur un acheteur",
    ask_fees: "Frais", ask_cap: "CAP / CAP+", ask_advance_indemnification: "Indemnisation anticipée",
    ask_claim_process: "Déroulé de l’indemnisation", declare_unpaid: "Déclaration d’impayé",
    express_worry: "Inquiétude", complain: "Réclamation", request_human: "Demande d’un conseiller",
    out_of_scope: "Hors sujet", nlu_fallback: "Message non compris", referral_greet: "Lien d’un conseiller",
    greet: "Salutation", goodbye: "Au revoir", thank: "Remerciement", affirm: "Oui / note", deny: "Non",
    bot_challenge: "« Êtes-vous un robot ? »", ask_term: "Définition d’un terme", ask_claim_payout: "Montant versé",
    ask_sign_in: "Aide à la connexion", ask_opening_hours: "Horaires", unknown: "Inconnu"
  };
  var REASONS = {
    request: "Demande de la personne", fallback: "L’assistant n’a pas compris", complaint: "Réclamation",
    store_unavailable: "Dossiers indisponibles", out_of_rules: "Hors du champ de l’assistant", unknown: "Non précisé"
  };
  var SIGNALS = {
    low_confidence: "hésitation", fallback: "non compris", rephrased: "reformulé", handoff: "conseiller demandé",
    bad_csat: "mauvaise note"
  };
  var FORMS = { declare: "Déclaration d’impayé", cap: "Éligibilité CAP", callback: "Demande de rappel" };
  var CHANNELS = { web: "Site web", rest: "API", sms: "SMS", whatsapp: "WhatsApp", telegram: "Telegram",
    messenger: "Messenger", slack: "Slack", voice: "Téléphone" };
  var COLORS = { blue: "#23395b", teal: "#2a7f62", orange: "#c0602a", grey: "#8a96a3", red: "#a4161a" };
  var $ = function (id) { return document.getElementById(id); };
  var charts = {}, vocabulary = { intents: [], entities: [] };
  var num = new Intl.NumberFormat("fr-FR");
  var pct = new Intl.NumberFormat("fr-FR", { style: "percent", maximumFractionDigits: 1 });
  var dec = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });

  function token() {
    var t = sessionStorage.getItem(TOKEN_KEY);
    var exp = parseInt(sessionStorage.getItem(EXP_KEY) || "0", 10);
    return t && exp > Date.now() ? t : null;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function show(id, text) { var e = $(id); e.textContent = text || ""; e.hidden = !text; }
  function rate(v) { return v === null || v === undefined ? "–" : pct.format(v); }
  function seconds(v) { return v === null || v === undefined ? "–" : dec.format(v) + " s"; }
  function intent(name) { return INTENTS[name] || name; }
  function channel(name) { return CHANNELS[name] || name; }
  function day(iso) {
    var d = new Date(iso + "T00:00:00Z");
    return d.toLocaleDateString("fr-FR", { day: "numeric", month: "short", timeZone: "UTC" });
  }
  function period(label, kind) { return kind === "week" ? "sem. du " + day(label) : day(label); }
  function when(iso) {
    var d = new Date(iso);
    return isNaN(d.getTime()) ? "" : d.toLocaleString("fr-FR", { dateStyle: "short", timeStyle: "short" });
  }

  function gate(message) {
    $("insights").hidden = true;
    $("gate").hidden = false;
    $("gate-text").textContent = message;
  }

  function api(url, options) {
    options = options || {};
    options.headers = Object.assign({ Authorization: "Bearer " + token() }, options.headers || {});
    return fetch(url, options).then(function (r) {
      if (r.status === 401 || r.status === 403) {
        return r.json().catch(function () { return {}; }).then(function (b) {
          gate(b.error || "Connectez-vous avec un compte superviseur.");
          throw new Error(b.error || "Accès refusé.");
        });
      }
      var type = r.headers.get("Content-Type") || "";
      var body = type.indexOf("json") >= 0 ? r.json() : r.text();
      return body.then(function (b) {
        if (!r.ok) throw new Error((b && b.error) || "Erreur " + r.status);
        return b;
      });
    });
  }

  // --- tables (the accessible view of each chart) ----------------------------------------------

  function table(target, caption, head, rows) {
    var t = el("table"), c = el("caption", null, caption), thead = el("thead"), tr = el("tr"), tbody = el("tbody");
    t.appendChild(c);
    head.forEach(function (h, i) { var th = el("th", i ? "num" : null, h); th.scope = "col"; tr.appendChild(th); });
    thead.appendChild(tr);
    t.appendChild(thead);
    rows.forEach(function (row) {
      var r = el("tr");
      row.forEach(function (cell, i) {
        var td = el(i ? "td" : "th", i ? "num" : null, cell);
        if (!i) td.scope = "row";
        r.appendChild(td);
      });
      tbody.appendChild(r);
    });
    if (!rows.length) {
      var empty = el("tr"), td = el("td", "help", "Aucune donnée sur cette période.");
      td.colSpan = head.length;
      empty.appendChild(td);
      tbody.appendChild(empty);
    }
    t.appendChild(tbody);
    var box = $(target);
    box.textContent = "";
    box.appendChild(t);
  }

  function chart(id, config, summary) {
    if (charts[id]) charts[id].destroy();
    var canvas = $(id);
    canvas.setAttribute("aria-label", summary + " Les valeurs sont dans le tableau « Voir les données ».");
    if (!window.Chart) { canvas.hidden = true; return; }
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false,
      plugins: { legend: { position: "bottom" } } }, config.options || {});
    charts[id] = new window.Chart(canvas, config);
  }

  // --- figures ---------------------------------------------------------------------------------

  function kpis(f) {
    var t = f.totals, dl = $("kpis");
    dl.textContent = "";
    [["Conversations", num.format(t.conversations)],
      ["Sans conseiller", rate(t.containment_rate)],
      ["Transférées à un conseiller", rate(t.handoff_rate)],
      ["Messages non compris", rate(t.fallback_rate)],
      ["Satisfaction moyenne", f.csat.mean === null ? "–" : dec.format(f.csat.mean) + " / 5"],
      ["Réclamations", num.format(f.complaints.total)],
      ["Délai médian de première réponse", seconds(t.median_first_answer_s)]
    ].forEach(function (kv) {
      var div = el("div", "kpi");
      div.appendChild(el("dt", null, kv[0]));
      div.appendChild(el("dd", null, kv[1]));
      dl.appendChild(div);
    });
  }

  function render(f) {
    var kind = f.query.period, labels = f.series.map(function (s) { return period(s.period, kind); });
    kpis(f);
    chart("c-conv", { type: "bar", data: { labels: labels, datasets: [
      { label: "Sans conseiller", data: f.series.map(function (s) { return s.contained; }), backgroundColor: COLORS.teal },
      { label: "Transférées", data: f.series.map(function (s) { return s.handed_off; }), backgroundColor: COLORS.orange }
    ] }, options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } } },
    num.format(f.totals.conversations) + " conversations, dont " + num.format(f.totals.contained) + " sans conseiller.");
    table("t-conv", "Conversations par période", ["Période", "Conversations", "Sans conseiller", "Transférées"],
      f.series.map(function (s, i) { return [labels[i], num.format(s.conversations), num.format(s.contained), num.format(s.handed_off)]; }));

    function percents(key) { return f.series.map(function (s) { return s[key] === null ? null : Math.round(s[key] * 1000) / 10; }); }
    chart("c-rates", { type: "line", data: { labels: labels, datasets: [
      { label: "Sans conseiller (%)", data: percents("containment_rate"), borderColor: COLORS.teal, backgroundColor: COLORS.teal },
      { label: "Transférées (%)", data: percents("handoff_rate"), borderColor: COLORS.orange, backgroundColor: COLORS.orange },
      { label: "Messages non compris (%)", data: percents("fallback_rate"), borderColor: COLORS.red, backgroundColor: COLORS.red }
    ] }, options: { spanGaps: false, scales: { y: { beginAtZero: true, max: 100 } } } },
    "Taux de conversations sans conseiller, transférées, et de messages non compris, par période.");
    table("t-rates", "Taux par période", ["Période", "Sans conseiller", "Transférées", "Messages non compris"],
      f.series.map(function (s, i) { return [labels[i], rate(s.containment_rate), rate(s.handoff_rate), rate(s.fallback_rate)]; }));

    var tickets = {};
    f.tickets.by_reason.forEach(function (r) { tickets[r.reason] = r.tickets; });
    chart("c-reasons", { type: "bar", data: { labels: f.handoff_reasons.map(function (r) { return REASONS[r.reason] || r.reason; }),
      datasets: [{ label: "Conversations transférées", data: f.handoff_reasons.map(function (r) { return r.conversations; }),
        backgroundColor: COLORS.orange }] },
    options: { indexAxis: "y", scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } } },
    num.format(f.totals.handed_off) + " conversations transférées, par motif.");
    table("t-reasons", "Motifs de transfert", ["Motif", "Conversations transférées", "Demandes créées (tickets)"],
      f.handoff_reasons.map(function (r) { return [REASONS[r.reason] || r.reason, num.format(r.conversations), num.format(tickets[r.reason] || 0)]; })
        .concat(f.tickets.callbacks ? [["Rappels demandés (hors horaires)", "–", num.format(f.tickets.callbacks)]] : []));

    var scores = ["1", "2", "3", "4", "5"];
    chart("c-csat", { type: "bar", data: { labels: scores.map(function (s) { return s + " / 5"; }),
      datasets: [{ label: "Réponses", data: scores.map(function (s) { return f.csat.distribution[s]; }),
        backgroundColor: [COLORS.red, COLORS.orange, COLORS.grey, COLORS.teal, COLORS.teal] }] },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } },
    num.format(f.csat.answers) + " réponses au questionnaire de satisfaction, satisfaits : " + rate(f.csat.satisfied_rate) + ".");
    table("t-csat", "Réponses par note", ["Note", "Réponses"],
      scores.map(function (s) { return [s + " / 5", num.format(f.csat.distribution[s])]; }));
    var ul = $("comments");
    ul.textContent = "";
    if (!f.csat_comments.length) ul.appendChild(el("li", "help", "Aucun commentaire sur cette période."));
    f.csat_comments.forEach(function (c) {
      var li = el("li");
      li.appendChild(el("span", "meta", (c.score ? c.score + " / 5 · " : "") + channel(c.channel) + " · " + when(c.at)));
      li.appendChild(document.createTextNode(c.text));
      ul.appendChild(li);
    });

    var forms = Object.keys(FORMS);
    var tf = f.totals.forms;
    chart("c-forms", { type: "bar", data: { labels: forms.map(function (k) { return FORMS[k]; }), datasets: [
      { label: "Terminés", data: forms.map(function (k) { return tf[k].completed; }), backgroundColor: COLORS.teal },
      { label: "Abandonnés", data: forms.map(function (k) { return tf[k].abandoned; }), backgroundColor: COLORS.orange }
    ] }, options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } } },
    "Formulaires commencés, terminés et abandonnés.");
    table("t-forms", "Formulaires", ["Formulaire", "Commencés", "Terminés", "Abandonnés", "Taux de réussite"],
      forms.map(function (k) { return [FORMS[k], num.format(tf[k].started), num.format(tf[k].completed), num.format(tf[k].abandoned), rate(tf[k].completion_rate)]; }));

    chart("c-intents", { type: "bar", data: { labels: f.top_intents.map(function (i) { return intent(i.intent); }),
      datasets: [{ label: "Messages", data: f.top_intents.map(function (i) { return i.messages; }), backgroundColor: COLORS.blue }] },
    options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } } },
    "Les " + f.top_intents.length + " sujets les plus demandés.");
    table("t-intents", "Sujets les plus demandés", ["Sujet (intention)", "Messages"],
      f.top_intents.map(function (i) { return [intent(i.intent) + " (" + i.intent + ")", num.format(i.messages)]; }));

    chart("c-complaints", { type: "bar", data: { labels: f.complaints.series.map(function (s) { return period(s.period, kind); }),
      datasets: [{ label: "Réclamations", data: f.complaints.series.map(function (s) { return s.complaints; }), backgroundColor: COLORS.red }] },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } },
    num.format(f.complaints.total) + " réclamations enregistrées par l’assistant.");
    table("t-complaints", "Réclamations par période", ["Période", "Réclamations"],
      f.complaints.series.map(function (s) { return [period(s.period, kind), num.format(s.complaints)]; }));

    table("t-usage", "Comptes liés et liens des conseillers", ["Indicateur", "Nombre"], [
      ["Conversations identifiées (compte connecté ou lié)", num.format(f.totals.verified)],
      ["Conversations sur une messagerie liée au compte", num.format(f.totals.account_linked)],
      ["Messageries liées à un compte (nouvelles liaisons)", num.format(f.pairings.total)]
    ].concat(f.pairings.by_channel.map(function (p) { return ["  dont " + channel(p.channel), num.format(p.pairings)]; }))
      .concat([["Liens envoyés par un conseiller", num.format(f.referrals.created)],
        ["Liens ouverts par le client", num.format(f.referrals.used)],
        ["Conversations ouvertes par un lien de conseiller", num.format(f.totals.referral)]]));

    table("t-channels", "Indicateurs par canal", ["Canal", "Conversations", "Sans conseiller", "Messages non compris",
      "Délai médian de première réponse", "Déclarations terminées"],
      f.channels.map(function (c) { return [channel(c.channel), num.format(c.conversations), rate(c.containment_rate),
        rate(c.fallback_rate), seconds(c.median_first_answer_s), num.format(c.forms.declare.completed)]; }));

    var select = $("channel"), current = select.value;
    f.channels.forEach(function (c) {
      if (!select.querySelector('option[value="' + c.channel + '"]')) {
        var o = el("option", null, channel(c.channel));
        o.value = c.channel;
        select.appendChild(o);
      }
    });
    select.value = current;
  }

  function params() {
    var q = new URLSearchParams({ from: $("from").value, to: $("to").value, period: $("period").value });
    if ($("channel").value) q.set("channel", $("channel").value);
    return q;
  }

  function load() {
    show("error", "");
    $("status").textContent = "Chargement…";
    return api("/api/agent/insights?" + params().toString()).then(function (f) {
      render(f);
      var behind = (f.refreshed || {}).behind || 0;
      $("status").textContent = behind
        ? "Mise à jour en cours : " + num.format(behind) + " événements restent à compter, rechargez dans un instant."
        : "À jour (" + when(new Date().toISOString()) + ").";
      document.body.dataset.loaded = "figures";
    }).catch(function (e) { $("status").textContent = ""; show("error", e.message); });
  }

  // --- review queue ----------------------------------------------------------------------------

  function intentSelect(suggested) {
    var s = el("select");
    vocabulary.intents.forEach(function (name) {
      var o = el("option", null, intent(name) + " (" + name + ")");
      o.value = name;
      if (name === suggested) o.selected = true;
      s.appendChild(o);
    });
    var topic = el("option", null, "Nouveau sujet…");
    topic.value = "__new_topic";
    s.appendChild(topic);
    var reject = el("option", null, "Rejeter (pas un exemple utile)");
    reject.value = "__rejected";
    s.appendChild(reject);
    return s;
  }

  function decision(select, topicInput) {
    if (select.value === "__rejected") return { decision: "rejected" };
    if (select.value === "__new_topic") return { decision: "new_topic", topic: topicInput.value };
    return { decision: "accepted", intent: select.value };
  }

  function decide(body, status) {
    status.textContent = "Enregistrement…";
    return api("/api/agent/insights/review", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body) }).then(function () {
      status.textContent = "Décision enregistrée.";
      return loadReview();
    }).catch(function (e) { status.textContent = e.message; });
  }

  function showContext(item, box) {
    box.textContent = "Chargement…";
    api("/api/agent/insights/review/" + encodeURIComponent(item.event_id)).then(function (c) {
      box.textContent = "";
      var ol = el("ol", "messages");
      c.messages.forEach(function (m) {
        var li = el("li", m.who + (m.reviewed ? " reviewed" : ""));
        li.appendChild(el("span", "from", (m.who === "user" ? "Client" : "Assistant") + " · " + when(m.at)));
        li.appendChild(document.createTextNode(m.text));
        ol.appendChild(li);
      });
      box.appendChild(ol);
    }).catch(function (e) { box.textContent = e.message; });
  }

  function itemRow(item, group) {
    var li = el("li", "item");
    li.appendChild(el("p", "text", item.text));
    var meta = el("p", "meta", channel(item.channel) + " · " + when(item.at) + " · compris : " + intent(item.intent) +
      (item.confidence === null ? "" : " (" + pct.format(item.confidence) + ")") +
      (item.suggested ? " · piste : " + intent(item.suggested) : ""));
    li.appendChild(meta);
    var badges = el("p", "badges");
    item.reasons.forEach(function (r) { badges.appendChild(el("span", "badge", SIGNALS[r] || r)); });
    li.appendChild(badges);
    var form = el("div", "row decide");
    var sel = intentSelect(item.suggested || (item.intent !== "nlu_fallback" ? item.intent : group.likely_intent));
    sel.setAttribute("aria-label", "Intention correcte pour : " + item.text);
    var topic = el("input");
    topic.type = "text"; topic.maxLength = 120; topic.placeholder = "Nom du nouveau sujet"; topic.hidden = true;
    topic.setAttribute("aria-label", "Nom du nouveau sujet");
    sel.addEventListener("change", function () { topic.hidden = sel.value !== "__new_topic"; });
    var ent = el("select");
    ent.setAttribute("aria-label", "Entité (facultatif)");
    var none = el("option", null, "sans entité");
    none.value = "";
    ent.appendChild(none);
    vocabulary.entities.forEach(function (e) { var o = el("option", null, e); o.value = e; ent.appendChild(o); });
    var value = el("input");
    value.type = "text"; value.maxLength = 120; value.placeholder = "valeur, copiée du message";
    value.setAttribute("aria-label", "Valeur de l’entité, telle qu’écrite dans le message");
    var ok = el("button", null, "Valider");
    ok.type = "button";
    var ctx = el("button", "link", "Voir la conversation");
    ctx.type = "button";
    var status = el("span", "help");
    status.setAttribute("role", "status");
    var box = el("div", "context");
    ok.addEventListener("click", function () {
      var body = decision(sel, topic);
      body.event_ids = [item.event_id];
      if (ent.value && value.value.trim()) body.entities = [{ entity: ent.value, value: value.value.trim() }];
      decide(body, status);
    });
    ctx.addEventListener("click", function () { showContext(item, box); });
    [sel, topic, ent, value, ok, ctx, status].forEach(function (n) { form.appendChild(n); });
    li.appendChild(form);
    li.appendChild(box);
    return li;
  }

  function renderGroups(q) {
    vocabulary = { intents: q.intents, entities: q.entities };
    var root = $("groups");
    root.textContent = "";
    $("review-status").textContent = num.format(q.candidates) + " messages à revoir, en " + num.format(q.groups.length) + " groupes.";
    q.groups.forEach(function (g, i) {
      var d = el("details", "group");
      if (i === 0) d.open = true;
      d.appendChild(el("summary", null, "« " + g.label + " » · " + g.size + " message" + (g.size > 1 ? "s" : "") +
        (g.likely_intent ? " · piste : " + intent(g.likely_intent) : "")));
      if (g.size > 1) {
        var all = el("div", "row decide");
        var sel = intentSelect(g.likely_intent);
        sel.setAttribute("aria-label", "Intention pour tout le groupe");
        var topic = el("input");
        topic.type = "text"; topic.maxLength = 120; topic.placeholder = "Nom du nouveau sujet"; topic.hidden = true;
        topic.setAttribute("aria-label", "Nom du nouveau sujet");
        sel.addEventListener("change", function () { topic.hidden = sel.value !== "__new_topic"; });
        var btn = el("button", "secondary", "Appliquer à tout le groupe");
        btn.type = "button";
        var status = el("span", "help");
        btn.addEventListener("click", function () {
          var body = decision(sel, topic);
          body.event_ids = g.items.map(function (it) { return it.event_id; });
          decide(body, status);
        });
        [sel, topic, btn, status].forEach(function (n) { all.appendChild(n); });
        d.appendChild(all);
      }
      var ul = el("ul", "items");
      g.items.forEach(function (it) { ul.appendChild(itemRow(it, g)); });
      d.appendChild(ul);
      root.appendChild(d);
    });
    var labels = { accepted: "acceptée", new_topic: "nouveau sujet", rejected: "rejetée" };
    table("t-decisions", "Dernières décisions", ["Message (masqué)", "Décision", "Intention ou sujet", "Par", "Le"],
      q.decisions.map(function (r) { return [r.text, labels[r.decision] || r.decision, r.intent || r.topic || "–",
        r.decided_by.replace(/^agent:/, ""), when(r.decided_at)]; }));
  }

  function loadReview() {
    show("review-error", "");
    var q = params();
    q.set("min_confidence", $("min-confidence").value);
    return api("/api/agent/insights/review?" + q.toString()).then(function (r) {
      renderGroups(r);
      document.body.dataset.review = "loaded";
    }).catch(function (e) { show("review-error", e.message); });
  }

  function exportYaml() {
    api("/api/agent/insights/export").then(function (body) {
      var url = URL.createObjectURL(new Blob([body], { type: "application/x-yaml" }));
      var a = el("a");
      a.href = url; a.download = "nlu_review_export.yml";
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    }).catch(function (e) { show("review-error", e.message); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!token()) { gate("Connectez-vous d’abord sur le bureau des conseillers, avec un compte superviseur."); return; }
    var today = new Date(), start = new Date(today.getTime() - 27 * 86400000);
    var asked = new URLSearchParams(window.location.search), iso = /^\d{4}-\d{2}-\d{2}$/;
    $("to").value = iso.test(asked.get("to") || "") ? asked.get("to") : today.toISOString().slice(0, 10);
    $("from").value = iso.test(asked.get("from") || "") ? asked.get("from") : start.toISOString().slice(0, 10);
    if (asked.get("period") === "week") $("period").value = "week";
    $("insights").hidden = false;
    $("filters").addEventListener("submit", function (e) { e.preventDefault(); load().then(loadReview); });
    $("review-load").addEventListener("click", loadReview);
    $("min-confidence").addEventListener("change", loadReview);
    $("export").addEventListener("click", exportYaml);
    load().then(loadReview);
  });
})();
