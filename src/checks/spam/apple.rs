//! iCloud Mail: `X-Apple-MoveToFolder` (the folder Apple's filtering put the message in:
//! `INBOX` or `Junk`) and `X-Apple-Action` (`ACTION/Folder`: `MOVE_TO_FOLDER/INBOX`,
//! `CLXJUNK/Junk`, `JUNK/Junk`). Apple publishes no reference for these fields; their meaning
//! is the one their names and values state and that deliverability references describe
//! ("X-Apple-MoveToFolder tells you the folder Apple selected, and X-Apple-Action tells you the
//! action label Apple attached to that placement", Suped, "What do Apple X-Headers mean in email
//! filtering?", https://www.suped.com/learn/email-deliverability/what-do-apple-x-headers-mean-in-email-filtering).
//! A Junk folder is the spam verdict; INBOX is not.

use super::{Group, SpamVerdict, item, push_item, unscored};

/// The folder a field names: the value of `X-Apple-MoveToFolder`, the part after `/` of
/// `X-Apple-Action`.
fn folder<'a>(kind: &str, value: &'a str) -> &'a str {
    let v = value.trim();
    if kind == "x-apple-action" {
        v.rsplit_once('/').map_or(v, |(_, f)| f).trim()
    } else {
        v
    }
}

/// iCloud's placement verdict.
pub(super) fn verdict(g: &Group<'_>) -> SpamVerdict {
    let mut items = Vec::new();
    let mut is_spam = None;
    for kind in ["x-apple-movetofolder", "x-apple-action"] {
        let Some(f) = g.get(kind) else { continue };
        let place = folder(kind, f.value);
        let spam = if place.eq_ignore_ascii_case("junk") || place.eq_ignore_ascii_case("spam") {
            Some(true)
        } else if place.eq_ignore_ascii_case("inbox") {
            Some(false)
        } else {
            None
        };
        is_spam = is_spam.or(spam);
        let m = if kind == "x-apple-action" {
            "iCloud's filtering action and the folder it leads to (ACTION/Folder)."
        } else {
            "The folder iCloud's filtering put the message in."
        };
        push_item(
            &mut items,
            item(f.name, Some(f.value), None, Some(m.to_string())),
        );
    }
    unscored(
        "iCloud Mail",
        g.main(&["x-apple-movetofolder", "x-apple-action"]),
        is_spam,
        [
            "iCloud Mail's filter moved this message to the Junk folder.",
            "iCloud Mail's filter delivered this message to the Inbox.",
            "iCloud Mail's filter placed this message in a folder it does not name as Inbox or Junk.",
        ],
        items,
    )
}

#[cfg(test)]
mod tests {
    use super::super::tests::one;

    #[test]
    fn icloud_junk_placement_is_spam() {
        let v = one(&[
            ("X-Apple-MoveToFolder", "Junk", 1),
            ("X-Apple-Action", "CLXJUNK/Junk", 2),
        ]);
        assert_eq!((v.filter.as_str(), v.is_spam), ("iCloud Mail", Some(true)));
        assert_eq!(v.items.len(), 2);
    }

    #[test]
    fn icloud_inbox_placement_is_not_spam() {
        let v = one(&[("X-Apple-Action", "MOVE_TO_FOLDER/INBOX", 1)]);
        assert_eq!(v.is_spam, Some(false));
    }
}
