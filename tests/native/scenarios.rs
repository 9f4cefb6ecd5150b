//! The scenario suite (tests/scenarios/, format in its README): realistic messages and bounces,
//! each with the DNS of its world and what the diagnosis must say. Each is analyzed live against
//! its own zone (or with every lookup failing, for `dns: fail`) at its own `now`, and scored on
//! the outcome, the first cause (as a topic), the party, the sending IP the live checks used and
//! the notices at the top. Figures for the tuning part and the validation part (a fixed quarter,
//! by a hash of the file name); the diagnosis is not tuned against the validation part, so only
//! its figures are printed, not its cases (set MAILTRACE_SHOW_VALIDATION=1 to list them).

use super::support::{ratio, validation_part};
use mailtrace::dns::zone::MemoryResolver;
use mailtrace::dns::{Answer, DnsError, Question, Resolver};
use mailtrace::{Analysis, Options};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The target for each figure, in both parts: outcome >= 95%, first cause >= 90%. Printed with
/// the figures (met in both parts from rounds 108-111 to 304-311; rounds 312-319's first run
/// took the validation part's first cause to 870/970, 89.7%: not met, and not tuned on; rounds
/// 320-327's first run: 884/987; the rules since, tuned on the tuning part only, 889/987,
/// 90.1%: met again; rounds 328-335's first run: 908/1009, 89.99%, one file short: not met;
/// rounds 336-343's first run, on the rules tuned since: 930/1034, 89.9%; the rules since,
/// tuned on the tuning part only, 932/1034, 90.1%: met; rounds 344-351's first run: 949/1052,
/// 90.2%; the rules since, tuned on the tuning part only, 952/1052, 90.4%; rounds 352-359's
/// first run: 976/1081, 90.2% (their own 29 files: 24 right, 83%); the rules since, tuned on
/// the tuning part only, 978/1081, 90.4%; rounds 360-367's first run: 1001/1107, 90.4% (their
/// own 26 files: 23 right, 88%); the rules since, tuned on the tuning part only, unchanged;
/// rounds 368-375's first run: 1021/1130, 90.3% (their own 23 files: 20 right, 87%); the
/// rules since, tuned on the tuning part only: 1020/1130, 90.2% (Exchange Online's "Original
/// Message Headers" heading read as the returned message's marker took one validation file's
/// first cause, unopened, while it gave three their sending IP); rounds 376-383's first run:
/// 1040/1158, 89.8%: not met (their own 28 files: 20 right, 71%; unopened, not tuned on); the
/// rules since, tuned on the tuning part only, unchanged; rounds 384-391's first run:
/// 1055/1179, 89.5% (their own 21 files: 15 right, 71%); the rules since: 1059/1179; rounds
/// 392-399's first run: 1082/1205, 89.8% (their own 26: 23 right, 88%); the rules since,
/// unchanged (one lost and won back); rounds 400-407's first run: 1104/1230, 89.76% (their own
/// 25: 22 right, 88%), three files short of the target: not met; rounds 408-415's first run:
/// 1114/1247, 89.3% (their own 17: 10 right, 59%; unopened, not tuned on); the rules since,
/// tuned on the tuning part only, unchanged; rounds 416-423's first run: 1136/1273, 89.2%
/// (their own 26: 22 right, 85%); the rules since, tuned on the tuning part only, 1138/1273,
/// 89.4%: not met; the rules since (tuning part only): 1139/1273; rounds 424-431's first
/// run: 1165/1303, 89.4% (their own 30: 26 right, 87%); the rules since, tuned on the tuning
/// part only: 1170/1303; rounds 432-439's first run: 1196/1330, 89.9% (their own 27: 26
/// right); the rules since: 1197/1330, 90.0%: met, with no margin).
const OUTCOME_TARGET: f64 = 0.95;
const TOPIC_TARGET: f64 = 0.90;
/// The floors asserted: the figures as last measured (tuning 3984/4066 outcome, 3898/4066
/// first cause; validation 1274/1330, 1197/1330), so that no change makes them worse. Raise
/// them as the diagnosis improves; the targets above are where they must end.
const FLOORS: [(&str, usize, usize); 2] = [("tuning", 3984, 3898), ("validation", 1274, 1197)];
/// The ceilings asserted on first causes of another topic addressed to the other party
/// ([`misdirected`]), as last measured (tuning 9, validation 14): lower them as they fall. The
/// tuning ceiling rose 1 -> 3 with rounds 136-151's files on their first run (forwards told as
/// the sender's authentication, a localized Gmail notice read as a network failure), of which
/// the rules since brought it back from 5 to 3; rounds 152-167 brought it to 7 and the rules
/// since back to 4 (left: a Portuguese Gmail notice whose reply is read from the returned
/// message, a line-numbered Yahoo TSS04 delay notice, a look-alike bank domain whose
/// authentication passes, a forward whose footer broke DKIM at Microsoft); rounds 168-175
/// brought it to 6 on their first run (a backup MX's delay notice for a forged message told
/// as the receiver's delay, a recipient tenant's own block list told as a public blocklist),
/// the rule for Exchange Online's Customer Block list back to 5.
/// The validation ceiling rose 7 -> 9 with round 152's files on their first run, 9 -> 10 with
/// the reading of mail programs' summaries under Polish, Czech, Scandinavian, Finnish and
/// Turkish labels (seen in the printed total only), 10 -> 11 with round 170's files on their
/// first run, 11 -> 12 with round 178's, back to 11 with the backscatter rule for a domain
/// without SPF. Rounds 176-183 took the tuning count to 7 on their
/// first run, the rules for a TLS requirement, a retried 5XX greeting and iCloud's HM08 back
/// to 5; rounds 184-191 to 7 on their first run (a TMDA challenge read as the DMARC refusal
/// its returned copy names; a header joined onto one line whose receiver's results lost their
/// place above the trust boundary), the joined header's fields numbered as lines back to 6.
/// The challenge-response reader took the TMDA file off, the Sieve reject read as a refusal
/// put a forged one on (policy to the receiver, want backscatter): 6, validation 10. Rounds
/// 192-199 took tuning to 8 on their first run (a web.de placement with no recorded results
/// told as content, a Fastmail DBL listing told as content) and validation to 11; Fastmail's
/// SpamAssassin rules read as such brought tuning back to 7. Rounds 200-207 took tuning to 9
/// on their first run (a Mailgun event's "No MX" read as an expired retry, an SMTP login
/// refusal read as an expired retry) and validation to 14 (+1 round 203's, +2 round 202's
/// files, seen in the printed totals only); the rule for a refused login (reply 535) brought
/// tuning back to 8. Rounds 208-215 took tuning to 9 on their first run (Amazon SES's refusal
/// of an unverified sending identity read as an expired retry) and validation to 16 (+1 round
/// 211's, +1 round 215's, seen in the printed totals only); the SES phrase row brought tuning
/// back to 8 and validation to 15. Rounds 216-223 took tuning to 10 on their first run (a
/// Barracuda bulk tag on mail from a server whose reverse DNS looks dynamic told as content; an
/// ISP forwarder's DMARC bounce of a forged message told as the forward's), validation 15;
/// Barracuda's SpamAssassin rules read as such brought them to 9 and 14. Rounds 224-231 took
/// tuning to 12 on their first run (a Barracuda banned-filename alert about a forged message
/// told as content; a Brevo webhook's Mimecast DMARC refusal read as no reason; a SpamAssassin
/// content verdict outranked by today's SPF check), validation 14; the filter's own SPF, DKIM and
/// DMARC rules read as the receiver's record brought tuning to 11; the forged sender's HELO
/// name read for backscatter when the returned copy has no envelope sender, and Mimecast's
/// DMARC refusal read, brought tuning to 9 and validation to 13. Rounds 232-239 took tuning
/// to 14 on their first run (a failure report whose first recipient was relayed told as a
/// delivery report; Exchange Online's notice about a forged message, shown by a mail program,
/// told as the mailbox full; a recipient's own forward told as DMARC's; a brand phishing tagged
/// by SpamAssassin told as content; a Mailman hold of a forged post told as policy), validation
/// 14; failed recipients read first, the hosted receiver's notice checked for backscatter and
/// the forward's address found beside the SPF result brought them to 11 and 13; national
/// postal operators among the brands phishing imitates brought tuning to 10. Rounds 240-247
/// took tuning to 13 on their first run (a sending service's expired retry told as an unknown
/// user; an ISP's forward and an Exchange inbox rule's redirect told as the sender's DMARC and
/// DKIM) and validation to 14 (unopened); X.4.7 read as expired and the forwarder found by the
/// recipient domain's MX hosts brought tuning back to 10. Rounds 248-255 took tuning to 12 on
/// their first run (SPF recorded for the recipient's own Proofpoint gateway told as the
/// sender's DMARC; a Yahoo header whose lines a phone wrapped told as content) and validation
/// to 15 (unopened); the gateway's SPF read as the receiver's brought tuning to 11. An
/// automatic reply now addressed to the receiver (the README's party for it; it had none, so
/// it was never counted) made the misreadings of a forged message's challenge request count:
/// tuning 12, validation 17 (unopened). Rounds 256-263 took tuning to 15 on their first run
/// (Mimecast's outbound "Open relay not allowed" behind an expired retry told as expired; a
/// qmail forward's bounce of a forged message told as content; Mimecast's anti-spoofing
/// refusal told as the receiver's policy, as its rows say), validation unchanged. Rounds
/// 272-279 took tuning to 17 on their first run (a Mimecast anti-spoofing refusal of a contact
/// form told as the receiver's policy, two writers of four calling it the sender's spoofing; a
/// Postfix "Host not found" for a mistyped domain told as an expiry) and validation to 21
/// (unopened); Postfix's NXDOMAIN read as a missing domain brought tuning to 16. Rounds
/// 280-287 took tuning to 18 on their first run (an alumni forwarder's bounce of a forged
/// message told as the forward's; a Mailgun suppression told as the receiver's filter); the
/// forwarder's recorded SPF read for backscatter and the suppression read as the address
/// that bounced before brought tuning to 16 and validation to 20 (unopened). Rounds 288-295
/// took tuning to 20 on their first run (a BoxTrapper challenge about a forged message told as
/// the receiver's automatic reply; a Domino relay refusal in Outlook's error window told as the
/// receiver's policy; a cPanel forwarder's copy refused by DMARC at Microsoft 365 told as the
/// sender's DMARC; hMailServer's "Blocked by SPF." reason unread, told as content) and
/// validation to 20; the challenging server read from the quoted header, Domino's relay text
/// and a sender refused by the customer's own server read as relay-denied brought tuning to 18
/// and validation to 19 (unopened); hMailServer's reasons read as its failed tests brought
/// tuning to 17. Rounds 296-303 took tuning to 18 on their first run (a look-alike supplier
/// domain written with a Cyrillic letter, its punycode form unread, told as rspamd's content
/// verdict; open work) and left validation at 19. Rounds 304-311 took tuning to 19 on their
/// first run (a message an on-premises Exchange forwarded to Gmail after a transport rule's
/// disclaimer broke its DKIM signature, told as the sender's DKIM: the forward rules read only
/// unsigned mail or ARC; open work) and validation to 21 (unopened). Rounds 312-319 took
/// tuning to 23 on their first run (a Thunderbird window's size refusal by the sender's own
/// provider told as the receiver's policy; a Mailgun event whose reply was read from the wrong
/// object; a Yandex spam filing whose only recorded failure was the From domain's DKIM; cPanel
/// and Exchange forwarders whose footer broke the signature, told as the sender's DKIM) and
/// validation to 22 (unopened); the Mailgun reply, the DKIM rule and the forward rules brought
/// tuning to 20. The returned copy's entry checked by live SPF for backscatter (a forward's or
/// backup MX's bounce of a forged message), a forged signature of the From domain no longer
/// counted as its own, brought tuning to 16 and validation to 21 (unopened). Rounds 320-327
/// took tuning to 18 on their first run (a cPanel forwarder to Outlook.com with no DMARC
/// policy, told as the sender's SPF), validation unchanged; the forward read by Microsoft's
/// composite authentication and by the next hop's organization brought tuning to 14; a
/// softfail checked now with nothing recorded and no signature, and a refusal of the sending
/// server ranked before one recipient's full mailbox, to 12; an expiry whose last error names a
/// refused relay read as that refusal, to 11. Rounds 328-335 left tuning at 11 on their first
/// run and took validation to 22 (unopened). Rounds 336-343 took tuning to 13 on their first
/// run (list posts whose poster's signature the list broke, told as the sender's DKIM) and left
/// validation at 22; the list and DKIM-rule fixes brought tuning back to 11. Rounds 344-351
/// took tuning to 12 on their first run (an Outlook error window read from a phone's photo,
/// its reply unreadable, told as the receiver's), validation unchanged; an unreadable refusal
/// shown by the mail program is the sender's, back to 11. Rounds 352-359 took tuning to 15 on
/// their first run (a cPanel forwarder's Gmail DMARC refusal and a list server's Outlook.com
/// refusal of a poster's domain told as the sender's SPF and DMARC; a QQ refusal read as an
/// unknown user; a SpamAssassin content verdict outranked by a listing found only today) and
/// validation to 24 (unopened); the listing no longer outranks a filter's itemized rules
/// without a blocklist rule among them: tuning 14. An internationalized look-alike domain
/// read as the Latin name it shows brought it to 13; rounds 360-367 took it to 15 on their
/// first run (a Microsoft 365 content verdict outranked by a listing found only today; a
/// recipient's IronPort gateway that broke the signature before Exchange Online, told as the
/// sender's DMARC) and left validation at 24 (unopened); Microsoft's recorded "IPV:NLI" (the
/// IP on no reputation list when the message arrived) brought tuning back to 14. Rounds
/// 368-375 took tuning to 20 on their first run (Outlook.com's RefuseQuota submission verdict
/// told as the receiver's policy, twice; an expired retry of an MTA-STS certificate failure
/// told as the sender's TLS; Exim's "Blacklisted file extension" told as a blocklist; a
/// university .forward and a recipient's Proofpoint gateway in front of Google Workspace told as
/// the sender's DMARC) and validation to 26 (unopened); the documented wordings, the X.7.5
/// expiry, Sendmail's X-Actual-Recipient and the recipient's inbound gateway brought tuning back
/// to 14. Rounds 376-383 took tuning to 17 on their first run (a Yahoo TSS04 delay notice
/// copied from a phone, its addressee read as a failed recipient; Mailman's hold and Google
/// Groups' refusal of forged posts told as the lists' policy) and validation to 29 (unopened);
/// the addressee of a notice shown without its header skipped brought tuning to 16. Rounds
/// 384-391 took tuning to 23 on their first run (delay notices whose sender-side reasons, a
/// sender verification callout, a required TLS session, a host's outgoing mail hold, Yahoo's
/// TS03, were told as the receiver's delay; cPanel's limit on failed messages told as the
/// receiver's) and left validation at 29 (unopened); with the rules since and rounds 392-407
/// (whose first runs added some, a relay report blamed on brand impersonation among them, and
/// the rules since removed some), tuning is at 22 and validation at 29. Rounds 408-415 took
/// tuning to 23 on their first run (Cox's temporary CDRBL block told as the receiver's delay;
/// read as a throttle since, back to 22) and validation to 30 (unopened). Rounds 416-423 took
/// tuning to 26 on their first run (a MailChannels outbound refusal of a compromised sender
/// told as the receiver's content verdict, CommuniGate's "mail receiving disabled" unread, a
/// receiver's own access table told as a blocklist) and validation to 31 (unopened); with
/// the rules since (the access table read as the receiver's policy), tuning 24, validation 30.
/// Rounds 424-431 took tuning to 26 on their first run (a Gmail refusal of spam sent in the
/// customer's name through a cPanel forwarder told as the receiver's content verdict; a
/// forwarder's DMARC refusal of a sender whose DKIM key was gone told as the forward's) and
/// validation to 31 (unopened); rounds 432-439 and the rules since: tuning 26, validation 29.
const MISDIRECTED_CEILINGS: [(&str, usize); 2] = [("tuning", 26), ("validation", 29)];

pub struct Scenario {
    pub name: String,
    /// From `tests/scenarios/seen/`: written and run while the diagnosis was changed for it,
    /// so always in the tuning part whatever its name's hash.
    pub seen: bool,
    pub meta: BTreeMap<String, Vec<String>>,
    pub zone: String,
    pub paste: Vec<u8>,
}

impl Scenario {
    pub fn get(&self, key: &str) -> &str {
        self.meta
            .get(key)
            .and_then(|v| v.first())
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// Every scenario file, sorted by name: `tests/scenarios/` and then `tests/scenarios/seen/`
/// (files whose diagnosis was looked at while the defaults were changed; always tuning).
pub fn load() -> Vec<Scenario> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut out = Vec::new();
    for (dir, seen) in [(root.clone(), false), (root.join("seen"), true)] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "scenario"))
            .collect();
        files.sort();
        out.extend(files.iter().map(|p| Scenario { seen, ..parse(p) }));
    }
    out
}

/// Whether a scenario is in the validation part.
pub fn in_validation(s: &Scenario) -> bool {
    !s.seen && validation_part(&s.name)
}

fn parse(path: &PathBuf) -> Scenario {
    let bytes = std::fs::read(path).unwrap();
    let name = path.file_stem().unwrap().to_string_lossy().into_owned();
    // The preamble runs to the first blank line (LF or CRLF); the paste is the rest, byte for
    // byte.
    let mut meta: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut zone = String::new();
    let mut pos = 0;
    let mut paste_start = bytes.len();
    while pos < bytes.len() {
        let end = bytes[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|i| pos + i + 1)
            .unwrap_or(bytes.len());
        let line = String::from_utf8_lossy(&bytes[pos..end]);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.trim().is_empty() {
            paste_start = end;
            break;
        }
        if let Some(comment) = line.strip_prefix(';') {
            if let Some((k, v)) = comment.split_once(':') {
                let key = k.trim();
                if !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
                    meta.entry(key.to_string())
                        .or_default()
                        .push(v.trim().to_string());
                }
            }
        } else {
            zone.push_str(line);
            zone.push('\n');
        }
        pos = end;
    }
    for key in ["outcome", "topic", "party", "sending-ip", "now"] {
        assert!(meta.contains_key(key), "{name}: no `; {key}:` line");
    }
    Scenario {
        name,
        seen: false,
        meta,
        zone,
        paste: bytes[paste_start..].to_vec(),
    }
}

/// RFC 3339 UTC (`2026-11-20T10:15:00Z`) to milliseconds.
fn rfc3339_ms(text: &str) -> i64 {
    let n = |r: std::ops::Range<usize>| text.get(r).and_then(|s| s.parse::<i64>().ok()).unwrap();
    let days = mailtrace::parse::date::days_from_civil(n(0..4), n(5..7) as u32, n(8..10) as u32);
    ((days * 24 + n(11..13)) * 60 + n(14..16)) * 60_000 + n(17..19) * 1000
}

/// A resolver whose every lookup fails, as an unreachable DoH endpoint does.
struct Unreachable;

impl Resolver for Unreachable {
    fn lookup(&self, _: &Question, _: u32) -> Result<Answer, DnsError> {
        Err(DnsError::Network("connection refused".into()))
    }
}

/// Record types a writer may give for the world's DNS that mailtrace never asks for (DANE's
/// TLSA, RFC 6698: the sending server's own check, which no paste lets us repeat). Their lines
/// are left out of the fixed answers, as a resolver's records nobody queries; any other unknown
/// type still fails the zone.
const NEVER_ASKED: [&str; 1] = ["TLSA"];

fn answerable(zone: &str) -> String {
    zone.lines()
        .filter(|l| {
            // The type is the second, third or fourth word (after the name, a TTL, IN).
            !l.split_whitespace()
                .take(4)
                .skip(1)
                .any(|w| NEVER_ASKED.iter().any(|t| w.eq_ignore_ascii_case(t)))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The report of a scenario, as JSON.
pub fn report(s: &Scenario) -> Value {
    let now = rfc3339_ms(s.get("now"));
    let analysis = Analysis::new(&s.paste, now, Options::default());
    let report = if s.get("dns") == "fail" {
        mailtrace::run_with(analysis, &Unreachable)
    } else {
        let zone = MemoryResolver::from_zone(&answerable(&s.zone))
            .unwrap_or_else(|e| panic!("{}: zone: {e}", s.name));
        mailtrace::run_with(analysis, &zone)
    };
    assert!(report.complete, "{}: the analysis did not finish", s.name);
    serde_json::from_str(&report.to_json()).unwrap()
}

/// What the report says, in the scenario's terms.
pub struct Reading {
    pub outcome: String,
    pub topic: String,
    pub party: String,
    pub ip: String,
    pub notices: Vec<String>,
    pub headline: String,
}

pub fn read(report: &Value) -> Reading {
    let d = &report["diagnosis"];
    let first = d["causes"].get(0);
    let topic = first
        .and_then(|c| c["topic"].as_str())
        .unwrap_or("none")
        .to_string();
    let party = match first.and_then(|c| c["party"].as_str()) {
        None => "none",
        Some("unknown") => "none",
        Some(p) => p,
    }
    .to_string();
    Reading {
        outcome: d["outcome"].as_str().unwrap_or("?").to_string(),
        topic,
        party,
        ip: report["sending_ip"]["ip"]
            .as_str()
            .unwrap_or("none")
            .to_string(),
        notices: report["notices"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|n| n["code"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        headline: d["headline"].as_str().unwrap_or("").to_string(),
    }
}

#[derive(Default)]
struct Score {
    n: usize,
    outcome: usize,
    topic: usize,
    party: usize,
    ip: usize,
    notices: usize,
    all: usize,
    /// First causes whose advice would be wrong (see [`wrong_advice`]).
    wrong_advice: usize,
    /// First causes of another topic addressed to the other party (see [`misdirected`]).
    misdirected: usize,
}

/// A first cause that is both of another topic than the file's and addressed to the other
/// side (the sender's where the file says the receiver's, or the reverse): its advice sends
/// someone who cannot act to fix something that is not the cause, as a recipient's own block
/// list read as a public blocklist sends the sender to their provider. A first cause with no
/// party, or a right topic told to the wrong side, is not counted here (the party figure
/// counts those).
pub fn misdirected(r: &Reading, want_topic: &str, want_party: &str) -> bool {
    let definite = |p: &str| matches!(p, "sender" | "receiver");
    r.topic != want_topic && definite(&r.party) && definite(want_party) && r.party != want_party
}

/// Advice that would be wrong whatever the expected answer says, in the two shapes issue 12
/// names: a first cause that is a failure only today's live check found, for a method the
/// receiver recorded as passing when the message arrived (the key was replaced since, not why
/// the message fared as it did); and live sender checks aimed at a client that logged in to
/// submit (the customer's own device or home connection, never the server that delivered).
pub fn wrong_advice(report: &Value) -> Option<&'static str> {
    let first = report["diagnosis"]["causes"].get(0);
    let topic = first.and_then(|c| c["topic"].as_str()).unwrap_or("");
    let live = first.and_then(|c| c["source"].as_str()) == Some("live");
    let recorded_pass = report["recorded_auth"].as_array().is_some_and(|a| {
        a.iter().any(|r| {
            r["trusted"].as_bool() == Some(true)
                && r["parsed"]["results"].as_array().is_some_and(|m| {
                    m.iter().any(|m| {
                        m["method"].as_str() == Some(topic) && m["result"].as_str() == Some("pass")
                    })
                })
        })
    });
    if live && matches!(topic, "spf" | "dkim" | "dmarc") && recorded_pass {
        return Some("a live-only failure the receiver recorded as pass");
    }
    let hop = report["sending_ip"]["hop"].as_u64().filter(|&h| h > 0)?;
    report["hops"]
        .as_array()?
        .iter()
        .any(|h| h["number"].as_u64() == Some(hop) && h["authenticated"].as_bool() == Some(true))
        .then_some("live checks aimed at a logged-in submission client")
}

#[test]
fn scenarios_get_the_diagnosis_an_expert_gives() {
    let scenarios = load();
    assert!(scenarios.len() >= 60, "only {} scenarios", scenarios.len());
    let show_validation =
        std::env::var_os("MAILTRACE_SHOW_VALIDATION").is_some_and(|v| !v.is_empty());
    let mut scores: BTreeMap<&str, Score> = BTreeMap::new();
    let mut lines = Vec::new();
    for s in &scenarios {
        let part = if in_validation(s) {
            "validation"
        } else {
            "tuning"
        };
        let value = report(s);
        let r = read(&value);
        let bad_advice = wrong_advice(&value);
        let off = misdirected(&r, s.get("topic"), s.get("party"));
        let want_notices: Vec<&str> = s
            .meta
            .get("notice")
            .map(|v| v.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let notices_ok = want_notices
            .iter()
            .all(|n| r.notices.iter().any(|m| m == n))
            && ["resolver-blind", "resolver-failed", "paste-damaged"]
                .iter()
                .filter(|n| !want_notices.contains(n))
                .all(|n| !r.notices.iter().any(|m| m == n));
        let checks = [
            ("outcome", r.outcome == s.get("outcome")),
            ("topic", r.topic == s.get("topic")),
            ("party", r.party == s.get("party")),
            ("ip", r.ip == s.get("sending-ip")),
            ("notices", notices_ok),
        ];
        let score = scores.entry(part).or_default();
        score.n += 1;
        score.outcome += checks[0].1 as usize;
        score.topic += checks[1].1 as usize;
        score.party += checks[2].1 as usize;
        score.ip += checks[3].1 as usize;
        score.notices += checks[4].1 as usize;
        score.all += checks.iter().all(|c| c.1) as usize;
        score.wrong_advice += bad_advice.is_some() as usize;
        score.misdirected += off as usize;
        if off && (part == "tuning" || show_validation) {
            lines.push(format!(
                "  {} [{part}]: misdirected: {} to the {} (want {} to the {})",
                s.name,
                r.topic,
                r.party,
                s.get("topic"),
                s.get("party")
            ));
        }
        if let Some(why) = bad_advice
            && (part == "tuning" || show_validation)
        {
            lines.push(format!("  {} [{part}]: wrong advice: {why}", s.name));
        }
        let wrong: Vec<String> = checks
            .iter()
            .filter(|c| !c.1)
            .map(|(what, _)| match *what {
                "outcome" => format!("outcome {} (want {})", r.outcome, s.get("outcome")),
                "topic" => format!("topic {} (want {})", r.topic, s.get("topic")),
                "party" => format!("party {} (want {})", r.party, s.get("party")),
                "ip" => format!("ip {} (want {})", r.ip, s.get("sending-ip")),
                _ => format!("notices {:?} (want {:?})", r.notices, want_notices),
            })
            .collect();
        if !wrong.is_empty() && (part == "tuning" || show_validation) {
            lines.push(format!(
                "  {} [{part}]: {}\n      headline: {}",
                s.name,
                wrong.join("; "),
                r.headline
            ));
        }
    }
    for (part, s) in &scores {
        println!(
            "scenarios, {part} part ({}): outcome {}, first cause {}, party {}, sending IP {}, notices {}, all right {}",
            s.n,
            ratio(s.outcome, s.n),
            ratio(s.topic, s.n),
            ratio(s.party, s.n),
            ratio(s.ip, s.n),
            ratio(s.notices, s.n),
            ratio(s.all, s.n),
        );
        println!(
            "scenarios, {part} part: first causes whose advice would be wrong (a live-only failure the receiver recorded as pass, checks aimed at a logged-in submission client): {}",
            s.wrong_advice
        );
        println!(
            "scenarios, {part} part: first causes of another topic addressed to the other party: {}",
            s.misdirected
        );
    }
    for l in &lines {
        println!("{l}");
    }
    for (part, s) in &scores {
        let f = |x: usize| x as f64 / s.n as f64;
        let met = f(s.outcome) >= OUTCOME_TARGET && f(s.topic) >= TOPIC_TARGET;
        println!(
            "scenarios, {part} part: target outcome >= {:.0}% and first cause >= {:.0}%: {}",
            OUTCOME_TARGET * 100.0,
            TOPIC_TARGET * 100.0,
            if met { "met" } else { "NOT met" }
        );
        // Issue 12's acceptance: none, in either part.
        assert_eq!(
            s.wrong_advice, 0,
            "{part}: first causes whose advice would be wrong"
        );
        let ceiling = MISDIRECTED_CEILINGS
            .iter()
            .find(|(p, _)| p == part)
            .map_or(0, |(_, c)| *c);
        assert!(
            s.misdirected <= ceiling,
            "{part}: {} first causes of another topic addressed to the other party, over the ceiling {ceiling}",
            s.misdirected
        );
        let (_, outcome_floor, topic_floor) = FLOORS
            .iter()
            .find(|(p, _, _)| p == part)
            .copied()
            .unwrap_or(("", s.n, s.n));
        assert!(
            s.outcome >= outcome_floor,
            "{part}: outcome {} fell below the floor {outcome_floor}",
            ratio(s.outcome, s.n)
        );
        assert!(
            s.topic >= topic_floor,
            "{part}: first cause {} fell below the floor {topic_floor}",
            ratio(s.topic, s.n)
        );
    }
}

/// One tuning scenario's diagnosis, sending IP and bounce reading, printed for working on a miss:
/// `SCEN_DUMP=name cargo test --test lib -- native::scenarios::dump --ignored --nocapture`.
/// Validation scenarios are never printed.
#[test]
#[ignore]
fn dump_tuning_scenario() {
    if let Ok(path) = std::env::var("SCEN_FILE") {
        let s = parse(&PathBuf::from(path));
        let r = read(&report(&s));
        println!(
            "{} | {} | {} | {} | {}",
            s.name, r.outcome, r.topic, r.party, r.ip
        );
        println!("   {}", r.headline);
        return;
    }
    let Ok(name) = std::env::var("SCEN_DUMP") else {
        return;
    };
    for s in load() {
        if s.name == name && !in_validation(&s) {
            let r = report(&s);
            println!("{}", serde_json::to_string_pretty(&r["diagnosis"]).unwrap());
            println!("sending_ip: {}", r["sending_ip"]);
            println!(
                "bounce: {}",
                serde_json::to_string_pretty(&r["bounce"]).unwrap_or_default()
            );
        }
    }
}
