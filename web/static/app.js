// Chat page: sign-in (the insurer's OpenID Connect provider through the web server, or the demo companies in
// demo mode only), then the rasa-webchat widget with the signed token.
// The token goes in the socket URL (checked on connect) and in customData (checked on every message).
// After the provider's sign-in the server sends the browser back to /#signin and hands the session token
// over once through POST /api/auth/session (an HttpOnly cookie, never a URL): web/static/signin.js, shared with
// the agent desk; see web/api/oidc.py.
(function () {
  "use strict";
  var TOKEN_KEY = "ai_token", NAME_KEY = "ai_company", EXP_KEY = "ai_token_exp";
  var INIT_KEY = "ai_init_payload";  // first message of a conversation opened from a referral link
  var $ = function (id) { return document.getElementById(id); };

  function showError(text) {
    var el = $("signin-error");
    el.textContent = text;
    el.hidden = !text;
  }

  function currentToken() {
    var token = sessionStorage.getItem(TOKEN_KEY);
    var exp = parseInt(sessionStorage.getItem(EXP_KEY) || "0", 10);
    if (token && exp > Date.now()) return token;
    sessionStorage.removeItem(TOKEN_KEY);
    return null;
  }

  function loadAccounts() {
    fetch("/api/demo-accounts").then(function (r) { return r.json().then(function (b) { return [r, b]; }); })
      .then(function (rb) {
        if (!rb[0].ok) throw new Error(rb[1].error || "Erreur");
        var select = $("account");
        rb[1].accounts.forEach(function (a) {
          var opt = document.createElement("option");
          opt.value = String(a.policyholder_id);
          opt.textContent = a.name;
          opt.dataset.description = a.description || "";
          select.appendChild(opt);
        });
        var describe = function () {
          var o = select.options[select.selectedIndex];
          $("account-help").textContent = o ? o.dataset.description : "";
        };
        select.addEventListener("change", describe);
        describe();
      })
      .catch(function (e) { showError("Les comptes de démonstration sont indisponibles : " + e.message); });
  }

  function login() {
    showError("");
    var id = parseInt($("account").value, 10);
    fetch("/api/demo-login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ policyholder_id: id })
    }).then(function (r) { return r.json().then(function (b) { return [r, b]; }); })
      .then(function (rb) {
        if (!rb[0].ok) throw new Error(rb[1].error || "Erreur");
        keepSession(rb[1]);
        location.reload();
      })
      .catch(function (e) { showError("Connexion impossible : " + e.message); });
  }

  var KEYS = { token: TOKEN_KEY, name: NAME_KEY, exp: EXP_KEY };
  var SIGNIN_ERRORS = {
    unknown_account: "Votre compte n’est pas encore relié à un contrat chez nous\u202f: l’assistant répond aux " +
      "questions générales. Un conseiller peut relier votre compte."
  };

  function keepSession(body) {
    sessionStorage.clear();  // a new conversation for the signed-in company
    window.AssistantSignin.keep(KEYS, body);
  }

  // back from the provider: /#signin (pick the session up once) or /#signin-error=<reason> (web/static/signin.js)
  function signinFromUrl() {
    return window.AssistantSignin.fromUrl("policyholder", SIGNIN_ERRORS, keepSession);
  }

  function logout() {
    sessionStorage.clear();
    location.reload();
  }

  var CHANNELS = { sms: "SMS", whatsapp: "WhatsApp", telegram: "Telegram", messenger: "Messenger", slack: "Slack" };

  function authFetch(url, options) {
    options = options || {};
    options.headers = Object.assign({ Authorization: "Bearer " + currentToken() }, options.headers || {});
    return fetch(url, options).then(function (r) {
      return r.json().then(function (b) { if (!r.ok) throw new Error(b.error || "Erreur"); return b; });
    });
  }

  function pairingError(text) {
    var el = $("pairing-error");
    el.textContent = text || "";
    el.hidden = !text;
  }

  function loadPairings() {
    authFetch("/api/pairing/list").then(function (b) {
      var list = $("pairings");
      list.textContent = "";
      if (!b.pairings.length) {
        var empty = document.createElement("li");
        empty.textContent = "Aucune messagerie reliée.";
        list.appendChild(empty);
      }
      b.pairings.forEach(function (l) {
        var li = document.createElement("li");
        li.textContent = (CHANNELS[l.channel] || l.channel) + (l.label ? " (" + l.label + ")" : "") +
          ", reliée le " + new Date(l.created_at).toLocaleDateString("fr-FR") + " ";
        var btn = document.createElement("button");
        btn.type = "button";
        btn.className = "link";
        btn.textContent = "Retirer";
        btn.addEventListener("click", function () {
          authFetch("/api/pairing/" + encodeURIComponent(l.id), { method: "DELETE" })
            .then(loadPairings).catch(function (e) { pairingError(e.message); });
        });
        li.appendChild(btn);
        list.appendChild(li);
      });
    }).catch(function (e) { pairingError(e.message); });
  }

  function newPairingCode() {
    pairingError("");
    authFetch("/api/pairing/code", { method: "POST" }).then(function (b) {
      var until = new Date(b.expires_at).toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" });
      $("pairing-code-out").textContent = "Votre code : " + b.code + " (valable jusqu'à " + until + ").";
    }).catch(function (e) { pairingError(e.message); });
  }

  function startChat(config) {
    var token = currentToken();
    var socketUrl = config.socket_url + (token ? "?token=" + encodeURIComponent(token) : "");
    window.WebChat.default({
      socketUrl: socketUrl,
      socketPath: "/socket.io/",
      customData: { language: "fr", token: token || "" },
      initPayload: takeInitPayload(),
      title: "Assistant indemnisation",
      subtitle: token ? sessionStorage.getItem(NAME_KEY) : "Questions générales",
      inputTextFieldHint: "Écrivez votre message…",
      embedded: true,
      showFullScreenButton: false,
      params: { storage: "session" },
      customMessageDelay: bubblePace()
    }, $("chat"));
  }

  // rasa-webchat waits 30 ms per character (0.8 to 3 s) before each bubble: an answer of several bubbles took
  // many seconds to appear. The first bubble of an answer shows as soon as it arrives (the person has waited for
  // the server already); the next ones follow after a short typing pause that keeps the rhythm readable.
  // Measured by bench/page_latency.py (docs/benchmarks.md).
  function bubblePace() {
    var shownAt = 0;  // when the previous bubble was (or will be) shown
    return function (message) {
      var now = Date.now();
      var delay = now - shownAt > 1000 ? 0 : Math.min(120 + 2 * (message || "").length, 350);
      shownAt = now + delay;
      return delay;
    };
  }

  // Agent → bot referral link: https://host/#referral=<token>. The fragment never reaches a server
  // (so no access log can hold it); the page takes it out of the address bar and the history at once,
  // sends it once in a JSON body, and gets an ordinary sign-in token for the policyholder.
  function referralTokenFromUrl() {
    var match = /(?:^#|&)referral=([^&]+)/.exec(location.hash || "");
    if (!match) return null;
    history.replaceState(null, "", location.pathname + location.search);
    try { return decodeURIComponent(match[1]); } catch (e) { return match[1]; }
  }

  function redeemReferral(linkToken) {
    return fetch("/api/referral/redeem", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: linkToken })
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (b) { return [r, b]; });
    }, function () {
      return [{ ok: false }, { error: "Le service est indisponible pour le moment. Réessayez dans quelques minutes." }];
    }).then(function (rb) {
      // whatever happens, the previous session (another company, another conversation) ends here
      sessionStorage.clear();
      if (!rb[0].ok) throw new Error(rb[1].error || "Ce lien n'est pas valide.");
      keepSession(rb[1]);
      sessionStorage.setItem(INIT_KEY, rb[1].init_payload || "/greet");
    });
  }

  function takeInitPayload() {
    var payload = sessionStorage.getItem(INIT_KEY);
    sessionStorage.removeItem(INIT_KEY);
    return payload || "/greet";
  }

  // Links in the conversation: rasa-webchat renders bot messages (agents' replies too) as Markdown with its
  // URL filter off. The server keeps only http(s) / mailto / tel links (bot/markdown.py); this guard removes
  // any other link that reaches the page (javascript:, data:, relative...), keeping its words as plain text.
  var SAFE_PROTOCOLS = { "http:": true, "https:": true, "mailto:": true, "tel:": true };
  function disarmLinks(root) {
    var links = root.querySelectorAll ? root.querySelectorAll("a") : [];
    Array.prototype.forEach.call(links, function (a) {
      var raw = (a.getAttribute("href") || "").replace(/[\u0000-\u0020\u007f]/g, "");
      var scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw);
      if (scheme && SAFE_PROTOCOLS[scheme[1].toLowerCase() + ":"] && SAFE_PROTOCOLS[a.protocol]) {
        a.setAttribute("rel", "noopener noreferrer nofollow");
        a.setAttribute("target", "_blank");
        return;
      }
      var span = document.createElement("span");
      span.textContent = a.textContent;
      a.parentNode.replaceChild(span, a);
    });
  }
  function guardLinks(container) {
    disarmLinks(container);
    new MutationObserver(function (changes) {
      changes.forEach(function (c) {
        Array.prototype.forEach.call(c.addedNodes, function (n) {
          if (n.nodeType !== 1) return;
          if (n.tagName === "A") disarmLinks(n.parentNode || n); else disarmLinks(n);
        });
        if (c.type === "attributes" && c.target.tagName === "A") disarmLinks(c.target.parentNode || c.target);
      });
    }).observe(container, { childList: true, subtree: true, attributes: true, attributeFilter: ["href"] });
  }

  document.addEventListener("DOMContentLoaded", function () {
    guardLinks($("chat"));
    var linkToken = referralTokenFromUrl();
    var first = linkToken ? redeemReferral(linkToken) : signinFromUrl();
    first.then(function () { showPage(""); }, function (e) {
      showPage(e.message);  // the polite refusal, above the normal sign-in
    });
  });

  function showPage(problem) {
    $("login").addEventListener("click", login);
    $("logout").addEventListener("click", logout);
    fetch("/api/config").then(function (r) { return r.json(); }).then(function (config) {
      var token = currentToken();
      $("demo-notice").hidden = !config.demo_mode;
      if (token) {
        $("signin").hidden = true;
        $("signed-in").hidden = false;
        $("company").textContent = sessionStorage.getItem(NAME_KEY) || "";
        $("pairing-code").addEventListener("click", newPairingCode);
        $("pairing").addEventListener("toggle", function () { if ($("pairing").open) loadPairings(); });
      } else {
        $("oidc-signin").hidden = !config.oidc;
        $("demo-signin").hidden = !config.demo_mode;  // no demo sign-in of any kind outside demo mode
        if (config.demo_mode) loadAccounts();
      }
      showError(problem || "");
      startChat(config);
    }).catch(function () { showError("Le service de discussion est indisponible."); });
  }
})();
