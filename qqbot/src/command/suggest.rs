//! "Did you mean": the closest command word to a mistyped one, by edit distance on characters (not bytes, so a
//! Chinese typo such as `天汽` counts as one edit from `天气`).

/// The edit distance between `a` and `b` in characters, counting a swap of two neighbours as one edit
/// (optimal string alignment), so `hepl` is one edit from `help`.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        d[i * width] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best =
                (d[(i - 1) * width + j] + 1).min(d[i * width + j - 1] + 1).min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

/// How many edits still count as a typo of a word of `len` characters: one for short words, about a third of
/// the word for longer ones.
fn tolerance(len: usize) -> usize {
    (len / 3).max(1)
}

/// The closest of `words` to what the user typed (`typed`, the first word of the message without the leading
/// `/`), if any is close enough. Words are compared without their own leading `/`; a word that matches glued
/// (`天气北京`) is also compared with the same number of leading characters of `typed`.
pub(crate) fn closest<'a>(typed: &str, words: impl IntoIterator<Item = (&'a str, bool)>) -> Option<&'a str> {
    if typed.is_empty() {
        return None;
    }
    let mut best: Option<(usize, &'a str)> = None;
    for (word, glued) in words {
        let bare = word.strip_prefix('/').unwrap_or(word);
        let len = bare.chars().count();
        if len == 0 {
            continue;
        }
        let mut d = distance(typed, bare);
        if glued {
            let head: String = typed.chars().take(len).collect();
            d = d.min(distance(&head, bare));
        }
        if d == 0 || d > tolerance(len) {
            continue;
        }
        if best.is_none_or(|(b, _)| d < b) {
            best = Some((d, word));
        }
    }
    best.map(|(_, w)| w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_and_swaps() {
        assert_eq!(distance("天汽", "天气"), 1);
        assert_eq!(distance("ech", "echo"), 1);
        assert_eq!(distance("hepl", "help"), 1);
        assert_eq!(distance("", "ab"), 2);
    }

    #[test]
    fn picks_the_closest_close_enough_word() {
        let words = [("/echo", false), ("天气", true), ("/help", false)];
        assert_eq!(closest("ech", words), Some("/echo"));
        assert_eq!(closest("天汽", words), Some("天气"));
        assert_eq!(closest("天汽北京", words), Some("天气"));
        assert_eq!(closest("completely", words), None);
        assert_eq!(closest("echo", words), None, "an exact word is no typo");
    }
}
