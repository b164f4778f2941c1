// A WebAuthn client as a page would be one: ginrest's options are JSON, with binary fields
// as base64url; navigator.credentials wants ArrayBuffers and gives them back. Each button
// writes its outcome, as JSON, into an element the test waits for (#outcome-<button>).
"use strict";

const bytes = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)).buffer;
const b64url = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const withIDs = (list) => (list || []).map((c) => ({...c, id: bytes(c.id)}));

function creationOptions(o) {
  return {...o, challenge: bytes(o.challenge), user: {...o.user, id: bytes(o.user.id)}, excludeCredentials: withIDs(o.excludeCredentials)};
}

function requestOptions(o) {
  return {...o, challenge: bytes(o.challenge), allowCredentials: withIDs(o.allowCredentials)};
}

// credentialJSON is PublicKeyCredential.toJSON(), spelled out.
function credentialJSON(c) {
  const r = c.response, out = {id: c.id, rawId: b64url(c.rawId), type: c.type,
    authenticatorAttachment: c.authenticatorAttachment, clientExtensionResults: c.getClientExtensionResults(),
    response: {clientDataJSON: b64url(r.clientDataJSON)}};
  if (r.attestationObject) {
    out.response.attestationObject = b64url(r.attestationObject);
    out.response.transports = r.getTransports();
  } else {
    out.response.authenticatorData = b64url(r.authenticatorData);
    out.response.signature = b64url(r.signature);
    if (r.userHandle) out.response.userHandle = b64url(r.userHandle);
  }
  return out;
}

const steps = document.getElementById("steps");

// post sends JSON and returns {status, body}; the step is listed on the page.
async function post(path, body, access) {
  const headers = {"Accept": "application/json"};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (access) headers["Authorization"] = "Bearer " + access;
  const resp = await fetch(path, {method: "POST", headers, body: body === undefined ? undefined : JSON.stringify(body)});
  const answer = {status: resp.status, body: await resp.json()};
  steps.textContent += `POST ${path} → ${resp.status}\n`;
  return answer;
}

// pair is a login's outcome: the tokens, or what refused them.
function pair(answer) {
  const {access, refresh} = answer.body;
  return access ? {status: answer.status, access, refresh} : {status: answer.status, detail: answer.body};
}

const credentials = () => ({username: document.getElementById("username").value, password: document.getElementById("password").value});

// Sign in with the password, register a passkey, then log in with the passkey alone.
async function passkey() {
  const signIn = await post("/api/token/", credentials());
  if (signIn.status !== 200 || !signIn.body.access) return {failed: "password login", answer: signIn};
  const begin = await post("/api/auth/webauthn/register/begin/", undefined, signIn.body.access);
  const created = await navigator.credentials.create({publicKey: creationOptions(begin.body.publicKey)});
  const registered = await post("/api/auth/webauthn/register/finish/",
    {state: begin.body.state, credential: credentialJSON(created), name: "Chromium"}, signIn.body.access);
  const login = await post("/api/auth/webauthn/login/begin/");
  const asserted = await navigator.credentials.get({publicKey: requestOptions(login.body.publicKey)});
  const loggedIn = await post("/api/auth/webauthn/login/finish/", {state: login.body.state, credential: credentialJSON(asserted)});
  return {register: {status: registered.status, body: registered.body}, login: pair(loggedIn)};
}

// The password, then the passkey as the second factor.
async function secondFactor() {
  const signIn = await post("/api/token/", credentials());
  if (!signIn.body.mfa_required) return {failed: "no mfa step", answer: signIn};
  const mfaToken = signIn.body.mfa_token;
  const begin = await post("/api/token/mfa/webauthn/begin/", {mfa_token: mfaToken});
  const asserted = await navigator.credentials.get({publicKey: requestOptions(begin.body.publicKey)});
  const finished = await post("/api/token/mfa/webauthn/finish/", {mfa_token: mfaToken, state: begin.body.state, credential: credentialJSON(asserted)});
  return {mfa_step: signIn.status, finish: pair(finished)};
}

function wire(id, run) {
  document.getElementById(id).addEventListener("click", async () => {
    let outcome;
    try {
      outcome = await run();
    } catch (e) {
      outcome = {failed: String(e)};
    }
    const el = document.createElement("pre");
    el.id = "outcome-" + id;
    el.style.whiteSpace = "pre-wrap"; // the tokens are long: wrapped, for the screenshot
    el.style.overflowWrap = "anywhere";
    el.textContent = JSON.stringify(outcome, null, 1);
    document.body.append(el);
  });
}

wire("passkey", passkey);
wire("second-factor", secondFactor);
