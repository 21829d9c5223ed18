// Verifying a certificate or receipt in the browser: the Ed25519 signature is checked with
// WebCrypto over the same canonical JSON the instance signed
// (airlock_client/bundle_verifier.py), so the server's word is not needed. Without this
// script (or without Ed25519 in WebCrypto) the form posts to the server, which answers with
// the same rules (airlock/evidence.py).
"use strict";
(function () {
  const FORMATS = {
    "airlock-deletion-certificate/1": "certificate",
    "airlock-intake-receipt/1": "receipt",
  };
  const MAX_INT_DIGITS = 4300; // Python's limit on int from str: it refuses longer ones

  class Malformed extends Error {}

  // --- Strict JSON: numbers kept as written (integers of any size), no repeated keys. ---
  function parse(text) {
    let at = 0;
    const ws = () => { while (at < text.length && " \t\n\r".includes(text[at])) at += 1; };
    const fail = (what) => { throw new Malformed(`the document is not JSON (${what} at ${at})`); };
    const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    const STRING = /"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/y;
    function value(depth) {
      if (depth > 500) throw new Malformed("the document is nested too deeply");
      ws();
      const c = text[at];
      if (c === "{") {
        at += 1;
        const entries = new Map();
        ws();
        if (text[at] === "}") { at += 1; return { object: entries }; }
        for (;;) {
          ws();
          if (text[at] !== "\"") fail("a key expected");
          const key = string();
          ws();
          if (text[at] !== ":") fail("':' expected");
          at += 1;
          if (entries.has(key)) throw new Malformed("the JSON repeats a key in one object");
          entries.set(key, value(depth + 1));
          ws();
          if (text[at] === ",") { at += 1; continue; }
          if (text[at] === "}") { at += 1; return { object: entries }; }
          fail("',' or '}' expected");
        }
      }
      if (c === "[") {
        at += 1;
        const items = [];
        ws();
        if (text[at] === "]") { at += 1; return items; }
        for (;;) {
          items.push(value(depth + 1));
          ws();
          if (text[at] === ",") { at += 1; continue; }
          if (text[at] === "]") { at += 1; return items; }
          fail("',' or ']' expected");
        }
      }
      if (c === "\"") return string();
      for (const [word, result] of [["true", true], ["false", false], ["null", null]]) {
        if (text.startsWith(word, at)) { at += word.length; return result; }
      }
      NUMBER.lastIndex = at;
      const found = NUMBER.exec(text);
      if (found === null) fail("a value expected");
      at = NUMBER.lastIndex;
      return { number: found[0] };
    }
    function string() {
      STRING.lastIndex = at;
      const found = STRING.exec(text);
      if (found === null) fail("a bad string");
      at = STRING.lastIndex;
      const decoded = JSON.parse(found[0]);
      if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(decoded)) {
        throw new Malformed("the document holds a lone surrogate, which UTF-8 cannot carry");
      }
      return decoded;
    }
    const result = value(0);
    ws();
    if (at !== text.length) fail("extra data");
    return result;
  }

  // --- Canonical form: Python's json.dumps(sort_keys=True, separators=(",", ":"),
  // ensure_ascii=False, allow_nan=False), as UTF-8. ---
  function byCodePoint(a, b) {
    const ia = a[Symbol.iterator]();
    const ib = b[Symbol.iterator]();
    for (;;) {
      const x = ia.next();
      const y = ib.next();
      if (x.done) return y.done ? 0 : -1;
      if (y.done) return 1;
      const cx = x.value.codePointAt(0);
      const cy = y.value.codePointAt(0);
      if (cx !== cy) return cx < cy ? -1 : 1;
    }
  }

  function pythonFloat(x) {
    // repr(float): the shortest digits that read back as x (as toExponential gives), fixed
    // from 1e-4 up to below 1e16, else d.ddde+XX with at least two exponent digits.
    if (!Number.isFinite(x)) throw new Malformed("the document holds a number out of range");
    if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
    const [mantissa, exponent] = x.toExponential().split("e");
    const exp = Number(exponent);
    const sign = mantissa.startsWith("-") ? "-" : "";
    const digits = mantissa.replace("-", "").replace(".", "");
    if (exp >= -4 && exp < 16) {
      if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
      const whole = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
      const fraction = digits.slice(exp + 1) || "0";
      return `${sign}${whole}.${fraction}`;
    }
    const rest = digits.length > 1 ? `.${digits.slice(1)}` : "";
    const e = `${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
    return `${sign}${digits[0]}${rest}e${e}`;
  }

  function canonical(node) {
    if (node === null) return "null";
    if (node === true) return "true";
    if (node === false) return "false";
    if (typeof node === "string") return JSON.stringify(node);
    if (Array.isArray(node)) return `[${node.map(canonical).join(",")}]`;
    if (node.number !== undefined) {
      const raw = node.number;
      if (/^-?[0-9]+$/.test(raw)) {
        if (raw.replace("-", "").length > MAX_INT_DIGITS) {
          throw new Malformed("the document holds an integer too long to read");
        }
        return BigInt(raw).toString();
      }
      return pythonFloat(Number(raw));
    }
    const keys = [...node.object.keys()].sort(byCodePoint);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(node.object.get(k))}`).join(",")}}`;
  }

  // The exact bytes the instance signed: the document without its signature.
  function signedPayload(document) {
    const body = new Map(document.object);
    body.delete("signature");
    return new TextEncoder().encode(canonical({ object: body }));
  }

  // --- Keys and signatures ---
  function base64Bytes(text) {
    const clean = text.replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) {
      throw new Malformed("not base64");
    }
    return Uint8Array.from(atob(clean), (c) => c.charCodeAt(0));
  }

  async function importKey(text) {
    const trimmed = text.trim();
    try {
      if (trimmed.startsWith("-----BEGIN")) {
        const body = trimmed.replace(/-----(BEGIN|END) [A-Z ]+-----/g, "");
        return await crypto.subtle.importKey("spki", base64Bytes(body), { name: "Ed25519" },
          true, ["verify"]);
      }
      const raw = base64Bytes(trimmed);
      if (raw.length !== 32) throw new Malformed("not 32 bytes");
      return await crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, true, ["verify"]);
    } catch (error) {
      if (error instanceof DOMException && error.name === "NotSupportedError") throw error;
      if (error instanceof Malformed || error instanceof DOMException) {
        throw new Malformed("the public key is neither an Ed25519 PEM key nor 32 raw bytes in base64");
      }
      throw error;
    }
  }

  async function keyId(key) {
    const raw = await crypto.subtle.exportKey("raw", key);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", raw));
    return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("").slice(0, 16);
  }

  function field(node, ...path) {
    let here = node;
    for (const name of path) {
      if (here === null || typeof here !== "object" || !(here.object instanceof Map)) return undefined;
      here = here.object.get(name);
    }
    return here;
  }

  function text(node, ...path) {
    const found = field(node, ...path);
    if (typeof found !== "string") throw new Malformed(`the document has no ${path.join(".")}`);
    return found;
  }

  async function verify(documentText, keyText) {
    const document = parse(documentText);
    if (document === null || typeof document !== "object" || !(document.object instanceof Map)) {
      throw new Malformed("the document is not a JSON object");
    }
    const kind = FORMATS[field(document, "format")];
    if (kind === undefined) throw new Malformed("the document's format is not a certificate's or a receipt's");
    const named = text(document, "issuer", "key_id");
    const signature = text(document, "signature");
    const documentId = text(document, kind === "certificate" ? "certificate_id" : "receipt_id");
    const datasetId = kind === "certificate" ? text(document, "subject", "dataset_id") : text(document, "dataset_id");
    const payload = signedPayload(document);
    const key = await importKey(keyText.trim() ? keyText : text(document, "issuer", "public_key"));
    const id = await keyId(key);
    let intact = false;
    try {
      intact = await crypto.subtle.verify({ name: "Ed25519" }, key, base64Bytes(signature), payload);
    } catch (error) {
      if (!(error instanceof Malformed || error instanceof DOMException)) throw error;
    }
    const finding = !intact ? "altered" : named !== id ? "other_key" : "intact";
    return { valid: finding === "intact", kind, key_id: id, document_id: documentId, dataset_id: datasetId, finding };
  }

  window.AirlockVerify = {
    // For tests and the curious: the canonical form of any JSON text, and the signed bytes.
    canonical: (documentText) => canonical(parse(documentText)),
    payloadHex: (documentText) => [...signedPayload(parse(documentText))]
      .map((b) => b.toString(16).padStart(2, "0")).join(""),
    verify,
  };

  // --- The page ---
  const form = document.getElementById("verify-form");
  if (form === null) return;
  const msg = form.dataset;
  const result = document.getElementById("verify-result");
  const textSection = document.getElementById("document-text-section");
  const textBlock = document.getElementById("document-text");
  const documentInput = document.getElementById("document");
  const keyInput = document.getElementById("public-key");
  const fileInput = document.getElementById("document-file");
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");

  function paragraph(className, content, id) {
    const p = document.createElement("p");
    if (className) p.className = className;
    if (id) p.id = id;
    p.textContent = content;
    return p;
  }

  function show(verdict) {
    const kind = verdict.kind === "certificate" ? msg.msgKindCertificate : msg.msgKindReceipt;
    const parts = [];
    if (verdict.valid) {
      parts.push(paragraph("ok", fill(msg.msgValid, { kind, key_id: verdict.key_id }), "verdict-headline"));
    } else {
      parts.push(paragraph("error", fill(msg.msgInvalid, { kind }), "verdict-headline"));
      const why = verdict.finding === "other_key" ? msg.msgOtherKey : msg.msgAltered;
      parts.push(paragraph("", fill(why, { key_id: verdict.key_id }), "verdict-finding"));
    }
    const facts = document.createElement("dl");
    facts.className = "facts";
    for (const [label, value] of [[msg.msgFieldKind, kind], [msg.msgFieldKey, verdict.key_id],
      [msg.msgFieldDocument, verdict.document_id], [msg.msgFieldDataset, verdict.dataset_id]]) {
      const dt = document.createElement("dt");
      dt.textContent = label;
      const dd = document.createElement("dd");
      dd.textContent = value;
      if (label !== msg.msgFieldKind) dd.className = "mono";
      facts.append(dt, dd);
    }
    parts.push(facts, paragraph("muted", msg.msgByBrowser));
    result.replaceChildren(...parts);
    result.dataset.valid = String(verdict.valid);
    result.dataset.checkedBy = "browser";
  }

  function showMalformed(error) {
    const detail = paragraph("detail", error.message);
    detail.lang = "en";
    result.replaceChildren(paragraph("error", msg.msgMalformed, "verdict-headline"), detail);
    result.dataset.valid = "false";
    result.dataset.checkedBy = "browser";
    textSection.hidden = true;
  }

  async function showText(documentText) {
    // The text form is the server's rendering; the verdict above is this browser's own.
    const answer = await fetch("/verify/text", {
      method: "POST", body: documentText, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": document.body.dataset.csrf },
    });
    const body = answer.ok ? await answer.json() : { text: null };
    textBlock.textContent = body.text || "";
    textSection.hidden = !body.text;
  }

  fileInput.addEventListener("change", async () => {
    const file = fileInput.files[0];
    if (file !== undefined) documentInput.value = await file.text();
  });

  form.addEventListener("submit", async (event) => {
    if (!(window.crypto && crypto.subtle)) return; // the server checks it
    event.preventDefault();
    const documentText = documentInput.value;
    const instanceKey = document.getElementById("instance-key");
    const keyText = keyInput.value.trim() ? keyInput.value : (instanceKey ? instanceKey.textContent : "");
    let verdict;
    try {
      verdict = await verify(documentText, keyText);
      show(verdict);
    } catch (error) {
      if (error instanceof Malformed) {
        showMalformed(error);
        return;
      }
      if (error instanceof DOMException && error.name === "NotSupportedError") {
        result.replaceChildren(paragraph("muted", msg.msgNoCrypto));
        fileInput.value = "";
        form.submit();
        return;
      }
      throw error;
    }
    // The text of an altered document is not shown: it would read as if it were true.
    if (verdict.valid) {
      await showText(documentText);
    } else {
      textSection.hidden = true;
    }
  });
})();
