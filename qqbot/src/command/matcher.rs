//! The matcher index: finds the commands a text triggers without looking at every command.
//!
//! Prefix words are found with one hash lookup of the first token; glued and multi-word triggers with one lookup
//! per distinct trigger length; anywhere-words with one Aho-Corasick pass; regexes with one `RegexSet` pass. The
//! cost per message therefore stays flat as commands grow into the thousands.

use std::collections::HashMap;
use std::sync::Arc;

use aho_corasick::AhoCorasick;
use regex::RegexSet;

use super::bot_command::{BotCommand, WordMatch};
use super::extract::Captures;

/// One command the text triggers.
#[derive(Debug)]
pub(crate) struct Candidate {
    /// Index into the dispatch-ordered command list.
    pub(crate) cmd: u32,
    /// Byte offset in the treated text where its arguments start.
    pub(crate) args_start: usize,
    pub(crate) captures: Option<Captures>,
}

#[derive(Default)]
pub(crate) struct Matcher {
    first_token: HashMap<Box<str>, Vec<u32>>,
    by_prefix: HashMap<Box<str>, Vec<(u32, WordMatch)>>,
    prefix_lens: Vec<usize>,
    anywhere: Option<(AhoCorasick, Vec<u32>)>,
    regexes: Option<(RegexSet, Vec<(u32, usize)>)>,
}

/// The word as matched against the treated text, which has one leading `/` removed.
fn normalize(word: &str) -> &str {
    let w = word.trim();
    w.strip_prefix('/').unwrap_or(w)
}

impl Matcher {
    /// Builds the index over commands already in dispatch order.
    pub(crate) fn new(commands: &[Arc<BotCommand>]) -> Result<Self, regex::Error> {
        let mut m = Matcher::default();
        let mut anywhere_words = Vec::new();
        let mut anywhere_owner = Vec::new();
        let mut patterns = Vec::new();
        let mut regex_owner = Vec::new();
        for (i, cmd) in commands.iter().enumerate() {
            let i = i as u32;
            for word in &cmd.words {
                let w = normalize(word);
                if w.is_empty() {
                    continue;
                }
                match cmd.matching {
                    WordMatch::Prefix if !w.contains(char::is_whitespace) => {
                        let list = m.first_token.entry(w.into()).or_default();
                        if !list.contains(&i) {
                            list.push(i);
                        }
                    }
                    WordMatch::Prefix | WordMatch::Glued => {
                        m.by_prefix.entry(w.into()).or_default().push((i, cmd.matching));
                        if !m.prefix_lens.contains(&w.len()) {
                            m.prefix_lens.push(w.len());
                        }
                    }
                    WordMatch::Anywhere => {
                        anywhere_words.push(w.to_owned());
                        anywhere_owner.push(i);
                    }
                }
            }
            for (j, r) in cmd.regex.iter().enumerate() {
                patterns.push(r.as_str().to_owned());
                regex_owner.push((i, j));
            }
        }
        m.prefix_lens.sort_unstable();
        if !anywhere_words.is_empty() {
            let ac = AhoCorasick::new(&anywhere_words).map_err(|e| regex::Error::Syntax(e.to_string()))?;
            m.anywhere = Some((ac, anywhere_owner));
        }
        if !patterns.is_empty() {
            m.regexes = Some((RegexSet::new(&patterns)?, regex_owner));
        }
        Ok(m)
    }

    /// The commands `treated` triggers, in dispatch order, each once.
    pub(crate) fn candidates(&self, treated: &str, commands: &[Arc<BotCommand>]) -> Vec<Candidate> {
        let mut out: Vec<Candidate> = Vec::new();
        let push = |out: &mut Vec<Candidate>, cmd: u32, args_start: usize, captures: Option<Captures>| {
            if !out.iter().any(|c| c.cmd == cmd) {
                out.push(Candidate { cmd, args_start, captures });
            }
        };

        let token_end = treated.find(char::is_whitespace).unwrap_or(treated.len());
        if token_end > 0
            && let Some(cmds) = self.first_token.get(&treated[..token_end])
        {
            for &c in cmds {
                push(&mut out, c, token_end, None);
            }
        }

        for &len in &self.prefix_lens {
            if len > treated.len() {
                break;
            }
            if !treated.is_char_boundary(len) {
                continue;
            }
            if let Some(cmds) = self.by_prefix.get(&treated[..len]) {
                let at_boundary = treated[len..].chars().next().is_none_or(char::is_whitespace);
                for &(c, mode) in cmds {
                    if mode == WordMatch::Glued || at_boundary {
                        push(&mut out, c, len, None);
                    }
                }
            }
        }

        if let Some((ac, owners)) = &self.anywhere {
            for mat in ac.find_overlapping_iter(treated) {
                push(&mut out, owners[mat.pattern().as_usize()], mat.end(), None);
            }
        }

        if let Some((set, owners)) = &self.regexes
            && set.is_match(treated)
        {
            for idx in set.matches(treated).iter() {
                let (c, j) = owners[idx];
                if out.iter().any(|cand| cand.cmd == c) {
                    continue;
                }
                let regex = &commands[c as usize].regex[j];
                if let Some(caps) = regex.captures(treated) {
                    let end = caps.get(0).map_or(0, |m| m.end());
                    push(&mut out, c, end, Some(Captures::from_regex(regex, &caps)));
                }
            }
        }

        out.sort_unstable_by_key(|c| c.cmd);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmds(list: Vec<BotCommand>) -> Vec<Arc<BotCommand>> {
        list.into_iter().map(Arc::new).collect()
    }

    fn hits(m: &Matcher, c: &[Arc<BotCommand>], text: &str) -> Vec<(u32, usize)> {
        m.candidates(text, c).into_iter().map(|c| (c.cmd, c.args_start)).collect()
    }

    #[test]
    fn prefix_needs_a_boundary() {
        let c = cmds(vec![BotCommand::new("echo").word("/echo")]);
        let m = Matcher::new(&c).unwrap();
        assert_eq!(hits(&m, &c, "echo hi"), vec![(0, 4)]);
        assert_eq!(hits(&m, &c, "echo\u{3000}hi"), vec![(0, 4)]);
        assert_eq!(hits(&m, &c, "echo"), vec![(0, 4)]);
        assert!(hits(&m, &c, "echoes").is_empty());
        assert!(hits(&m, &c, "say echo").is_empty());
    }

    #[test]
    fn glued_anywhere_multiword_and_regex() {
        let c = cmds(vec![
            BotCommand::new("weather").word("天气").matching(WordMatch::Glued),
            BotCommand::new("hi").word("早上好").matching(WordMatch::Anywhere),
            BotCommand::new("two").word("help me"),
            BotCommand::new("calc").regex(regex::Regex::new(r"(\d+)\+(\d+)").unwrap()),
        ]);
        let m = Matcher::new(&c).unwrap();
        assert_eq!(hits(&m, &c, "天气北京"), vec![(0, "天气".len())]);
        assert_eq!(hits(&m, &c, "大家早上好呀"), vec![(1, "大家早上好".len())]);
        assert_eq!(hits(&m, &c, "help me now"), vec![(2, 7)]);
        assert!(hits(&m, &c, "help menu").is_empty());
        let cands = m.candidates("算 1+2", &c);
        assert_eq!(cands.len(), 1);
        assert_eq!(cands[0].captures.as_ref().unwrap().get(2), Some("2"));
    }
}
