//! The screening: whether a paste could be a bounce, a complaint or an automatic reply at all,
//! judged from its header fields alone, before the full reading.

/// Whether a message could be a bounce, a delay notice, a complaint or an auto-reply, judged
/// from its header fields alone: the full reading ([`analyze`](super::analyze)) is done only then, so ordinary
/// pastes do not pay for it. A paste with hardly any header fields (a pasted error text, a
/// bounce's body) always could. Generous on purpose: the corpus test checks that every bounce in
/// the Sisimai corpus and every fixture passes.
pub fn may_be_report<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> bool {
    const FROM: &[&str] = &[
        "daemon",
        "postmaster",
        "post_master",
        "mail deliver",
        "delivery",
        "mailer",
        "mail system",
        "mail administrator",
        "microsoftexchange",
        "system administrator",
        "returned",
        "root@",
        "admin",
        "notification",
        "bounce",
        "no-reply",
        "noreply",
        "abuse",
        "feedback",
        "auto",
        "mail server",
        "gateway",
        "smtp",
    ];
    const SUBJECT: &[&str] = &[
        "deliver",
        "return",
        "fail",
        "bounce",
        "notif",
        "warning",
        "delay",
        "undeliv",
        "reject",
        "not be",
        "could not",
        "unable",
        "error",
        "problem",
        "auto",
        "reply",
        "out of office",
        "away",
        "vacation",
        "absence",
        "abwesen",
        "complaint",
        "abuse",
        "report",
        "dsn",
        "ndr",
        "status",
        "mail system",
        "unknown",
        "blocked",
        "spam",
        "message",
        "mail",
    ];
    let mut count = 0usize;
    for (name, value) in fields {
        count += 1;
        let has = |list: &[&str]| {
            let v = value.to_ascii_lowercase();
            list.iter().any(|m| v.contains(m))
        };
        let is = |n: &str| name.eq_ignore_ascii_case(n);
        let hit = if is("from") || is("sender") || is("return-path") {
            value.contains("<>") || has(FROM)
        } else if is("subject") {
            has(SUBJECT)
        } else if is("content-type") {
            has(&["report", "delivery-status"])
        } else if is("auto-submitted") {
            !value.trim().eq_ignore_ascii_case("no")
        } else {
            const MARKS: &[&str] = &[
                "x-failed-recipients",
                "feedback-type",
                "x-ses-outgoing",
                "x-mailer-daemon-error",
                "diagnostic-code",
                "final-recipient",
                "action",
                "status",
            ];
            const PREFIXES: &[&str] = &["x-autore", "x-amazon", "x-postfix-queue"];
            MARKS.iter().any(|m| is(m))
                || PREFIXES.iter().any(|p| {
                    name.len() >= p.len()
                        && name.is_char_boundary(p.len())
                        && name[..p.len()].eq_ignore_ascii_case(p)
                })
        };
        if hit {
            return true;
        }
    }
    count < 3
}
