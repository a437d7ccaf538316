//! The `content` text of received messages: inline tags (`<@id>`, `<@!id>`, `<qqbot-at-user id="…" />`,
//! `<qqbot-at-everyone />`, `<emoji:id>`, `<faceType=…,faceId="…",…>`) become segments; the text between them is
//! unescaped (`&amp;` `&lt;` `&gt;`) after the tags are found, in the order the platform documents.

use crate::message::{Segment, parse_mention};

/// Splits received content into segments.
pub fn parse_content(content: &str) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut text = String::new();
    let mut rest = content;
    while let Some(pos) = rest.find('<') {
        text.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        match parse_tag(tail) {
            Some((segment, len)) => {
                flush(&mut out, &mut text);
                out.push(segment);
                rest = tail.get(len..).unwrap_or("");
            }
            None => {
                text.push('<');
                rest = &tail[1..];
            }
        }
    }
    text.push_str(rest);
    flush(&mut out, &mut text);
    out
}

fn flush(out: &mut Vec<Segment>, text: &mut String) {
    if !text.is_empty() {
        out.push(Segment::Text(unescape(text)));
        text.clear();
    }
}

/// Reverses the platform's escaping of `&`, `<` and `>` in pushed content.
pub fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
}

fn parse_tag(tail: &str) -> Option<(Segment, usize)> {
    if let Some((id, len)) = parse_mention(tail) {
        return Some((Segment::At(id.into()), len));
    }
    if let Some(after) = tail.strip_prefix("<qqbot-at-everyone") {
        let close = after.find("/>")?;
        if after[..close].trim().is_empty() {
            return Some((Segment::AtAll, "<qqbot-at-everyone".len() + close + 2));
        }
        return None;
    }
    if let Some(after) = tail.strip_prefix("<emoji:") {
        let end = after.find('>')?;
        let id = &after[..end];
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        return Some((Segment::Face(id.to_owned()), "<emoji:".len() + end + 1));
    }
    if let Some(after) = tail.strip_prefix("<faceType=") {
        // `<faceType=1,faceId="277",ext="base64">`: the ext is base64 (no `>`), so the first `>` ends the tag.
        let end = after.find('>')?;
        let body = &after[..end];
        let face_id = body.split(',').find_map(|kv| kv.trim().strip_prefix("faceId=")).map(|v| v.trim_matches('"'));
        let len = "<faceType=".len() + end + 1;
        return Some(match face_id.filter(|id| !id.is_empty()) {
            Some(id) => (Segment::Face(id.to_owned()), len),
            None => {
                let mut data = serde_json::Map::new();
                data.insert("raw".into(), serde_json::Value::String(tail[..len].to_owned()));
                (Segment::Other { kind: "market_face".into(), data }, len)
            }
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_become_segments_and_text_is_unescaped() {
        let segs =
            parse_content("<@!10> hi &lt;b&gt; &amp; <emoji:4><qqbot-at-user id=\"AB\" /> <qqbot-at-everyone />");
        assert_eq!(
            segs,
            vec![
                Segment::At("10".into()),
                Segment::Text(" hi <b> & ".into()),
                Segment::Face("4".into()),
                Segment::At("AB".into()),
                Segment::Text(" ".into()),
                Segment::AtAll,
            ]
        );
    }

    #[test]
    fn escaped_tags_stay_text_and_broken_tags_do_not_panic() {
        assert_eq!(parse_content("&lt;@1&gt;"), vec![Segment::Text("<@1>".into())]);
        for s in ["<", "<@", "<emoji:", "<faceType=", "<qqbot-at-everyone", "a<b>c", "<emoji:1"] {
            let text: String = parse_content(s).iter().map(|s| s.to_string()).collect();
            assert!(!text.is_empty(), "{s}");
        }
        assert_eq!(parse_content("<faceType=1,faceId=\"277\",ext=\"eA==\">"), vec![Segment::Face("277".into())]);
    }
}
