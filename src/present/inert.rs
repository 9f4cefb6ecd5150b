//! Reports made inert before they become text: every string in a copy of the report goes
//! through [`crate::vocab::text::inert`], so that a header field, an encoded word or a DNS answer
//! cannot write escape sequences to a terminal or forge a line in a text export. The text
//! renderers then add the only line breaks.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A copy of `value` with every string made inert. Falls back to the value itself if the copy
/// cannot be read back (the renderers escape their whole output too).
pub fn inert<T: Serialize + DeserializeOwned + Clone>(value: &T) -> T {
    let Ok(mut json) = serde_json::to_value(value) else {
        return value.clone();
    };
    walk(&mut json);
    serde_json::from_value(json).unwrap_or_else(|_| value.clone())
}

fn walk(v: &mut Value) {
    match v {
        Value::String(s) => {
            if let std::borrow::Cow::Owned(clean) = crate::vocab::text::inert(s) {
                *s = clean;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(walk),
        Value::Object(map) => map.values_mut().for_each(walk),
        _ => {}
    }
}

/// Rendered text with control characters other than its own line breaks escaped: the last
/// line of defence for values the renderers compute.
pub fn lines(text: &str) -> String {
    text.split('\n')
        .map(|line| crate::vocab::text::inert(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}
