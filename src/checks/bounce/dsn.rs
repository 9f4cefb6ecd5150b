//! Delivery status notifications (RFC 3464): the per-message fields (Reporting-MTA,
//! Arrival-Date) and one account per recipient (Final-Recipient, Original-Recipient, Action,
//! Status, Remote-MTA, Diagnostic-Code, Last-Attempt-Date; section 2.3), also when the fields
//! were pasted as plain text or a writer left out the blank line between recipients.

use super::recipients::Raw;
use super::{MAX_RECIPIENTS, mime, scan};

/// The value after `type;` in a DSN field (`rfc822; a@b` → `a@b`), brackets removed.
pub(super) fn typed_value(v: &str) -> String {
    let v = v.split_once(';').map(|(_, r)| r).unwrap_or(v).trim();
    v.trim_matches(|c| c == '<' || c == '>').trim().to_string()
}

/// Reads the per-message and per-recipient blocks of a delivery-status part.
pub(super) fn read(
    d: &str,
    raws: &mut Vec<Raw>,
    reporting: &mut Option<String>,
    arrival: &mut Option<String>,
) {
    let mut pos = 0;
    let mut blocks = 0;
    while pos < d.len() && blocks < 200 {
        blocks += 1;
        // Skip blank lines, then read one block.
        while pos < d.len() && d.as_bytes().get(pos) == Some(&b'\n') {
            pos += 1;
        }
        let rest = d.get(pos..).unwrap_or("");
        let h = mime::field_block(rest);
        let advance = if h.body == 0 {
            rest.find('\n').map(|i| i + 1).unwrap_or(rest.len())
        } else {
            h.body
        };
        pos += advance.max(1);
        if let Some(v) = h.value("reporting-mta") {
            reporting.get_or_insert(typed_value(&v));
        }
        if let Some(v) = h.value("arrival-date") {
            arrival.get_or_insert(v);
        }
        // Some writers leave out the blank line between recipients: a new group starts at
        // each Final-Recipient after the first (or an Original-Recipient after a complete one).
        let mut groups: Vec<Vec<mime::Field<'_>>> = vec![Vec::new()];
        for f in &h.fields {
            let name = f.name.to_ascii_lowercase();
            let cur = groups.last().map(|g| g.as_slice()).unwrap_or(&[]);
            let has = |n: &str| cur.iter().any(|x| x.name.eq_ignore_ascii_case(n));
            let new = (name == "final-recipient" && has("final-recipient"))
                || (name == "original-recipient"
                    && has("final-recipient")
                    && has("action")
                    && has("status"));
            if new && groups.len() < MAX_RECIPIENTS {
                groups.push(Vec::new());
            }
            if let Some(g) = groups.last_mut() {
                g.push(*f);
            }
        }
        for g in groups {
            let sub = mime::Headers { fields: g, body: 0 };
            if raws.len() >= MAX_RECIPIENTS {
                break;
            }
            dsn_recipient(&sub, raws);
        }
    }
}

fn dsn_recipient(h: &mime::Headers<'_>, raws: &mut Vec<Raw>) {
    {
        // An empty Final-Recipient (or one without an address) falls back to Original-Recipient.
        let final_rcpt = h
            .value("final-recipient")
            .map(|v| typed_value(&v))
            .filter(|v| v.contains('@'));
        let orig_rcpt = h
            .value("original-recipient")
            .map(|v| typed_value(&v))
            .filter(|v| v.contains('@'));
        // Sendmail's X-Actual-Recipient (its DSN after an alias or .forward expansion,
        // sendmail/savemail.c errbody(): the address it actually tried, when it differs from
        // the Final-Recipient it received the message for): that address is the one that
        // failed, and the Final-Recipient the one the sender wrote.
        let actual = h
            .value("x-actual-recipient")
            .map(|v| typed_value(&v))
            .filter(|v| v.contains('@'))
            .and_then(|v| {
                scan::addresses(&v)
                    .first()
                    .and_then(|&(s, e)| v.get(s..e))
                    .map(str::to_string)
            })
            .filter(|a| {
                final_rcpt
                    .as_deref()
                    .is_some_and(|f| !f.contains(a.as_str()))
            });
        let orig_rcpt = if actual.is_some() {
            orig_rcpt.or_else(|| final_rcpt.clone())
        } else {
            orig_rcpt
        };
        let Some(address) = actual
            .clone()
            .or_else(|| final_rcpt.clone())
            .or_else(|| orig_rcpt.clone())
        else {
            return;
        };
        let address = scan::addresses(&address)
            .first()
            .and_then(|&(s, e)| address.get(s..e))
            .map(str::to_string)
            .unwrap_or(address);
        let diag = h.value("diagnostic-code").unwrap_or_default();
        let (dtype, dtext) = match diag.split_once(';') {
            Some((t, r)) if t.len() < 20 && !t.contains(' ') => {
                (t.trim().to_ascii_uppercase(), r.trim().to_string())
            }
            _ => (String::new(), diag.clone()),
        };
        raws.push(Raw {
            address: address.to_ascii_lowercase(),
            original_recipient: orig_rcpt.filter(|o| !o.eq_ignore_ascii_case(&address)),
            action: h
                .value("action")
                .map(|a| a.to_ascii_lowercase())
                .filter(|a| !a.is_empty()),
            status: h.value("status").and_then(|s| scan::status(&s)),
            diagnostic: dtext,
            diagnostic_type: dtype,
            remote_mta: h
                .value("remote-mta")
                .map(|v| typed_value(&v))
                .filter(|v| !v.is_empty()),
            last_attempt: h.value("last-attempt-date"),
            context: String::new(),
            classified: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_final_recipient_falls_back_to_the_original() {
        let (mut raws, mut reporting, mut arrival) = (Vec::new(), None, None);
        read(
            "Reporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822;\nOriginal-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 5.1.1\n",
            &mut raws,
            &mut reporting,
            &mut arrival,
        );
        assert_eq!(raws.len(), 1);
        assert_eq!(raws[0].address, "a@b.example");
    }
}
