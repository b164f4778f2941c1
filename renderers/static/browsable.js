// The browsable API's page script. The API authenticates with a bearer token, which a
// browser does not send on its own: so this script sends every request the page makes —
// links, forms, OPTIONS, DELETE — with fetch, carrying the token this tab logged in with,
// and shows the page the server renders for the answer. It is a file, not an inline
// script, so that the page's Content-Security-Policy forbids inline scripts.
//
// The tokens live in sessionStorage: this tab only, gone when it closes. In cookie mode
// (AUTH_COOKIE) the refresh token stays in its HttpOnly cookie and the page keeps the
// access token only, echoing the CSRF cookie to the token views.
"use strict";
(function () {
  var ACCESS = "ginrest.access";
  var REFRESH = "ginrest.refresh";
  var store = window.sessionStorage;

  // The page's settings, on <body>: read anew after each page is shown.
  function config() {
    return document.body.dataset;
  }

  function csrfToken() {
    var name = config().csrfCookie;
    if (!name) {
      return "";
    }
    var cookies = document.cookie ? document.cookie.split(";") : [];
    for (var i = 0; i < cookies.length; i++) {
      var c = cookies[i].trim();
      if (c.indexOf(name + "=") === 0) {
        return decodeURIComponent(c.slice(name.length + 1));
      }
    }
    return "";
  }

  function forget() {
    store.removeItem(ACCESS);
    store.removeItem(REFRESH);
  }

  // tokenRequest posts body to one of simplejwt's views and returns its JSON answer.
  async function tokenRequest(url, body) {
    var headers = {"Accept": "application/json", "Content-Type": "application/json"};
    var csrf = csrfToken();
    if (csrf) {
      headers["X-CSRFToken"] = csrf;
    }
    var resp = await fetch(url, {method: "POST", headers: headers, body: JSON.stringify(body), credentials: "same-origin"});
    var answer = {};
    try {
      answer = await resp.json();
    } catch (e) {
      // no JSON body (a 204): nothing to read
    }
    return {ok: resp.ok, status: resp.status, answer: answer};
  }

  function keep(answer) {
    store.setItem(ACCESS, answer.access);
    if (answer.refresh) {
      store.setItem(REFRESH, answer.refresh);
    }
  }

  // refresh trades the refresh token (in storage, or the cookie) for a new access token.
  async function refresh() {
    var token = store.getItem(REFRESH);
    if (!config().refreshUrl || (!token && !csrfToken())) {
      return false;
    }
    var r = await tokenRequest(config().refreshUrl, token ? {refresh: token} : {});
    if (!r.ok || !r.answer.access) {
      return false;
    }
    keep(r.answer);
    return true;
  }

  function send(method, url, body, contentType) {
    var headers = {"Accept": "text/html"};
    var access = store.getItem(ACCESS);
    // The token goes to this server only, whatever a page's URL says.
    if (access && new URL(url, window.location.href).origin === window.location.origin) {
      headers["Authorization"] = "Bearer " + access;
    }
    if (contentType) {
      headers["Content-Type"] = contentType;
    }
    return fetch(url, {method: method, headers: headers, body: body, credentials: "same-origin"});
  }

  // show puts a page the server rendered in place of this one.
  function show(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    document.title = doc.title;
    document.body.replaceWith(document.adoptNode(doc.body));
  }

  // load sends a request and shows the page of its answer. An expired access token is
  // refreshed once; a refused refresh signs the tab out. history is "push" for a link,
  // "replace" for the same page again, "" otherwise.
  async function load(method, url, body, contentType, history) {
    var resp = await send(method, url, body, contentType);
    if (resp.status === 401 && store.getItem(ACCESS)) {
      if (!(await refresh())) {
        forget();
      }
      resp = await send(method, url, body, contentType);
    }
    var type = resp.headers.get("Content-Type") || "";
    if (type.indexOf("text/html") !== 0) {
      if (method === "GET") {
        window.location.assign(url); // not a page of the API: let the browser show it
      }
      return;
    }
    show(await resp.text());
    if (history === "push") {
      window.history.pushState(null, "", resp.url);
    } else if (history === "replace") {
      window.history.replaceState(null, "", resp.url);
    }
  }

  // mfaToken is the first step of a login whose account has a second factor: the next
  // submit of the login form sends the code with it to the mfa view.
  var mfaToken = "";

  async function login(form) {
    var error = form.querySelector("#login-error");
    var fields = new FormData(form);
    var r;
    if (mfaToken) {
      var code = (fields.get("code") || "").trim();
      var body = {mfa_token: mfaToken};
      body[code.indexOf("-") >= 0 ? "recovery_code" : "code"] = code; // recovery codes are xxxx-xxxx-...
      r = await tokenRequest(config().mfaUrl, body);
    } else {
      r = await tokenRequest(config().loginUrl, {username: fields.get("username"), password: fields.get("password")});
    }
    if (r.ok && r.answer.access) {
      mfaToken = "";
      keep(r.answer);
      await load("GET", window.location.href, null, null, "replace");
      return;
    }
    var a = r.answer;
    if (r.ok && a.mfa_token && config().mfaUrl) {
      mfaToken = a.mfa_token;
      form.querySelector("#login-mfa").hidden = false;
      form.querySelector("#login-code").focus();
      error.textContent = "This account has a second factor: enter its code.";
    } else if (a.detail) {
      if (r.status === 401 && mfaToken && a.code === "token_not_valid") {
        mfaToken = ""; // the step expired or was used: start again
        form.querySelector("#login-mfa").hidden = true;
      }
      error.textContent = a.detail;
    } else {
      var messages = [];
      Object.keys(a).forEach(function (k) {
        messages.push(k + ": " + [].concat(a[k]).join(" "));
      });
      error.textContent = messages.join(" ") || "Login failed (" + r.status + ").";
    }
  }

  async function logout() {
    var token = store.getItem(REFRESH);
    if (config().logoutUrl && (token || csrfToken())) {
      try {
        await tokenRequest(config().logoutUrl, token ? {refresh: token} : {});
      } catch (e) {
        // the tokens are forgotten here whatever the server said
      }
    }
    forget();
    await load("GET", window.location.href, null, null, "replace");
  }

  // htmlBody is an HTML form's body and its media type, as DRF's HTML form sends it:
  // form-encoded, an unchecked box left out (false); multipart when a file is chosen (the
  // browser sets the boundary). A file input left empty is not sent.
  function htmlBody(form) {
    var data = new FormData(form);
    var files = Array.prototype.slice.call(form.querySelectorAll('input[type="file"]'));
    var chosen = false;
    files.forEach(function (input) {
      if (input.files.length === 0) {
        data.delete(input.name);
      } else {
        chosen = true;
      }
    });
    if (chosen) {
      return [data, null];
    }
    return [new URLSearchParams(data).toString(), "application/x-www-form-urlencoded"];
  }

  function submitted(form, submitter) {
    var url = form.dataset.url;
    var method = submitter && submitter.value ? submitter.value : "";
    switch (form.dataset.form) {
      case "login":
        return login(form);
      case "logout":
        return logout();
      case "options":
        return load("OPTIONS", url, null, null, "");
      case "delete":
        return load("DELETE", url, null, null, "");
      case "html":
        return load.apply(null, [method, url].concat(htmlBody(form), [""]));
      case "raw":
        return load(method, url, form.elements._content.value, form.elements._content_type.value, "");
    }
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.dataset || !form.dataset.form) {
      return;
    }
    e.preventDefault();
    submitted(form, e.submitter).catch(function (err) {
      console.error("browsable API:", err);
    });
  });

  // Links to this server are followed with the token; others are left to the browser.
  document.addEventListener("click", function (e) {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) {
      return;
    }
    var a = e.target.closest ? e.target.closest("a[href]") : null;
    if (!a || a.target || a.hasAttribute("download")) {
      return;
    }
    var url = new URL(a.href, window.location.href);
    if (url.origin !== window.location.origin) {
      return;
    }
    e.preventDefault();
    load("GET", url.href, null, null, "push").catch(function (err) {
      console.error("browsable API:", err);
    });
  });

  window.addEventListener("popstate", function () {
    load("GET", window.location.href, null, null, "").catch(function (err) {
      console.error("browsable API:", err);
    });
  });

  // The browser fetched this page without the token (a reload, a typed URL): while the tab
  // is signed in, fetch it again with the token.
  if (store.getItem(ACCESS) && !config().user && config().method === "GET") {
    load("GET", window.location.href, null, null, "replace").catch(function (err) {
      console.error("browsable API:", err);
    });
  }
})();
