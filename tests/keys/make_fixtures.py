#!/usr/bin/env python3
"""Writes mailtrace's signed DKIM and ARC test fixtures (a developer tool: the tests never run it).

The fixtures are signed by an independent implementation, dkimpy, with the project's TEST keys
in this directory, from fixed messages and fixed timestamps, so a rerun writes the same bytes
(RSA PKCS#1 v1.5 and Ed25519 signatures are deterministic; t= is passed explicitly or dkimpy's
clock is frozen).

Made with Python 3.11, dkimpy 1.1.8, PyNaCl 1.6.2 (Ed25519), authres 1.2.0 (dkimpy needs it to
seal ARC sets), dnspython 2.9.2 (a dkimpy dependency, unused: DNS answers come from the zone file):

    pip install dkimpy==1.1.8 pynacl==1.6.2 authres==1.2.0
    python3 tests/keys/make_fixtures.py          # (re)writes the fixtures, prints zone records and dkimpy's verdicts
    python3 tests/keys/make_fixtures.py --check  # writes nothing: says whether the files on disk are what it makes
    python3 tests/keys/make_fixtures.py --zone   # prints only the zone records

Inputs: tests/keys/dkim-mt2026.pem (s=mt2026, d=sender.example, RSA), tests/keys/ed25519-mt2026.key
(s=ed2026, d=sender.example, Ed25519 seed, base64, the format dkimpy's dknewkey writes) and
tests/keys/arc-fwd2026.pem (s=arc2026 at forwarder.example, list.example and relay.example, RSA).
Outputs: tests/dkim/*.eml + *.expect and tests/arc/*.eml + *.expect (only the names listed below;
the older fixtures in tests/dkim/ are not touched). Every fixture is verified with dkimpy's own
verifier (dkim.verify, dkim.arc_verify) against tests/zones/dkim.zone; its verdict is printed and
written to the `dkimpy:` line of the .expect file. The zone records are printed, not written:
append them to tests/zones/dkim.zone once (they are there already).

Where dkimpy refuses to make a broken fixture (a DKIM signature without From in h=, an ARC set
with a wrong cv=, a missing cv=, an h= tag in the seal, an instance number it would not pick, a
set without its ARC-Authentication-Results), the set is made by `custom_set` / `sign_no_from`
below from dkimpy's own pieces (canonicalization, header selection, folding, RSA signing). Both
are checked first to make byte-for-byte what dkimpy's signer makes for a normal signature/set.

Files are written with LF line ends, like the other fixtures; signing is done on the CRLF form.
"""

import argparse
import base64
import calendar
import hashlib
import importlib.metadata
import re
import sys
import time
from pathlib import Path

import authres
import dkim
from dkim.canonicalization import CanonicalizationPolicy, Relaxed
from dkim.crypto import HASH_ALGORITHMS, RSASSA_PKCS1_v1_5_sign, parse_pem_private_key
from dkim.util import parse_tag_value

KEYS = Path(__file__).resolve().parent
ROOT = KEYS.parent.parent
DKIM_DIR = ROOT / "tests" / "dkim"
ARC_DIR = ROOT / "tests" / "arc"
ZONE = ROOT / "tests" / "zones" / "dkim.zone"

RSA_KEY = (KEYS / "dkim-mt2026.pem").read_bytes()
ED_KEY = (KEYS / "ed25519-mt2026.key").read_bytes().strip()
ARC_KEY = (KEYS / "arc-fwd2026.pem").read_bytes()

SENDER = "sender.example"
ARC_SELECTOR = b"arc2026"


# --- dkimpy's clock --------------------------------------------------------------------------

class FrozenClock:
    """Stands in for the `time` module inside dkimpy: DKIM.sign takes t= from time.time(), and
    the verifier compares t= with it."""

    def __init__(self):
        self.now = 0

    def time(self):
        return float(self.now)


CLOCK = FrozenClock()
dkim.time = CLOCK

#: When dkimpy verifies: after every signing time below.
VERIFY_NOW = 1_773_360_000  # Fri, 13 Mar 2026 00:00:00 +0000


def utc(y, mo, d, h, mi, s=0):
    return calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))


def queue_id(seed):
    """A Postfix-looking (long format) queue id, the same on every run."""
    digest = hashlib.sha256(seed.encode()).digest()
    alphabet = "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz"
    return "4fS" + "".join(alphabet[c % len(alphabet)] for c in digest[:8]) + "z" + \
        "".join(alphabet[c % len(alphabet)] for c in digest[8:11])


def rfc5322(t):
    return time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(t))


def received_date(t):
    # Postfix writes the day of month padded with a space.
    return time.strftime("%a, ", time.gmtime(t)) + "%2d" % time.gmtime(t).tm_mday + \
        time.strftime(" %b %Y %H:%M:%S +0000 (UTC)", time.gmtime(t))


# --- messages as bytes ------------------------------------------------------------------------

def crlf(text):
    """An LF text (as written in this file) as CRLF bytes."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def lf(data):
    return data.replace(b"\r\n", b"\n")


def prepend(msg, *fields):
    """Adds header fields on top (fields given top first; text in LF or bytes in CRLF)."""
    out = b""
    for f in fields:
        if isinstance(f, str):
            f = crlf(f if f.endswith("\n") else f + "\n")
        out += f
    return out + msg


def split(msg):
    """Header fields [(name, value-with-CRLF)] and body, as dkimpy reads them."""
    headers, body = dkim.rfc822_parse(msg)
    return [(bytes(n), bytes(v)) for n, v in headers], body


def join(headers, body):
    return b"".join(n + b":" + v for n, v in headers) + b"\r\n" + body


def replace_field(msg, name, new_value, nth=0):
    """Replaces the value of the nth (from the top) field called name; new_value is LF text
    starting after the colon."""
    headers, body = split(msg)
    seen = -1
    for k, (n, v) in enumerate(headers):
        if n.lower() == name.lower().encode():
            seen += 1
            if seen == nth:
                headers[k] = (n, crlf(new_value if new_value.endswith("\n") else new_value + "\n"))
                return join(headers, body)
    raise KeyError(name)


def edit_field(msg, name, old, new, instance=None):
    """Replaces old by new inside a field (the one with i=instance for ARC fields)."""
    headers, body = split(msg)
    for k, (n, v) in enumerate(headers):
        if n.lower() != name.lower().encode():
            continue
        if instance is not None and arc_instance(v) != instance:
            continue
        assert old.encode() in v, (name, old)
        headers[k] = (n, v.replace(old.encode(), new.encode(), 1))
        return join(headers, body)
    raise KeyError(name)


def append_body(msg, text):
    headers, body = split(msg)
    return join(headers, body + crlf(text))


def field_value(msg, name):
    for n, v in split(msg)[0]:
        if n.lower() == name.lower().encode():
            return v
    raise KeyError(name)


def arc_instance(value):
    m = re.match(rb"\s*i\s*=\s*(\d+)", value)
    return int(m.group(1)) if m else None


# --- signing with dkimpy ----------------------------------------------------------------------

def dkim_sign(msg, *, t, selector=b"mt2026", key=RSA_KEY, algorithm=b"rsa-sha256",
              canon=(b"relaxed", b"relaxed"), headers=None, length=False):
    """dkimpy's DKIM.sign with t= fixed; returns the message with the DKIM-Signature on top."""
    CLOCK.now = t
    d = dkim.DKIM(msg, signature_algorithm=algorithm)
    sig = d.sign(selector, SENDER.encode(), key, canonicalize=canon, include_headers=headers,
                 length=length)
    return sig + msg


def sign_no_from(msg, *, t, headers, selector=b"mt2026", key=RSA_KEY):
    """What DKIM.sign does (relaxed/relaxed, rsa-sha256), minus its refusal to leave From out of
    h=: the same fields in the same order, hashed and folded by dkimpy's DomainSigner.gen_header."""
    d = dkim.DKIM(msg)
    pk = parse_pem_private_key(key)
    policy = CanonicalizationPolicy.from_c_value(b"relaxed/relaxed")
    d.hasher = HASH_ALGORITHMS[b"rsa-sha256"]
    headers = tuple(h.lower() for h in headers)
    bh = base64.b64encode(hashlib.sha256(policy.canonicalize_body(d.body)).digest())
    fields = [
        (b"v", b"1"), (b"a", b"rsa-sha256"), (b"c", b"relaxed/relaxed"),
        (b"d", SENDER.encode()), (b"i", b"@" + SENDER.encode()), (b"q", b"dns/txt"),
        (b"s", selector), (b"t", str(t).encode()), (b"h", b" : ".join(headers)),
        (b"bh", bh), (b"b", b"0" * 60),
    ]
    return b"DKIM-Signature: " + d.gen_header(fields, headers, policy, b"DKIM-Signature", pk) + msg


def ams_headers(a):
    """The fields an ARC-Message-Signature signs here: dkimpy's default list (RFC 6376's
    recommended fields present, From twice) plus each DKIM-Signature."""
    return a.default_sign_headers() + [b"dkim-signature" for n, _ in a.headers
                                       if n.lower() == b"dkim-signature"]


def arc_seal(msg, *, domain, srv_id, t):
    """dkimpy's ARC.sign: the next ARC set from this ADMD's Authentication-Results (cv= comes
    from its arc= result), prepended to the message."""
    a = dkim.ARC(msg)
    a.should_not_sign.discard(b"dkim-signature")
    sets = a.sign(ARC_SELECTOR, domain.encode(), ARC_KEY, srv_id.encode(),
                  include_headers=ams_headers(a), timestamp=t)
    assert sets, "dkimpy refused to seal"
    return b"".join(sets) + msg


def _signed_field(name, fields, hashed, key):
    """A DKIM-style field (ARC-Message-Signature, ARC-Seal) over `hashed` (relaxed (name, value)
    pairs, in order), laid out as dkimpy lays out its own: tags joined by '; ', folded by
    dkim.fold, b= last."""
    h = hashlib.sha256()
    for n, v in hashed:
        h.update(n + b":" + v)
    unsigned = b"; ".join(k + b"=" + v for k, v in fields + [(b"b", b"")])
    (n, v), = Relaxed.canonicalize_headers([(name, b" " + unsigned)])
    h.update(n + b":" + v.rstrip())
    b = base64.b64encode(RSASSA_PKCS1_v1_5_sign(h, parse_pem_private_key(key)))
    value = dkim.fold(b"; ".join(k + b"=" + v for k, v in fields + [(b"b", b)]) + b"\r\n",
                      namelen=len(name), linesep=b"\r\n")
    return name + b": " + value


ARC_ORDER = {b"arc-authentication-results": 0, b"arc-message-signature": 1, b"arc-seal": 2}


def custom_set(msg, *, domain, srv_id, t, instance, cv, aar=True, seal_extra=(),
               key=ARC_KEY):
    """An ARC set made as RFC 8617 section 5.1 says, with the instance number, cv= (None: no
    cv= tag) and extra ARC-Seal tags given rather than worked out, and optionally without its
    ARC-Authentication-Results. The AMS signs what arc_seal's would; the seal signs every ARC
    field present (its own set included) by instance, then AAR, AMS, AS, older fields first."""
    a = dkim.ARC(msg)
    a.should_not_sign.discard(b"dkim-signature")
    include = [h.lower() for h in ams_headers(a)]
    headers, body = split(msg)
    # The AAR: this ADMD's Authentication-Results, written as dkimpy writes it.
    results = []
    for n, v in headers:
        if n == b"Authentication-Results":
            parsed = authres.AuthenticationResultsHeader.parse(
                "Authentication-Results: " + v.strip().decode())
            if parsed.authserv_id == srv_id:
                results += parsed.results
    new = []
    if aar:
        value = ("i=%d; " % instance).encode() + srv_id.encode() + b"".join(
            b";\r\n " + str(r).encode() for r in results)
        new.append((b"ARC-Authentication-Results", b" " + value.rstrip() + b"\r\n"))
    # The AMS.
    bh = base64.b64encode(hashlib.sha256(Relaxed.canonicalize_body(body)).digest())
    ams_fields = [
        (b"i", str(instance).encode()), (b"a", b"rsa-sha256"), (b"c", b"relaxed/relaxed"),
        (b"d", domain.encode()), (b"s", ARC_SELECTOR), (b"t", str(t).encode()),
        (b"h", b" : ".join(include)), (b"bh", bh),
    ]
    above = Relaxed.canonicalize_headers(list(reversed(new)) + headers)
    ams = _signed_field(b"ARC-Message-Signature", ams_fields,
                        dkim.select_headers(above, include), key)
    new.append(tuple(ams.split(b":", 1)))
    # The AS.
    as_fields = [(b"i", str(instance).encode())]
    if cv is not None:
        as_fields.append((b"cv", cv.encode()))
    as_fields += [(b"a", b"rsa-sha256"), (b"d", domain.encode()), (b"s", ARC_SELECTOR),
                  (b"t", str(t).encode())] + [(k.encode(), v.encode()) for k, v in seal_extra]
    arc_fields = [(n, v) for n, v in reversed(headers) if n.lower() in ARC_ORDER] + new
    arc_fields.sort(key=lambda f: (arc_instance(f[1]), ARC_ORDER[f[0].lower()]))
    seal = _signed_field(b"ARC-Seal", as_fields, Relaxed.canonicalize_headers(arc_fields), key)
    return seal + b"".join(n + b":" + v for n, v in reversed(new)) + msg


# --- DNS from the zone file -------------------------------------------------------------------

def zone_txt():
    records = {}
    for line in ZONE.read_text().splitlines():
        line = line.strip()
        if not line or line[0] in ";#":
            continue
        m = re.match(r"(\S+)\s+(?:\d+\s+)?(?:IN\s+)?TXT\s+(.*)$", line, re.I)
        if m:
            strings = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2))
            text = "".join(re.sub(r"\\(.)", r"\1", s) for s in strings)
            records.setdefault(m.group(1).lower().rstrip("."), text)
    return records


def dnsfunc(name, timeout=5):
    if isinstance(name, bytes):
        name = name.decode()
    text = ZONE_RECORDS.get(name.lower().rstrip("."))
    return text.encode() if text is not None else None


ZONE_RECORDS = {}


# --- verifying with dkimpy --------------------------------------------------------------------

class Errors:
    """Collects what dkimpy logs as errors (why a verification failed)."""

    def __init__(self):
        import logging
        self.lines = []
        errors = self

        class Handler(logging.Handler):
            def emit(self, record):
                errors.lines.append(record.getMessage())

        self.logger = logging.getLogger("make_fixtures.dkimpy")
        self.logger.propagate = False
        self.logger.handlers = [Handler()]
        self.logger.setLevel(logging.ERROR)


def dkimpy_dkim(msg):
    """dkimpy's verdict on each DKIM-Signature, top first."""
    CLOCK.now = VERIFY_NOW
    out = []
    count = sum(1 for n, _ in split(msg)[0] if n.lower() == b"dkim-signature")
    for idx in range(count):
        e = Errors()
        d = dkim.DKIM(msg, logger=e.logger)
        try:
            ok = d.verify(idx=idx, dnsfunc=dnsfunc)
            out.append("pass" if ok else "fail" + (" (%s)" % "; ".join(e.lines) if e.lines
                                                   else " (signature did not verify)"))
        except dkim.DKIMException as x:
            out.append("fail (%s)" % unrepr(str(x)))
    return out


def dkimpy_arc(msg):
    CLOCK.now = VERIFY_NOW
    e = Errors()
    cv, results, reason = dkim.arc_verify(msg, logger=e.logger, dnsfunc=dnsfunc)
    cv = cv.decode() if isinstance(cv, bytes) else str(cv)
    parts = ["[i=%d ams=%s as=%s cv=%s]" % (
        r["instance"], "ok" if r.get("ams-valid") else "bad",
        "ok" if r.get("as-valid") else "bad", r["cv"].decode() if "cv" in r else "-")
        for r in sorted(results, key=lambda r: r["instance"])]
    if len(parts) > 6:
        parts = parts[:3] + ["... (%d more)" % (len(parts) - 5)] + parts[-2:]
    per = " ".join(parts)
    return "%s (%s)%s" % (cv, unrepr(reason), " " + per if per else "")


def unrepr(text):
    """dkimpy puts Python reprs of bytes in its messages: b'xyz' -> xyz."""
    return re.sub(r"\bb'([^']*)'", r"\1", text)


# --- the DKIM fixtures ------------------------------------------------------------------------

def sender_headers(*, t, frm, to, subject, msgid, client_qid, extra=""):
    """The message as mail.sender.example's signer sees it: the submission Received line, then
    the author's fields."""
    return (
        "Received: from [192.0.2.77] (unknown [192.0.2.77])\n"
        "\t(Authenticated sender: carol)\n"
        "\tby mail.sender.example (Postfix) with ESMTPSA id %s\n"
        "\tfor <%s>; %s\n" % (client_qid, re.search(r"<(.*)>", to).group(1), received_date(t))
        + extra +
        "From: %s\n"
        "To: %s\n"
        "Subject: %s\n"
        "Date: %s\n"
        "Message-ID: <%s>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: 7bit\n" % (frm, to, subject, rfc5322(t), msgid))


def delivered(msg, *, t, qid, rcpt="dana@recipient.example", return_path="carol@sender.example",
              from_host="mail.sender.example", from_ip="203.0.113.5"):
    """What mx.recipient.example adds when it takes the message."""
    return prepend(
        msg,
        "Return-Path: <%s>" % return_path,
        "Received: from %s (%s [%s])\n"
        "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\n"
        "\tby mx.recipient.example (Postfix) with ESMTPS id %s\n"
        "\tfor <%s>; %s" % (from_host, from_host, from_ip, qid, rcpt, received_date(t)))


DANA = "Dana Recipient <dana@recipient.example>"
CAROL = "Carol Sender <carol@sender.example>"


def dkim_fixtures():
    out = {}

    # no-from-in-h: h= leaves From out; From replaced after signing.
    t = utc(2026, 3, 10, 9, 15, 0)
    msg = crlf(sender_headers(
        t=t - 2, frm="Sender Newsletter <news@sender.example>", to=DANA,
        subject="Your statement for February is ready",
        msgid="20260310091458.61402@mail.sender.example", client_qid="4fQx1L0c7Kz1Ab") +
        "\n"
        "Hello Dana,\n"
        "\n"
        "your account statement for February 2026 is ready. Sign in to your account\n"
        "page to read it.\n"
        "\n"
        "Sender Example customer service\n")
    signed = sign_no_from(msg, t=t, headers=[b"to", b"subject", b"date", b"message-id",
                                             b"mime-version", b"content-type",
                                             b"content-transfer-encoding"])
    forged = replace_field(signed, "From",
                           " Sender Example Security <security@sender.example>")
    out["no-from-in-h"] = (
        delivered(forged, t=t + 3, qid="4fQx1M3d9Vz2Bc"),
        [("dkim", "permerror"),
         ("dmarc-aligned-dkim", "no"),
         ("reason", "from-not-signed"),
         ("note", "h= does not list From (RFC 6376 5.4: From MUST be signed; 6.1.1: a verifier "
          "MUST ignore such a signature, PERMFAIL). The signature itself verifies: From was "
          "changed from news@sender.example to security@sender.example after signing, which "
          "it does not cover, so d=sender.example must not count as aligned with the From.")])

    # empty-body-relaxed / empty-body-simple: header section, blank line, nothing.
    for canon, minute, subject, qids in (
            ("relaxed", 25, "Call me when you land", ("4fQy2N1e0Wz3Cd", "4fQy2N4f2Xz4De")),
            ("simple", 35, "Running ten minutes late", ("4fQz3P2g4Yz5Ef", "4fQz3P5h6Zz6Fg"))):
        t = utc(2026, 3, 10, 9, minute, 0)
        msg = crlf(sender_headers(
            t=t - 1, frm=CAROL, to=DANA, subject=subject,
            msgid="202603100%d%02d59.%d@mail.sender.example" % (9, minute - 1, 70000 + minute),
            client_qid=qids[0]) + "\n")
        signed = dkim_sign(msg, t=t, canon=(canon.encode(), canon.encode()))
        bh = {"relaxed": "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
              "simple": "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY="}[canon]
        assert b"bh=" + bh.encode() in signed
        out["empty-body-" + canon] = (
            delivered(signed, t=t + 2, qid=qids[1]),
            [("dkim", "pass"), ("body", "verified"), ("c", "%s/%s" % (canon, canon)),
             ("bh", bh),
             ("note", "The body is empty: the header section ends with the blank line and "
              "nothing follows (a body that is present and empty, not a body left out of the "
              "paste). %s" % (
                  "Relaxed body canonicalization of an empty body is the empty string (RFC 6376 "
                  "3.4.4), bh = base64(sha256(\"\"))." if canon == "relaxed" else
                  "Simple body canonicalization of an empty body is one CRLF (RFC 6376 3.4.3), "
                  "bh = base64(sha256(\"\\r\\n\"))."))])

    # whitespace-line-in-header: a folded field with a continuation line that is only a space.
    t = utc(2026, 3, 10, 9, 45, 0)
    report = ("X-Report: Content analysis details:   (-2.9 points, 5.0 required)\n"
              " \n"
              "  pts rule name              description\n"
              " ---- ---------------------- -------------------------------------------\n"
              " -1.0 ALL_TRUSTED            Passed through trusted hosts only via SMTP\n"
              " -1.9 BAYES_00               BODY: Bayes spam probability is 0 to 1%\n")
    msg = crlf(sender_headers(
        t=t - 2, frm=CAROL, to=DANA, subject="Minutes of the March board meeting",
        msgid="20260310094458.80311@mail.sender.example", client_qid="4fR04Q3j8Az7Gh",
        extra=report) +
        "\n"
        "Hello Dana,\n"
        "\n"
        "the minutes of Monday's board meeting are below.\n"
        "\n"
        "1. The budget for 2026 was approved.\n"
        "2. The next meeting is on 14 April.\n"
        "\n"
        "Regards,\n"
        "Carol\n")
    a = dkim.DKIM(msg)
    signed = dkim_sign(msg, t=t, headers=[b"x-report"] + a.default_sign_headers())
    assert b"\r\n \r\n" in signed
    out["whitespace-line-in-header"] = (
        delivered(signed, t=t + 3, qid="4fR04Q6k0Bz8Hi"),
        [("dkim", "pass"), ("body", "verified"),
         ("note", "X-Report is folded over a continuation line holding a single space (line 2 "
          "of the field). That line is part of the field (obs-FWS), not the end of the header "
          "section: the body starts after the real empty line. The field is signed (h= lists "
          "x-report): relaxed canonicalization unfolds it, the lone space becomes one space.")])

    # l-tag: l= covers the body as signed; text appended afterwards.
    t = utc(2026, 3, 10, 10, 5, 0)
    msg = crlf(sender_headers(
        t=t - 2, frm=CAROL, to=DANA, subject="Invoice 2026-0311",
        msgid="20260310100458.90417@mail.sender.example", client_qid="4fR15R4m2Cz9Ij") +
        "\n"
        "Hello Dana,\n"
        "\n"
        "invoice 2026-0311 for March is in your account page. Please pay it by 31 March\n"
        "to the account printed on the invoice.\n"
        "\n"
        "Regards,\n"
        "Carol\n")
    signed = dkim_sign(msg, t=t, length=True)
    l = int(parse_tag_value(re.sub(rb"\r\n[ \t]", b" ", field_value(signed, "DKIM-Signature")))[b"l"])
    appended = ("\n"
                "UPDATE: our bank details have changed. Please pay invoice 2026-0311 to\n"
                "IBAN XX00 TEST 0000 0000 0000 00 instead.\n")
    tampered = append_body(signed, appended)
    unsigned = len(Relaxed.canonicalize_body(split(tampered)[1])) - l
    out["l-tag"] = (
        delivered(tampered, t=t + 3, qid="4fR15R7n4Dz0Jk"),
        [("dkim", "pass"), ("body", "verified"), ("c", "relaxed/relaxed"), ("l", str(l)),
         ("unsigned-body-bytes", str(unsigned)),
         ("note", "l=%d covers the body as it was signed; %d bytes of text (a changed bank "
          "account) were appended afterwards. The signature verifies, but l= leaves the "
          "appended text unsigned: anyone can add content after the first l= bytes "
          "(RFC 6376 8.2)." % (l, unsigned))])

    # ed25519 / ed25519-tampered (RFC 8463).
    t = utc(2026, 3, 10, 10, 20, 0)
    msg = crlf(sender_headers(
        t=t - 1, frm=CAROL, to=DANA, subject="Lunch on Thursday?",
        msgid="20260310101959.11520@mail.sender.example", client_qid="4fR26S5p6Ez1Kl") +
        "\n"
        "Hi Dana,\n"
        "\n"
        "are you free for lunch on Thursday at 12:30? The usual place.\n"
        "\n"
        "Carol\n")
    signed = dkim_sign(msg, t=t, selector=b"ed2026", key=ED_KEY, algorithm=b"ed25519-sha256")
    out["ed25519"] = (
        delivered(signed, t=t + 2, qid="4fR26S8q8Fz2Lm"),
        [("dkim", "pass"), ("body", "verified"), ("a", "ed25519-sha256"),
         ("key", "ed2026._domainkey.sender.example (k=ed25519)"),
         ("note", "RFC 8463: the Ed25519 signature is over the SHA-256 hash of the canonicalized "
          "header data; p= is the raw 32-byte public key, base64.")])
    tampered = replace_field(signed, "Subject", " Lunch on Friday?")
    out["ed25519-tampered"] = (
        delivered(tampered, t=t + 2, qid="4fR26S8q8Fz2Lm"),
        [("dkim", "fail"), ("body", "verified"), ("header", "failed"), ("a", "ed25519-sha256"),
         ("note", "ed25519.eml with the Subject changed after signing (Thursday -> Friday): the "
          "body hash matches, the header signature does not.")])
    return out


# --- the ARC fixtures -------------------------------------------------------------------------

HOP = {
    "forwarder": dict(domain="forwarder.example", mx="mx.forwarder.example", mx_ip="198.51.100.10",
                      out="out.forwarder.example", out_ip="198.51.100.11",
                      rcpt="team@forwarder.example",
                      mailfrom="SRS0=Hq7c=JD=sender.example=carol@forwarder.example"),
    "list": dict(domain="list.example", mx="mx.list.example", mx_ip="198.51.100.20",
                 out="mail.list.example", out_ip="198.51.100.21", rcpt="team@list.example",
                 mailfrom="team-bounces@list.example"),
    "relay": dict(domain="relay.example", mx="mx.relay.example", mx_ip="192.0.2.30",
                  out="out.relay.example", out_ip="192.0.2.31", rcpt="dana@relay.example",
                  mailfrom=None),
}

T_SENT = utc(2026, 3, 12, 14, 20, 0)
BOARD_BODY = ("Hello team,\n"
              "\n"
              "the figures for the first quarter are final. Revenue is up 4% on last year,\n"
              "costs are flat. The full report is on the shared drive.\n"
              "\n"
              "Regards,\n"
              "Carol\n")
LIST_FOOTER = ("_______________________________________________\n"
               "Team mailing list -- team@list.example\n"
               "To unsubscribe send an email to team-leave@list.example\n")


def sent_by_sender(rcpt, *, subject="Quarterly figures for the board"):
    """The message leaving mail.sender.example, DKIM-signed (s=mt2026)."""
    msg = crlf(sender_headers(
        t=T_SENT - 2, frm=CAROL, to="Board Team <%s>" % rcpt, subject=subject,
        msgid="20260312141958.40722@mail.sender.example", client_qid="4fS3k70r1Gz3Mn") +
        "\n" + BOARD_BODY)
    return dkim_sign(msg, t=T_SENT)


class Route:
    """A message on its way: who sent it last (host, IP, envelope sender) and when."""

    def __init__(self, msg, *, sender_host="mail.sender.example", sender_ip="203.0.113.5",
                 mailfrom="carol@sender.example", t=T_SENT):
        self.msg = msg
        self.host, self.ip, self.mailfrom, self.t = sender_host, sender_ip, mailfrom, t
        self.count = 0

    def receive(self, hop, *, dkim_result="pass", spf="pass", arc=None, qid=None):
        """hop's MX takes the message and writes its Authentication-Results."""
        h = HOP[hop]
        self.count += 1
        self.t += 4
        qid = qid or queue_id("%s %d %d" % (hop, self.count, self.t))
        self.msg = prepend(
            self.msg,
            "Received: from %s (%s [%s])\n"
            "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\n"
            "\tby %s (Postfix) with ESMTPS id %s\n"
            "\tfor <%s>; %s" % (self.host, self.host, self.ip, h["mx"], qid, h["rcpt"],
                                received_date(self.t)))
        spf_domain = self.mailfrom.rsplit("@", 1)[1]
        b_tag = re.search(rb"\bb=([A-Za-z0-9+/]{8})",
                          re.sub(rb"\s", b"", field_value(self.msg, "DKIM-Signature"))).group(1)
        # DMARC passes on an aligned pass: DKIM d=sender.example, or SPF for sender.example.
        aligned = dkim_result == "pass" or (spf == "pass" and spf_domain == SENDER)
        lines = ["%s;" % h["mx"],
                 "spf=%s smtp.mailfrom=%s;" % (spf, spf_domain),
                 "dkim=%s header.d=sender.example header.s=mt2026 header.b=%s;" % (
                     dkim_result, b_tag.decode()),
                 "dmarc=%s header.from=sender.example" % ("pass" if aligned else "fail")]
        if arc:
            lines[-1] += ";"
            lines.append("arc=%s" % arc)
        # RFC 8601 5: an MTA removes Authentication-Results fields arriving with its own
        # authserv-id (only happens in the mail loop of instance-51).
        headers, body = split(self.msg)
        headers = [(n, v) for n, v in headers if not (
            n.lower() == b"authentication-results" and
            v.strip().split(b";")[0].strip() == h["mx"].encode())]
        self.msg = prepend(join(headers, body),
                           "Authentication-Results: " + "\n\t".join(lines))
        return self

    def seal(self, hop, **custom):
        h = HOP[hop]
        if custom:
            self.msg = custom_set(self.msg, domain=h["domain"], srv_id=h["mx"], t=self.t + 1,
                                  **custom)
        else:
            self.msg = arc_seal(self.msg, domain=h["domain"], srv_id=h["mx"], t=self.t + 1)
        return self

    def send(self, hop):
        """hop's outbound server sends it on."""
        h = HOP[hop]
        self.host, self.ip = h["out"], h["out_ip"]
        if h["mailfrom"]:
            self.mailfrom = h["mailfrom"]
        self.t += 2
        return self

    def through(self, hop, **kw):
        """receive, seal, send: a hop that changes nothing."""
        return self.receive(hop, **kw).seal(hop).send(hop)

    def deliver(self):
        self.t += 3
        return delivered(self.msg, t=self.t, qid=queue_id("recipient %d" % self.t),
                         return_path=self.mailfrom,
                         from_host=self.host, from_ip=self.ip)


def list_modifies(p):
    """What list.example's list manager does: [list] in the Subject, a footer, List-* fields."""
    subject = field_value(p.msg, "Subject").decode().strip()
    p.msg = replace_field(p.msg, "Subject", " [list] " + subject)
    headers, body = split(p.msg)
    headers += [(n.encode(), crlf(" " + v + "\n")) for n, v in (
        ("List-Id", "Board team <team.list.example>"),
        ("List-Help", "<mailto:team-request@list.example?subject=help>"),
        ("List-Post", "<mailto:team@list.example>"),
        ("List-Subscribe", "<mailto:team-join@list.example>"),
        ("List-Unsubscribe", "<mailto:team-leave@list.example>"))]
    p.msg = join(headers, body + crlf(LIST_FOOTER))
    return p


AAR_PASS = "spf=pass dkim=pass dmarc=pass"


def arc_fixtures():
    out = {}

    def fail(name, msg, brk, instance, dkim_result, note):
        out[name] = (msg, [("arc", "fail"), ("break", brk), ("broken-instance", str(instance)),
                           ("dkim", dkim_result), ("note", note)])

    # valid-1: forwarder.example (an alias) seals i=1.
    p = Route(sent_by_sender("team@forwarder.example")).through("forwarder")
    out["valid-1"] = (p.deliver(), [
        ("arc", "pass"), ("instances", "1"), ("sealed-by", "forwarder.example"),
        ("oldest-pass", "0"), ("oldest-valid-ams", "1"), ("aar-1", AAR_PASS), ("dkim", "pass"),
        ("note", "One ARC set (cv=none) by forwarder.example, nothing changed on the way. "
         "oldest-pass as RFC 8617 reports it (arc.oldest-pass, IANA registry: the instance of "
         "the oldest validating AMS, or 0 if they all pass) is 0; the oldest AMS that "
         "validates is instance 1 (oldest-valid-ams).")])

    # valid-3: forwarder.example -> list.example -> relay.example, each seals, none changes.
    p = Route(sent_by_sender("team@forwarder.example"))
    p.through("forwarder").through("list", arc="pass").through("relay", arc="pass")
    out["valid-3"] = (p.deliver(), [
        ("arc", "pass"), ("instances", "3"), ("sealed-by", "relay.example"),
        ("oldest-pass", "0"), ("oldest-valid-ams", "1"), ("aar-1", AAR_PASS),
        ("aar-2", AAR_PASS + " arc=pass"), ("aar-3", AAR_PASS + " arc=pass"), ("dkim", "pass"),
        ("note", "Three ARC sets: forwarder.example (i=1, cv=none), list.example (i=2, cv=pass), "
         "relay.example (i=3, cv=pass); every AMS and AS verifies. oldest-pass: see valid-1.")])

    # list-modified: the list changes Subject and body; its ARC set carries the original verdicts.
    p = Route(sent_by_sender("team@list.example")).receive("list")
    list_modifies(p).seal("list").send("list")
    out["list-modified"] = (p.deliver(), [
        ("arc", "pass"), ("instances", "1"), ("sealed-by", "list.example"),
        ("oldest-pass", "0"), ("oldest-valid-ams", "1"), ("aar-1", AAR_PASS), ("dkim", "fail"),
        ("dkim-body", "failed"), ("dkim-header", "failed"),
        ("note", "sender.example's DKIM signature breaks at list.example, which adds \"[list]\" "
         "to the Subject and a footer to the body. The list checked the message before changing "
         "it and recorded spf=pass dkim=pass dmarc=pass in its ARC-Authentication-Results "
         "(i=1), then sealed the changed message: the ARC chain passes, the original DKIM "
         "signature fails (body hash and header signature both).")])

    # forwarder-then-list: the list is the second hop; AMS i=1 no longer verifies.
    p = Route(sent_by_sender("team@forwarder.example")).through("forwarder")
    p.receive("list", arc="pass")
    list_modifies(p).seal("list").send("list")
    out["forwarder-then-list"] = (p.deliver(), [
        ("arc", "pass"), ("instances", "2"), ("sealed-by", "list.example"),
        ("oldest-pass", "2"), ("oldest-valid-ams", "2"), ("aar-1", AAR_PASS),
        ("aar-2", AAR_PASS + " arc=pass"), ("dkim", "fail"),
        ("note", "forwarder.example seals i=1 and forwards to list.example, which checks it "
         "(arc=pass), adds \"[list]\" and a footer, and seals i=2. Both seals verify and the "
         "newest AMS (i=2) verifies, so the chain passes; AMS i=1 no longer verifies (the body "
         "and Subject changed after it), so the oldest AMS that passes is 2.")])

    # no-cv: list.example's seal (i=2) has no cv= tag; its signature verifies.
    p = Route(sent_by_sender("team@forwarder.example")).through("forwarder")
    p.receive("list", arc="pass").seal("list", instance=2, cv=None).send("list")
    fail("no-cv", p.deliver(), "no-cv", 2, "pass",
         "The ARC-Seal i=2 (list.example) has no cv= tag, which RFC 8617 4.1.3 requires (and 5.2 "
         "step 3 checks every seal's cv=). "
         "Made by custom_set (dkimpy always writes cv=); the seal's signature is valid over the "
         "chain as it is, so the missing tag is the only fault.")

    # duplicate-instance: relay.example numbers its set 2 again.
    p = Route(sent_by_sender("team@forwarder.example"))
    p.through("forwarder").through("list", arc="pass")
    p.receive("relay", arc="pass").seal("relay", instance=2, cv="pass").send("relay")
    fail("duplicate-instance", p.deliver(), "duplicate-instance", 2, "pass",
         "Two ARC sets with i=2: list.example's and relay.example's (which should have been "
         "i=3), so two ARC-Seal i=2, two ARC-Message-Signature i=2, two "
         "ARC-Authentication-Results i=2. RFC 8617 5.2 step 3 (and 4.2.1): exactly one field "
         "of each kind per instance, instances 1..N with no repetition, else fail. Made by custom_set (relay.example's set signs "
         "every ARC field present, by instance, older first).")

    # as-h-tag: list.example's seal carries an h= tag.
    p = Route(sent_by_sender("team@forwarder.example")).through("forwarder")
    p.receive("list", arc="pass").seal("list", instance=2, cv="pass", seal_extra=[
        ("h", "arc-authentication-results : arc-message-signature : arc-seal")]).send("list")
    fail("as-h-tag", p.deliver(), "as-h-tag", 2, "pass",
         "The ARC-Seal i=2 (list.example) has an h= tag, which RFC 8617 4.1.3 forbids in an "
         "ARC-Seal: if found, it MUST result in cv=fail. Made by custom_set; the seal's signature "
         "(which covers its own h= tag) is otherwise valid.")

    # instance-gap: sets 1 and 3 only.
    p = Route(sent_by_sender("team@forwarder.example")).through("forwarder")
    p.receive("relay", arc="pass").seal("relay", instance=3, cv="pass").send("relay")
    fail("instance-gap", p.deliver(), "instance-gap", 3, "pass",
         "ARC sets i=1 (forwarder.example) and i=3 (relay.example), no i=2: instances must run "
         "1..N without gaps (RFC 8617 5.2 step 3). Made by custom_set; relay.example's seal "
         "signs sets 1 and 3 and verifies over them.")

    # cv-none-not-first: i=2 says cv=none; relay.example seals i=3 over it.
    p = Route(sent_by_sender("team@forwarder.example")).through("forwarder")
    p.receive("list", arc="pass").seal("list", instance=2, cv="none").send("list")
    p.through("relay", arc="pass")
    fail("cv-none-not-first", p.deliver(), "cv-none-not-first", 2, "pass",
         "The ARC-Seal i=2 (list.example) says cv=none, which only instance 1 may say "
         "(RFC 8617 5.2 step 3: instance > 1 must be cv=pass). relay.example sealed i=3 "
         "(cv=pass) over it; every signature in the chain verifies. Set 2 made by custom_set "
         "(dkimpy will not seal i>1 with cv=none).")

    # cv-pass-first: i=1 says cv=pass.
    p = Route(sent_by_sender("team@forwarder.example"))
    p.receive("forwarder").seal("forwarder", instance=1, cv="pass").send("forwarder")
    p.through("list", arc="pass")
    fail("cv-pass-first", p.deliver(), "cv-pass-first", 1, "pass",
         "The ARC-Seal i=1 (forwarder.example) says cv=pass; instance 1 must say cv=none "
         "(RFC 8617 5.2 step 3). list.example sealed i=2 (cv=pass) over it; every signature "
         "verifies. Set 1 made by custom_set (dkimpy refuses cv other than none at i=1).")

    # newest-cv-fail: the body changed between the forwarder and the list; the list seals cv=fail.
    p = Route(sent_by_sender("team@forwarder.example")).through("forwarder")
    p.receive("relay", arc="pass")
    p.msg = append_body(p.msg, "\n-- \nScanned for viruses by relay.example\n")
    p.send("relay")
    p.receive("list", dkim_result="fail", arc="fail").seal("list").send("list")
    fail("newest-cv-fail", p.deliver(), "newest-cv-fail", 2, "fail",
         "relay.example (no ARC) added a virus-scan line to the body after forwarder.example "
         "sealed i=1, so AMS i=1 and sender.example's DKIM no longer verify. list.example found "
         "the chain failed (arc=fail) and sealed i=2 with cv=fail; the newest seal reporting "
         "cv=fail ends the chain: fail (RFC 8617 5.2 step 2). Sealed by dkimpy; as RFC 8617 "
         "5.1.2 says, a cv=fail seal signs only its own ARC set.")

    # ams-fail: the body changed after the last seal.
    p = Route(sent_by_sender("team@forwarder.example"))
    p.through("forwarder").through("list", arc="pass")
    p.receive("relay", arc="pass")
    p.msg = append_body(p.msg, "\n-- \nScanned for viruses by relay.example\n")
    p.send("relay")
    fail("ams-fail", p.deliver(), "ams-fail", 2, "fail",
         "A valid chain of two (forwarder.example i=1, list.example i=2), then relay.example "
         "(no ARC) added a line to the body: the newest ARC-Message-Signature (i=2) fails its "
         "body hash, so the chain fails (RFC 8617 5.2 step 4). The seals still verify; AMS i=1 "
         "and the DKIM signature fail as well.")

    # as-fail: list.example rewrites forwarder.example's AAR, then seals over it.
    p = Route(sent_by_sender("team@forwarder.example")).through("forwarder", spf="softfail")
    p.msg = edit_field(p.msg, "ARC-Authentication-Results", "spf=softfail", "spf=pass",
                       instance=1)
    p.through("list", arc="pass")
    fail("as-fail", p.deliver(), "as-fail", 1, "pass",
         "forwarder.example sealed i=1 recording spf=softfail; list.example then rewrote that "
         "ARC-Authentication-Results i=1 to spf=pass and sealed i=2 over the edited set. The "
         "newest AMS and the newest seal (i=2) verify, the ARC-Seal i=1 does not (it signed "
         "the original AAR): the chain fails (RFC 8617 5.2 step 8). A validator that checks only "
         "the newest seal misses it.")

    # instance-51: a mail loop between forwarder.example and list.example; the 51st sealer
    # should have stopped at 50.
    p = Route(sent_by_sender("team@forwarder.example"))
    for k in range(1, 51):
        hop = "forwarder" if k % 2 else "list"
        p.through(hop, **({"arc": "pass"} if k > 1 else {}))
    p.receive("forwarder", arc="pass").seal("forwarder", instance=51, cv="pass").send("forwarder")
    fail("instance-51", p.deliver(), "instance-out-of-range", 51, "pass",
         "A mail loop between forwarder.example and list.example: 51 ARC sets, every one "
         "valid, numbered 1..51 without gaps. RFC 8617 4.2.1: i= is 1..50; 5.2 step 1: more "
         "than 50 ARC sets make the chain fail. Sets 1-50 sealed by dkimpy, set 51 by custom_set (dkimpy "
         "refuses to go past 50).")

    # instance-zero: the only set says i=0.
    p = Route(sent_by_sender("team@forwarder.example"))
    p.receive("forwarder").seal("forwarder", instance=0, cv="none").send("forwarder")
    fail("instance-zero", p.deliver(), "instance-out-of-range", 0, "pass",
         "One ARC set numbered i=0 (forwarder.example), signatures valid: i= must be 1..50 "
         "(RFC 8617 4.2.1), the chain fails. Made by custom_set.")

    # missing-aar: list.example's set has no ARC-Authentication-Results.
    p = Route(sent_by_sender("team@forwarder.example")).through("forwarder")
    p.receive("list", arc="pass").seal("list", instance=2, cv="pass", aar=False).send("list")
    fail("missing-aar", p.deliver(), "missing-aar", 2, "pass",
         "list.example's ARC set (i=2) has an ARC-Message-Signature and an ARC-Seal but no "
         "ARC-Authentication-Results: an ARC set is exactly one of each (RFC 8617 4.2.1, 5.2 "
         "step 3), the chain fails. Made by custom_set; its seal signs the fields present.")
    return out


# --- self-tests of the non-dkimpy paths -------------------------------------------------------

def self_test():
    """custom_set and sign_no_from must make exactly what dkimpy's own signer makes, when asked
    for something dkimpy would make."""
    msg = sent_by_sender("team@forwarder.example")
    hdrs = [b"from", b"to", b"subject", b"date"]
    CLOCK.now = T_SENT
    want = dkim.DKIM(msg).sign(b"mt2026", SENDER.encode(), RSA_KEY,
                               canonicalize=(b"relaxed", b"relaxed"), include_headers=hdrs)
    assert sign_no_from(msg, t=T_SENT, headers=hdrs) == want + msg, \
        "sign_no_from differs from DKIM.sign"
    p = Route(msg).receive("forwarder")
    for instance, hop, nxt in ((1, "forwarder", "list"), (2, "list", "relay"), (3, "relay", None)):
        h = HOP[hop]
        a = arc_seal(p.msg, domain=h["domain"], srv_id=h["mx"], t=p.t + 1)
        c = custom_set(p.msg, domain=h["domain"], srv_id=h["mx"], t=p.t + 1, instance=instance,
                       cv="none" if instance == 1 else "pass")
        assert a == c, "custom_set differs from ARC.sign at i=%d" % instance
        if nxt:
            p.msg = a
            p.send(hop).receive(nxt, arc="pass")


# --- main -------------------------------------------------------------------------------------

def zone_records():
    import nacl.signing
    import nacl.encoding
    pk = nacl.signing.SigningKey(ED_KEY, encoder=nacl.encoding.Base64Encoder).verify_key
    ed = pk.encode(encoder=nacl.encoding.Base64Encoder).decode()
    import subprocess
    der = subprocess.run(["openssl", "pkey", "-in", str(KEYS / "arc-fwd2026.pem"), "-pubout",
                          "-outform", "DER"], check=True, capture_output=True).stdout
    rsa = "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode()
    rsa_txt = " ".join('"%s"' % rsa[i:i + 255] for i in range(0, len(rsa), 255))
    lines = [
        "; ed2026._domainkey.sender.example: the public half of tests/keys/ed25519-mt2026.key (a "
        "test key,",
        "; Ed25519, RFC 8463), which signed tests/dkim/ed25519.eml (relaxed/relaxed).",
        'ed2026._domainkey.sender.example. 300 IN TXT "v=DKIM1; k=ed25519; p=%s"' % ed,
        "; arc2026 at forwarder.example, list.example and relay.example: the public half of",
        "; tests/keys/arc-fwd2026.pem (a test key, RSA-2048), which sealed the ARC fixtures in "
        "tests/arc/.",
    ]
    for d in ("forwarder.example", "list.example", "relay.example"):
        lines.append("arc2026._domainkey.%s. 300 IN TXT %s" % (d, rsa_txt))
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="compare with the files, write nothing")
    ap.add_argument("--zone", action="store_true", help="print the zone records only")
    args = ap.parse_args()
    records = zone_records()
    if args.zone:
        print(records, end="")
        return 0
    versions = {p: importlib.metadata.version(p) for p in ("dkimpy", "PyNaCl", "authres")}
    print("# %s" % ", ".join("%s %s" % kv for kv in versions.items()))
    if versions["dkimpy"] != "1.1.8":
        print("# warning: made with dkimpy 1.1.8; other versions may lay fields out differently")
    ZONE_RECORDS.update(zone_txt())
    missing = [l for l in records.splitlines() if l and l[0] != ";" and l not in ZONE.read_text()]
    if missing:
        print("# warning: tests/zones/dkim.zone lacks these records (dkimpy's verdicts below "
              "will say so):\n" + "\n".join(missing))
    self_test()
    fixtures = [(DKIM_DIR, n, m, e) for n, (m, e) in dkim_fixtures().items()]
    fixtures += [(ARC_DIR, n, m, e) for n, (m, e) in arc_fixtures().items()]
    differ = 0
    for folder, name, msg, expect in fixtures:
        if folder == DKIM_DIR:
            verdict = "; ".join(dkimpy_dkim(msg))
        else:
            verdict = dkimpy_arc(msg) + "; dkim: " + "; ".join(dkimpy_dkim(msg))
        expect = expect + [("dkimpy", verdict)]
        text = "".join("%s: %s\n" % (k, v) for k, v in expect).encode()
        eml = lf(msg)
        files = {folder / (name + ".eml"): eml, folder / (name + ".expect"): text}
        for path, data in files.items():
            if args.check:
                if not path.exists() or path.read_bytes() != data:
                    differ += 1
                    print("DIFFERS %s" % path.relative_to(ROOT))
            else:
                folder.mkdir(exist_ok=True)
                path.write_bytes(data)
        exp = {k: v for k, v in expect}
        summary = "arc: %s" % exp["arc"] if "arc" in exp else "dkim: %s" % exp["dkim"]
        if "break" in exp:
            summary += " (%s @%s)" % (exp["break"], exp["broken-instance"])
        print("%-40s expect %-42s dkimpy: %s" % (
            str((folder / name).relative_to(ROOT)) + ".eml", summary, verdict))
    print()
    print("; --- zone records (tests/zones/dkim.zone) ---")
    print(records, end="")
    if args.check:
        print("\n%s" % ("all files as made" if not differ else "%d files differ" % differ))
        return 1 if differ else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
