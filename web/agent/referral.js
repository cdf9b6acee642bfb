// Agent desk: create a referral link for a caller (policyholder, optional claim, topic), then copy
// the link, the SMS or the e-mail. Fills <section id="referral-create"> of /agent/. Uses the agent token
// the desk keeps (agent.js); data is rendered with textContent only.
(function () {
  "use strict";

  function agentToken() {  // kept by agent.js (sessionStorage "agent_token", checked for expiry there)
    var desk = window.AgentDesk;
    if (desk && typeof desk.token === "function") return desk.token() || "";
    return sessionStorage.getItem("agent_token") || "";
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  function field(form, id, label, input) {
    var row = el("div", { "class": "row" });
    row.appendChild(el("label", { "for": id }, label));
    input.id = id;
    row.appendChild(input);
    form.appendChild(row);
    return input;
  }

  function api(url, options) {
    options = options || {};
    options.headers = Object.assign({ Authorization: "Bearer " + agentToken() }, options.headers || {});
    return fetch(url, options).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (b) {
        if (!r.ok) throw new Error(b.error || "Erreur " + r.status);
        return b;
      });
    });
  }

  function copyButton(getText) {
    var button = el("button", { type: "button", "class": "link" }, "Copier");
    button.addEventListener("click", function () {
      var text = getText();
      var done = function () { button.textContent = "Copié"; setTimeout(function () { button.textContent = "Copier"; }, 1500); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () {});
      }
    });
    return button;
  }

  function output(section, id, label, value, multiline) {
    var box = el("div", { "class": "referral-output" });
    box.appendChild(el("label", { "for": id }, label));
    var area = el(multiline ? "textarea" : "input", { id: id, readonly: "readonly" });
    if (multiline) area.rows = 6;
    area.value = value;
    box.appendChild(area);
    box.appendChild(copyButton(function () { return area.value; }));
    section.appendChild(box);
  }

  function build(section) {
    section.textContent = "";
    section.classList.add("card");
    section.appendChild(el("h2", {}, "Envoyer un lien vers l'assistant"));
    section.appendChild(el("p", { "class": "help" },
      "Le client ouvre le lien et arrive connecté, avec sa question. Le lien ne sert qu'une fois et expire vite. " +
      "Seulement pour un client dont vous avez pris la demande (un superviseur : pour tout client)."));
    var form = el("form", { id: "referral-form" });
    var ph = field(form, "referral-policyholder", "Numéro client", el("input", { type: "number", min: "1", required: "required" }));
    var ref = field(form, "referral-claim", "Dossier (facultatif)", el("input", { type: "text", placeholder: "SIN-2021-000123", maxlength: "30" }));
    var topic = field(form, "referral-topic", "Sujet", el("select", { required: "required" }));
    var submit = el("button", { type: "submit", id: "referral-submit" }, "Créer le lien");
    form.appendChild(submit);
    section.appendChild(form);
    var error = el("p", { id: "referral-error", "class": "error", role: "alert" });
    error.hidden = true;
    section.appendChild(error);
    var result = el("div", { id: "referral-result", "aria-live": "polite" });
    section.appendChild(result);

    function showError(text) { error.textContent = text || ""; error.hidden = !text; }

    function loadTopics() {
      api("/api/referral/topics").then(function (b) {
        topic.textContent = "";
        b.topics.forEach(function (t) { topic.appendChild(el("option", { value: t.value }, t.label)); });
      }).catch(function (e) { showError(e.message); });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      showError("");
      result.textContent = "";
      submit.disabled = true;
      var body = { policyholder_id: parseInt(ph.value, 10), topic: topic.value };
      if (ref.value.trim()) body.claim_ref = ref.value.trim();
      api("/api/referral/create", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body)
      }).then(function (b) {
        var until = new Date(b.expires_at).toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" });
        result.appendChild(el("p", {}, "Lien pour " + b.policyholder.name +
          (b.claim_ref ? " (dossier " + b.claim_ref + ")" : "") + ", valable une fois jusqu'à " + until + "."));
        output(result, "referral-link", "Lien", b.link, false);
        output(result, "referral-sms", "SMS", b.sms, true);
        output(result, "referral-email-subject", "Objet du courriel", b.email.subject, false);
        output(result, "referral-email-body", "Courriel", b.email.body, true);
      }).catch(function (e) { showError(e.message); })
        .then(function () { submit.disabled = false; });
    });

    // agent.js signs the agent in (or finds the session) after this script ran
    document.addEventListener("agentdesk:signedin", function () { if (!topic.options.length) loadTopics(); });
    document.addEventListener("agentdesk:signedout", function () {
      result.textContent = "";
      showError("");
      topic.textContent = "";
    });
    if (agentToken()) loadTopics();
  }

  function start() {
    var section = document.getElementById("referral-create");
    if (!section) return;
    // the desk's Content-Security-Policy allows no inline style: a stylesheet of our own
    document.head.appendChild(el("link", { rel: "stylesheet", href: "/agent/static/referral.css" }));
    build(section);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
