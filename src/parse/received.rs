//! The Received trace field (RFC 5321 section 4.4, RFC 5322 section 3.6.7) as mail systems
//! really write it.
//!
//! RFC 5321 grammar, loosely followed by everyone:
//! ```text
//! Time-stamp-line = "Received:" FWS Stamp
//! Stamp  = From-domain By-domain Opt-info [CFWS] ";" FWS date-time
//! From-domain = "FROM" FWS Extended-Domain      ; Extended-Domain = Domain /
//! By-domain   = CFWS "BY" FWS Extended-Domain   ;   ( Domain FWS "(" TCP-info ")" ) / ...
//! Opt-info = [Via] [With] [ID] [For] [Additional-Registered-Clauses]
//! ```
//! Parsing is by clauses: a top-level word `from`, `by`, `via`, `with`, `id` or `for` starts a
//! clause, comments in parentheses belong to the clause they follow, and the date follows the
//! last top-level `;` (or, for writers that leave out the `;`, ends the line). The name a client
//! gave in HELO/EHLO is told apart from the name the receiver found by reverse DNS using the
//! conventions of Postfix and Sendmail (`from HELO (RDNS [IP])`), Exim (`from RDNS ([IP]
//! helo=HELO)`), qmail (`from RDNS (HELO name) (IP)`) and Exchange (`from HELO (IP)`).
//!
//! Not supported: writers that put the date before the clauses; clause keywords in languages
//! other than English.

use crate::parse::date::{self, ParsedDate};
use crate::vocab::ip::parse_ip;
use core::net::IpAddr;

/// One Received field, parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Received {
    /// The `from` clause as written (comments included).
    pub from: Option<String>,
    /// The name the client introduced itself with (HELO/EHLO).
    pub helo: Option<String>,
    /// The client's name found by the receiver's reverse DNS lookup.
    pub rdns: Option<String>,
    /// The client's IP address.
    pub ip: Option<IpAddr>,
    /// The `by` clause as written.
    pub by: Option<String>,
    /// The receiving host's name.
    pub by_host: Option<String>,
    /// The `with` clause without comments (protocol, e.g. `ESMTPS`).
    pub with: Option<String>,
    /// TLS version and cipher, when the field names them.
    pub tls: Option<String>,
    /// The `id` clause (queue id).
    pub id: Option<String>,
    /// The envelope recipient of the `for` clause.
    pub for_addr: Option<String>,
    /// The `via` clause.
    pub via: Option<String>,
    /// The date text as written.
    pub date_text: Option<String>,
    /// The date, when it could be read.
    pub date: Option<ParsedDate>,
    /// Whether this is a local note rather than a transfer between hosts (qmail's
    /// "invoked from network" / "invoked by uid" lines).
    pub local_note: bool,
    /// Whether the client logged in (ESMTPA/ESMTPSA, RFC 3848, or an "authenticated sender"
    /// comment): a mail program submitting to its own provider.
    pub authenticated: bool,
    /// Whether the hop was encrypted (an `S` protocol of RFC 3848, or TLS details recorded).
    pub encrypted: bool,
    /// The receiving server's software version, when Exchange writes it in the `id` clause
    /// (`id 15.20.7135.22` is a build number, not a message id).
    pub server_version: Option<String>,
    /// Whether the receiver noted that the client's name "may be forged" (Sendmail).
    pub may_be_forged: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token<'a> {
    Word(std::borrow::Cow<'a, str>),
    Comment(&'a str),
    Semicolon,
}

const MAX_TOKENS: usize = 400;

fn tokenize<'a>(value: &'a str) -> Vec<Token<'a>> {
    let mut tokens = Vec::new();
    let bytes = value.as_bytes();
    let mut i = 0;
    let mut word_start: Option<usize> = None;
    // Words are slices of the input, except that an address literal ("[...]") drops any white
    // space inside it.
    let mut literal: Option<String> = None;
    let flush = |start: &mut Option<usize>,
                 literal: &mut Option<String>,
                 end: usize,
                 tokens: &mut Vec<Token<'a>>| {
        if let Some(text) = literal.take() {
            tokens.push(Token::Word(std::borrow::Cow::Owned(text)));
        } else if let Some(s) = start.take()
            && s < end
        {
            tokens.push(Token::Word(std::borrow::Cow::Borrowed(&value[s..end])));
        }
        *start = None;
    };
    while i < bytes.len() {
        if tokens.len() >= MAX_TOKENS {
            return tokens;
        }
        match bytes[i] {
            b'(' => {
                flush(&mut word_start, &mut literal, i, &mut tokens);
                let mut depth = 0usize;
                let start = i + 1;
                let mut end = bytes.len();
                while i < bytes.len() {
                    match bytes[i] {
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                end = i;
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                tokens.push(Token::Comment(value[start.min(end)..end].trim()));
            }
            b';' => {
                flush(&mut word_start, &mut literal, i, &mut tokens);
                tokens.push(Token::Semicolon);
            }
            b' ' | b'\t' => flush(&mut word_start, &mut literal, i, &mut tokens),
            b'[' => {
                let start = word_start.take().unwrap_or(i);
                let close = value[i..]
                    .find(']')
                    .map(|p| i + p + 1)
                    .unwrap_or(bytes.len());
                let mut text: String = literal.take().unwrap_or_default();
                text.push_str(&value[start..i]);
                text.extend(value[i..close].chars().filter(|c| !c.is_whitespace()));
                literal = Some(text);
                i = close;
                continue;
            }
            _ => {
                if let Some(text) = literal.as_mut() {
                    let next = value[i..].chars().next().map_or(1, char::len_utf8);
                    text.push_str(&value[i..i + next]);
                    i += next;
                    continue;
                }
                if word_start.is_none() {
                    word_start = Some(i);
                }
            }
        }
        i += 1;
    }
    flush(&mut word_start, &mut literal, bytes.len(), &mut tokens);
    tokens
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Key {
    From,
    By,
    Via,
    With,
    Id,
    For,
}

fn keyword(word: &str) -> Option<Key> {
    const KEYS: [(&str, Key); 6] = [
        ("from", Key::From),
        ("by", Key::By),
        ("via", Key::Via),
        ("with", Key::With),
        ("id", Key::Id),
        ("for", Key::For),
    ];
    if word.len() > 4 {
        return None;
    }
    KEYS.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(word))
        .map(|(_, key)| *key)
}

#[derive(Default, Debug)]
struct Clause<'a> {
    words: Vec<&'a str>,
    comments: Vec<&'a str>,
    /// Whether each item, in order, was a comment (`true`) or a word.
    order: Vec<bool>,
    text: String,
}

impl<'a> Clause<'a> {
    fn push_word(&mut self, w: &'a str) {
        if !self.text.is_empty() {
            self.text.push(' ');
        }
        self.text.push_str(w);
        self.words.push(w);
        self.order.push(false);
    }
    fn push_comment(&mut self, c: &'a str) {
        if !self.text.is_empty() {
            self.text.push(' ');
        }
        self.text.push('(');
        self.text.push_str(c);
        self.text.push(')');
        self.comments.push(c);
        self.order.push(true);
    }
}

/// Which writer's conventions apply where writers disagree (see [`read_from_clause`]), told
/// from the marks each one leaves in its line.
#[derive(Default, Debug, Clone, Copy)]
struct Writer {
    /// Exim (`(Exim 4.96)`): `from NAME ([IP])` names the verified reverse-DNS name, which was
    /// also the HELO (Exim writes `helo=` only when it differs).
    exim: bool,
    /// Cisco's email gateway (AsyncOS: `with ESMTP/TLS/...`, `by esaN...`): as Exim.
    ironport: bool,
    /// Exchange and Microsoft 365 (`with Microsoft SMTP Server`, `with mapi`, `outlook.com`):
    /// `from HELO (IP)`, no reverse-DNS name.
    exchange: bool,
    /// A web or API submission (`with HTTP`, `with HTTPS`): no HELO; the name is the client's
    /// reverse-DNS name.
    http: bool,
    /// MDaemon (`(MDaemon PRO ...)`): the from name, an address literal too, is the HELO.
    mdaemon: bool,
    /// Symantec Email Security.cloud's relays (`by server-N.bemta-N.messagelabs.com`): `from
    /// [IP]` is the client's address, not a HELO.
    messagelabs: bool,
    /// chasquid (`by HOST (chasquid)`, internal/smtpsrv/conn.go addReceivedHeader()): `from
    /// [IP] (EHLO)` for a client that did not log in, the EHLO in the comment; `from EHLO`
    /// alone for one that did ("only show the EHLO domain they gave; explicitly hide their
    /// network address"), so a lone literal there is the EHLO, not the address.
    chasquid: bool,
    /// Postini (`by exprodNmxM.postini.com`): `from source ([IP])`, where "source" is a fixed
    /// word, not the client's HELO.
    postini: bool,
    /// CommuniGate Pro (`(CommuniGate Pro SMTP ...)`): `from [IP] (HELO name)`, `from [IP]
    /// (account USER HELO name)` or `from [IP] (account USER [IP] verified)`; the literal is
    /// always the connecting address (the HELO, when shown, is in the comment and may differ
    /// from it, as in real headers "from [10.157.2.224] (HELO [192.168.200.1])"), and the word
    /// after "account" is the login name, not a reverse-DNS name.
    communigate: bool,
    /// Mandrill's API intake (`from [IP] by mandrillapp.com id ID; DATE`, no `with`): the
    /// literal is the address of the program that called the API; there was no SMTP HELO.
    mandrill_api: bool,
    /// Axigen (`by HOST (Axigen)`): `from HELO (IP)`, like Exchange; the name is the HELO (an
    /// address literal stands there too: "from [IPv6:...] (2001:...)"), no reverse-DNS name.
    axigen: bool,
    /// Synchronet (`(Synchronet Mail Server ...)`, src/sbbs3/mailsrvr.cpp: `"Received: from %s
    /// (%s [%s])", host_name, hello_name, host_ip`): the looked-up name first, the HELO name in
    /// the comment, the reverse of Postfix's order.
    synchronet: bool,
}

impl Writer {
    fn of(lower: &str, by_host: Option<&str>, protocol: &str) -> Writer {
        let by = by_host.unwrap_or("").to_ascii_lowercase();
        let first_label = by.split('.').next().unwrap_or("");
        let exchange = lower.contains("microsoft smtp server")
            || protocol == "MAPI"
            || by.ends_with("outlook.com")
            || by.ends_with("office365.com");
        Writer {
            exim: lower.contains("(exim "),
            ironport: protocol.starts_with("ESMTP/")
                || protocol.starts_with("SMTP/")
                || by.contains(".iphmx.")
                || (first_label.len() > 3
                    && first_label.starts_with("esa")
                    && first_label[3..].bytes().all(|b| b.is_ascii_digit())),
            exchange,
            http: !exchange && (protocol == "HTTP" || protocol == "HTTPS"),
            mdaemon: lower.contains("(mdaemon"),
            messagelabs: by.ends_with(".messagelabs.com"),
            chasquid: lower.contains("(chasquid)"),
            postini: by.ends_with(".postini.com"),
            synchronet: lower.contains("(synchronet mail server"),
            communigate: lower.contains("(communigate pro smtp"),
            mandrill_api: by == "mandrillapp.com" && protocol.is_empty(),
            axigen: lower.contains("(axigen)"),
        }
    }
}

/// Whether a host is Amazon SES's SMTP endpoint: email-smtp.amazonaws.com or
/// email-smtp.<region>.amazonaws.com (its FIPS names email-smtp-fips.<region>.amazonaws.com).
fn ses_smtp_endpoint(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host.strip_suffix(".amazonaws.com").is_some_and(|rest| {
        let mut labels = rest.split('.');
        matches!(labels.next(), Some("email-smtp" | "email-smtp-fips")) && labels.count() <= 1
    })
}

/// Parses the value of one Received field (unfolded or not).
pub fn parse(value: &str) -> Received {
    let value = crate::parse::input::breaks_to_spaces(value);
    // Go programs (SendGrid) print times with a monotonic clock reading: "... UTC m=+123.4".
    let value = match value.rfind(" m=+").or_else(|| value.rfind(" m=-")) {
        Some(pos)
            if value[pos + 4..]
                .trim()
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.') =>
        {
            std::borrow::Cow::Owned(value[..pos].to_string())
        }
        _ => value,
    };
    let mut tokens = tokenize(&value);
    let mut out = Received::default();

    let lower = value.to_ascii_lowercase();
    if lower.trim_start().starts_with("(qmail") && lower.contains("invoked") {
        out.local_note = true;
    }

    // The date: after the last top-level ';', or trailing words that read as a date.
    if let Some(pos) = tokens.iter().rposition(|t| *t == Token::Semicolon) {
        let mut date_tokens: Vec<Token> = tokens.drain(pos..).skip(1).collect();
        // Courier writes the date before the id: "with ESMTP; DATE id 0000...". A clause word
        // after the date starts the clauses again.
        if let Some(at) = date_tokens
            .iter()
            .position(|t| matches!(t, Token::Word(w) if keyword(w).is_some()))
            .filter(|&at| at > 0)
        {
            tokens.extend(date_tokens.drain(at..));
        }
        let text = render(&date_tokens);
        if !text.is_empty() {
            out.date = date::parse_with(&text, true);
            out.date_text = Some(text);
        }
        tokens.retain(|t| *t != Token::Semicolon);
    } else {
        let words = tokens.len();
        for start in words.saturating_sub(8)..words {
            let tail = &tokens[start..];
            if tail
                .iter()
                .any(|t| matches!(t, Token::Word(w) if keyword(w).is_some()))
            {
                continue;
            }
            let text = render(tail);
            if let Some(parsed) = date::parse(&text) {
                out.date = Some(parsed);
                out.date_text = Some(text);
                tokens.truncate(start);
                break;
            }
        }
    }

    let mut cipher_word: Option<&str> = None;
    let mut clauses: Vec<(Key, Clause)> = Vec::new();
    // Sendmail without a HELO writes its client as a comment: "(from NAME [IP]) by ...".
    let mut leading: Option<&str> = None;
    let mut previous_word: &str = "";
    for token in &tokens {
        match token {
            // aQmail's TLS note, "de/crypted with TLS-VERSION: CIPHER [used/perm] DN=..."
            // (its received.c): that "with" is no protocol clause.
            Token::Word(w) => match keyword(w).filter(|key| {
                !(*key == Key::With && previous_word.eq_ignore_ascii_case("de/crypted"))
            }) {
                Some(key) => clauses.push((key, Clause::default())),
                None => {
                    if let Some((_, clause)) = clauses.last_mut() {
                        clause.push_word(w);
                    }
                }
            },
            Token::Comment(c) => match clauses.last_mut() {
                Some((_, clause)) => clause.push_comment(c),
                None => {
                    if leading.is_none() {
                        leading = Some(c);
                    }
                }
            },
            Token::Semicolon => {}
        }
        previous_word = match token {
            Token::Word(w) => w,
            _ => "",
        };
    }

    let mut from_clause: Option<&Clause> = None;
    let mut with_words: Vec<&str> = Vec::new();
    for (key, clause) in &clauses {
        let first = clause.words.first().cloned();
        if cipher_word.is_none()
            && *key != Key::With
            && let Some(pos) = clause
                .words
                .iter()
                .position(|w| w.eq_ignore_ascii_case("tls"))
        {
            cipher_word = clause.words.get(pos + 1).copied();
        }
        let join = |existing: &mut Option<String>, text: &str| match existing {
            Some(e) => {
                e.push_str("; ");
                e.push_str(text);
            }
            None => *existing = Some(text.to_string()),
        };
        match key {
            Key::From => {
                join(&mut out.from, &clause.text);
                if from_clause.is_none() {
                    from_clause = Some(clause);
                }
            }
            Key::By => {
                join(&mut out.by, &clause.text);
                if out.by_host.is_none() {
                    out.by_host = first.map(clean_host);
                }
            }
            Key::Via => join(&mut out.via, &clause.words.join(" ")),
            Key::With => {
                // Exim and Haraka write the cipher as a bare "tls CIPHER" after the protocol.
                let mut words: Vec<&str> = Vec::new();
                let mut iter = clause.words.iter();
                while let Some(w) = iter.next() {
                    with_words.push(w);
                    if w.eq_ignore_ascii_case("tls") {
                        if let Some(cipher) = iter.next() {
                            cipher_word = Some(cipher);
                        }
                        continue;
                    }
                    words.push(w);
                }
                join(&mut out.with, &words.join(" "));
            }
            Key::Id => {
                if out.id.is_none() && out.server_version.is_none() {
                    let id = first.map(|w| w.trim_end_matches([',', ';']).to_string());
                    let exchange = out.with.as_deref().is_some_and(|w| {
                        let w = w.to_ascii_lowercase();
                        w.starts_with("microsoft smtp server") || w.starts_with("mapi")
                    });
                    match id {
                        Some(id) if exchange && is_version_number(&id) => {
                            out.server_version = Some(id)
                        }
                        other => out.id = other,
                    }
                }
            }
            Key::For => {
                if out.for_addr.is_none() {
                    out.for_addr = first.map(|w| {
                        w.trim_start_matches('<')
                            .trim_end_matches([',', ';'])
                            .trim_end_matches('>')
                            .to_string()
                    });
                }
            }
        }
        if out.tls.is_none() {
            out.tls = clause.comments.iter().find_map(|c| tls_of(c));
        }
    }
    let protocol = out
        .with
        .as_deref()
        .and_then(|w| w.split([' ', ';']).next())
        .unwrap_or("")
        .to_ascii_uppercase();
    let writer = Writer::of(&lower, out.by_host.as_deref(), &protocol);
    let local = matches!(
        protocol.as_str(),
        "LOCAL" | "LOCAL-ESMTP" | "LOCAL-SMTP" | "LOCAL-BSMTP"
    );
    if let Some(clause) = from_clause {
        read_from_clause(clause, writer, local, &mut out);
    } else if let Some(comment) = leading
        && comment.len() > 5
        && comment.as_bytes()[..5].eq_ignore_ascii_case(b"from ")
    {
        read_client_comment(comment, &mut out);
    }
    // Exim's "(TLS1.3) tls CIPHER": join version and cipher.
    if let Some(cipher) = cipher_word {
        out.tls = Some(match out.tls.take() {
            Some(version) if !version.contains(cipher) => format!("{version} {cipher}"),
            Some(version) => version,
            None => cipher.to_string(),
        });
    }
    out.may_be_forged = lower.contains("may be forged");
    let with_has = |word: &str| with_words.iter().any(|w| w.eq_ignore_ascii_case(word));
    // A web or API submission: a logged-in user's browser or program, unless the "from" is a
    // server of the receiver's own organization (an internal HTTP hand-off) or a private
    // address (a proxy or an internal server).
    // Yahoo's web mail writes the protocol in the via clause ("from 203.0.113.66 by
    // web-mail.yahoo.com via HTTP").
    let via_http = out
        .via
        .as_deref()
        .is_some_and(|v| matches!(v.trim().to_ascii_uppercase().as_str(), "HTTP" | "HTTPS"));
    let http_submission = (writer.http || (via_http && !writer.exchange))
        && !out
            .ip
            .is_some_and(|ip| !crate::vocab::ip::classify(ip).can_be_sender())
        && !out.from.as_deref().is_some_and(|f| {
            let host = f.split([' ', '(']).next().unwrap_or("");
            let org = crate::vocab::domain::org_domain(host);
            org.is_some()
                && org
                    == out
                        .by_host
                        .as_deref()
                        .and_then(crate::vocab::domain::org_domain)
        });
    out.authenticated = matches!(
        protocol.as_str(),
        "ESMTPA" | "ESMTPSA" | "UTF8SMTPA" | "UTF8SMTPSA" | "LMTPA" | "LMTPSA" | "ASMTP" | "ASMTPS"
    ) || http_submission
        // Mimecast: "with ESMTP with both STARTTLS and AUTH".
        || with_has("auth")
        || lower.contains("authenticated sender:")
        || lower.contains("authenticated_id:")
        || lower.contains("(authenticated as ")
        || lower.contains("(authenticated bits=")
        || lower.contains("(authenticated)")
        || lower.contains("authenticated user")
        || lower.contains("(auth: ")
        // Amazon SES's SMTP interface (email-smtp.<region>.amazonaws.com) takes mail only
        // from clients that log in with SMTP credentials (Amazon SES Developer Guide, "Using
        // the Amazon SES SMTP interface to send email"), and writes "with SMTP".
        || out.by_host.as_deref().is_some_and(ses_smtp_endpoint);
    out.encrypted = out.tls.is_some()
        || lower.contains("transport security)")
        || lower.contains(" encrypted)")
        || matches!(
            protocol.as_str(),
            "ESMTPS"
                | "ESMTPSA"
                | "UTF8SMTPS"
                | "UTF8SMTPSA"
                | "LMTPS"
                | "LMTPSA"
                | "SMTPS"
                | "HTTPS"
                | "ASMTPS"
        )
        || protocol.contains("/TLS")
        || with_has("encrypted")
        || with_has("starttls")
        // Exchange 2013: "with Microsoft SMTP Server (TLS)".
        || lower.contains("(tls)")
        || lower.contains(" tls ");
    out
}

fn render(tokens: &[Token]) -> String {
    let parts: Vec<String> = tokens
        .iter()
        .map(|t| match t {
            Token::Word(w) => w.to_string(),
            Token::Comment(c) => format!("({c})"),
            Token::Semicolon => ";".to_string(),
        })
        .collect();
    parts.join(" ").trim().to_string()
}

fn clean_host(host: &str) -> String {
    host.trim_end_matches('.').to_string()
}

fn is_unknown(name: &str) -> bool {
    name.eq_ignore_ascii_case("unknown")
        || name.eq_ignore_ascii_case("<unknown>")
        || name.is_empty()
}

/// An address in one of the spellings writers use for the connecting client: `[IP]`,
/// `[IP]:port`, `[IPv6:...]`, `IPv6:...` (OpenSMTPD), `[a.b.c.d.port]` (Exim 3), `user@IP` and
/// `user@[IP]` (qmail, Sendmail). `bare` also accepts an address with no brackets.
fn client_ip(word: &str, bare: bool) -> Option<IpAddr> {
    let word = word.trim_matches(['"', '(', ')', ',', ';']);
    if let Some((_, tail)) = word.rsplit_once('@') {
        return client_ip(tail, true);
    }
    let prefixed = word.len() > 5 && word.as_bytes()[..5].eq_ignore_ascii_case(b"ipv6:");
    if word.starts_with('[') || prefixed {
        if let Some(ip) = parse_ip(word) {
            return Some(ip);
        }
        // Exim 3 appends the port after a dot: "[192.0.2.61.1043]".
        let inner = word.strip_prefix('[')?.split(']').next()?;
        let (address, port) = inner.rsplit_once('.')?;
        return (address.matches('.').count() == 3
            && !port.is_empty()
            && port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit()))
        .then(|| address.parse::<core::net::Ipv4Addr>().ok().map(IpAddr::V4))
        .flatten();
    }
    if bare && (word.contains('.') || word.contains(':')) {
        return parse_ip(word);
    }
    None
}

/// The reverse-DNS name written before a client address: `NAME [IP]`, with Sendmail's
/// `IDENT:user@NAME` and a `user@` prefix removed; `unknown` means there was none.
fn rdns_before(word: &str) -> Option<String> {
    let word = word.trim_end_matches('.');
    let word = word.rsplit_once('@').map_or(word, |(_, host)| host);
    let lower = word.to_ascii_lowercase();
    (!is_unknown(word)
        && parse_ip(word).is_none()
        && !matches!(lower.as_str(), "helo" | "ehlo" | "lhlo" | "from")
        && !lower.contains('=')
        && !word.starts_with(['[', '(', '"']))
    .then(|| word.to_string())
}

/// Whether a from name is no host name at all: a placeholder under the reserved `.invalid`
/// (GMX's `client.hidden.invalid`).
fn is_placeholder(host: &str) -> bool {
    host.trim_end_matches('.')
        .to_ascii_lowercase()
        .ends_with(".invalid")
}

/// Sendmail's client comment when there was no HELO: "(from NAME [IP])" (its reverse-DNS name
/// and address) or "(from user@localhost)" (a local submission).
fn read_client_comment(comment: &str, out: &mut Received) {
    let words: Vec<&str> = comment.split_whitespace().skip(1).collect();
    out.from = Some(format!("({comment})"));
    for (i, w) in words.iter().enumerate() {
        if let Some(ip) = client_ip(w, false) {
            out.ip = Some(ip);
            if i > 0 {
                out.rdns = rdns_before(words[i - 1]).map(|r| clean_host(&r));
            }
            return;
        }
    }
}

/// The from clause: the client's address, the name it gave in HELO and the name the receiver
/// found by reverse DNS, by the writer's convention.
///
/// - Postfix, Sendmail, OpenSMTPD, Haraka, Courier, Gmail: `from HELO (RDNS [IP])`, `unknown`
///   (or `<unknown>`) for no reverse DNS; Sendmail adds `IDENT:user@` or `user@` to the name.
/// - Exim: `from RDNS ([IP]:port helo=HELO ident=USER)`, `helo=` only when it differs from the
///   name; `from [IP] (helo=...)` without reverse DNS; Exim 3 writes the port after a dot
///   (`[IP.port]`), Exim 1 `from RDNS (HELO) [IP] (ident)`.
/// - qmail and its kin (IronPort, MessageLabs, Yahoo, Zimbra): `from RDNS (HELO name) (IP)`,
///   `(HELO ...)` left out when it equals the name, `unknown` for no reverse DNS; `user@` before
///   the address after SMTP AUTH.
/// - ZMailer: `from RDNS ([IP]:port "EHLO name" rhost-flags...)`.
/// - Exchange, IIS, MDaemon, amavis, GMX, Symantec's gateways, Axigen: `from HELO (IP)` or
///   `from HELO ([IP])`, no reverse-DNS name.
/// - CommuniGate Pro: `from [IP] (account USER HELO name)`: the literal is the address; Mandrill's
///   API intake `from [IP] by mandrillapp.com`: the API caller's address, no HELO.
/// - Webmail and API submissions (`with HTTP`): no HELO; the name is the client's reverse DNS.
/// - `from IP (claiming to be "name")`: the quoted name was the HELO.
/// - Synchronet: `from RDNS (HELO [IP])`; chasquid: `from [IP] (EHLO)`, or `from EHLO` alone
///   after a login; Postini: `from source ([IP])`; DragonFly Mail Agent: `from USER (uid N)`
///   (see [`Writer`]).
fn read_from_clause(clause: &Clause, writer: Writer, local: bool, out: &mut Received) {
    let host = clause
        .words
        .first()
        .copied()
        .unwrap_or("")
        .trim_matches('"');
    let host_literal = host.starts_with('[');
    let host_ip = client_ip(host, true)
        .filter(|_| host_literal || !host.contains(':') || host.contains("::"))
        .filter(|_| !(writer.mdaemon && host_literal))
        .filter(|_| !(writer.chasquid && host_literal && clause.comments.is_empty()));
    // DragonFly Mail Agent's local submission, `from USER (uid N)` (dma's readmail()): the
    // from word is the submitting user, not a HELO.
    let local = local
        || clause.comments.iter().any(|c| {
            c.trim()
                .strip_prefix("uid ")
                .is_some_and(|n| !n.is_empty() && n.trim().bytes().all(|b| b.is_ascii_digit()))
        });

    let mut helo: Option<String> = None;
    let mut rdns: Option<String> = None;
    let mut ip: Option<IpAddr> = None;
    // How the address was written: in a comment that starts with it ("([IP])": Exim's and
    // others' `from NAME ([IP])`), a bare address as the whole comment (qmail's and Exchange's
    // `from NAME (IP)`), or a word after the name (Exim 1's `from NAME [IP]`).
    let mut bracket_first = false;
    let mut bare_comment = false;
    let mut after_name = false;
    // Exim 1: "from NAME (HELO) [IP]": a one-word comment before the address word.
    let mut paren_name: Option<&str> = None;

    let mut comment_index = 0;
    let mut word_index = 1;
    for is_comment in clause.order.iter().skip(1) {
        if !is_comment {
            let w = clause.words.get(word_index).copied().unwrap_or("");
            word_index += 1;
            if ip.is_none()
                && let Some(found) = client_ip(w, false)
            {
                ip = Some(found);
                after_name = true;
            }
            continue;
        }
        let comment = clause.comments.get(comment_index).copied().unwrap_or("");
        comment_index += 1;
        let words: Vec<&str> = comment
            .split(|c: char| c.is_whitespace() || c == ',')
            .map(|w| w.trim_matches('"'))
            .filter(|w| !w.is_empty())
            .collect();
        if words.len() == 1
            && paren_name.is_none()
            && ip.is_none()
            && words[0].contains('.')
            && client_ip(words[0], true).is_none()
        {
            paren_name = Some(words[0]);
        }
        if words
            .first()
            .is_some_and(|w| w.eq_ignore_ascii_case("from"))
        {
            // NAVGW and Sendmail: "(from NAME [IP])".
            if ip.is_none()
                && let Some((at, found)) = words
                    .iter()
                    .enumerate()
                    .find_map(|(at, w)| client_ip(w, false).map(|found| (at, found)))
            {
                ip = Some(found);
                if at > 1 {
                    rdns = rdns.or_else(|| rdns_before(words[at - 1]));
                }
            }
            continue;
        }
        let mut i = 0;
        while i < words.len() {
            let w = words[i];
            let lw = w.to_ascii_lowercase();
            if let Some(rest) = lw.strip_prefix("helo=") {
                helo.get_or_insert_with(|| {
                    w[w.len() - rest.len()..].trim_end_matches(')').to_string()
                });
            } else if (lw == "helo" || lw == "ehlo" || lw == "lhlo") && i + 1 < words.len() {
                helo.get_or_insert_with(|| words[i + 1].to_string());
                i += 1;
            } else if lw == "account" && writer.communigate && i + 1 < words.len() {
                // CommuniGate Pro's "(account USER ...)": the login name, not a host.
                i += 1;
            } else if lw == "claiming"
                && words
                    .get(i + 1)
                    .is_some_and(|w| w.eq_ignore_ascii_case("to"))
                && words
                    .get(i + 2)
                    .is_some_and(|w| w.eq_ignore_ascii_case("be"))
                && let Some(name) = words.get(i + 3)
            {
                helo.get_or_insert_with(|| name.to_string());
                i += 3;
            } else if ip.is_none()
                && let Some(found) = client_ip(w, false)
            {
                ip = Some(found);
                // CommuniGate Pro's "(account USER [IP] verified)": USER is the login.
                let login = i >= 2 && words[i - 2].eq_ignore_ascii_case("account");
                if i == 0 {
                    bracket_first = true;
                } else if !(writer.communigate && login) {
                    rdns = rdns.or_else(|| rdns_before(words[i - 1]));
                }
            } else if ip.is_none()
                && let Some(found) = client_ip(w, true)
            {
                ip = Some(found);
                bare_comment = words.len() == 1;
            }
            i += 1;
        }
    }
    if ip.is_none() {
        ip = host_ip;
    }
    // "from mail pickup service": words and no address anywhere in the clause, not a host.    // "from mail pickup service": words and no address anywhere in the clause, not a host.
    let words_only = ip.is_none()
        && clause.words.len() > 2
        && clause.words[1..]
            .iter()
            .all(|w| client_ip(w, false).is_none());
    let host_is_name = host_ip.is_none()
        && !host_literal
        && !host.is_empty()
        && !is_unknown(host)
        && !is_placeholder(host)
        && !words_only;
    let explicit_helo = helo.is_some();
    if helo.is_none() && !writer.http && !local && !writer.postini {
        if let Some(name) = paren_name.filter(|_| after_name || writer.chasquid) {
            helo = Some(name.to_string());
        } else if host_is_name
            || (host_literal && !writer.messagelabs && !writer.communigate && !writer.mandrill_api)
        {
            helo = Some(host.to_string());
        }
    }
    // The reverse-DNS name, where the writer puts it in the host's place; only for a client
    // that connected from an address.
    if rdns.is_none() && host_is_name && ip.is_some() {
        let conventional = explicit_helo
            || after_name
            || (bracket_first && (writer.exim || writer.ironport || writer.http))
            || (bare_comment && !writer.exchange && !writer.http && !writer.axigen);
        if conventional {
            rdns = Some(clean_host(host));
        }
    }
    if ip.is_none() {
        rdns = None;
    }
    if writer.synchronet && ip.is_some() && !explicit_helo {
        // `from RDNS (HELO [IP])`: what the common order reads as the two names, swapped.
        let comment_name = rdns.take();
        rdns = host_is_name.then(|| clean_host(host));
        helo = comment_name;
    }
    if helo.as_deref().is_some_and(is_unknown) {
        helo = None;
    }
    out.helo = helo.map(|h| h.trim_end_matches('.').to_string());
    out.rdns = rdns.map(|r| clean_host(&r));
    out.ip = ip;
}

/// TLS details from a comment: Exchange `version=TLS1_2, cipher=...`, Postfix `using TLSv1.3
/// with cipher ...`, Exim `(TLS1.3)`, Gmail `version=TLS1_3 cipher=...`.
fn tls_of(comment: &str) -> Option<String> {
    let lower = comment.to_ascii_lowercase();
    if let Some(pos) = lower.find("version=tls") {
        let version: String = comment[pos + 8..]
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != ',')
            .collect();
        let cipher = lower.find("cipher=").map(|p| {
            comment[p + 7..]
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != ',')
                .collect::<String>()
        });
        return Some(match cipher {
            Some(c) => format!("{version} {c}"),
            None => version,
        });
    }
    if let Some(pos) = lower.find("using tls") {
        let rest = &comment[pos + 6..];
        let version: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
        let cipher = rest.to_ascii_lowercase().find("with cipher ").map(|p| {
            rest[p + 12..]
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_string()
        });
        return Some(match cipher {
            Some(c) => format!("{version} {c}"),
            None => version,
        });
    }
    let trimmed = comment.trim();
    if lower.starts_with("tls") && lower[3..].starts_with(['1', 'v']) {
        // "(TLS1.3)", or older Exim "(TLS1.2:ECDHE_RSA_AES_256_GCM_SHA384:256)".
        let mut parts = trimmed.split(':');
        let version = parts.next().unwrap_or(trimmed);
        if version.len() <= 12 && !version.contains(' ') {
            return Some(match parts.next() {
                Some(cipher) if !cipher.is_empty() => format!("{version} {cipher}"),
                _ => version.to_string(),
            });
        }
    }
    // qmail: "(ECDHE-RSA-AES256-GCM-SHA384 encrypted)".
    if let Some(cipher) = trimmed.strip_suffix(" encrypted")
        && !cipher.contains(' ')
        && !cipher.is_empty()
    {
        return Some(cipher.to_string());
    }
    None
}

/// `15.20.7135.22`, `15.01.2507.023`: four dot-separated numbers.
fn is_version_number(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 5 && p.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn postfix() {
        let r = parse(
            "from mail.example.com (mail-out.example.com [192.0.2.25]) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)) (No client certificate requested) by mx.example.net (Postfix) with ESMTPS id 4ABCdef123 for <user@example.net>; Tue, 2 Jan 2024 10:00:00 +0100 (CET)",
        );
        assert_eq!(r.helo.as_deref(), Some("mail.example.com"));
        assert_eq!(r.rdns.as_deref(), Some("mail-out.example.com"));
        assert_eq!(r.ip, ip("192.0.2.25"));
        assert_eq!(r.by_host.as_deref(), Some("mx.example.net"));
        assert_eq!(r.with.as_deref(), Some("ESMTPS"));
        assert_eq!(r.id.as_deref(), Some("4ABCdef123"));
        assert_eq!(r.for_addr.as_deref(), Some("user@example.net"));
        assert_eq!(r.tls.as_deref(), Some("TLSv1.3 TLS_AES_256_GCM_SHA384"));
        assert_eq!(r.date.unwrap().epoch_ms, 1_704_186_000_000);
    }

    #[test]
    fn exim() {
        let r = parse(
            "from host.example.org ([198.51.100.7] helo=client.example.org) by mx.example.net with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384 (Exim 4.96) (envelope-from <a@example.org>) id 1qAbCd-000123-Xy for b@example.net; Tue, 02 Jan 2024 09:00:01 +0000",
        );
        assert_eq!(r.helo.as_deref(), Some("client.example.org"));
        assert_eq!(r.rdns.as_deref(), Some("host.example.org"));
        assert_eq!(r.ip, ip("198.51.100.7"));
        assert_eq!(r.tls.as_deref(), Some("TLS1.3 TLS_AES_256_GCM_SHA384"));
        assert_eq!(r.with.as_deref(), Some("esmtps"));
        assert_eq!(r.for_addr.as_deref(), Some("b@example.net"));
        let literal = parse(
            "from [198.51.100.7] (port=4711 helo=client) by mx.example.net with esmtp id 1x; Tue, 02 Jan 2024 09:00:01 +0000",
        );
        assert_eq!(literal.ip, ip("198.51.100.7"));
        assert_eq!(literal.helo.as_deref(), Some("client"));
        assert_eq!(literal.rdns, None);
    }

    #[test]
    fn qmail_and_exchange() {
        let q = parse(
            "from unknown (HELO mail.example.com) (192.0.2.9) by mx.example.net with SMTP; 2 Jan 2024 09:00:00 -0000",
        );
        assert_eq!(q.helo.as_deref(), Some("mail.example.com"));
        assert_eq!(q.rdns, None);
        assert_eq!(q.ip, ip("192.0.2.9"));
        let note = parse("(qmail 12345 invoked from network); 2 Jan 2024 09:00:00 -0000");
        assert!(note.local_note);
        let x = parse(
            "from BN3NAM04HT205.eop-NAM04.prod.protection.outlook.com (2a01:111:e400:c418::34) by SN1PR16MB0494.namprd16.prod.outlook.com with HTTPS via SN1PR15CA0024.NAMPRD15.PROD.OUTLOOK.COM; Sat, 21 Apr 2018 03:01:33 +0000",
        );
        assert_eq!(x.ip, ip("2a01:111:e400:c418::34"));
        assert_eq!(
            x.via.as_deref(),
            Some("SN1PR15CA0024.NAMPRD15.PROD.OUTLOOK.COM")
        );
        let v = parse(
            "from BN3NAM04FT003.eop-NAM04.prod.protection.outlook.com (10.152.92.53) by BN3NAM04HT205.eop-NAM04.prod.protection.outlook.com (10.152.93.134) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384) id 15.20.696.11; Sat, 21 Apr 2018 03:01:32 +0000",
        );
        assert_eq!(v.with.as_deref(), Some("Microsoft SMTP Server"));
        assert_eq!(v.id, None, "a build number is not a message id");
        assert_eq!(v.server_version.as_deref(), Some("15.20.696.11"));
        assert_eq!(
            v.tls.as_deref(),
            Some("TLS1_2 TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384")
        );
    }

    #[test]
    fn gmail_and_sendgrid() {
        let g = parse(
            "from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41]) by mx.google.com with SMTPS id x5sor1234.2024.01.02 for <u@example.net> (Google Transport Security); Tue, 02 Jan 2024 01:02:03 -0800 (PST)",
        );
        assert_eq!(g.rdns.as_deref(), Some("mail-sor-f41.google.com"));
        assert_eq!(g.ip, ip("209.85.220.41"));
        assert_eq!(g.for_addr.as_deref(), Some("u@example.net"));
        let s = parse(
            "by filter0652p1las1.sendgrid.net with SMTP id filter0652p1las1-5089-5ADBF958-25\n        2018-04-22 02:54:17.028704749 +0000 UTC",
        );
        assert_eq!(s.id.as_deref(), Some("filter0652p1las1-5089-5ADBF958-25"));
        assert_eq!(s.date.unwrap().epoch_ms, 1_524_365_657_028);
        assert_eq!(s.from, None);
    }

    #[test]
    fn audit_cases() {
        // Non-ASCII host names must not break anything.
        let r = parse(
            "from grüße.example (unknown [203.0.113.9]) by mx.example with ESMTP; Tue, 2 Jan 2024 10:00:00 +0000",
        );
        assert_eq!(r.ip, ip("203.0.113.9"));
        // Exim "from NAME ([IP]:port)": NAME is the verified reverse DNS name.
        let e = parse(
            "from mail.example.org ([198.51.100.7]:51234) by mx.example.net with esmtps (TLS1.2:ECDHE_RSA_AES_256_GCM_SHA384:256) (Exim 4.94) id 1x; Tue, 02 Jan 2024 09:00:01 +0000",
        );
        assert_eq!(
            (e.rdns.as_deref(), e.helo.as_deref()),
            (Some("mail.example.org"), Some("mail.example.org"))
        );
        assert_eq!(
            e.tls.as_deref(),
            Some("TLS1.2 ECDHE_RSA_AES_256_GCM_SHA384")
        );
        let local = parse(
            "from ann by host.example.com with local (Exim 4.96) (envelope-from <ann@example.com>) id 1y; Tue, 02 Jan 2024 09:00:01 +0000",
        );
        assert_eq!(local.helo, None);
        let pf = parse(
            "from unknown (unknown [192.0.2.44]) by mx.example.net (Postfix) with ESMTP id A; Tue, 02 Jan 2024 09:00:01 +0000",
        );
        assert_eq!((pf.helo, pf.rdns, pf.ip), (None, None, ip("192.0.2.44")));
        let yahoo = parse(
            "from 10.217.135.75 by atlas-production.v2-mail-prod1-gq1.omega.yahoo.com pod-id atlas--production-gq1 with HTTP; Tue, 02 Jan 2024 09:00:01 +0000",
        );
        assert_eq!((yahoo.helo, yahoo.ip), (None, ip("10.217.135.75")));
        let q = parse(
            "from unknown (HELO relay.example.org) (ann@example.org@198.51.100.77) by mail.example.net with ESMTPS (ECDHE-RSA-AES256-GCM-SHA384 encrypted); 2 Jan 2024 09:00:00 -0000",
        );
        assert_eq!(q.ip, ip("198.51.100.77"));
        assert_eq!(q.tls.as_deref(), Some("ECDHE-RSA-AES256-GCM-SHA384"));
        let z = parse(
            "from zimbra.example.com (LHLO zimbra.example.com) (192.0.2.5) by zimbra.example.com with LMTP; Tue, 2 Jan 2024 10:00:00 +0100 (CET)",
        );
        assert_eq!(z.helo.as_deref(), Some("zimbra.example.com"));
        let h = parse(
            "from mail.example.org (mail.example.org [192.0.2.8]) by mx.example.net (Haraka/3.0.2) with ESMTPS id 6A1B.1 envelope-from <a@example.org> tls TLS_AES_256_GCM_SHA384; Tue, 02 Jan 2024 09:00:01 +0000",
        );
        assert_eq!(h.tls.as_deref(), Some("TLS_AES_256_GCM_SHA384"));
        let sg = parse(
            "by filter0001p1las1.sendgrid.net with SMTP id filter0001p1las1-1-2-3 2024-01-02 09:00:01.12345 +0000 UTC m=+2345678.123",
        );
        assert_eq!(sg.date.unwrap().epoch_ms, 1_704_186_001_123);
        let forged = parse(
            "from helo.example (host.example [192.0.2.9] (may be forged)) by mx.example (8.15.2/8.15.2) with ESMTP id x; Tue, 2 Jan 2024 10:00:00 +0000",
        );
        assert!(forged.may_be_forged);
        let gmail = parse(
            "from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41]) by mx.google.com with SMTPS id x for <u@example.net> (Google Transport Security); Tue, 02 Jan 2024 01:02:03 -0800 (PST)",
        );
        assert!(gmail.encrypted);
    }

    #[test]
    fn writers_of_round_14_read_by_their_sources() {
        // Synchronet: the looked-up name first, the HELO name in the comment.
        let s = parse(
            "from host-7.example.net (pc7.example.org [192.0.2.70]) by bbs.example.com [192.0.2.1] (Synchronet Mail Server 3.20a-Win32) with SMTP for alice; Mon, 01 Jan 2024 10:00:00 -0800",
        );
        assert_eq!(s.ip, ip("192.0.2.70"));
        assert_eq!(s.helo.as_deref(), Some("pc7.example.org"));
        assert_eq!(s.rdns.as_deref(), Some("host-7.example.net"));
        // chasquid: "from [IP] (EHLO)" and, after login, "from EHLO" alone.
        let c = parse(
            "from [192.0.2.71] (out.example.org) by mx.example.com (chasquid) with ESMTP (over SMTP, plain text!, envelope from \"a@example.org\") ; Mon, 01 Jan 2024 10:00:00 +0000",
        );
        assert_eq!(c.ip, ip("192.0.2.71"));
        assert_eq!(c.helo.as_deref(), Some("out.example.org"));
        assert_eq!(c.rdns, None);
        let ca = parse(
            "from [10.1.2.3] by mx.example.com (chasquid) with ESMTPA (over submission, plain text!, envelope from \"a@example.com\") ; Mon, 01 Jan 2024 10:00:00 +0000",
        );
        assert_eq!(ca.ip, None);
        assert_eq!(ca.helo.as_deref(), Some("[10.1.2.3]"));
        assert!(ca.authenticated && !ca.encrypted);
        // DragonFly Mail Agent: a local user, not a HELO.
        let d = parse(
            "from root (uid 0) (envelope-from root@host.example) id 2f by host.example (DragonFly Mail Agent v0.11); Mon, 01 Jan 2024 10:00:00 +0100",
        );
        assert_eq!(d.helo, None);
        // Postini: "source" is a fixed word.
        let p = parse(
            "from source ([192.0.2.72]) by exprod5mx1.postini.com ([192.0.2.2]) with SMTP; Mon, 01 Jan 2007 10:00:00 PST",
        );
        assert_eq!((p.ip, p.helo), (ip("192.0.2.72"), None));
        // TLS and login marks of hMailServer, mox, aQmail, Stalwart and amavisd-milter.
        for (line, auth, tls) in [
            (
                "from PC1 (Unknown [192.0.2.73]) by SRV with ESMTPS (version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256) ; Mon, 1 Jan 2024 10:00:00 +0000",
                false,
                true,
            ),
            (
                "from out.example.org ([192.0.2.74]) by mx.example.com ([192.0.2.3]) via tcp with ESMTPSA id abc (TLS1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) for <b@example.com>; 1 Jan 2024 10:00:00 +0000",
                true,
                true,
            ),
            (
                "from unknown (HELO out.example.org) (192.0.2.75) de/crypted with TLSv1.2: ECDHE-RSA-AES128-GCM-SHA256 [128/128] DN=unknown by mx.example.com with ESMTPS; 1 Jan 2024 10:00:00 -0000",
                false,
                true,
            ),
            (
                "from out.example.org (unknown [192.0.2.76]) (using TLSv1.2 with cipher ECDHE-RSA-AES128-GCM-SHA256) by mx.example.com (Stalwart SMTP) with ESMTPSA id 1F; Mon, 1 Jan 2024 10:00:00 +0000",
                true,
                true,
            ),
            (
                "from out.example.org (host.example.net [192.0.2.77]) (authenticated bits=128) by mx.example.com (amavisd-milter) with ESMTPA (authenticated as bob) id X1; Mon, 1 Jan 2024 10:00:00 +0000 (UTC) (envelope-from <bob@example.com>)",
                true,
                false,
            ),
        ] {
            let r = parse(line);
            assert_eq!((r.authenticated, r.encrypted), (auth, tls), "{line}");
        }
    }

    #[test]
    fn authenticated_and_encrypted_hops() {
        let sub = parse(
            "from [192.168.1.20] (unknown [198.51.100.77]) (Authenticated sender: ann@sender.example) by mail.sender.example (Postfix) with ESMTPSA id q1; Tue, 2 Jan 2024 10:00:00 +0000",
        );
        assert!(sub.authenticated && sub.encrypted);
        let cpanel = parse(
            "from [198.51.100.7] (port=51234 helo=[192.168.0.2]) by host.example.com with esmtpsa (TLS1.3) tls TLS_AES_256_GCM_SHA384 (Exim 4.96) (envelope-from <a@example.com>) id 1r-0001; Tue, 02 Jan 2024 09:00:01 +0000",
        );
        assert!(cpanel.authenticated && cpanel.encrypted);
        let plain = parse(
            "from a.example (a.example [192.0.2.1]) by b.example with SMTP id x; Tue, 02 Jan 2024 09:00:01 +0000",
        );
        assert!(!plain.authenticated && !plain.encrypted);
        // Yahoo's web mail names the protocol in the via clause.
        let yahoo = parse(
            "from 203.0.113.66 by web-mail.yahoo.com via HTTP; Sun, 6 Jun 2027 18:22:05 +0000",
        );
        assert!(yahoo.authenticated);
        // Amazon SES's SMTP interface takes only logged-in clients.
        let ses = parse(
            "from app01.shop.example (app01.shop.example [203.0.113.210]) by email-smtp.amazonaws.com with SMTP (SimpleEmailService-d-Q7N2XK4P1) id Yb2R for a@b.example; Thu, 29 Oct 2026 09:33:39 +0000 (UTC)",
        );
        assert!(ses.authenticated);
        let regional = parse(
            "from app01.shop.example ([203.0.113.210]) by email-smtp.eu-central-1.amazonaws.com with SMTP id Yb2R; Thu, 29 Oct 2026 09:33:39 +0000",
        );
        assert!(regional.authenticated);
        // Its outbound servers hand mail on; a host merely named like it under another domain
        // is not it.
        assert!(!parse("from a.example ([192.0.2.1]) by e226-12.smtp-out.eu-central-1.amazonses.com with SMTP id 1; Thu, 29 Oct 2026 09:33:39 +0000").authenticated);
        assert!(!parse("from a.example ([192.0.2.1]) by email-smtp.amazonaws.com.example with SMTP id 1; Thu, 29 Oct 2026 09:33:39 +0000").authenticated);
    }

    #[test]
    fn malformed_input_is_survived() {
        for text in [
            "",
            ";",
            "from",
            "from (",
            "((((((",
            "by [",
            "from [IPv6:::1",
            "; ; ;",
        ] {
            let _ = parse(text);
        }
        let long = "from x ".repeat(20_000);
        let r = parse(&long);
        assert!(r.from.is_some());
    }

    #[test]
    fn a_helo_of_several_words_is_still_the_helo_when_the_clause_names_an_address() {
        let r = parse(
            "from <img src=x onerror=y> (evil.example [192.0.2.66]) by mx.example.net (Postfix) with ESMTP id 4XYZ; Tue, 2 Jan 2024 10:00:02 +0000",
        );
        assert_eq!(r.helo.as_deref(), Some("<img"));
        assert_eq!(r.rdns.as_deref(), Some("evil.example"));
        let r = parse(
            "from mail pickup service by ex.example.net with Microsoft SMTP Server; Tue, 2 Jan 2024 10:00:02 +0000",
        );
        assert_eq!(r.helo, None);
        assert_eq!(r.ip, None);
    }
}
