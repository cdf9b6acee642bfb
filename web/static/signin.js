// Sign-in back from the insurer's OpenID Connect provider, shared by the customer page (web/static/app.js) and the
// agent desk (web/agent/agent.js). The web server does the code flow, then sends the browser back to
// <page>#signin, where the page picks the session token up once through POST /api/auth/session (an HttpOnly
// cookie, never a URL), or to <page>#signin-error=<reason>. See web/api/oidc.py.
window.AssistantSignin = (function () {
  "use strict";
  var ERRORS = {
    denied: "La connexion a été annulée.",
    expired: "La connexion a pris trop de temps. Cliquez à nouveau sur «\u202fSe connecter\u202f».",
    unavailable: "Le service de connexion ne répond pas. Réessayez dans quelques minutes.",
    invalid: "Votre connexion n’a pas pu être vérifiée. Réessayez."
  };

  // keys: {token, name, exp}, the sessionStorage keys of the page
  function keep(keys, body) {
    sessionStorage.setItem(keys.token, body.token);
    sessionStorage.setItem(keys.name, body.name || "");
    sessionStorage.setItem(keys.exp, String(Date.now() + 1000 * (body.expires_in - 30)));
  }

  // kind: the token the page expects ("policyholder" or "agent"); errors: the page's own reasons, added to the
  // common ones; onSession(body): keeps the session. Resolves when there is nothing (more) to do, rejects with
  // the message to show.
  function fromUrl(kind, errors, onSession) {
    var messages = Object.assign({}, ERRORS, errors || {});
    var hash = location.hash || "";
    var failed = /^#signin-error=([a-z_]+)$/.exec(hash);
    if (hash !== "#signin" && !failed) return Promise.resolve();
    history.replaceState(null, "", location.pathname + location.search);
    if (failed) return Promise.reject(new Error(messages[failed[1]] || messages.invalid));
    return fetch("/api/auth/session", { method: "POST", credentials: "same-origin" }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (b) {
        if (!r.ok || b.kind !== kind) throw new Error(b.error || messages.invalid);
        onSession(b);
      });
    });
  }

  return { keep: keep, fromUrl: fromUrl };
})();
